import type { Core } from './core.js';
import { deadlinesOf } from './deadlines.js';
import { closeExecution } from './executions.js';
import { type ExecutionRecord, timerOf } from './records.js';

/**
 * Fires an execution's due deadlines in time order: the workflow's start-to-close, the decision task's
 * start-to-close, the four activity timeouts and timers. Each records the event SWF records.
 */
export function processDeadlines(core: Core, execution: ExecutionRecord): void {
  const now = core.clock.now();
  for (let guard = 0; guard < 10_000 && execution.status === 'OPEN'; guard++) {
    const due = deadlinesOf(execution)
      .filter((d) => d.at <= now)
      .sort((a, b) => a.at - b.at)[0];
    if (!due) return;
    const what = due.what;
    switch (what.kind) {
      case 'workflow':
        core.addEvent(execution, 'WorkflowExecutionTimedOut', {
          timeoutType: 'START_TO_CLOSE',
          childPolicy: execution.childPolicy,
        });
        closeExecution(core, execution, 'TIMED_OUT', { timeoutType: 'START_TO_CLOSE' });
        return;
      case 'decision': {
        const decision = execution.decision;
        core.addEvent(execution, 'DecisionTaskTimedOut', {
          timeoutType: 'START_TO_CLOSE',
          scheduledEventId: decision.scheduledEventId,
          startedEventId: decision.startedEventId,
        });
        execution.decision = { ...decision, state: 'none', needsAnother: false };
        core.scheduleDecision(execution);
        break;
      }
      case 'activity': {
        const { activity, timeoutType } = what;
        core.dropActivity(execution, activity);
        core.addEvent(execution, 'ActivityTaskTimedOut', {
          timeoutType,
          scheduledEventId: activity.scheduledEventId,
          startedEventId: activity.startedEventId ?? 0,
          details: activity.heartbeatDetails,
        });
        core.scheduleDecision(execution);
        break;
      }
      case 'timer': {
        const timer = timerOf(execution, what.timerId);
        if (!timer) break;
        core.runs.deleteTimer(execution, what.timerId);
        core.addEvent(execution, 'TimerFired', {
          timerId: timer.timerId,
          startedEventId: timer.startedEventId,
        });
        core.scheduleDecision(execution);
        break;
      }
    }
  }
}
