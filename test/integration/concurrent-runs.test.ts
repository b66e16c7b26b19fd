import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as S from '@aws-sdk/client-swf';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findRun } from '../../lambda/worker/operations.js';
import { startOrder } from '../../lambda/workflow/order/operations.js';
import { counter, type GatedCall, startGateProxy } from '../support/gate-proxy.js';
import { anOrder } from '../support/order-fixtures.js';
import { scratchDirectory } from '../support/scratch.js';
import { closeStatusOf, useOrderWorkers } from '../support/workers.js';

/**
 * Concurrent swfctl processes against one swf-local and one SQLite effects file: at most one new run per source
 * run, one run per order start. A proxy in front of the server holds each start until every process has looked,
 * so the race the claims close happens on every run of this test, not by luck.
 */
const CLI = fileURLToPath(new URL('../../bin/swfctl.mjs', import.meta.url));
const setup = useOrderWorkers();
const directory = scratchDirectory('claims');
let proxy: Awaited<ReturnType<typeof startGateProxy>>;
let gate: (call: GatedCall) => Promise<void> | void = () => undefined;
let answered: (call: GatedCall) => void = () => undefined;

beforeAll(async () => {
  proxy = await startGateProxy(
    setup.env.server.endpoint,
    (call) => gate(call),
    (call) => answered(call),
  );
});
afterAll(() => proxy?.close());

function swfctl(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) =>
    execFile(
      process.execPath,
      [CLI, ...args],
      {
        env: {
          ...process.env,
          SWF_ENDPOINT: proxy.endpoint,
          SWF_EFFECTS: 'sqlite',
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

/** Every run of a workflowId, open and closed. */
async function runsOf(workflowId: string): Promise<S.WorkflowExecutionInfo[]> {
  const filter = {
    domain: setup.env.config.domain,
    startTimeFilter: { oldestDate: new Date(0) },
    executionFilter: { workflowId },
  };
  const open = await setup.env.swf.send(new S.ListOpenWorkflowExecutionsCommand(filter));
  const closed = await setup.env.swf.send(new S.ListClosedWorkflowExecutionsCommand(filter));
  return [...(open.executionInfos ?? []), ...(closed.executionInfos ?? [])];
}

const closeStatus = (workflowId: string) => closeStatusOf(setup.env.context, workflowId);

describe('concurrent processes', () => {
  it('two swfctl resume-failed resume each failed order once; the other says skipped, with the run', async () => {
    const ids = ['order-RACE-R-1', 'order-RACE-R-2', 'order-RACE-R-3'];
    for (const workflowId of ids)
      await startOrder(
        setup.env.context,
        anOrder({
          orderId: workflowId.replace('order-', ''),
          simulate: { failStep: 'NotifyCompletion', nonRetryable: true },
        }),
      );
    for (const workflowId of ids) expect(await closeStatus(workflowId)).toBe('FAILED');
    const sources = new Map(
      await Promise.all(
        ids.map(async (id) => [id, (await findRun(setup.env.context, id)).execution?.runId] as const),
      ),
    );

    // Each resume's start waits until both processes' look at the order ("has it a newer run?") was answered.
    const looks = new Map(ids.map((id) => [id, counter()]));
    answered = ({ action, body }) => {
      if (action === 'ListOpenWorkflowExecutions') looks.get(body.executionFilter?.workflowId ?? '')?.add();
    };
    gate = async ({ action, body }) => {
      if (action === 'StartWorkflowExecution') await looks.get(body.workflowId ?? '')?.wait(2);
    };
    const command = [
      'resume-failed',
      '--prefix',
      'order-RACE-R-',
      '--clear-simulation',
      '--max-per-second',
      '100',
    ];
    const outputs = await Promise.all([swfctl(...command), swfctl(...command)]);
    gate = () => undefined;
    answered = () => undefined;

    const rows = outputs.flatMap((o) =>
      [...o.stdout.matchAll(/^(order-RACE-R-\d)\s+\S+\s+(resumed|skipped|error)\s+(.*)$/gm)].map((m) => ({
        workflowId: m[1] as string,
        outcome: m[2] as string,
        detail: m[3] as string,
      })),
    );
    const report = outputs.map((o) => o.stdout + o.stderr).join('\n---\n');
    expect(
      rows.filter((r) => r.outcome === 'error'),
      report,
    ).toEqual([]);
    for (const workflowId of ids) {
      const runs = await runsOf(workflowId);
      expect(runs, `${workflowId}: the source and one new run\n${report}`).toHaveLength(2);
      const resumedRun = runs.find((r) => r.execution?.runId !== sources.get(workflowId))?.execution?.runId;
      const mine = rows.filter((r) => r.workflowId === workflowId);
      expect(mine.map((r) => r.outcome).sort(), report).toEqual(['resumed', 'skipped']);
      expect(mine.find((r) => r.outcome === 'resumed')?.detail).toContain(`(run ${resumedRun})`);
      // Both looked before either started, so the loser learns it from the claim, with the winner's run.
      expect(mine.find((r) => r.outcome === 'skipped')?.detail).toMatch(
        new RegExp(`^resumed by run ${resumedRun} \\((OPEN|COMPLETED)\\)$`),
      );
    }
    for (const output of outputs) expect(output.stdout + output.stderr).not.toMatch(/Fault/);
  }, 60_000);

  it('four swfctl start of one order make one run, though the first completes before the others start', async () => {
    const workflowId = 'order-RACE-S-1';
    const processes = 4;
    // Every process looks ("did a run of it complete?") before the first start goes on; the starts after the
    // first go on only once that run completed: a starter that trusted its look would start a second run.
    const looks = counter();
    let starts = 0;
    answered = ({ action, body }) => {
      if (action === 'ListClosedWorkflowExecutions' && body.executionFilter?.workflowId === workflowId)
        looks.add();
    };
    gate = async ({ action, body }) => {
      if (action !== 'StartWorkflowExecution' || body.workflowId !== workflowId) return;
      starts++;
      if (starts === 1) await looks.wait(processes);
      else await closeStatus(workflowId);
    };
    const order = JSON.stringify(anOrder({ orderId: 'RACE-S-1' }));
    const outputs = await Promise.all(
      Array.from({ length: processes }, () => swfctl('start', '--order', order)),
    );
    gate = () => undefined;
    answered = () => undefined;

    const report = outputs.map((o) => o.stdout + o.stderr).join('\n---\n');
    const runs = await runsOf(workflowId);
    expect(runs, report).toHaveLength(1);
    const runId = runs[0]?.execution?.runId;
    for (const output of outputs) expect(output.code, report).toBe(0);
    const lines = outputs.map((o) => o.stdout.trim());
    expect(
      lines.filter((l) => l.startsWith('started ')),
      report,
    ).toEqual([`started ${workflowId} (run ${runId})`]);
    for (const line of lines.filter((l) => !l.startsWith('started ')))
      expect(line).toMatch(
        new RegExp(`^already (running|started|completed): ${workflowId} \\(run ${runId}[),]`),
      );
    expect(await closeStatus(workflowId)).toBe('COMPLETED');
  }, 60_000);
});
