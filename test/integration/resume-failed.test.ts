import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { InMemoryRunClaims } from '../../lambda/adapters/memory-run-claims.js';
import { bulkBatch, resumeFailed } from '../../lambda/worker/bulk-operations.js';
import { findRun } from '../../lambda/worker/operations.js';
import { startOrder } from '../../lambda/workflow/order/operations.js';
import { anOrder } from '../support/order-fixtures.js';
import { scratchDirectory } from '../support/scratch.js';
import { closeStatusOf, useOrderWorkers } from '../support/workers.js';

const CLI = fileURLToPath(new URL('../../bin/swfctl.mjs', import.meta.url));
const setup = useOrderWorkers();
const directory = scratchDirectory('resume-failed');

function swfctl(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) =>
    execFile(
      process.execPath,
      [CLI, ...args],
      {
        env: {
          ...process.env,
          SWF_ENDPOINT: setup.env.server.endpoint,
          // Their run claims in a file of this test's own, not the checkout's .swf-local.
          SWF_EFFECTS_DB: join(directory, 'effects.db'),
          SWF_ALLOW_FAILURE_INJECTION: 'true',
          SWF_WORKFLOW_VERSION: '1',
        },
        timeout: 60_000,
      },
      (error, stdout, stderr) =>
        resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    ),
  );
}

const closeStatus = (workflowId: string) => closeStatusOf(setup.env.context, workflowId);

describe('swfctl resume-failed', () => {
  it('resumes three failed orders to COMPLETED in one call, and a second call resumes none', async () => {
    const failing = ['BULK-1', 'BULK-2', 'BULK-3'];
    for (const orderId of failing)
      await startOrder(
        setup.env.context,
        anOrder({ orderId, simulate: { failStep: 'NotifyCompletion', nonRetryable: true } }),
      );
    await startOrder(
      setup.env.context,
      anOrder({ orderId: 'BULK-OTHER', simulate: { failStep: 'EnrichData', nonRetryable: true } }),
    );
    for (const orderId of [...failing, 'BULK-OTHER'])
      expect(await closeStatus(`order-${orderId}`)).toBe('FAILED');

    const planned = await resumeFailed(
      setup.env.context,
      { prefix: 'order-BULK-', failedStep: 'NotifyCompletion' },
      { dryRun: true },
    );
    expect(planned.map((r) => [r.workflowId, r.outcome, r.detail]).sort()).toEqual(
      failing.map((id) => [`order-${id}`, 'would resume', 'from NotifyCompletion']),
    );

    const resumeBulk = [
      'resume-failed',
      '--prefix',
      'order-BULK-',
      '--failed-step',
      'NotifyCompletion',
      '--clear-simulation',
    ];
    const first = await swfctl(...resumeBulk);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/^3 resumed, 0 skipped, 0 failed$/m);
    for (const orderId of failing) expect(await closeStatus(`order-${orderId}`)).toBe('COMPLETED');
    expect((await findRun(setup.env.context, 'order-BULK-OTHER')).closeStatus).toBe('FAILED');

    const second = await swfctl(...resumeBulk);
    expect(second.stdout).toMatch(/^0 resumed, 3 skipped, 0 failed$/m);
    expect(second.stdout).toMatch(/order-BULK-1 +NotifyCompletion +skipped +the order has a newer run/);

    // describe links both ways: the new run names its source, the source names its failure and its resumer.
    const latest = await swfctl('describe', 'order-BULK-1');
    // The source run compensated ProcessData, so the resume restarted there.
    const source = /resumed from +run (\S+) at ProcessData$/m.exec(latest.stdout)?.[1];
    expect(latest.stdout, latest.stderr).toMatch(/^order-BULK-1 {2}COMPLETED {2}OrderProcessing@1$/m);
    expect(latest.stdout).toMatch(/^started +\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3} UTC$/m);
    expect(source, latest.stdout).toBeDefined();
    const described = JSON.parse(
      (await swfctl('describe', 'order-BULK-1', '--run', source ?? '', '--json')).stdout,
    );
    const newRun = (await findRun(setup.env.context, 'order-BULK-1')).execution?.runId;
    expect(described).toMatchObject({
      status: 'FAILED',
      failure: { reason: 'StepFailed', details: { failedStep: 'NotifyCompletion' } },
      lineage: { resumedBy: [{ runId: newRun, fromStep: 'ProcessData', status: 'COMPLETED' }] },
    });
    const text = (await swfctl('describe', 'order-BULK-1', '--run', source ?? '')).stdout;
    expect(text).toMatch(/^outcome +Failed: StepFailed$/m);
    expect(text).toMatch(/^ +failed step: NotifyCompletion after 1 attempt\(s\)$/m);
    expect(text).toContain(`resumed by    run ${newRun} from ProcessData (COMPLETED)`);
  }, 90_000);

  it('resumes in batches that stop at a deadline and go on from a continuation token, each run once', async () => {
    const ids = ['BATCH-1', 'BATCH-2', 'BATCH-3'];
    for (const orderId of ids)
      await startOrder(
        setup.env.context,
        anOrder({ orderId, simulate: { failStep: 'NotifyCompletion', nonRetryable: true } }),
      );
    for (const orderId of ids) expect(await closeStatus(`order-${orderId}`)).toBe('FAILED');
    const request = {
      operation: 'resume-failed' as const,
      filter: { prefix: 'order-BATCH-' },
      options: { clearSimulation: true },
    };
    const rows: { workflowId: string; outcome: string }[] = [];
    let continuationToken: string | undefined;
    let batches = 0;
    do {
      // A deadline already passed: every batch does one run and hands back where it stopped.
      const batch = await bulkBatch(setup.env.context, request, { continuationToken, deadline: Date.now() });
      rows.push(...batch.rows);
      continuationToken = batch.continuationToken;
      batches++;
    } while (continuationToken && batches < 10);
    expect(batches).toBeGreaterThanOrEqual(3);
    expect(rows.map((r) => r.outcome)).toEqual(['resumed', 'resumed', 'resumed']);
    expect(rows.map((r) => r.workflowId).sort()).toEqual(ids.map((id) => `order-${id}`));
    for (const orderId of ids) expect(await closeStatus(`order-${orderId}`)).toBe('COMPLETED');
    const again = await bulkBatch(setup.env.context, request);
    expect(again.continuationToken).toBeUndefined();
    expect(again.rows.map((r) => r.outcome)).toEqual(['skipped', 'skipped', 'skipped']);
  }, 60_000);

  it('says which steps the source run compensated, apart from the steps it does again', async () => {
    await startOrder(
      setup.env.context,
      anOrder({ orderId: 'WORDS-1', simulate: { failStep: 'NotifyCompletion', nonRetryable: true } }),
    );
    await closeStatus('order-WORDS-1');
    const resumed = await swfctl(
      'resume',
      'order-WORDS-1',
      '--from',
      'NotifyCompletion',
      '--clear-simulation',
    );
    const lines = resumed.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^Compensated in run \S+: ProcessData, SaveResults\.$/);
    expect(lines[1]).toBe(
      'So the new run starts at ProcessData and does ProcessData, EnrichData, SaveResults again before NotifyCompletion.',
    );
    // An option swfctl cannot read is input to fix: one line, exit code 2 (the promise in docs/operate.md, "When swfctl refuses").
    expect(await swfctl('resume-failed', '--since', 'yesterday')).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(
        /^swfctl: .*--since must be an ISO time \(2026-11-26T09:00Z\) or a duration \(30m, 6h, 2d\) \(add --help for usage\)\n$/,
      ),
    });
  }, 60_000);

  it('cancels or terminates every open run a filter selects, only when confirmed', async () => {
    for (const orderId of ['CA-1', 'CA-2', 'TA-1'])
      await startOrder(
        setup.env.context,
        anOrder({ orderId, simulate: { sleepStep: 'ProcessData', sleepSeconds: 30 } }),
      );
    const refused = await swfctl('cancel-all', '--prefix', 'order-CA-');
    expect(refused).toMatchObject({
      code: 3,
      stderr:
        'swfctl: Request cancellation of 2 open run(s)? Nothing done: add --yes to confirm, or --dry-run to list them\n',
    });
    expect((await findRun(setup.env.context, 'order-CA-1')).cancelRequested).toBeFalsy();
    expect((await swfctl('cancel-all', '--prefix', 'order-CA-', '--dry-run')).stdout).toMatch(
      /^2 would be canceled, 0 failed$/m,
    );
    const canceled = await swfctl('cancel-all', '--prefix', 'order-CA-', '--yes');
    expect(canceled.stdout).toMatch(/^2 cancel requested, 0 failed$/m);
    for (const orderId of ['CA-1', 'CA-2']) expect(await closeStatus(`order-${orderId}`)).toBe('CANCELED');
    expect((await findRun(setup.env.context, 'order-TA-1')).executionStatus).toBe('OPEN');
    expect((await swfctl('terminate-all', '--prefix', 'order-TA-', '--yes')).stdout).toMatch(
      /^1 terminated, 0 failed$/m,
    );
    expect(await closeStatus('order-TA-1')).toBe('TERMINATED');
  }, 60_000);
});

describe('concurrent starters', () => {
  it('give 20 simultaneous starts of one order the same run, never a raw fault', async () => {
    for (const orderId of ['RACE-1', 'RACE-2', 'RACE-3']) {
      const results = await Promise.allSettled(
        Array.from({ length: 20 }, () => startOrder(setup.env.context, anOrder({ orderId }))),
      );
      const refused = results.filter((r) => r.status === 'rejected');
      expect(refused, String((refused[0] as PromiseRejectedResult | undefined)?.reason)).toEqual([]);
      const runs = new Set(results.map((r) => (r as PromiseFulfilledResult<{ runId: string }>).value.runId));
      expect(runs.size).toBe(1);
      expect(await closeStatus(`order-${orderId}`)).toBe('COMPLETED');
      // Once it completed, a late starter is told so and starts nothing.
      expect(await startOrder(setup.env.context, anOrder({ orderId }))).toMatchObject({
        runId: [...runs][0],
        alreadyCompleted: true,
      });
    }
  }, 60_000);
  it('reports a run that closed between a refused start and the look for it, rather than the fault', async () => {
    const order = anOrder({ orderId: 'RACE-SLOW', simulate: { sleepSeconds: 1 } });
    // Started where the late starter's claims do not see it (as a raw StartWorkflowExecution would be), so the
    // late one wins its claim and SWF refuses its start.
    const first = await startOrder({ ...setup.env.context, claims: new InMemoryRunClaims() }, order);
    const real = setup.env.context.swf;
    // The losing starter is slow to look: the winner's run closes in between (injected, on the real server).
    const slowToLook = {
      send: async (command: { constructor: { name: string } }) => {
        if (command.constructor.name === 'ListOpenWorkflowExecutionsCommand')
          await closeStatus('order-RACE-SLOW');
        return real.send(command as never);
      },
    } as unknown as typeof real;
    const late = await startOrder({ ...setup.env.context, swf: slowToLook }, order);
    expect(late).toMatchObject({ runId: first.runId, alreadyCompleted: true });
  }, 60_000);
});
