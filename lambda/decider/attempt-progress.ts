import { parseBoundedJson } from '../workflow/bounded-json.js';
import type { Json, RetryPolicy } from '../workflow/types.js';
import { retryDelaySeconds } from './backoff.js';
import type { ActivityAttempt, TimerStatus } from './history.js';
import { type ActivityKey, retryTimerIdFor } from './ids.js';

/** The last error of an activity, as recorded in failure details. */
export interface AttemptError {
  reason: string;
  details?: string;
}

/** Where one activity (a step or a compensation) stands across its attempts. */
export type Progress =
  | { kind: 'notStarted' }
  | { kind: 'completed'; attempts: number; result: Json }
  | { kind: 'running'; attempt: ActivityAttempt }
  | { kind: 'needsTimer'; next: ActivityKey; timerId: string; delaySeconds: number; lastError: AttemptError }
  | { kind: 'waitingRetry'; next: ActivityKey; timerId: string; lastError: AttemptError }
  | { kind: 'retryDue'; next: ActivityKey; lastError: AttemptError }
  | { kind: 'exhausted'; attempts: number; lastError: AttemptError };

const MAX_DETAILS_IN_ERROR = 4_096;

/** The error an attempt ended with, trimmed to fit inside failure details. */
export function attemptError(attempt: ActivityAttempt): AttemptError {
  if (attempt.status === 'timedOut') {
    return { reason: `Timeout:${attempt.timeoutType ?? 'UNKNOWN'}`, details: trim(attempt.details) };
  }
  if (attempt.status === 'canceled') return { reason: 'Canceled', details: trim(attempt.details) };
  return { reason: attempt.reason ?? 'UnknownError', details: trim(attempt.details) };
}

function trim(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  return text.length > MAX_DETAILS_IN_ERROR ? `${text.slice(0, MAX_DETAILS_IN_ERROR)}…[truncated]` : text;
}

/** A step's result as the decider passes it on: its JSON, or its text when it is not JSON within the bounds. */
export function parseResult(result: string | undefined): Json {
  if (result === undefined || result === '') return null;
  const parsed = parseBoundedJson(result, { what: 'the result' });
  return parsed.ok ? (parsed.value as Json) : result;
}

/** Derives an activity's progress from its recorded attempts and retry timers, under its retry policy. */
export function progressOf(
  key: Omit<ActivityKey, 'attempt'>,
  attempts: readonly ActivityAttempt[] | undefined,
  policy: RetryPolicy,
  timers: ReadonlyMap<string, TimerStatus>,
): Progress {
  const last = attempts?.[attempts.length - 1];
  if (!last) return { kind: 'notStarted' };
  if (last.status === 'scheduled' || last.status === 'started') return { kind: 'running', attempt: last };
  if (last.status === 'completed')
    return { kind: 'completed', attempts: last.attempt, result: parseResult(last.result) };

  const lastError = attemptError(last);
  // The worker's flag decides (NonRetryableError and its subclasses, whatever their names); the policy's list of
  // names adds to it, and is all there is for histories written before the flag.
  const nonRetryable =
    last.status === 'failed' &&
    (last.nonRetryable === true || policy.nonRetryableErrors.includes(lastError.reason));
  if (nonRetryable || last.attempt >= policy.maximumAttempts) {
    return { kind: 'exhausted', attempts: last.attempt, lastError };
  }
  const next: ActivityKey = { ...key, attempt: last.attempt + 1 };
  const timerId = retryTimerIdFor(next);
  const timer = timers.get(timerId);
  const delaySeconds = retryDelaySeconds(policy, last.attempt);
  if (timer === 'fired' || (timer === undefined && delaySeconds === 0))
    return { kind: 'retryDue', next, lastError };
  if (timer === undefined) return { kind: 'needsTimer', next, timerId, delaySeconds, lastError };
  return { kind: 'waitingRetry', next, timerId, lastError };
}
