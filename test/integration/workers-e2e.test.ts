import * as S from '@aws-sdk/client-swf';
import { describe, expect, it } from 'vitest';
import { findRun, OperationError, resumeRun, runHistory } from '../../lambda/worker/operations.js';
import { ValidationError } from '../../lambda/workflow/errors.js';
import { startOrder } from '../../lambda/workflow/order/operations.js';
import { anOrder } from '../support/order-fixtures.js';
import { eventually, useOrderWorkers } from '../support/workers.js';

const setup = useOrderWorkers();

/** Waits for the order's latest run to close and returns its timeline. */
async function closed(workflowId: string) {
  return eventually(
    async () => {
      const info = await findRun(setup.env.context, workflowId);
      return info.executionStatus === 'CLOSED' ? runHistory(setup.env.context, workflowId) : undefined;
    },
    20_000,
    `${workflowId} to close`,
  );
}

describe('the real workers against swf-local', () => {
  it('runs a happy order through all five steps, saving and notifying once', async () => {
    const started = await startOrder(setup.env.context, anOrder({ orderId: 'E2E-1' }));
    expect(started).toMatchObject({ workflowId: 'order-E2E-1', alreadyStarted: false });
    const again = await startOrder(setup.env.context, anOrder({ orderId: 'E2E-1' }));
    expect(again).toEqual({ ...started, alreadyStarted: true });
    const { timeline } = await closed('order-E2E-1');
    expect(timeline.status).toBe('completed');
    expect(timeline.steps.map((s) => [s.step, s.status, s.attempts.length])).toEqual([
      ['ValidateInput', 'completed', 1],
      ['ProcessData', 'completed', 1],
      ['EnrichData', 'completed', 1],
      ['SaveResults', 'completed', 1],
      ['NotifyCompletion', 'completed', 1],
    ]);
    expect((timeline.result as { results: Record<string, unknown> }).results.ProcessData).toMatchObject({
      totals: { total: 33.45 },
    });
    expect(setup.env.ports.orderStore.ledger.filter((e) => e.orderId === 'E2E-1').map((e) => e.kind)).toEqual(
      ['reserve', 'save'],
    );
    expect(setup.env.ports.published.filter((n) => n.key.endsWith('E2E-1'))).toHaveLength(1);
  });

  it('absorbs transient failures with retries on SWF timers', async () => {
    await startOrder(
      setup.env.context,
      anOrder({ orderId: 'E2E-RETRY', simulate: { failStep: 'SaveResults', failTimes: 2 } }),
    );
    const { timeline } = await closed('order-E2E-RETRY');
    const save = timeline.steps.find((s) => s.step === 'SaveResults');
    expect(timeline.status).toBe('completed');
    expect(save?.attempts.map((a) => a.outcome)).toEqual(['failed', 'failed', 'completed']);
    expect(save?.attempts[0]?.reason).toBe('SimulatedFailure');
    expect(save?.waits.map((w) => w.seconds)).toEqual([1, 2]);
    expect(
      setup.env.ports.orderStore.ledger.filter((e) => e.orderId === 'E2E-RETRY' && e.kind === 'save'),
    ).toHaveLength(1);
  });

  it('compensates a permanent failure in reverse order, then resumes once the fault is cleared', async () => {
    await startOrder(
      setup.env.context,
      anOrder({ orderId: 'E2E-PERM', simulate: { failStep: 'NotifyCompletion', nonRetryable: true } }),
    );
    const failed = await closed('order-E2E-PERM');
    expect(failed.timeline.status).toBe('failed');
    expect(failed.timeline.failure).toEqual({
      reason: 'StepFailed',
      details: {
        failedStep: 'NotifyCompletion',
        attempts: 1,
        lastError: {
          reason: 'SimulatedPermanentFailure',
          details: 'simulated failure of NotifyCompletion, attempt 1',
        },
        compensated: ['SaveResults', 'ProcessData'],
        compensationFailures: [],
      },
    });
    expect(
      setup.env.ports.orderStore.ledger.filter((e) => e.orderId === 'E2E-PERM').map((e) => e.kind),
    ).toEqual(['reserve', 'save', 'delete', 'release']);
    const resumed = await resumeRun(setup.env.context, {
      workflowId: 'order-E2E-PERM',
      fromStep: 'NotifyCompletion',
      clearSimulation: true,
    });
    expect(resumed).toMatchObject({
      requestedStep: 'NotifyCompletion',
      fromStep: 'ProcessData',
      redoing: ['ProcessData', 'EnrichData', 'SaveResults'],
    });
    expect(resumed.sourceRunId).toBe(failed.execution.runId);
    const again = await closed('order-E2E-PERM');
    expect(again.execution.runId).toBe(resumed.runId);
    expect(again.timeline.status).toBe('completed');
    expect(again.timeline.resumedFrom).toEqual({
      fromStep: 'ProcessData',
      sourceRunId: failed.execution.runId,
    });
    expect(again.timeline.steps[0]).toMatchObject({ step: 'ValidateInput', status: 'carried' });
    expect(
      setup.env.ports.orderStore.ledger.filter((e) => e.orderId === 'E2E-PERM').map((e) => e.kind),
    ).toEqual(['reserve', 'save', 'delete', 'release', 'reserve', 'save']);
  });

  it('refuses to resume an open run or from a step that does not exist', async () => {
    await startOrder(
      setup.env.context,
      anOrder({ orderId: 'E2E-OPEN', simulate: { sleepStep: 'ProcessData', sleepSeconds: 3 } }),
    );
    await expect(
      resumeRun(setup.env.context, { workflowId: 'order-E2E-OPEN', fromStep: 'ProcessData' }),
    ).rejects.toMatchObject({
      code: 'StillOpen',
      message: expect.stringMatching(/still open; wait for it to close, or cancel or terminate it/),
    });
    await closed('order-E2E-OPEN');
    await expect(
      resumeRun(setup.env.context, { workflowId: 'order-E2E-OPEN', fromStep: 'Teleport' }),
    ).rejects.toThrow(OperationError);
    await expect(
      resumeRun(setup.env.context, { workflowId: 'order-E2E-OPEN', fromStep: 'Teleport' }),
    ).rejects.toThrow(
      /"Teleport" is not a step of OrderProcessing@1; valid steps: ValidateInput, ProcessData/,
    );
    await expect(
      resumeRun(setup.env.context, { workflowId: 'order-NOPE', fromStep: 'ProcessData' }),
    ).rejects.toMatchObject({ code: 'NotFound' });
  });

  it('cancels an order while a long step runs: the worker stops, the decider compensates and cancels', async () => {
    const { runId } = await startOrder(
      setup.env.context,
      anOrder({ orderId: 'E2E-CANCEL', simulate: { sleepStep: 'EnrichData', sleepSeconds: 30 } }),
    );
    await eventually(async () => {
      const { timeline } = await runHistory(setup.env.context, 'order-E2E-CANCEL');
      return timeline.steps.find((s) => s.step === 'EnrichData')?.status === 'running' ? true : undefined;
    });
    await setup.env.swf.send(
      new S.RequestCancelWorkflowExecutionCommand({
        domain: setup.env.config.domain,
        workflowId: 'order-E2E-CANCEL',
        runId,
      }),
    );
    const { timeline } = await closed('order-E2E-CANCEL');
    expect(timeline.status).toBe('canceled');
    expect(timeline.steps.find((s) => s.step === 'EnrichData')?.attempts.map((a) => a.outcome)).toEqual([
      'canceled',
    ]);
    expect(timeline.steps.filter((s) => s.kind === 'compensation').map((s) => s.step)).toEqual([
      'ProcessData',
    ]);
    expect(timeline.failure?.details).toMatchObject({
      canceledAtStep: 'EnrichData',
      compensated: ['ProcessData'],
    });
  }, 30_000);

  it('heartbeats a long activity so it outlives its heartbeat timeout', async () => {
    // ProcessData's heartbeat timeout is 30 s; the simulated work heartbeats every 2 s for 5 s.
    await startOrder(
      setup.env.context,
      anOrder({ orderId: 'E2E-SLOW', simulate: { sleepStep: 'ProcessData', sleepSeconds: 5 } }),
    );
    const { timeline } = await closed('order-E2E-SLOW');
    const process = timeline.steps.find((s) => s.step === 'ProcessData')?.attempts[0];
    expect(timeline.status).toBe('completed');
    expect((process?.closedAt ?? 0) - (process?.startedAt ?? 0)).toBeGreaterThanOrEqual(5_000);
  });

  it('rejects an invalid order with every problem and starts nothing', async () => {
    const error = await startOrder(
      setup.env.context,
      anOrder({ orderId: 'E2E-BAD', items: [], paymentToken: '4242424242424242' }),
    ).catch((e) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.problems).toEqual([
      'paymentToken: holds what looks like a payment card number, which is never accepted (it is not repeated here); send a paymentToken from your payment provider instead',
      'items: must contain at least one item',
    ]);
    await expect(findRun(setup.env.context, 'order-E2E-BAD')).rejects.toMatchObject({ code: 'NotFound' });
  });
});
