/**
 * Activity and timer ids encode what they stand for, so replay needs no other bookkeeping:
 * `ProcessData#2` is the second attempt of ProcessData, `SaveResults.compensate#1` the first attempt of its
 * compensation, `retry.ProcessData#2` the timer that waits before that second attempt.
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
