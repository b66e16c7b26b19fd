import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decide, parseActivityId } from '../../../lambda/decider/index.js';
import { attributesOf } from '../../support/history-builder.js';
import { anOrder, catalog, orderWorkflowType } from '../../support/order-fixtures.js';
import { type Outcome, simulateWorkflow } from '../../support/workflow-simulator.js';

const STEPS = ['ValidateInput', 'ProcessData', 'EnrichData', 'SaveResults', 'NotifyCompletion'];
const CLOSE = /^WorkflowExecution(Completed|Failed|Canceled|Terminated|TimedOut)$/;

const outcomeArbitrary = fc.constantFrom<Outcome>(
  { type: 'complete' },
  { type: 'complete' },
  { type: 'fail', reason: 'TransientError', details: 'flaky' },
  { type: 'timeout', timeoutType: 'START_TO_CLOSE' },
  { type: 'timeout', timeoutType: 'HEARTBEAT' },
  { type: 'fail', reason: 'NonRetryableError', details: 'permanent' },
);

const scenarioArbitrary = fc.record({
  outcomes: fc.array(outcomeArbitrary, { maxLength: 60 }),
  choices: fc.array(fc.nat({ max: 4 }), { maxLength: 200 }),
  cancelAfter: fc.option(fc.integer({ min: 1, max: 15 }), { nil: undefined }),
  resumeFrom: fc.option(fc.constantFrom(...STEPS), { nil: undefined, freq: 4 }),
});

type Scenario = typeof scenarioArbitrary extends fc.Arbitrary<infer T> ? T : never;

function run(scenario: Scenario) {
  const outcomes = [...scenario.outcomes] as Outcome[];
  const choices = [...scenario.choices] as number[];
  const input = scenario.resumeFrom
    ? anOrder({
        resume: { fromStep: scenario.resumeFrom, previousResults: { ValidateInput: { carried: true } } },
      })
    : anOrder();
  return simulateWorkflow(catalog, orderWorkflowType, input, {
    outcome: () => outcomes.shift() ?? { type: 'complete' },
    choose: (count) => (choices.shift() ?? 0) % count,
    cancelAfterDecisionTasks: scenario.cancelAfter,
  });
}

describe('decide: properties over random activity outcomes', () => {
  it('ends every run in exactly one outcome, consistent with what happened', () => {
    fc.assert(
      fc.property(scenarioArbitrary, (scenario) => {
        const { history, closeEvent } = run(scenario);
        const closes = history.events.filter((e) => CLOSE.test(e.eventType ?? ''));
        expect(closes).toHaveLength(1);
        expect(history.lastEvent()).toBe(closeEvent);
        // The decider waits for every attempt it started before it closes the run.
        expect(history.openActivities()).toEqual([]);
        expect(history.openTimers()).toEqual([]);
        const completedSteps = new Set(
          history.events
            .filter((e) => e.eventType === 'ActivityTaskCompleted')
            .map((e) => scheduledKey(history.events, attributesOf(e).scheduledEventId as number))
            .filter((key) => key?.kind === 'step')
            .map((key) => key?.step),
        );
        const cancelRequested = history.events.some(
          (e) => e.eventType === 'WorkflowExecutionCancelRequested',
        );
        if (closeEvent?.eventType === 'WorkflowExecutionCompleted') {
          const firstStep = STEPS.indexOf(scenario.resumeFrom ?? 'ValidateInput');
          for (const step of STEPS.slice(firstStep)) expect(completedSteps.has(step)).toBe(true);
        }
        if (closeEvent?.eventType === 'WorkflowExecutionCanceled') expect(cancelRequested).toBe(true);
        if (closeEvent?.eventType === 'WorkflowExecutionFailed') {
          const { reason } = attributesOf(closeEvent) as { reason: string };
          expect(['StepFailed', 'CompensationFailed']).toContain(reason);
        }
      }),
      { numRuns: 400 },
    );
  });

  it('never runs a step concurrently with itself, and never reuses an activity id', () => {
    fc.assert(
      fc.property(scenarioArbitrary, (scenario) => {
        const { history } = run(scenario);
        const open = new Map<string, number>();
        const seenIds = new Set<string>();
        for (const event of history.events) {
          if (event.eventType === 'ActivityTaskScheduled') {
            const { activityId } = attributesOf(event) as { activityId: string };
            expect(seenIds.has(activityId)).toBe(false);
            seenIds.add(activityId);
            const key = parseActivityId(activityId);
            const name = `${key?.kind}:${key?.step}`;
            expect(open.has(name)).toBe(false);
            open.set(name, event.eventId as number);
          }
          if (/^ActivityTask(Completed|Failed|TimedOut|Canceled)$/.test(event.eventType ?? '')) {
            const key = scheduledKey(history.events, attributesOf(event).scheduledEventId as number);
            open.delete(`${key?.kind}:${key?.step}`);
          }
        }
      }),
      { numRuns: 400 },
    );
  });

  it('compensates a completed step at most once, and only after a failure or a cancel request', () => {
    fc.assert(
      fc.property(scenarioArbitrary, (scenario) => {
        const { history, closeEvent } = run(scenario);
        const compensations = new Map<string, number>();
        let stepExhaustedOrCanceled = false;
        const completedForward = new Set<string>();
        for (const event of history.events) {
          if (event.eventType === 'WorkflowExecutionCancelRequested') stepExhaustedOrCanceled = true;
          if (event.eventType === 'ActivityTaskScheduled') {
            const key = parseActivityId((attributesOf(event) as { activityId: string }).activityId);
            if (key?.kind === 'compensation') {
              const failedOrCanceled =
                stepExhaustedOrCanceled || closeEvent?.eventType === 'WorkflowExecutionFailed';
              expect(failedOrCanceled).toBe(true);
              expect(completedForward.has(key.step)).toBe(true);
            }
          }
          if (event.eventType === 'ActivityTaskCompleted') {
            const key = scheduledKey(history.events, attributesOf(event).scheduledEventId as number);
            if (key?.kind === 'step') completedForward.add(key.step);
            if (key?.kind === 'compensation')
              compensations.set(key.step, (compensations.get(key.step) ?? 0) + 1);
          }
        }
        for (const count of compensations.values()) expect(count).toBe(1);
        if (compensations.size > 0) expect(closeEvent?.eventType).not.toBe('WorkflowExecutionCompleted');
      }),
      { numRuns: 400 },
    );
  });

  it('makes the same decisions when a history is replayed', () => {
    fc.assert(
      fc.property(scenarioArbitrary, (scenario) => {
        const { decisionTasks } = run(scenario);
        for (const task of decisionTasks) {
          expect(decide(structuredClone(task.events), catalog).decisions).toEqual(task.decisions);
        }
      }),
      { numRuns: 200 },
    );
  });
});

function scheduledKey(events: readonly { eventId?: number }[], scheduledEventId: number) {
  const scheduled = events.find((e) => e.eventId === scheduledEventId);
  return scheduled && parseActivityId((attributesOf(scheduled) as { activityId?: string }).activityId);
}
