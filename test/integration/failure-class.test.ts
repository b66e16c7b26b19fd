import * as S from '@aws-sdk/client-swf';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runHistory } from '../../lambda/worker/operations.js';
import { registerCatalog } from '../../lambda/worker/registration.js';
import { defineCatalog } from '../../lambda/workflow/catalog.js';
import { NonRetryableError } from '../../lambda/workflow/errors.js';
import { eventually, type OrderEnvironment, orderEnvironment, startWorkers } from '../support/workers.js';

/** A failure of the application's own, named as it likes, with no entry in any retry list. */
class PaymentDeclined extends NonRetryableError {
  override name = 'PaymentDeclined';
}

let env: OrderEnvironment;
let workers: ReturnType<typeof startWorkers>;
const calls = { Charge: 0, Flaky: 0 };

beforeAll(async () => {
  env = await orderEnvironment({ virtualClock: false });
  const { domain, activityTaskList, decisionTaskList } = env.config;
  const catalog = defineCatalog({
    domain: { name: domain, retentionDays: 1 },
    workflows: [
      {
        name: 'ChargeCard',
        version: '1',
        taskList: decisionTaskList,
        executionStartToCloseTimeout: '120',
        taskStartToCloseTimeout: '10',
        defaults: {
          activityTaskList,
          retry: { maximumAttempts: 3, initialIntervalSeconds: 0, maximumIntervalSeconds: 0 },
        },
        steps: [
          {
            name: 'Charge',
            activity: {
              name: 'ChargeCard',
              run: ({ input }) => {
                calls.Charge++;
                if (input.declined) throw new PaymentDeclined('card declined');
                calls.Flaky++;
                if (calls.Flaky < 3) throw new Error('gateway timeout');
                return { charged: true };
              },
            },
          },
        ],
      },
    ],
  });
  await registerCatalog(env.swf, catalog);
  workers = startWorkers({
    swf: env.swf,
    context: { ...env.context, catalog },
    catalog,
    ports: env.ports,
    pollHoldMs: 1_000,
    activityWorkers: 1,
  });
}, 30_000);

afterAll(async () => {
  await workers?.stop();
  await env?.server.close();
});

const run = async (workflowId: string, input: object) => {
  await env.swf.send(
    new S.StartWorkflowExecutionCommand({
      domain: env.config.domain,
      workflowId,
      workflowType: { name: 'ChargeCard', version: '1' },
      input: JSON.stringify(input),
    }),
  );
  return eventually(async () => {
    const { timeline } = await runHistory({ ...env.context }, workflowId);
    return timeline.status === 'running' ? undefined : timeline;
  }, 20_000);
};

describe('failures carry their class through the real worker', () => {
  it('never retries a NonRetryableError subclass, though its name is in no list', async () => {
    const before = calls.Charge;
    const timeline = await run('charge-declined', { declined: true });
    expect(timeline.status).toBe('failed');
    expect(calls.Charge - before).toBe(1);
    const attempts = timeline.steps.find((s) => s.step === 'Charge')?.attempts ?? [];
    expect(attempts.map((a) => [a.outcome, a.reason, a.details, a.nonRetryable])).toEqual([
      ['failed', 'PaymentDeclined', 'card declined', true],
    ]);
  });

  it('retries any other error under the retry policy', async () => {
    const timeline = await run('charge-flaky', {});
    expect(timeline.status).toBe('completed');
    const attempts = timeline.steps.find((s) => s.step === 'Charge')?.attempts ?? [];
    expect(attempts.map((a) => [a.outcome, a.nonRetryable])).toEqual([
      ['failed', false],
      ['failed', false],
      ['completed', undefined],
    ]);
  });
});
