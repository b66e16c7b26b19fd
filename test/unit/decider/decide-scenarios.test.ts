import { describe, expect, it } from 'vitest';
import { encodeFailureDetails } from '../../../lambda/decider/failure-details.js';
import {
  type Decision,
  decide,
  MalformedHistoryError,
  UnknownWorkflowTypeError,
} from '../../../lambda/decider/index.js';
import { HistoryBuilder } from '../../support/history-builder.js';
import { anOrder, catalog, orderWorkflowType } from '../../support/order-fixtures.js';

const STEPS = ['ValidateInput', 'ProcessData', 'EnrichData', 'SaveResults', 'NotifyCompletion'];

/** Starts a story: the order was started and a decider picked up the first decision task. */
function story(input: unknown = anOrder()) {
  return new HistoryBuilder().started(orderWorkflowType, input).decisionTaskStarted();
}

/** The decider takes the started decision task, its decisions are recorded, and they are returned. */
function decideAndRecord(history: HistoryBuilder): Decision[] {
  history.decisionTaskStarted();
  const { decisions } = decide(history.events, catalog);
  history.completeDecisionTask(decisions);
  return decisions;
}

/** Runs the step's attempt to completion and lets the decider react. */
function completeStep(history: HistoryBuilder, activityId: string, result: unknown = { done: activityId }) {
  history.activityStarted(activityId).activityCompleted(activityId, result);
  return decideAndRecord(history);
}

function failStep(history: HistoryBuilder, activityId: string, reason = 'Boom', details = 'db down') {
  history.activityStarted(activityId).activityFailed(activityId, reason, details);
  return decideAndRecord(history);
}

/** Completes the steps before `step`, ending with the decision that schedules `step#1`. */
function runUntil(history: HistoryBuilder, step: string): void {
  decideAndRecord(history);
  for (const name of STEPS.slice(0, STEPS.indexOf(step))) completeStep(history, `${name}#1`, { step: name });
}

const scheduled = (decisions: Decision[]) =>
  decisions.flatMap((d) =>
    d.decisionType === 'ScheduleActivityTask' ? [d.scheduleActivityTaskDecisionAttributes] : [],
  );
const only = (decisions: Decision[]) => {
  expect(decisions).toHaveLength(1);
  return decisions[0] as Decision;
};
const failDetails = (decision: Decision) => {
  if (decision.decisionType !== 'FailWorkflowExecution')
    throw new Error(`expected a failure, got ${decision.decisionType}`);
  return {
    reason: decision.failWorkflowExecutionDecisionAttributes.reason,
    details: JSON.parse(decision.failWorkflowExecutionDecisionAttributes.details),
  };
};

describe('decide: next step', () => {
  it('schedules the first step with the original input, no previous results and attempt 1', () => {
    const history = story();
    const [schedule] = scheduled(decideAndRecord(history));
    expect(schedule).toMatchObject({
      activityId: 'ValidateInput#1',
      activityType: { name: 'ValidateInput', version: '1' },
      taskList: { name: 'order-activities' },
      startToCloseTimeout: '30',
      scheduleToStartTimeout: '300',
      heartbeatTimeout: 'NONE',
    });
    expect(JSON.parse(schedule?.input ?? '')).toEqual({ input: anOrder(), previousResults: {}, attempt: 1 });
  });

  it('passes every earlier result to the next step', () => {
    const history = story();
    decideAndRecord(history);
    completeStep(history, 'ValidateInput#1', { valid: true });
    const [schedule] = scheduled(completeStep(history, 'ProcessData#1', { totals: { total: 30 } }));
    expect(schedule?.activityId).toBe('EnrichData#1');
    expect(JSON.parse(schedule?.input ?? '').previousResults).toEqual({
      ValidateInput: { valid: true },
      ProcessData: { totals: { total: 30 } },
    });
  });

  it('runs the five steps in order and completes with every result', () => {
    const history = story();
    runUntil(history, 'NotifyCompletion');
    const close = only(completeStep(history, 'NotifyCompletion#1', { notified: true }));
    expect(close.decisionType).toBe('CompleteWorkflowExecution');
    const result = JSON.parse(
      close.decisionType === 'CompleteWorkflowExecution'
        ? close.completeWorkflowExecutionDecisionAttributes.result
        : '',
    );
    expect(Object.keys(result.results)).toEqual(STEPS);
    expect(result.results.NotifyCompletion).toEqual({ notified: true });
    const scheduledIds = history.events
      .filter((e) => e.eventType === 'ActivityTaskScheduled')
      .map((e) => e.activityTaskScheduledEventAttributes?.activityId);
    expect(scheduledIds).toEqual(STEPS.map((s) => `${s}#1`));
  });

  it('makes no decision while a step is running', () => {
    const history = story();
    decideAndRecord(history);
    history.activityStarted('ValidateInput#1').raw('WorkflowExecutionSignaled', { signalName: 'poke' }, true);
    expect(decideAndRecord(history)).toEqual([]);
  });

  it('makes no decision for a closed execution', () => {
    const history = story();
    history.raw('WorkflowExecutionTerminated', { reason: 'ops' });
    expect(decide(history.events, catalog).decisions).toEqual([]);
    expect(decide(history.events, catalog).state.phase).toBe('closed');
  });
});

describe('decide: retries', () => {
  it('waits on an SWF timer with exponential backoff, then schedules the next attempt', () => {
    const history = story();
    runUntil(history, 'ProcessData');
    const timer = only(failStep(history, 'ProcessData#1'));
    expect(timer).toMatchObject({
      decisionType: 'StartTimer',
      startTimerDecisionAttributes: { timerId: 'retry.ProcessData#2', startToFireTimeout: '1' },
    });
    history.timerFired('retry.ProcessData#2');
    const [retry] = scheduled(decideAndRecord(history));
    expect(retry?.activityId).toBe('ProcessData#2');
    expect(JSON.parse(retry?.input ?? '').attempt).toBe(2);
    const secondTimer = only(failStep(history, 'ProcessData#2'));
    expect(secondTimer).toMatchObject({
      startTimerDecisionAttributes: { timerId: 'retry.ProcessData#3', startToFireTimeout: '2' },
    });
  });

  it('retries a timed-out attempt like a failed one', () => {
    const history = story();
    decideAndRecord(history);
    history.activityStarted('ValidateInput#1').activityTimedOut('ValidateInput#1', 'HEARTBEAT');
    expect(only(decideAndRecord(history))).toMatchObject({ decisionType: 'StartTimer' });
  });

  it('does not retry an error the worker flags non-retryable, whatever its name', () => {
    const history = story();
    runUntil(history, 'EnrichData');
    const flagged = encodeFailureDetails('simulated', true);
    const [compensation] = scheduled(failStep(history, 'EnrichData#1', 'SimulatedPermanentFailure', flagged));
    expect(compensation?.activityId).toBe('ProcessData.compensate#1');
  });

  it('never retries a ValidationError', () => {
    const history = story();
    decideAndRecord(history);
    const { reason, details } = failDetails(
      only(failStep(history, 'ValidateInput#1', 'ValidationError', 'orderId: is required')),
    );
    expect(reason).toBe('StepFailed');
    expect(details).toEqual({
      failedStep: 'ValidateInput',
      attempts: 1,
      lastError: { reason: 'ValidationError', details: 'orderId: is required' },
      compensated: [],
      compensationFailures: [],
    });
  });

  it('keeps waiting while the retry timer runs, and never starts it twice', () => {
    const history = story();
    decideAndRecord(history);
    failStep(history, 'ValidateInput#1');
    history.raw('WorkflowExecutionSignaled', { signalName: 'poke' }, true);
    expect(decideAndRecord(history)).toEqual([]);
  });
});

describe('decide: exhausted step and compensation', () => {
  it('after three failures of a step, compensates completed steps in reverse order, then fails', () => {
    const history = story();
    runUntil(history, 'EnrichData');
    failStep(history, 'EnrichData#1');
    history.timerFired('retry.EnrichData#2');
    decideAndRecord(history);
    failStep(history, 'EnrichData#2');
    history.timerFired('retry.EnrichData#3');
    decideAndRecord(history);
    const [compensation] = scheduled(failStep(history, 'EnrichData#3', 'Boom', 'still down'));
    expect(compensation).toMatchObject({
      activityId: 'ProcessData.compensate#1',
      activityType: { name: 'ReleaseProcessData', version: '1' },
    });
    expect(JSON.parse(compensation?.input ?? '').compensation).toEqual({ step: 'ProcessData' });
    const { reason, details } = failDetails(only(completeStep(history, 'ProcessData.compensate#1')));
    expect(reason).toBe('StepFailed');
    expect(details).toEqual({
      failedStep: 'EnrichData',
      attempts: 3,
      lastError: { reason: 'Boom', details: 'still down' },
      compensated: ['ProcessData'],
      compensationFailures: [],
    });
  });

  it('compensates SaveResults before ProcessData when the last step is exhausted', () => {
    const history = story();
    runUntil(history, 'NotifyCompletion');
    const first = scheduled(failStep(history, 'NotifyCompletion#1', 'TransientError', 'x'));
    expect(first.map((s) => s.activityId)).toEqual([]);
    history.timerFired('retry.NotifyCompletion#2');
    decideAndRecord(history);
    const order: string[] = [];
    let decisions = failStep(history, 'NotifyCompletion#2', 'NonRetryableError', 'permanent');
    while (scheduled(decisions).length > 0) {
      const id = scheduled(decisions)[0]?.activityId as string;
      order.push(id);
      decisions = completeStep(history, id);
    }
    expect(order).toEqual(['SaveResults.compensate#1', 'ProcessData.compensate#1']);
    expect(failDetails(only(decisions)).details.compensated).toEqual(['SaveResults', 'ProcessData']);
  });

  it('records an exhausted compensation, still runs the others, and fails with CompensationFailed', () => {
    const history = story();
    runUntil(history, 'NotifyCompletion');
    failStep(history, 'NotifyCompletion#1', 'NonRetryableError');
    for (let attempt = 1; attempt <= 5; attempt++) {
      const decisions = failStep(history, `SaveResults.compensate#${attempt}`, 'StoreDown', 'timeout');
      if (attempt < 5) {
        history.timerFired(`retry.SaveResults.compensate#${attempt + 1}`);
        decideAndRecord(history);
      } else {
        expect(scheduled(decisions)[0]?.activityId).toBe('ProcessData.compensate#1');
      }
    }
    const { reason, details } = failDetails(only(completeStep(history, 'ProcessData.compensate#1')));
    expect(reason).toBe('CompensationFailed');
    expect(details.compensated).toEqual(['ProcessData']);
    expect(details.compensationFailures).toEqual([
      { step: 'SaveResults', attempts: 5, lastError: { reason: 'StoreDown', details: 'timeout' } },
    ]);
  });

  it('fails at once when nothing completed needs compensating', () => {
    const history = story();
    decideAndRecord(history);
    const { reason, details } = failDetails(only(failStep(history, 'ValidateInput#1', 'ValidationError')));
    expect(reason).toBe('StepFailed');
    expect(details.compensated).toEqual([]);
  });
});

describe('decide: cancellation', () => {
  it('requests cancel of the running activity, then compensates and cancels', () => {
    const history = story();
    runUntil(history, 'SaveResults');
    history.activityStarted('SaveResults#1').cancelRequested();
    expect(only(decideAndRecord(history))).toEqual({
      decisionType: 'RequestCancelActivityTask',
      requestCancelActivityTaskDecisionAttributes: { activityId: 'SaveResults#1' },
    });
    history.activityCanceled('SaveResults#1');
    const [compensation] = scheduled(decideAndRecord(history));
    expect(compensation?.activityId).toBe('ProcessData.compensate#1');
    const close = only(completeStep(history, 'ProcessData.compensate#1'));
    expect(close.decisionType).toBe('CancelWorkflowExecution');
    const details =
      close.decisionType === 'CancelWorkflowExecution'
        ? JSON.parse(close.cancelWorkflowExecutionDecisionAttributes.details)
        : {};
    expect(details).toEqual({
      reason: 'CancelRequested',
      canceledAtStep: 'SaveResults',
      compensated: ['ProcessData'],
      compensationFailures: [],
    });
  });

  it('compensates a step that completed despite the cancel request', () => {
    const history = story();
    runUntil(history, 'SaveResults');
    history.activityStarted('SaveResults#1').cancelRequested();
    decideAndRecord(history);
    const [first] = scheduled(completeStep(history, 'SaveResults#1'));
    expect(first?.activityId).toBe('SaveResults.compensate#1');
  });

  it('cancels a pending retry timer and compensates in the same decision', () => {
    const history = story();
    runUntil(history, 'EnrichData');
    failStep(history, 'EnrichData#1');
    history.cancelRequested();
    const decisions = decideAndRecord(history);
    expect(decisions.map((d) => d.decisionType)).toEqual(['CancelTimer', 'ScheduleActivityTask']);
    expect(scheduled(decisions)[0]?.activityId).toBe('ProcessData.compensate#1');
  });

  it('cancels at once when nothing needs compensating', () => {
    const history = story();
    decideAndRecord(history);
    history.activityStarted('ValidateInput#1').cancelRequested();
    decideAndRecord(history);
    history.activityCanceled('ValidateInput#1');
    expect(only(decideAndRecord(history)).decisionType).toBe('CancelWorkflowExecution');
  });
});

describe('decide: resume', () => {
  const resumed = (fromStep: string, previousResults: Record<string, unknown>) =>
    anOrder({ resume: { fromStep, previousResults, sourceRunId: 'run-1' } });

  it('skips earlier steps and hands their recorded results to the resumed step', () => {
    const carried = {
      ValidateInput: { valid: true },
      ProcessData: { totals: { total: 9 } },
      EnrichData: { tier: 'gold' },
    };
    const history = story(resumed('SaveResults', { ...carried, SaveResults: { stale: true } }));
    const [schedule] = scheduled(decideAndRecord(history));
    expect(schedule?.activityId).toBe('SaveResults#1');
    const payload = JSON.parse(schedule?.input ?? '');
    expect(payload.previousResults).toEqual(carried);
    expect(payload.input).toEqual(anOrder());
    completeStep(history, 'SaveResults#1', { saved: true });
    const close = only(completeStep(history, 'NotifyCompletion#1', { notified: true }));
    const result =
      close.decisionType === 'CompleteWorkflowExecution'
        ? JSON.parse(close.completeWorkflowExecutionDecisionAttributes.result)
        : {};
    expect(Object.keys(result.results)).toEqual(STEPS);
  });

  it("passes the chain's lineage to every activity of a resumed run, and none for a first run", () => {
    const history = story(
      anOrder({
        resume: {
          fromStep: 'ProcessData',
          previousResults: { ValidateInput: {} },
          sourceRunId: 'run-2',
          lineageId: 'run-1',
        },
      }),
    );
    const [process] = scheduled(decideAndRecord(history));
    expect(JSON.parse(process?.input ?? '').lineageId).toBe('run-1');
    completeStep(history, 'ProcessData#1', { totals: { total: 1 } });
    // ProcessData, which this run did, is compensated with the chain's lineage: it may release the chain's stock.
    const compensation = scheduled(failStep(history, 'EnrichData#1', 'NonRetryableError'));
    expect(compensation.map((d) => [d.activityId, JSON.parse(d.input ?? '').lineageId])).toEqual([
      [expect.stringMatching(/^ProcessData/), 'run-1'],
    ]);
    const [first] = scheduled(decideAndRecord(story(anOrder())));
    expect(JSON.parse(first?.input ?? '')).not.toHaveProperty('lineageId');
  });

  it('does not compensate carried steps: the source run already did', () => {
    const history = story(
      resumed('NotifyCompletion', { ValidateInput: {}, ProcessData: {}, EnrichData: {}, SaveResults: {} }),
    );
    decideAndRecord(history);
    const { details } = failDetails(only(failStep(history, 'NotifyCompletion#1', 'NonRetryableError')));
    expect(details.compensated).toEqual([]);
  });

  it('fails with a clear reason for an unknown step', () => {
    const history = story(resumed('Teleport', {}));
    const { reason, details } = failDetails(only(decideAndRecord(history)));
    expect(reason).toBe('InvalidResume');
    expect(details.message).toContain('"Teleport" is not a step of OrderProcessing');
    expect(details.message).toContain(
      'ValidateInput, ProcessData, EnrichData, SaveResults, NotifyCompletion',
    );
  });
});

describe('decide: invalid decisions and bad histories', () => {
  it('compensates what completed, then fails naming the cause, when SWF refuses to schedule an activity', () => {
    const history = story();
    runUntil(history, 'ProcessData');
    history.activityStarted('ProcessData#1').activityCompleted('ProcessData#1', { step: 'ProcessData' });
    history.decisionTaskStarted();
    expect(scheduled(decide(history.events, catalog).decisions).map((s) => s.activityId)).toEqual([
      'EnrichData#1',
    ]);
    history.completeDecisionTask([]);
    history.raw(
      'ScheduleActivityTaskFailed',
      {
        activityId: 'EnrichData#1',
        activityType: { name: 'EnrichData', version: '9' },
        cause: 'ACTIVITY_TYPE_DOES_NOT_EXIST',
      },
      true,
    );
    const next = decideAndRecord(history);
    expect(scheduled(next).map((s) => s.activityId)).toEqual(['ProcessData.compensate#1']);
    const { reason, details } = failDetails(only(completeStep(history, 'ProcessData.compensate#1')));
    expect(reason).toBe('ScheduleActivityTaskFailed');
    expect(details).toMatchObject({ failedStep: 'EnrichData', compensated: ['ProcessData'] });
    expect(details.lastError.details).toContain('EnrichData#1 (EnrichData@9): ACTIVITY_TYPE_DOES_NOT_EXIST');
    expect(details.lastError.details).toContain('swfctl register');
  });

  it('fails naming the cause when SWF refuses a retry timer, after compensating', () => {
    const history = story();
    runUntil(history, 'ProcessData');
    history.activityStarted('ProcessData#1').activityFailed('ProcessData#1', 'Transient', 'db down');
    history.decisionTaskStarted();
    const retry = decide(history.events, catalog).decisions;
    expect(retry.map((d) => d.decisionType)).toEqual(['StartTimer']);
    history.completeDecisionTask([]);
    history.raw(
      'StartTimerFailed',
      { timerId: 'retry.ProcessData#2', cause: 'OPEN_TIMERS_LIMIT_EXCEEDED' },
      true,
    );
    // ValidateInput has nothing to undo: the run fails at once, and says why.
    const { reason, details } = failDetails(only(decideAndRecord(history)));
    expect(reason).toBe('StartTimerFailed');
    expect(details).toMatchObject({ failedStep: 'ProcessData', attempts: 1, compensated: [] });
    expect(details.lastError.details).toContain('OPEN_TIMERS_LIMIT_EXCEEDED');
  });

  it('throws a typed error for an unknown workflow version instead of deciding', () => {
    const history = new HistoryBuilder().started({ name: 'OrderProcessing', version: '99' }, anOrder());
    expect(() => decide(history.events, catalog)).toThrow(UnknownWorkflowTypeError);
    expect(() => decide(history.events, catalog)).toThrow(/OrderProcessing@99.*knows 1/);
  });

  it('throws a typed error for a history without a start event', () => {
    expect(() => decide([{ eventId: 1, eventType: 'DecisionTaskScheduled' }], catalog)).toThrow(
      MalformedHistoryError,
    );
  });

  it('fails a run whose input is not JSON', () => {
    const history = story('{not json');
    expect(failDetails(only(decideAndRecord(history))).reason).toBe('InvalidInput');
  });

  it('fails rather than schedule an activity whose input exceeds SWF limits', () => {
    const history = story(anOrder({ notes: 'x'.repeat(40_000) }));
    const { reason, details } = failDetails(only(decideAndRecord(history)));
    expect(reason).toBe('PayloadTooLarge');
    expect(details.lastError.details).toContain('ValidateInput#1');
  });

  it('compensates the completed steps when a result makes the next input too large for SWF', () => {
    const history = story();
    decideAndRecord(history);
    completeStep(history, 'ValidateInput#1', { pad: 'v'.repeat(17_000) });
    const next = completeStep(history, 'ProcessData#1', { rows: 'x'.repeat(17_000) });
    // EnrichData#1 cannot be scheduled (both results together exceed SWF's limit): ProcessData (completed,
    // compensable) is undone first; its compensation gets its own step's result, which fits.
    expect(
      scheduled(next).map((s) => [s.activityId, Object.keys(JSON.parse(s.input).previousResults)]),
    ).toEqual([['ProcessData.compensate#1', ['ProcessData']]]);
    const { reason, details } = failDetails(only(completeStep(history, 'ProcessData.compensate#1')));
    expect(reason).toBe('PayloadTooLarge');
    expect(details).toMatchObject({ failedStep: 'EnrichData', compensated: ['ProcessData'] });
  });

  it('fails at its first decision a run whose input nests past the bound, and compensates one already under way', () => {
    let deep = '0';
    for (let i = 0; i < 5_000; i++) deep = `[${deep}]`;
    const poison = story(`{"orderId":"A-1","deep":${deep}}`);
    const { reason, details } = failDetails(only(decideAndRecord(poison)));
    expect(reason).toBe('InvalidInput');
    expect(details.message).toMatch(/more than 64 levels deep/);

    // A run that completed steps before its input became unreadable (a bound tightened under it): undone first.
    const history = story();
    runUntil(history, 'EnrichData');
    const started = history.events[0] as { workflowExecutionStartedEventAttributes: { input: string } };
    started.workflowExecutionStartedEventAttributes.input = `{"orderId":"A-1","deep":${deep}}`;
    history.activityStarted('EnrichData#1').activityCompleted('EnrichData#1', {});
    const next = decideAndRecord(history);
    expect(scheduled(next).map((s) => [s.activityId, JSON.parse(s.input).input])).toEqual([
      ['ProcessData.compensate#1', {}],
    ]);
    const closed = failDetails(only(completeStep(history, 'ProcessData.compensate#1')));
    expect(closed.reason).toBe('InvalidInput');
    expect(closed.details).toMatchObject({ failedStep: 'input', compensated: ['ProcessData'] });
  });

  it('retries a close refused as UNHANDLED_DECISION, and stops on any other cause', () => {
    const history = story();
    decideAndRecord(history);
    history.activityStarted('ValidateInput#1').activityFailed('ValidateInput#1', 'ValidationError');
    history.decisionTaskStarted();
    const first = decide(history.events, catalog).decisions;
    history.completeDecisionTask([]);
    history.raw('FailWorkflowExecutionFailed', { cause: 'UNHANDLED_DECISION' }, true);
    expect(decideAndRecord(history)).toEqual(first);

    const denied = story();
    decideAndRecord(denied);
    denied.decisionTaskStarted().completeDecisionTask([]);
    denied.raw('CompleteWorkflowExecutionFailed', { cause: 'OPERATION_NOT_PERMITTED' }, true);
    denied.decisionTaskStarted();
    const { decisions, state } = decide(denied.events, catalog);
    expect(decisions).toEqual([]);
    expect(state.phase).toBe('stuck');
    expect(state.stuckReason).toContain('OPERATION_NOT_PERMITTED');
  });
});

describe('decide: batches and replay', () => {
  it('handles several new events in one decision task', () => {
    const history = story();
    runUntil(history, 'EnrichData');
    // The step completes and a cancel request arrives before the decider polls: one task carries both.
    history.activityStarted('EnrichData#1').activityCompleted('EnrichData#1', {}).cancelRequested();
    const [first] = scheduled(decideAndRecord(history));
    expect(first?.activityId).toBe('ProcessData.compensate#1');
  });

  it('never schedules a step twice when a history prefix is decided again', () => {
    const history = story();
    runUntil(history, 'SaveResults');
    // Everything already decided: deciding again (a redelivered task) adds nothing.
    history.raw('DecisionTaskScheduled', {}, false).raw('DecisionTaskStarted', {}, false);
    expect(decide(history.events, catalog).decisions).toEqual([]);
  });

  it('is deterministic: the same events give the same decisions', () => {
    const history = story();
    runUntil(history, 'EnrichData');
    failStep(history, 'EnrichData#1');
    history.timerFired('retry.EnrichData#2').decisionTaskStarted();
    const copy = structuredClone(history.events);
    expect(decide(history.events, catalog)).toEqual(decide(copy, catalog));
  });
});
