import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decide, parseActivityId } from '../../../lambda/decider/index.js';
import type { HistoryEvent } from '../../../lambda/decider/swf-types.js';
import { flowCatalog, flowType } from '../../support/flow-fixtures.js';
import { attributesOf } from '../../support/history-builder.js';
import { type Outcome, simulateWorkflow } from '../../support/workflow-simulator.js';

const CLOSE = /^WorkflowExecution(Completed|Failed|Canceled|Terminated|TimedOut)$/;

/**
 * Random runs of the flow fixture (a step, a parallel group, a conditional signal wait, a sleep, a conditional
 * step): random activity outcomes, random interleavings of completions, timers, signals (valid, invalid, unknown,
 * early, late) and a cancel request at a random moment.
 */
const outcomeArbitrary = fc.constantFrom<Outcome>(
  { type: 'complete' },
  { type: 'complete' },
  { type: 'complete' },
  // Two of these before a step make its input too large for SWF: the run ends, compensating (PayloadTooLarge).
  { type: 'complete', result: { rows: 'x'.repeat(17_000) } },
  { type: 'fail', reason: 'TransientError', details: 'flaky' },
  { type: 'timeout', timeoutType: 'START_TO_CLOSE' },
);
const signalArbitrary = fc.record({
  afterDecisionTasks: fc.integer({ min: 0, max: 12 }),
  name: fc.constantFrom('Approve', 'Reject', 'Poke'),
  input: fc.constantFrom<unknown>({ reviewer: 'ana' }, { note: 'no reviewer' }, undefined),
});
const scenarioArbitrary = fc.record({
  total: fc.constantFrom(100, 6000),
  skipD: fc.boolean(),
  outcomes: fc.array(outcomeArbitrary, { maxLength: 40 }),
  choices: fc.array(fc.nat({ max: 6 }), { maxLength: 200 }),
  signals: fc.array(signalArbitrary, { maxLength: 3 }),
  cancelAfter: fc.option(fc.integer({ min: 1, max: 12 }), { nil: undefined }),
  /** Which ScheduleActivityTask and StartTimer decisions SWF refuses (their index in the run). */
  refusals: fc.uniqueArray(fc.nat({ max: 30 }), { maxLength: 2 }),
});
type Scenario = typeof scenarioArbitrary extends fc.Arbitrary<infer T> ? T : never;

function run(scenario: Scenario) {
  const outcomes = [...scenario.outcomes];
  const choices = [...scenario.choices];
  return simulateWorkflow(
    flowCatalog,
    flowType,
    { total: scenario.total, skipD: scenario.skipD, coolSeconds: 5 },
    {
      outcome: () => outcomes.shift() ?? { type: 'complete' },
      choose: (count) => (choices.shift() ?? 0) % count,
      signals: scenario.signals,
      cancelAfterDecisionTasks: scenario.cancelAfter,
      refuse: (_decision, index) =>
        scenario.refusals.includes(index) ? 'ACTIVITY_TYPE_DOES_NOT_EXIST' : undefined,
    },
  );
}

/** The activity id a closing event belongs to. */
const activityOf = (events: readonly HistoryEvent[], scheduledEventId: number) =>
  attributesOf(events.find((e) => e.eventId === scheduledEventId) ?? {}).activityId as string | undefined;

describe('decide: properties over random flows of parallel branches, signals, timers and failures', () => {
  it('schedules no attempt twice, and ends every run once, with nothing left running', () => {
    fc.assert(
      fc.property(scenarioArbitrary, (scenario) => {
        const { history, closeEvent } = run(scenario);
        const ids = history.events
          .filter((e) => e.eventType === 'ActivityTaskScheduled')
          .map((e) => attributesOf(e).activityId);
        expect(new Set(ids).size).toBe(ids.length);
        expect(history.events.filter((e) => CLOSE.test(e.eventType ?? ''))).toHaveLength(closeEvent ? 1 : 0);
        expect(closeEvent).toBeDefined();
        expect(history.openActivities()).toEqual([]);
        expect(history.openTimers()).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });

  it('compensates each completed step exactly once, only after a failure, a rejection, a refused decision, an oversized payload or a cancel, newest first', () => {
    const causes = new Set<string>();
    fc.assert(
      fc.property(scenarioArbitrary, (scenario) => {
        const { history, closeEvent } = run(scenario);
        const events = history.events;
        const completedSteps: string[] = [];
        const compensationsScheduled: string[] = [];
        const compensationsCompleted: string[] = [];
        for (const event of events) {
          if (event.eventType === 'ActivityTaskCompleted') {
            const key = parseActivityId(activityOf(events, attributesOf(event).scheduledEventId as number));
            if (key?.kind === 'step') completedSteps.push(key.step);
            if (key?.kind === 'compensation') compensationsCompleted.push(key.step);
          }
          // A compensation SWF refused to schedule counts as attempted: it is recorded as failed, never retried.
          if (
            event.eventType === 'ActivityTaskScheduled' ||
            event.eventType === 'ScheduleActivityTaskFailed'
          ) {
            const key = parseActivityId(attributesOf(event).activityId as string);
            if (key?.kind === 'compensation' && key.attempt === 1) compensationsScheduled.push(key.step);
          }
        }
        // At most once each.
        expect(new Set(compensationsCompleted).size).toBe(compensationsCompleted.length);
        // Only after a failure, a rejection or a cancel: never in a completed run.
        if (compensationsScheduled.length > 0)
          expect(['WorkflowExecutionFailed', 'WorkflowExecutionCanceled']).toContain(closeEvent?.eventType);
        if (closeEvent?.eventType === 'WorkflowExecutionCompleted')
          expect(compensationsScheduled).toEqual([]);
        // Exactly once, newest first: every run that failed or was canceled undid each compensable step it
        // completed, in the reverse of the order they completed (D has no compensation), whatever ended it.
        const ended = closeEvent?.eventType;
        if (ended === 'WorkflowExecutionFailed' || ended === 'WorkflowExecutionCanceled') {
          const compensable = completedSteps.filter((step) => step !== 'D');
          expect(compensationsScheduled).toEqual([...compensable].reverse());
          causes.add(
            ended === 'WorkflowExecutionCanceled'
              ? 'Canceled'
              : String(attributesOf(closeEvent as HistoryEvent).reason),
          );
        }
      }),
      { numRuns: 300 },
    );
    // The random runs reached every kind of ending this property is about.
    expect([...causes].sort()).toEqual(
      expect.arrayContaining([
        'Canceled',
        'PayloadTooLarge',
        'Rejected',
        'ScheduleActivityTaskFailed',
        'StartTimerFailed',
        'StepFailed',
      ]),
    );
  });

  it('makes the same decisions when any recorded prefix is replayed', () => {
    fc.assert(
      fc.property(scenarioArbitrary, (scenario) => {
        const { decisionTasks } = run(scenario);
        for (const task of decisionTasks)
          expect(decide(task.events, flowCatalog).decisions).toEqual(task.decisions);
      }),
      { numRuns: 150 },
    );
  });
});
