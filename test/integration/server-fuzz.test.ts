import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OPERATIONS } from '../../local/server/protocol/model.js';
import type { RunningServer } from '../../local/server/server.js';
import { setupDomain, startLocal } from '../support/swf-local.js';

let server: RunningServer;

beforeAll(async () => {
  // Polls that find nothing return almost at once, so generated polls do not slow the run.
  const started = await startLocal({ pollHoldSeconds: 0.01 });
  server = started.server;
  await setupDomain(started.swf, 'fuzz');
});
afterAll(() => server.close());

const RUNS = Number(process.env.SWF_FUZZ_RUNS ?? 10_000);

const forgedToken = fc.oneof(
  fc.string({ maxLength: 80 }),
  fc.base64String({ maxLength: 200 }).map((body) => `${body}.${'A'.repeat(22)}`),
  fc.constant(
    `${Buffer.from('{"k":"a","r":"x","s":1,"n":"y"}').toString('base64url')}.AAAAAAAAAAAAAAAAAAAAAA`,
  ),
);

/** Bodies that are close to valid: the fuzz domain and task lists, with members dropped, retyped or oversized. */
const nearlyValid = fc.record(
  {
    domain: fc.oneof(fc.constant('fuzz'), fc.string({ maxLength: 300 }), fc.integer()),
    name: fc.oneof(fc.constant('n'), fc.string({ maxLength: 300 })),
    version: fc.oneof(fc.constant('1'), fc.string({ maxLength: 80 })),
    taskList: fc.oneof(fc.record({ name: fc.string({ maxLength: 300 }) }), fc.string(), fc.constant(null)),
    taskToken: forgedToken,
    nextPageToken: forgedToken,
    maximumPageSize: fc.oneof(fc.integer({ min: -5, max: 5000 }), fc.string()),
    workflowId: fc.string({ maxLength: 300 }),
    workflowType: fc.record({ name: fc.string({ maxLength: 10 }), version: fc.string({ maxLength: 10 }) }),
    activityType: fc.record({ name: fc.string({ maxLength: 10 }), version: fc.string({ maxLength: 10 }) }),
    execution: fc.record({ workflowId: fc.string({ maxLength: 10 }), runId: fc.string({ maxLength: 70 }) }),
    input: fc.oneof(fc.string({ maxLength: 50 }), fc.constant('x'.repeat(32_769))),
    registrationStatus: fc.constantFrom('REGISTERED', 'DEPRECATED', 'BOGUS'),
    workflowExecutionRetentionPeriodInDays: fc.constantFrom('1', 'NONE', '999', ''),
    startTimeFilter: fc.record({ oldestDate: fc.oneof(fc.integer(), fc.string()) }),
    decisions: fc.array(
      fc.record({
        decisionType: fc.constantFrom(
          'ScheduleActivityTask',
          'CompleteWorkflowExecution',
          'StartTimer',
          'Nope',
        ),
        startTimerDecisionAttributes: fc.record({ timerId: fc.string(), startToFireTimeout: fc.string() }),
      }),
      { maxLength: 3 },
    ),
    reverseOrder: fc.oneof(fc.boolean(), fc.string()),
  },
  { requiredKeys: [] },
);

const requestArbitrary = fc.record({
  operation: fc.oneof(fc.constantFrom(...OPERATIONS), fc.string({ maxLength: 30 })),
  body: fc.oneof(
    nearlyValid.map((value) => JSON.stringify(value)),
    fc.jsonValue().map((value) => JSON.stringify(value)),
    fc.string({ maxLength: 200 }),
    fc.constantFrom('', '{', 'null', '[]', '"x"', '{"domain":'),
  ),
});

describe('wire protocol fuzzing', () => {
  it(`answers ${RUNS} generated requests with a modelled fault or a success, never a 5xx`, async () => {
    const faults = new Map<string, number>();
    await fc.assert(
      fc.asyncProperty(requestArbitrary, async ({ operation, body }) => {
        const response = await fetch(`${server.endpoint}/`, {
          method: 'POST',
          headers: {
            'x-amz-target': `SimpleWorkflowService.${operation}`,
            'content-type': 'application/x-amz-json-1.0',
          },
          body,
        });
        const text = await response.text();
        expect([200, 400]).toContain(response.status);
        expect(response.headers.get('x-amzn-requestid')).toBeTruthy();
        if (response.status === 400) {
          const fault = JSON.parse(text) as { __type: string; message: string };
          expect(fault.__type).toMatch(
            /^com\.amazon(aws\.swf\.base\.model|\.coral\.(validate|service))#[A-Za-z]+$/,
          );
          expect(typeof fault.message).toBe('string');
          const name = fault.__type.split('#')[1] as string;
          faults.set(name, (faults.get(name) ?? 0) + 1);
        } else if (text) {
          expect(() => JSON.parse(text)).not.toThrow();
        }
      }),
      { numRuns: RUNS },
    );
    // The generators reach the main kinds of fault, and the server is still healthy.
    expect([...faults.keys()]).toEqual(
      expect.arrayContaining([
        'ValidationException',
        'SerializationException',
        'UnknownOperationException',
        'UnknownResourceFault',
      ]),
    );
    const health = await fetch(`${server.endpoint}/_admin/health`);
    expect(health.status).toBe(200);
  }, 120_000);
});
