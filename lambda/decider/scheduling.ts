import type { Json, JsonObject, Step } from '../workflow/types.js';
import type { AttemptError, Progress } from './attempt-progress.js';
import type { DecisionContext } from './decision-state.js';
import { attemptsKey, type HistoryFacts, type RejectedDecision } from './history.js';
import { type ActivityKey, activityIdFor } from './ids.js';
import { type Decision, SWF_LIMITS } from './swf-types.js';

/*
 * Moving activities forward: schedule an attempt, start its retry timer, or judge that it cannot be scheduled
 * (too large for SWF, not serialisable, refused by SWF), which ends it like an exhausted one.
 */

/** The recorded attempts of a step or of its compensation. */
export function stepAttempts(facts: HistoryFacts, kind: ActivityKey['kind'], step: Step) {
  return facts.attempts.get(attemptsKey(kind, step.name));
}

export function attemptNumber(progress: Progress): number {
  if (progress.kind === 'running') return progress.attempt.attempt;
  if ('next' in progress) return progress.next.attempt - 1;
  return 0;
}

/** The decisions that move one activity forward: schedule it, start its retry timer, or wait. */
export function advance(
  context: DecisionContext,
  step: Step,
  progress: Progress,
  previousResults: Record<string, Json>,
  compensating = false,
): Decision[] {
  const kind = compensating ? 'compensation' : 'step';
  switch (progress.kind) {
    case 'notStarted':
      return scheduleActivity(context, step, { kind, step: step.name, attempt: 1 }, previousResults);
    case 'retryDue':
      return scheduleActivity(context, step, progress.next, previousResults);
    case 'needsTimer':
      return [
        {
          decisionType: 'StartTimer',
          startTimerDecisionAttributes: {
            timerId: progress.timerId,
            startToFireTimeout: String(progress.delaySeconds),
            control: JSON.stringify({
              retryOf: activityIdFor(progress.next),
              delaySeconds: progress.delaySeconds,
            }),
          },
        },
      ];
    default:
      return [];
  }
}

/** The input an attempt is scheduled with, or why it cannot be (too large for SWF, or not serialisable). */
export function activityInput(
  context: DecisionContext,
  step: Step,
  key: ActivityKey,
  previousResults: Record<string, Json>,
): { input: string } | { error: AttemptError } {
  const payload: JsonObject = { input: context.input, previousResults, attempt: key.attempt };
  if (context.lineageId) payload.lineageId = context.lineageId;
  if (key.kind === 'compensation') payload.compensation = { step: step.name };
  let input: string;
  try {
    input = JSON.stringify(payload);
    // A compensation needs its own step's result above all: when everything does not fit, that is what it gets.
    if (input.length > SWF_LIMITS.data && key.kind === 'compensation')
      input = JSON.stringify({
        ...payload,
        previousResults: { [step.name]: previousResults[step.name] ?? null },
      });
  } catch (error) {
    // A result nested past any reader's stack (written through the raw API): the attempt cannot be built.
    return {
      error: {
        reason: 'PayloadInvalid',
        details: `The input of ${activityIdFor(key)} cannot be serialised (${(error as Error).message.slice(0, 200)})`,
      },
    };
  }
  if (input.length > SWF_LIMITS.data) {
    return {
      error: {
        reason: 'PayloadTooLarge',
        details: `The input of ${activityIdFor(key)} is ${input.length} characters, above SWF's ${SWF_LIMITS.data}; keep step results small and store large data elsewhere`,
      },
    };
  }
  return { input };
}

/**
 * The progress of an activity as far as the decider can take it: an attempt that cannot be built or that SWF
 * refused to schedule, or a retry timer SWF refused, ends the activity as exhausted, so the node fails and
 * the completed steps are compensated (for a compensation: it is recorded as failed and the next one runs).
 */
export function schedulable(
  context: DecisionContext,
  kind: ActivityKey['kind'],
  step: Step,
  progress: Progress,
  previousResults: Record<string, Json>,
): Progress {
  if (progress.kind === 'needsTimer') {
    const rejection = context.refused.get(progress.timerId);
    if (rejection)
      return { kind: 'exhausted', attempts: progress.next.attempt - 1, lastError: refusedError(rejection) };
    return progress;
  }
  if (progress.kind !== 'notStarted' && progress.kind !== 'retryDue') return progress;
  const next: ActivityKey =
    progress.kind === 'notStarted' ? { kind, step: step.name, attempt: 1 } : progress.next;
  const rejection = context.refused.get(activityIdFor(next));
  if (rejection) return { kind: 'exhausted', attempts: next.attempt - 1, lastError: refusedError(rejection) };
  const built = activityInput(context, step, next, previousResults);
  if ('error' in built) return { kind: 'exhausted', attempts: next.attempt - 1, lastError: built.error };
  return progress;
}

export const refusedError = (rejection: RejectedDecision): AttemptError => ({
  reason: `${rejection.decision}Failed`,
  details: `SWF refused ${rejection.decision} for ${rejection.id}: ${rejection.cause}. ${hintFor(rejection.cause)}`,
});

/** The error of a refused timer of a wait or a sleep, if SWF refused it. */
export function refusal(
  refused: ReadonlyMap<string, RejectedDecision>,
  timerId: string,
): AttemptError | undefined {
  const rejection = refused.get(timerId);
  return rejection ? refusedError(rejection) : undefined;
}

export function scheduleActivity(
  context: DecisionContext,
  step: Step,
  key: ActivityKey,
  previousResults: Record<string, Json>,
): Decision[] {
  const activity =
    key.kind === 'compensation' && step.compensation ? step.compensation.activity : step.activity;
  const built = activityInput(context, step, key, previousResults);
  // `schedulable` has judged every attempt before it gets here; a payload it refused is never scheduled.
  if ('error' in built) return [];
  return [
    {
      decisionType: 'ScheduleActivityTask',
      scheduleActivityTaskDecisionAttributes: {
        activityType: { name: activity.name, version: activity.version },
        activityId: activityIdFor(key),
        input: built.input,
        control: JSON.stringify({ step: step.name, kind: key.kind, attempt: key.attempt }),
        taskList: { name: activity.taskList },
        scheduleToStartTimeout: activity.timeouts.scheduleToStart,
        scheduleToCloseTimeout: activity.timeouts.scheduleToClose,
        startToCloseTimeout: activity.timeouts.startToClose,
        heartbeatTimeout: activity.timeouts.heartbeat,
      },
    },
  ];
}

export function hintFor(cause: string): string {
  if (cause.endsWith('DOES_NOT_EXIST'))
    return 'Register the catalog (swfctl register, or deploy the stack) and start the order again.';
  if (cause.endsWith('DEPRECATED')) return 'The type is deprecated; run swfctl register to undeprecate it.';
  if (cause === 'OPERATION_NOT_PERMITTED')
    return "The decider's IAM role lacks the permission for this decision.";
  return 'See the SWF documentation for this cause.';
}
