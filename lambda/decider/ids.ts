/**
 * Activity and timer ids encode what they stand for, so replay needs no other bookkeeping:
 * `ProcessData#2` is the second attempt of ProcessData, `SaveResults.compensate#1` the first attempt of its
 * compensation, `retry.ProcessData#2` the timer that waits before that second attempt, `wait.Approval` the
 * timeout of a signal wait and `sleep.Reminder` a durable sleep. Every reader (the decider, the timeline, the
 * workers) goes through the functions here: the prefixes live in this one place.
 * (SWF ids may not contain ':', '/' or '|'; step names are letters, digits, '_' and '-'.)
 */
export type ActivityKind = 'step' | 'compensation';

export interface ActivityKey {
  kind: ActivityKind;
  step: string;
  attempt: number;
}

const ACTIVITY_ID = /^([A-Za-z][A-Za-z0-9_-]{0,63})(\.compensate)?#([1-9]\d{0,5})$/;
const TIMER_PREFIX = 'retry.';
const WAIT_PREFIX = 'wait.';
const SLEEP_PREFIX = 'sleep.';

export function activityIdFor({ kind, step, attempt }: ActivityKey): string {
  return `${step}${kind === 'compensation' ? '.compensate' : ''}#${attempt}`;
}

export function parseActivityId(activityId: string | undefined): ActivityKey | undefined {
  const match = activityId ? ACTIVITY_ID.exec(activityId) : null;
  if (!match?.[1] || !match[3]) return undefined;
  return { kind: match[2] ? 'compensation' : 'step', step: match[1], attempt: Number(match[3]) };
}

/** The timer that waits before the attempt `key` names. */
export function retryTimerIdFor(key: ActivityKey): string {
  return `${TIMER_PREFIX}${activityIdFor(key)}`;
}

/** The timer that bounds how long a signal wait waits. */
export const waitTimerIdFor = (node: string) => `${WAIT_PREFIX}${node}`;

/** The timer of a durable sleep. */
export const sleepTimerIdFor = (node: string) => `${SLEEP_PREFIX}${node}`;

/** What a timer is for, read from its id; undefined for a timer this decider did not start. */
export type TimerPurpose =
  | { kind: 'retry'; key: ActivityKey }
  | { kind: 'wait'; node: string }
  | { kind: 'sleep'; node: string };

export function parseTimerId(timerId: string | undefined): TimerPurpose | undefined {
  if (!timerId) return undefined;
  if (timerId.startsWith(TIMER_PREFIX)) {
    const key = parseActivityId(timerId.slice(TIMER_PREFIX.length));
    return key ? { kind: 'retry', key } : undefined;
  }
  if (timerId.startsWith(WAIT_PREFIX)) return { kind: 'wait', node: timerId.slice(WAIT_PREFIX.length) };
  if (timerId.startsWith(SLEEP_PREFIX)) return { kind: 'sleep', node: timerId.slice(SLEEP_PREFIX.length) };
  return undefined;
}

/** Whether an activity id names a compensation (the decider worker's metrics tell them apart). */
export const isCompensationId = (activityId: string | undefined) =>
  parseActivityId(activityId)?.kind === 'compensation';
