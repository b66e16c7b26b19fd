import type { HistoryEvent } from '../../lambda/decider/index.js';
import { type Decision, decide, parseActivityId } from '../../lambda/decider/index.js';
import type { Catalog } from '../../lambda/workflow/module.js';
import { HistoryBuilder } from './history-builder.js';

export type Outcome =
  | { type: 'complete'; result?: unknown }
  | { type: 'fail'; reason?: string; details?: string }
  | { type: 'timeout'; timeoutType?: string };

export interface DecisionRecord {
  /** The history the decider saw. */
  events: HistoryEvent[];
  decisions: Decision[];
}

export interface SimulationOptions {
  /** What the worker does with each activity attempt it picks up. */
  outcome: (activityId: string) => Outcome;
  /**
   * Picks which ready thing happens next (index into the ready list), so tests can interleave
   * completions, timers and cancel requests into batched decision tasks. Defaults to the first.
   */
  choose?: (readyCount: number) => number;
  /** Requests cancellation of the workflow after this many decision tasks. */
  cancelAfterDecisionTasks?: number;
  /** Signals sent to the run, each once this many decision tasks have completed. */
  signals?: { afterDecisionTasks: number; name: string; input?: unknown }[];
  /**
   * Whether SWF refuses a ScheduleActivityTask or StartTimer decision (the nth of them in the run): the cause,
   * recorded as ScheduleActivityTaskFailed or StartTimerFailed in place of the decision, as SWF does.
   */
  refuse?: (decision: Decision, index: number) => string | undefined;
  /** Whether timers fire (default true); false leaves them pending, as a long wait would. */
  timersFire?: boolean;
  maxRounds?: number;
}

export interface SimulationResult {
  history: HistoryBuilder;
  decisionTasks: DecisionRecord[];
  closeEvent: HistoryEvent | undefined;
}

/** Runs a workflow to its end with the real decider and an in-memory SWF that follows the service's rules. */
export function simulateWorkflow(
  catalog: Catalog,
  workflow: { name: string; version: string },
  input: unknown,
  options: SimulationOptions,
): SimulationResult {
  const history = new HistoryBuilder().started(workflow, input);
  const decisionTasks: DecisionRecord[] = [];
  const choose = options.choose ?? (() => 0);
  let canceled = false;
  let refusable = 0;
  const sent = new Set<object>();
  for (let round = 0; round < (options.maxRounds ?? 2_000) && !history.isClosed(); round++) {
    const ready: (() => void)[] = [];
    if (history.hasPendingDecisionTask) {
      ready.push(() => {
        history.decisionTaskStarted();
        const events = structuredClone(history.events);
        const { decisions } = decide(events, catalog);
        decisionTasks.push({ events, decisions });
        const refusals: [Decision, string][] = [];
        const accepted = decisions.filter((decision) => {
          if (decision.decisionType !== 'ScheduleActivityTask' && decision.decisionType !== 'StartTimer')
            return true;
          const cause = options.refuse?.(decision, refusable++);
          if (cause) refusals.push([decision, cause]);
          return !cause;
        });
        history.completeDecisionTask(accepted);
        for (const [decision, cause] of refusals) {
          if (history.isClosed()) break;
          if (decision.decisionType === 'ScheduleActivityTask') {
            const { activityId, activityType } = decision.scheduleActivityTaskDecisionAttributes;
            history.raw('ScheduleActivityTaskFailed', { activityId, activityType, cause }, true);
          } else if (decision.decisionType === 'StartTimer') {
            const { timerId } = decision.startTimerDecisionAttributes;
            history.raw('StartTimerFailed', { timerId, cause }, true);
          }
        }
      });
    }
    for (const activityId of history.openActivities()) {
      ready.push(() => {
        history.activityStarted(activityId);
        const outcome = options.outcome(activityId);
        if (outcome.type === 'complete')
          history.activityCompleted(activityId, outcome.result ?? { activityId });
        else if (outcome.type === 'fail') history.activityFailed(activityId, outcome.reason, outcome.details);
        else history.activityTimedOut(activityId, outcome.timeoutType);
      });
    }
    for (const signal of options.signals ?? []) {
      if (sent.has(signal) || decisionTasks.length < signal.afterDecisionTasks) continue;
      ready.push(() => {
        sent.add(signal);
        history.raw(
          'WorkflowExecutionSignaled',
          {
            signalName: signal.name,
            ...(signal.input === undefined
              ? {}
              : { input: typeof signal.input === 'string' ? signal.input : JSON.stringify(signal.input) }),
          },
          true,
        );
      });
    }
    // Timers fire after anything else that is ready: a signal or a completion comes before a long timeout.
    if (options.timersFire !== false)
      for (const timerId of history.openTimers()) ready.push(() => history.timerFired(timerId));
    if (
      !canceled &&
      options.cancelAfterDecisionTasks !== undefined &&
      decisionTasks.length >= options.cancelAfterDecisionTasks
    ) {
      ready.push(() => {
        canceled = true;
        history.cancelRequested();
      });
    }
    if (ready.length === 0) break;
    const pick = Math.min(ready.length - 1, Math.max(0, choose(ready.length)));
    (ready[pick] as () => void)();
  }
  const closeEvent = history.events.find((e) =>
    /^WorkflowExecution(Completed|Failed|Canceled|Terminated|TimedOut)$/.test(e.eventType ?? ''),
  );
  return { history, decisionTasks, closeEvent };
}

/** The step (or `Step.compensate`) an activity id belongs to. */
export function activityName(activityId: string): string {
  const key = parseActivityId(activityId);
  if (!key) throw new Error(`not one of our activity ids: ${activityId}`);
  return key.kind === 'compensation' ? `${key.step}.compensate` : key.step;
}
