import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findRun, runHistory } from '../../lambda/worker/operations.js';
import { startOrder } from '../../lambda/workflow/order/operations.js';
import { runSwfctl } from '../support/cli.js';
import { anOrder } from '../support/order-fixtures.js';
import { eventually, type OrderEnvironment, orderEnvironment, startWorkers } from '../support/workers.js';

let env: OrderEnvironment;
let workers: ReturnType<typeof startWorkers>;

beforeAll(async () => {
  // New runs on version 2: the fraud check beside EnrichData, and a person's approval above 5,000.
  env = await orderEnvironment({ env: { SWF_WORKFLOW_VERSION: '2' } });
  workers = startWorkers({
    swf: env.swf,
    context: env.context,
    ports: env.ports,
    pollHoldMs: 1_000,
    activityWorkers: 2,
  });
}, 30_000);
afterAll(async () => {
  await workers?.stop();
  await env?.server.close();
});

const swfctl = (...args: string[]) =>
  runSwfctl({ SWF_ENDPOINT: env.server.endpoint, SWF_WORKFLOW_VERSION: '2' }, args);

/** An order of about `total` (before tax). */
const orderOf = (orderId: string, total: number) =>
  anOrder({ orderId, items: [{ sku: 'TV-1', quantity: 1, unitPrice: total }] });

const closed = (workflowId: string) =>
  eventually(
    async () => {
      const info = await findRun(env.context, workflowId);
      return info.executionStatus === 'CLOSED' ? info : undefined;
    },
    20_000,
    `${workflowId} to close`,
  );

const waiting = (workflowId: string) =>
  eventually(
    async () => {
      const { timeline, events } = await runHistory(env.context, workflowId);
      const checks = ['EnrichData', 'FraudCheck'].every((step) =>
        timeline.steps.some((s) => s.step === step && s.status === 'completed'),
      );
      const timer = events.some(
        (e) => e.eventType === 'TimerStarted' && e.timerStartedEventAttributes?.timerId === 'wait.Approval',
      );
      return checks && timer ? true : undefined;
    },
    20_000,
    `${workflowId} to wait for approval`,
  );

describe('order version 2: parallel checks and approval of large orders', () => {
  it('completes an order of 100 without waiting, its checks run side by side', async () => {
    const started = await startOrder(env.context, orderOf('V2-SMALL', 100));
    expect((await closed('order-V2-SMALL')).closeStatus).toBe('COMPLETED');
    const { info, events } = await runHistory(env.context, started.workflowId);
    expect(info.workflowType?.version).toBe('2');
    expect(events.some((e) => e.timerStartedEventAttributes?.timerId === 'wait.Approval')).toBe(false);
    // EnrichData and FraudCheck were scheduled by one decision.
    const scheduledBy = (id: string) =>
      events.find((e) => e.activityTaskScheduledEventAttributes?.activityId === id)
        ?.activityTaskScheduledEventAttributes?.decisionTaskCompletedEventId;
    expect(scheduledBy('EnrichData#1')).toBeDefined();
    expect(scheduledBy('EnrichData#1')).toBe(scheduledBy('FraudCheck#1'));
  });

  it('keeps an order of 6,000 open until `swfctl signal … Approve`, then completes it', async () => {
    await startOrder(env.context, orderOf('V2-BIG', 6000));
    await waiting('order-V2-BIG');
    expect((await findRun(env.context, 'order-V2-BIG')).executionStatus).toBe('OPEN');
    const history = await swfctl('history', 'order-V2-BIG');
    expect(history.stdout).toMatch(/‖ EnrichData \(Checks\)\s+#1 completed/);
    expect(history.stdout).toMatch(
      /⏸ Approval \(wait\)\s+waiting for Approve or Reject since .* UTC \(times out in 23h59m\)/,
    );
    expect(history.stdout).toMatch(/^order-V2-BIG {2}OrderProcessing@2 {2}RUNNING/);
    const signaled = await swfctl('signal', 'order-V2-BIG', 'Approve', '--input', '{"reviewer":"ana"}');
    expect(signaled.code, signaled.stderr).toBe(0);
    expect((await closed('order-V2-BIG')).closeStatus).toBe('COMPLETED');
    expect((await env.ports.orderStore.getOrder('V2-BIG'))?.total).toBeGreaterThan(6000);
    const { events } = await runHistory(env.context, 'order-V2-BIG');
    expect(events.some((e) => e.eventType === 'TimerCanceled')).toBe(true);
  });

  it('fails a rejected order as Rejected and compensates what it did', async () => {
    await startOrder(env.context, orderOf('V2-NO', 7000));
    await waiting('order-V2-NO');
    const rejected = await swfctl('reject', 'order-V2-NO', '--reviewer', 'bo', '--note', 'too large');
    expect(rejected.stdout).toMatch(
      /^rejected order-V2-NO as bo \(run \S+\): the run took it \(Approval\)$/m,
    );
    const info = await closed('order-V2-NO');
    expect(info.closeStatus).toBe('FAILED');
    const { timeline } = await runHistory(env.context, 'order-V2-NO');
    expect(timeline.failure).toMatchObject({
      reason: 'Rejected',
      details: { failedStep: 'Approval', lastError: { reason: 'Reject' }, compensated: ['ProcessData'] },
    });
    // The stock reservation ProcessData made was released: the order holds nothing.
    const effects = await env.ports.orderStore.effectsOf('V2-NO');
    expect(effects.reservation).toBeUndefined();
    expect(effects.ledger.map((entry) => entry.kind)).toEqual(['reserve', 'release']);
  });

  it('refuses an Approve without a reviewer as an invalid payload, and keeps waiting', async () => {
    await startOrder(env.context, orderOf('V2-ODD', 8000));
    await waiting('order-V2-ODD');
    // swfctl refuses both (nothing is sent); --force sends them raw, and the run ignores them.
    const refused = await swfctl('signal', 'order-V2-ODD', 'Approve', '--input', '{"note":"nobody"}');
    expect(refused.stderr).toMatch(/Not sent: Approval would ignore it: invalid payload \(reviewer: /);
    await swfctl('signal', 'order-V2-ODD', 'Approve', '--input', '{"note":"nobody"}', '--force');
    await swfctl('signal', 'order-V2-ODD', 'Hurry', '--force');
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect((await findRun(env.context, 'order-V2-ODD')).executionStatus).toBe('OPEN');
    const approved = await swfctl('approve', 'order-V2-ODD', '--reviewer', 'ana');
    expect(approved.code, approved.stderr).toBe(0);
    expect((await closed('order-V2-ODD')).closeStatus).toBe('COMPLETED');
  });
});
