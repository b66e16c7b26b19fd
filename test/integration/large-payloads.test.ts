import { mkdtempSync, rmSync, statSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as S from '@aws-sdk/client-swf';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FilePayloadStore } from '../../lambda/adapters/file-payloads.js';
import { type OperationsContext, readEvents, resumeRun, runHistory } from '../../lambda/worker/operations.js';
import { startWorkflow } from '../../lambda/worker/start-workflow.js';
import { isPayloadRef } from '../../lambda/workflow/payloads.js';
import { renderTimeline } from '../../local/cli/format.js';
import { eventually, type OrderEnvironment, orderEnvironment, startWorkers } from '../support/workers.js';

/**
 * An order of 10,000 lines (about 1 MB of JSON) through the real swf-local and real workers: its input and the
 * large results are stored next to the data and travel as references, so no SWF field nears 32,768 characters
 * and an activity's input does not grow with the steps before it.
 */
const directory = mkdtempSync(join(tmpdir(), 'large-'));
let env: OrderEnvironment;
let context: OperationsContext;
let workers: ReturnType<typeof startWorkers>;

beforeAll(async () => {
  env = await orderEnvironment({ env: { SWF_WORKFLOW_VERSION: '3' } });
  context = {
    ...env.context,
    payloads: new FilePayloadStore(join(directory, 'payloads')),
    offloadThreshold: 8_192,
  };
  workers = startWorkers({ swf: env.swf, context, ports: env.ports, pollHoldMs: 1_000, activityWorkers: 2 });
});
afterAll(async () => {
  await workers.stop();
  await env.server.close();
  rmSync(directory, { recursive: true, force: true });
});

const largeOrder = (orderId: string, unitPrice = 0.05) => ({
  orderId,
  customerId: 'cust-big',
  currency: 'USD',
  paymentToken: 'tok_big_order_1234',
  items: Array.from({ length: 10_000 }, (_, i) => ({
    sku: `SKU-${i}`,
    quantity: 1 + (i % 3),
    unitPrice,
  })),
});

const closed = (execution: { workflowId: string; runId: string }) =>
  eventually(
    async () => {
      const info = await env.swf.send(
        new S.DescribeWorkflowExecutionCommand({ domain: env.config.domain, execution }),
      );
      return info.executionInfo?.executionStatus === 'CLOSED' ? info.executionInfo.closeStatus : undefined;
    },
    60_000,
    `${execution.workflowId} to close`,
  );

describe('an order of 10,000 lines', () => {
  it('completes, with references in SWF in place of the large input and results, and resumes', async () => {
    const order = largeOrder('BIG-1');
    expect(JSON.stringify(order).length).toBeGreaterThan(400_000);
    const run = await startWorkflow(context, { input: order });
    expect(await closed(run)).toBe('COMPLETED');

    const events = await readEvents(context, run);
    const started = JSON.parse(events[0]?.workflowExecutionStartedEventAttributes?.input ?? '{}');
    expect(started.orderId).toBe('BIG-1');
    expect(isPayloadRef(started.items)).toBe(true);
    const inputs = events
      .filter((e) => e.eventType === 'ActivityTaskScheduled')
      .map((e) => e.activityTaskScheduledEventAttributes?.input?.length ?? 0);
    expect(inputs).toHaveLength(6);
    // Each earlier result travels as its own reference: the last step's input is about the size of the first's.
    expect(Math.max(...inputs)).toBeLessThan(4_000);
    const processed = events.find(
      (e) =>
        e.eventType === 'ActivityTaskCompleted' &&
        (e.activityTaskCompletedEventAttributes?.result ?? '').includes('$payload'),
    );
    expect(processed).toBeDefined();
    // The effects saw the whole order.
    const effects = await env.ports.orderStore.effectsOf('BIG-1');
    expect((effects.reservation?.value as unknown[] | undefined)?.length).toBe(10_000);
    expect(effects.record?.value).toMatchObject({ orderId: 'BIG-1', currency: 'USD' });
    // 10,000 lines of 1, 2 or 3 at 0.05: 999.95 before whatever pricing adds.
    expect(effects.record?.value.total).toBeGreaterThanOrEqual(999.95);

    const resumed = await resumeRun(context, { workflowId: run.workflowId, fromStep: 'NotifyCompletion' });
    expect(await closed(resumed)).toBe('COMPLETED');

    // Every view resolves the references for people, and says what was stored and how large it is.
    const { timeline } = await runHistory(context, run.workflowId, { runId: run.runId });
    expect((timeline.input as { items: unknown[] }).items).toHaveLength(10_000);
    const stored = timeline.payloads ?? [];
    expect(stored.find((p) => p.where === 'input.items')).toMatchObject({
      resolved: true,
      size: JSON.stringify(order.items).length,
      address: expect.stringMatching(/^local:payloads\/[0-9a-f]{64}$/),
    });
    expect(stored.some((p) => p.where.startsWith('ProcessData#1 result'))).toBe(true);
    const text = renderTimeline(run.workflowId, run.runId, timeline);
    expect(text).toContain('payloads stored outside SWF (references in the history, resolved here)');
    expect(text).toMatch(/ {2}input\.items +\d{3},\d{3} characters {2}local:payloads\/[0-9a-f]{64}\n/);
    // A view with a smaller budget (the operations function's) leaves larger bodies as references, and says so.
    const bounded = await runHistory(context, run.workflowId, { runId: run.runId, maxPayloadChars: 1_000 });
    expect(bounded.timeline.payloads?.find((p) => p.where === 'input.items')).toMatchObject({
      resolved: false,
      problem: 'larger than the 1,000 characters this view shows',
    });
    // Without the store, the same: the reference, and why it is not shown.
    const bare = await runHistory({ ...context, payloads: undefined }, run.workflowId, { runId: run.runId });
    expect(bare.timeline.payloads?.[0]).toMatchObject({
      resolved: false,
      problem: 'no payload store is configured here',
    });
  }, 120_000);

  it('fails an attempt whose payload is gone, at once, with a non-retryable error that names it', async () => {
    // Its own lines: payloads are stored by content, and BIG-1's lines are in the store.
    const order = largeOrder('BIG-2', 0.07);
    const forgetful: OperationsContext = {
      ...context,
      // Stores nothing: every reference it hands out points at a missing body.
      payloads: {
        address: (sha) => `local:payloads/${sha}`,
        put: async () => undefined,
        get: async () => undefined,
      },
    };
    const run = await startWorkflow(forgetful, { input: order });
    expect(await closed(run)).toBe('FAILED');
    const { timeline } = await runHistory(context, run.workflowId, { runId: run.runId });
    expect(timeline.failure?.reason).toBe('StepFailed');
    const validate = timeline.steps.find((s) => s.step === 'ValidateInput');
    expect(validate?.attempts).toHaveLength(1);
    expect(validate?.attempts[0]).toMatchObject({ reason: 'PayloadMissing', nonRetryable: true });
    expect(validate?.attempts[0]?.details).toMatch(
      /^The payload local:payloads\/[0-9a-f]{64} \(\d+ characters\) is missing/,
    );
  }, 120_000);

  it('re-stores the bodies a resume carries, so they live as long as the new run; a body already gone refuses it', async () => {
    const order = largeOrder('BIG-3', 0.09);
    const run = await startWorkflow(context, { input: order });
    expect(await closed(run)).toBe('COMPLETED');
    const events = await readEvents(context, run);
    const started = JSON.parse(events[0]?.workflowExecutionStartedEventAttributes?.input ?? '{}');
    const file = join(directory, 'payloads', started.items.$payload.sha256);
    // The lines were stored 60 days ago, as far as the store's clock can tell.
    const old = new Date(Date.now() - 60 * 86_400_000);
    utimesSync(file, old, old);
    const resumed = await resumeRun(context, { workflowId: run.workflowId, fromStep: 'NotifyCompletion' });
    expect(await closed(resumed)).toBe('COMPLETED');
    expect(Date.now() - statSync(file).mtimeMs).toBeLessThan(3_600_000);

    // Gone before the next resume: refused as an answer, before any run starts.
    rmSync(file);
    const again = resumeRun(context, { workflowId: run.workflowId, fromStep: 'NotifyCompletion' });
    await expect(again).rejects.toMatchObject({
      code: 'PayloadUnavailable',
      message: expect.stringMatching(
        /^Cannot resume order-BIG-3: a payload its source run stored cannot be carried on\. The payload local:payloads\/[0-9a-f]{64} .* is missing/,
      ),
    });
    const open = await env.swf.send(
      new S.ListOpenWorkflowExecutionsCommand({
        domain: env.config.domain,
        startTimeFilter: { oldestDate: new Date(0) },
        executionFilter: { workflowId: run.workflowId },
      }),
    );
    expect(open.executionInfos ?? []).toEqual([]);
    const latest = await env.swf.send(
      new S.ListClosedWorkflowExecutionsCommand({
        domain: env.config.domain,
        startTimeFilter: { oldestDate: new Date(0) },
        executionFilter: { workflowId: run.workflowId },
      }),
    );
    expect(latest.executionInfos).toHaveLength(2);
  }, 120_000);
});
