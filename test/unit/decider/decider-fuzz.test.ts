import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decide } from '../../../lambda/decider/index.js';
import { ValidationError } from '../../../lambda/workflow/errors.js';
import { parseOrder } from '../../../lambda/workflow/order/schema.js';
import { assertAcceptable, HistoryBuilder } from '../../support/history-builder.js';
import { anOrder, catalog, orderWorkflowType } from '../../support/order-fixtures.js';

const RUNS = Number(process.env.DECIDER_FUZZ_RUNS ?? 1_000);

/** Things that can happen to a run between decisions, as the server would record them. */
const happening = fc.oneof(
  fc.record({
    kind: fc.constant('outcome' as const),
    outcome: fc.constantFrom('complete', 'fail', 'timeout', 'cancel'),
    pick: fc.nat(),
  }),
  fc.record({ kind: fc.constant('signal' as const), name: fc.string({ maxLength: 20 }) }),
  fc.record({ kind: fc.constant('cancelRequest' as const) }),
  fc.record({ kind: fc.constant('timer' as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant('decide' as const) }),
  fc.record({ kind: fc.constant('marker' as const), name: fc.string({ maxLength: 20 }) }),
  fc.record({
    kind: fc.constant('refusal' as const),
    eventType: fc.constantFrom(
      'ScheduleActivityTaskFailed',
      'StartTimerFailed',
      'CancelTimerFailed',
      'RequestCancelActivityTaskFailed',
      'CompleteWorkflowExecutionFailed',
    ),
    cause: fc.constantFrom(
      'UNHANDLED_DECISION',
      'OPERATION_NOT_PERMITTED',
      'ACTIVITY_TYPE_DOES_NOT_EXIST',
      'TIMER_ID_UNKNOWN',
    ),
  }),
);

const inputs = fc.oneof(
  fc.constant(anOrder()),
  fc.constant('not json'),
  fc.jsonValue(),
  fc.record({
    resume: fc.record(
      {
        fromStep: fc.constantFrom('ValidateInput', 'SaveResults', 'Nope', ''),
        previousResults: fc.jsonValue(),
      },
      { requiredKeys: [] },
    ),
  }),
);

describe('fuzzing the decider with histories the server could produce', () => {
  it(`never throws and never emits a decision SWF would reject (${RUNS} histories)`, () => {
    fc.assert(
      fc.property(inputs, fc.array(happening, { maxLength: 60 }), (input, happenings) => {
        const history = new HistoryBuilder().started(orderWorkflowType, input);
        for (const next of happenings) {
          if (history.isClosed()) break;
          const open = history.openActivities();
          switch (next.kind) {
            case 'decide': {
              if (!history.hasPendingDecisionTask) break;
              history.decisionTaskStarted();
              const { decisions } = decide(history.events, catalog);
              assertAcceptable(decisions);
              history.completeDecisionTask(decisions);
              break;
            }
            case 'outcome': {
              const id = open[next.pick % Math.max(1, open.length)];
              if (!id) break;
              history.activityStarted(id);
              if (next.outcome === 'complete') history.activityCompleted(id, { ok: true });
              else if (next.outcome === 'fail') history.activityFailed(id, 'Boom', 'x');
              else if (next.outcome === 'timeout') history.activityTimedOut(id, 'HEARTBEAT');
              else history.activityCanceled(id);
              break;
            }
            case 'timer': {
              const timers = history.openTimers();
              const id = timers[next.pick % Math.max(1, timers.length)];
              if (id) history.timerFired(id);
              break;
            }
            case 'signal':
              history.raw('WorkflowExecutionSignaled', { signalName: next.name }, true);
              break;
            case 'cancelRequest':
              history.cancelRequested();
              break;
            case 'marker':
              history.raw('MarkerRecorded', { markerName: next.name });
              break;
            case 'refusal':
              history.raw(
                next.eventType,
                {
                  cause: next.cause,
                  activityId: 'X#1',
                  timerId: 'retry.X#2',
                  activityType: { name: 'X', version: '1' },
                },
                true,
              );
              break;
          }
        }
        // A final decision on whatever the history is now must also be well-formed.
        const { decisions } = decide(history.events, catalog);
        assertAcceptable(decisions);
      }),
      { numRuns: RUNS },
    );
  });
});

describe('fuzzing the order schema', () => {
  it('accepts or refuses any input with a ValidationError, never another exception', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.anything(),
          fc.record(
            { ...Object.fromEntries(Object.keys(anOrder()).map((k) => [k, fc.anything()])) },
            { requiredKeys: [] },
          ),
          fc
            .constant(anOrder())
            .chain((order) =>
              fc
                .record({ order: fc.constant(order), extra: fc.dictionary(fc.string(), fc.jsonValue()) })
                .map((r) => ({ ...r.order, ...r.extra })),
            ),
        ),
        (input) => {
          try {
            parseOrder(input, { allowFailureInjection: true });
          } catch (error) {
            expect(error).toBeInstanceOf(ValidationError);
            expect((error as ValidationError).problems.length).toBeGreaterThan(0);
          }
        },
      ),
      { numRuns: RUNS },
    );
  });
});
