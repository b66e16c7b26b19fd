import { describe, expect, it } from 'vitest';
import { progressOf } from '../../../lambda/decider/attempt-progress.js';
import { decodeFailureDetails, encodeFailureDetails } from '../../../lambda/decider/failure-details.js';
import { readHistory } from '../../../lambda/decider/history.js';
import type { Decision } from '../../../lambda/decider/swf-types.js';
import { DEFAULT_RETRY } from '../../../lambda/workflow/catalog.js';
import { isNonRetryable, NonRetryableError, ValidationError } from '../../../lambda/workflow/errors.js';
import { HistoryBuilder } from '../../support/history-builder.js';
import { orderWorkflowType } from '../../support/order-fixtures.js';

class PaymentDeclined extends NonRetryableError {
  override name = 'PaymentDeclined';
}

/** The progress of ProcessData after one failed attempt whose details are `details`. */
function afterOneFailure(reason: string, details: string, nonRetryableErrors: string[] = []) {
  const history = new HistoryBuilder().started(orderWorkflowType, {}).decisionTaskStarted();
  history.completeDecisionTask([
    {
      decisionType: 'ScheduleActivityTask',
      scheduleActivityTaskDecisionAttributes: {
        activityType: { name: 'ProcessData', version: '1' },
        activityId: 'ProcessData#1',
      },
    } as Decision,
  ]);
  history.activityStarted('ProcessData#1').activityFailed('ProcessData#1', reason, details);
  const facts = readHistory(history.events);
  return progressOf(
    { kind: 'step', step: 'ProcessData' },
    facts.attempts.get('step:ProcessData'),
    { ...DEFAULT_RETRY, nonRetryableErrors },
    facts.timers,
  );
}

describe('failures carry their class', () => {
  it('classes errors by what they are, not by their name', () => {
    expect(isNonRetryable(new PaymentDeclined('card declined'))).toBe(true);
    expect(isNonRetryable(new ValidationError(['x']))).toBe(true);
    expect(isNonRetryable(Object.assign(new Error('gone'), { nonRetryable: true }))).toBe(true);
    expect(isNonRetryable(new Error('flaky'))).toBe(false);
    expect(isNonRetryable('a string')).toBe(false);
  });

  it('sends the flag in a details envelope that always fits, and reads old plain details as they are', () => {
    const details = encodeFailureDetails('card declined', true);
    expect(decodeFailureDetails(details)).toEqual({ message: 'card declined', nonRetryable: true });
    const huge = encodeFailureDetails('"\n'.repeat(40_000), false, 32_768);
    expect(huge.length).toBeLessThanOrEqual(32_768);
    expect(decodeFailureDetails(huge)).toMatchObject({ nonRetryable: false });
    expect(decodeFailureDetails(huge)?.message.endsWith('…[truncated]')).toBe(true);
    expect(decodeFailureDetails('it broke')).toEqual({ message: 'it broke' });
    expect(decodeFailureDetails('{"message": 1}')).toEqual({ message: '{"message": 1}' });
    expect(decodeFailureDetails(undefined)).toBeUndefined();
  });

  it('never retries a flagged failure, whatever its name; retries an unflagged one', () => {
    expect(afterOneFailure('PaymentDeclined', encodeFailureDetails('declined', true))).toMatchObject({
      kind: 'exhausted',
      attempts: 1,
      lastError: { reason: 'PaymentDeclined', details: 'declined' },
    });
    expect(afterOneFailure('Flaky', encodeFailureDetails('try again', false)).kind).toBe('needsTimer');
    // The policy's list of names still stops a flagged-retryable error.
    expect(afterOneFailure('Flaky', encodeFailureDetails('no', false), ['Flaky']).kind).toBe('exhausted');
  });

  it('keeps reading histories written before the flag: the list of names decides', () => {
    expect(afterOneFailure('NonRetryableError', 'old worker', ['NonRetryableError']).kind).toBe('exhausted');
    expect(afterOneFailure('PaymentDeclined', 'old worker').kind).toBe('needsTimer');
  });
});
