import { join } from 'node:path';
import * as S from '@aws-sdk/client-swf';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FilePayloadStore } from '../../lambda/adapters/file-payloads.js';
import { findRun, type OperationsContext, runHistory } from '../../lambda/worker/operations.js';
import { runMarks } from '../../lambda/worker/run-description.js';
import { startWorkflow } from '../../lambda/worker/start-workflow.js';
import { isPayloadRef } from '../../lambda/workflow/payloads.js';
import { runSwfctl } from '../support/cli.js';
import { anOrder } from '../support/order-fixtures.js';
import { scratchDirectory } from '../support/scratch.js';
import { eventually, type OrderEnvironment, orderEnvironment, startWorkers } from '../support/workers.js';

/**
 * Order version 3 against the real server, workers and swfctl: a large order's approval is not skipped when
 * its priced lines are stored, an approval sent before the run waits for it does not count, and swfctl refuses
 * (sending nothing) a signal the run would ignore, and says what the run did with one it sent.
 */
const directory = scratchDirectory('approval-guards');
let env: OrderEnvironment;
let context: OperationsContext;
let workers: ReturnType<typeof startWorkers>;

beforeAll(async () => {
  env = await orderEnvironment({ env: { SWF_WORKFLOW_VERSION: '3' } });
  // The lowest threshold a deployment may set: ProcessData's priced lines are stored for any sizeable order.
  context = {
    ...env.context,
    payloads: new FilePayloadStore(join(directory, 'payloads')),
    offloadThreshold: 1_024,
  };
  workers = startWorkers({ swf: env.swf, context, ports: env.ports, pollHoldMs: 1_000, activityWorkers: 2 });
}, 30_000);
afterAll(async () => {
  await workers?.stop();
  await env?.server.close();
});

const swfctl = (...args: string[]) =>
  runSwfctl(
    {
      SWF_ENDPOINT: env.server.endpoint,
      SWF_WORKFLOW_VERSION: '3',
      SWF_PAYLOADS_DIR: join(directory, 'payloads'),
    },
    args,
  );

/** An order of `lines` lines of 108 each: 140 lines are 15,120 before tax. */
const linesOrder = (orderId: string, lines: number, extra: Record<string, unknown> = {}) =>
  anOrder({
    orderId,
    items: Array.from({ length: lines }, (_, i) => ({ sku: `SKU-${i}`, quantity: 1, unitPrice: 108 })),
    ...extra,
  });

const closed = (workflowId: string) =>
  eventually(
    async () => {
      const info = await findRun(context, workflowId);
      return info.executionStatus === 'CLOSED' ? info : undefined;
    },
    30_000,
    `${workflowId} to close`,
  );

const waitingForApproval = (workflowId: string) =>
  eventually(
    async () => {
      const { events } = await runHistory(context, workflowId);
      return events.some((e) => e.timerStartedEventAttributes?.timerId === 'wait.Approval')
        ? true
        : undefined;
    },
    30_000,
    `${workflowId} to wait for approval`,
  );

const signalsOf = async (workflowId: string) =>
  (await runHistory(context, workflowId)).events.filter((e) => e.eventType === 'WorkflowExecutionSignaled');

describe('order version 3: an approval no caller can skip or pre-empt', () => {
  it('makes a 140-line order of 15,120 wait for approval, though its priced lines are stored', async () => {
    await startWorkflow(context, { input: linesOrder('G3-LARGE', 140) });
    await waitingForApproval('order-G3-LARGE');
    const { timeline } = await runHistory({ ...context, payloads: undefined }, 'order-G3-LARGE');
    const processData = timeline.steps.find((s) => s.step === 'ProcessData')?.attempts[0]?.result as {
      totals?: unknown;
      total?: number;
    };
    expect(isPayloadRef(processData.totals)).toBe(true);
    expect(processData.total).toBeGreaterThan(15_000);
    // The console's list says where it is too.
    const info = await findRun(context, 'order-G3-LARGE');
    expect(await runMarks(context, info as S.WorkflowExecutionInfo)).toMatchObject({
      step: '⏸ Approval',
      stepState: 'at',
    });
    const described = await swfctl('describe', 'order-G3-LARGE');
    expect(described.stdout).toMatch(/now at\s+Approval \(waiting for Approve or Reject\)/);
    const approved = await swfctl('approve', 'order-G3-LARGE', '--reviewer', 'ana');
    expect(approved.code, approved.stderr).toBe(0);
    expect(approved.stdout).toMatch(
      /^approved order-G3-LARGE as ana \(run \S+\): the run took it \(Approval\)$/m,
    );
    expect((await closed('order-G3-LARGE')).closeStatus).toBe('COMPLETED');
  }, 60_000);

  it('does not count an Approve sent before the run waits, and swfctl refuses to send one', async () => {
    const { runId } = await startWorkflow(context, {
      input: linesOrder('G3-EARLY', 60, { simulate: { sleepStep: 'EnrichData', sleepSeconds: 12 } }),
    });
    await eventually(async () => {
      const { timeline } = await runHistory(context, 'order-G3-EARLY');
      return timeline.steps.find((s) => s.step === 'EnrichData')?.status === 'running' ? true : undefined;
    });
    const refused = await swfctl('approve', 'order-G3-EARLY', '--reviewer', 'ana');
    expect(refused.code, refused.stdout).toBe(3);
    expect(refused.stderr).toMatch(
      /Not sent: the run has not reached Approval .*takes only signals sent while it waits/,
    );
    expect(await signalsOf('order-G3-EARLY')).toEqual([]);
    // A raw SWF client sends it anyway: the run reaches the wait and still waits.
    await env.swf.send(
      new S.SignalWorkflowExecutionCommand({
        domain: env.config.domain,
        workflowId: 'order-G3-EARLY',
        runId,
        signalName: 'Approve',
        input: '{"reviewer":"mallory"}',
      }),
    );
    await waitingForApproval('order-G3-EARLY');
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect((await findRun(context, 'order-G3-EARLY')).executionStatus).toBe('OPEN');
    const history = await swfctl('history', 'order-G3-EARLY');
    expect(history.stdout).toMatch(/Approve.*\(ignored: sent before the run reached Approval/);
    const rejected = await swfctl('reject', 'order-G3-EARLY', '--reviewer', 'bo');
    expect(rejected.stdout).toMatch(/the run took it \(Approval\)/);
    expect((await closed('order-G3-EARLY')).closeStatus).toBe('FAILED');
  }, 60_000);

  it('refuses payloads the wait would ignore and workflows with no such wait, sending nothing', async () => {
    await startWorkflow(context, { input: linesOrder('G3-BAD', 60) });
    await waitingForApproval('order-G3-BAD');
    const longNote = await swfctl(
      'approve',
      'order-G3-BAD',
      '--reviewer',
      'ana',
      '--note',
      'x'.repeat(2_001),
    );
    expect(longNote.code).toBe(3);
    expect(longNote.stderr).toMatch(/Not sent: Approval would ignore it: invalid payload \(note: .*2000/);
    const blank = await swfctl('approve', 'order-G3-BAD', '--reviewer', '   ');
    expect(blank.stderr).toMatch(/invalid payload \(reviewer: name the reviewer\)/);
    const unknown = await swfctl('signal', 'order-G3-BAD', 'Hurry');
    expect(unknown.stderr).toMatch(
      /OrderProcessing@3 has no wait that takes Hurry; it takes Approve, Reject/,
    );
    expect(await signalsOf('order-G3-BAD')).toEqual([]);
    const renewal = await startWorkflow(context, {
      type: 'SubscriptionRenewal',
      input: { ...env.catalog.modules[1]?.sampleInput, subscriptionId: 'G3-R', reminderLeadSeconds: 600 },
    });
    const toRenewal = await swfctl('approve', renewal.workflowId, '--reviewer', 'ana');
    expect(toRenewal.code).toBe(3);
    expect(toRenewal.stderr).toMatch(/SubscriptionRenewal@1 has no wait that takes Approve/);
    expect(await signalsOf(renewal.workflowId)).toEqual([]);
    // --force sends it raw; the run ignores it, and swfctl's history says why.
    const forced = await swfctl(
      'signal',
      'order-G3-BAD',
      'Approve',
      '--input',
      '{"note":"nobody"}',
      '--force',
    );
    expect(forced.stdout).toMatch(/sent with --force, unchecked/);
    const approved = await swfctl('approve', 'order-G3-BAD', '--reviewer', 'ana', '--note', 'ok');
    expect(approved.stdout).toMatch(/the run took it \(Approval\)/);
    expect((await closed('order-G3-BAD')).closeStatus).toBe('COMPLETED');
  }, 60_000);

  it('notes a signal that arrives after its wait was answered, and refuses to send one', async () => {
    await startWorkflow(context, {
      input: linesOrder('G3-LATE', 60, { simulate: { sleepStep: 'SaveResults', sleepSeconds: 10 } }),
    });
    await waitingForApproval('order-G3-LATE');
    expect((await swfctl('approve', 'order-G3-LATE', '--reviewer', 'ana')).code).toBe(0);
    const again = await swfctl('approve', 'order-G3-LATE', '--reviewer', 'ana');
    expect(again.stderr).toMatch(/Not sent: Approval is over/);
    const forced = await swfctl('approve', 'order-G3-LATE', '--reviewer', 'eve', '--force');
    expect(forced.code, forced.stderr).toBe(0);
    await closed('order-G3-LATE');
    const history = await swfctl('history', 'order-G3-LATE');
    expect(history.stdout).toMatch(/Approve.*\(ignored: arrived after Approval was over/);
  }, 60_000);
});
