import type { FlowNode, Step } from '../workflow/types.js';
import type { AttemptError, Progress } from './attempt-progress.js';
import type { HistoryFacts, TimerStatus } from './history.js';
import type { SignalMatch } from './signals.js';
import type { Decision } from './swf-types.js';

/** Where the decider's walk over the flow stopped, and the decisions that stop or judge that node. */
type SignalNode = Extract<FlowNode, { kind: 'signal' }>;
type SleepNode = Extract<FlowNode, { kind: 'sleep' }>;
type ActivityNode = Extract<FlowNode, { kind: 'step' | 'parallel' }>;
export type Current =
  | { kind: 'activities'; node: ActivityNode; branches: { step: Step; progress: Progress }[] }
  | { kind: 'sleep'; node: SleepNode; timer: TimerStatus | undefined; refused?: AttemptError }
  | {
      kind: 'signal';
      node: SignalNode;
      timer: TimerStatus | undefined;
      match: SignalMatch | undefined;
      refused?: AttemptError;
    };

/** Failures of attempts the decider could not schedule: the run fails with this reason, not as StepFailed. */
const UNSCHEDULED = new Set([
  'PayloadTooLarge',
  'PayloadInvalid',
  'ScheduleActivityTaskFailed',
  'StartTimerFailed',
]);

export const isWait = (node: FlowNode): node is SignalNode => node.kind === 'signal';

/** The activity steps of a node: one for a step, the branches of a parallel group, none for a wait or a sleep. */
export function nodeSteps(node: FlowNode): Step[] {
  return node.kind === 'step' ? [node.step] : node.kind === 'parallel' ? node.steps : [];
}

export const ordered = (completions: { step: Step; eventId: number }[]) =>
  [...completions].sort((a, b) => a.eventId - b.eventId).map((c) => c.step);

export const cancelTimer = (timerId: string): Decision => ({
  decisionType: 'CancelTimer',
  cancelTimerDecisionAttributes: { timerId },
});

/** The failure the current node ends the run with, if it does. */
/** The node that failed the run, how many attempts it took and its last error. */
export interface NodeFailure {
  failedStep: string;
  attempts: number;
  lastError: AttemptError;
}

export function failureAt(current: Current): { failure: NodeFailure; reason?: string } | undefined {
  if (current.kind === 'activities') {
    const exhausted = current.branches.find((b) => b.progress.kind === 'exhausted');
    if (exhausted?.progress.kind !== 'exhausted') return undefined;
    const reason = exhausted.progress.lastError.reason;
    return {
      ...(UNSCHEDULED.has(reason) ? { reason } : {}),
      failure: {
        failedStep: exhausted.step.name,
        attempts: exhausted.progress.attempts,
        lastError: exhausted.progress.lastError,
      },
    };
  }
  // A wait or a sleep whose timer SWF refused cannot go on, whatever arrives later (a wait reached with its
  // answer already there never starts a timer, so a refused one means there was none then).
  if (current.refused)
    return {
      reason: current.refused.reason,
      failure: { failedStep: current.node.name, attempts: 0, lastError: current.refused },
    };
  if (current.kind !== 'signal') return undefined;
  if (current.match?.choice.fails) {
    return {
      reason: current.match.choice.fails,
      failure: {
        failedStep: current.node.name,
        attempts: 0,
        lastError: { reason: current.match.name, details: JSON.stringify(current.match.payload) },
      },
    };
  }
  if (!current.match && current.timer === 'fired' && current.node.onTimeout !== 'continue') {
    return {
      reason: current.node.onTimeout.fails,
      failure: {
        failedStep: current.node.name,
        attempts: 0,
        lastError: {
          reason: 'Timeout:SIGNAL',
          details: `no ${Object.keys(current.node.signals).join(' or ')} within ${current.node.timeoutSeconds}s`,
        },
      },
    };
  }
  return undefined;
}

/**
 * Stops the activities of the current node: a cancel request for each running attempt (once), and the cancel
 * of each retry timer still pending. `running` says whether any attempt is still open.
 */
export function stopActivities(
  current: Extract<Current, { kind: 'activities' }>,
  facts: HistoryFacts,
): { running: boolean; decisions: Decision[] } {
  const decisions: Decision[] = [];
  let running = false;
  for (const { progress } of current.branches) {
    if (progress.kind === 'running') {
      running = true;
      if (!progress.attempt.cancelRequested)
        decisions.push({
          decisionType: 'RequestCancelActivityTask',
          requestCancelActivityTaskDecisionAttributes: { activityId: progress.attempt.activityId },
        });
    }
    if (progress.kind === 'waitingRetry' && facts.timers.get(progress.timerId) === 'started')
      decisions.push(cancelTimer(progress.timerId));
  }
  return { running, decisions };
}
