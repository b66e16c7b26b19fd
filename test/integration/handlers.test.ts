import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as S from '@aws-sdk/client-swf';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../local/server/logger.js';
import { type RunningServer, startServer } from '../../local/server/server.js';
import { anOrder } from '../support/order-fixtures.js';
import { clientFor } from '../support/swf-local.js';

/** Every request the server saw: its operation and when it arrived. */
const requests: { operation: string; at: number }[] = [];
let server: RunningServer;
let handlers: {
  decider: typeof import('../../lambda/handlers/decider.js');
  activity: typeof import('../../lambda/handlers/activity-worker.js');
  starter: typeof import('../../lambda/handlers/starter.js');
  operations: typeof import('../../lambda/handlers/operations.js');
  runtime: typeof import('../../lambda/handlers/function-runtime.js');
};

beforeAll(async () => {
  server = await startServer({
    port: 0,
    memory: true,
    pollHoldSeconds: 1,
    logger: createLogger('debug', (line) => {
      const entry = JSON.parse(line) as { message: string; operation?: string };
      if (entry.message === 'request' && entry.operation)
        requests.push({ operation: entry.operation, at: Date.now() });
    }),
  });
  // The handlers read their settings from the environment when first loaded, as in Lambda.
  Object.assign(process.env, {
    SWF_ENDPOINT: server.endpoint,
    SWF_POLL_HOLD_SECONDS: '1',
    SWF_DOMAIN: 'handlers-domain',
    POWERTOOLS_METRICS_DISABLED: 'true',
    POWERTOOLS_LOG_LEVEL: 'SILENT',
    SWF_EFFECTS: 'sqlite',
    SWF_EFFECTS_DB: join(mkdtempSync(join(tmpdir(), 'handlers-')), 'orders.db'),
  });
  handlers = {
    decider: await import('../../lambda/handlers/decider.js'),
    activity: await import('../../lambda/handlers/activity-worker.js'),
    starter: await import('../../lambda/handlers/starter.js'),
    operations: await import('../../lambda/handlers/operations.js'),
    runtime: await import('../../lambda/handlers/function-runtime.js'),
  };
  const { registerCatalog } = await import('../../lambda/worker/registration.js');
  await registerCatalog(handlers.runtime.swf, handlers.runtime.catalog);
});
afterAll(() => server.close());

/** A Lambda context whose deadline is `remainingMs` from now and runs out as real time passes. */
function contextWithDeadline(remainingMs: number) {
  const deadline = Date.now() + remainingMs;
  return {
    functionName: 'test-fn',
    awsRequestId: 'req-1',
    getRemainingTimeInMillis: () => deadline - Date.now(),
    deadline,
  };
}

const polls = (operation: string, since: number) =>
  requests.filter((r) => r.operation === operation && r.at >= since);

describe('poller handlers and the deadline rule', () => {
  it('the decider starts no poll when a task could not be finished before the deadline', async () => {
    const since = Date.now();
    // Needs 1 s hold + 30 s decision budget + 5 s margin; 20 s is not enough.
    const result = await handlers.decider.handler({}, contextWithDeadline(20_000));
    expect(result).toEqual({ exitReason: 'deadline', tasksHandled: 0, emptyPolls: 0, pollErrors: 0 });
    expect(polls('PollForDecisionTask', since)).toHaveLength(0);
  });

  it('the decider polls while time allows, and each poll starts early enough', async () => {
    const since = Date.now();
    const context = contextWithDeadline(38_500);
    const result = await handlers.decider.handler({}, context);
    expect(result.exitReason).toBe('deadline');
    const started = polls('PollForDecisionTask', since);
    expect(started.length).toBeGreaterThanOrEqual(1);
    // The server logs a poll when it answers (after the 1 s hold): it started ≥ 36 s before the deadline.
    for (const poll of started) expect(context.deadline - (poll.at - 1_000)).toBeGreaterThan(36_000 - 250);
    expect(result.emptyPolls).toBe(started.length);
  }, 20_000);

  it('the activity worker keeps room for its longest activity (ProcessData: 5 minutes)', async () => {
    const since = Date.now();
    const result = await handlers.activity.handler({}, contextWithDeadline(300_000));
    expect(result.exitReason).toBe('deadline');
    expect(polls('PollForActivityTask', since)).toHaveLength(0);
  });
});

describe('starter and operations handlers', () => {
  it('starts an order once, returns the open run the second time, and rejects an invalid order', async () => {
    const first = await handlers.starter.handler({ order: anOrder({ orderId: 'H-1' }) });
    expect(first).toMatchObject({ workflowId: 'order-H-1', alreadyStarted: false });
    const second = await handlers.starter.handler(anOrder({ orderId: 'H-1' }));
    expect(second).toEqual({ ...first, alreadyStarted: true });
    // A refusal is an answer, not a failure of the function (Lambda would count it, and the alarm page someone).
    expect(
      await handlers.starter.handler({ order: anOrder({ orderId: 'H-2', currency: 'ZZZ' }) }),
    ).toMatchObject({
      ok: false,
      error: {
        code: 'InvalidInput',
        message: 'Invalid order: currency: must be one of USD, EUR, GBP, BRL (got "ZZZ")',
      },
    });
    const swf = clientFor(server.endpoint);
    const open = await swf.send(
      new S.ListOpenWorkflowExecutionsCommand({
        domain: 'handlers-domain',
        startTimeFilter: { oldestDate: new Date(0) },
        executionFilter: { workflowId: 'order-H-2' },
      }),
    );
    expect(open.executionInfos).toEqual([]);
  });

  it('answers history, describe, signal, cancel, terminate and resume commands, and refuses bad ones', async () => {
    const ops = handlers.operations.handler;
    const history = (await ops({ command: 'history', workflowId: 'order-H-1', pageSize: 1 })) as {
      events: unknown[];
      nextPageToken?: string;
      timeline: { status: string };
    };
    expect(history.timeline.status).toBe('running');
    expect(history.events).toHaveLength(1);
    expect(history.nextPageToken).toBeTruthy();
    expect(await ops({ command: 'describe', workflowId: 'order-H-1' })).toMatchObject({
      status: 'OPEN',
      lineage: { resumedBy: [] },
    });
    // A signal no wait takes is refused, nothing sent; --force sends it raw.
    expect(await ops({ command: 'signal', workflowId: 'order-H-1', signalName: 'poke' })).toMatchObject({
      ok: false,
      error: { code: 'NotWaiting', message: expect.stringMatching(/has no wait that takes poke/) },
    });
    expect(
      await ops({ command: 'signal', workflowId: 'order-H-1', signalName: 'poke', force: true }),
    ).toMatchObject({ status: 'sent' });
    expect(await ops({ command: 'resume', workflowId: 'order-H-1', fromStep: 'SaveResults' })).toMatchObject({
      ok: false,
      error: { code: 'StillOpen' },
    });
    await ops({ command: 'cancel', workflowId: 'order-H-1' });
    await ops({ command: 'terminate', workflowId: 'order-H-1', reason: 'test' });
    expect(await ops({ command: 'describe', workflowId: 'order-H-1' })).toMatchObject({
      status: 'TERMINATED',
      cancelRequested: true,
      failure: { reason: 'test' },
    });
    expect(await ops({ command: 'resume', workflowId: 'order-H-1', fromStep: 'Nope' })).toMatchObject({
      error: { code: 'UnknownStep' },
    });
    expect(await ops({ command: 'cancel', workflowId: 'order-H-1' })).toMatchObject({
      error: { code: 'NotOpen' },
    });
    expect(await ops({ command: 'explode', workflowId: 'x' })).toMatchObject({
      error: { code: 'UnknownCommand' },
    });
    expect(await ops({ command: 'describe', workflowId: 'order-missing' })).toMatchObject({
      error: { code: 'NotFound' },
    });
  });

  it('runs cancel-all and terminate-all in batches that end before the deadline, with a continuation token', async () => {
    const ops = handlers.operations.handler;
    const ids = ['BULKH-1', 'BULKH-2', 'BULKH-3', 'BULKH-4'];
    for (const orderId of ids) await handlers.starter.handler({ order: anOrder({ orderId }) });
    const filter = { prefix: 'order-BULKH-' };
    expect(await ops({ command: 'terminate-all', ...filter })).toMatchObject({
      ok: false,
      error: {
        code: 'InvalidInput',
        problems: [expect.stringContaining('add "confirm": true to do it, or "dryRun": true')],
      },
    });
    expect(await ops({ command: 'cancel-all', ...filter, confirm: false })).toMatchObject({
      ok: false,
      error: { code: 'InvalidCommand' },
    });

    type Batch = {
      rows: { workflowId: string; outcome: string }[];
      continuationToken?: string;
      done: boolean;
    };
    /** Calls a bulk command the way a script would: again with the token until done; one run per batch here. */
    const drain = async (request: Record<string, unknown>) => {
      const batches: Batch[] = [];
      let continuationToken: string | undefined;
      do {
        // 1 ms left: each batch must stop after the run it is on, and hand back a token.
        const batch = (await ops({ ...request, continuationToken }, contextWithDeadline(1))) as Batch;
        batches.push(batch);
        continuationToken = batch.continuationToken;
        expect(batches.length).toBeLessThan(20);
      } while (continuationToken);
      return batches;
    };
    const planned = await drain({ command: 'cancel-all', ...filter, dryRun: true });
    expect(planned.length).toBeGreaterThanOrEqual(4);
    expect(planned.flatMap((b) => b.rows.map((r) => r.outcome))).toEqual(Array(4).fill('would cancel'));
    expect(planned.at(-1)?.done).toBe(true);

    const first = (await ops(
      { command: 'terminate-all', ...filter, confirm: true },
      contextWithDeadline(1),
    )) as Batch;
    expect(first.rows).toHaveLength(1);
    expect(first.continuationToken).toBeTruthy();
    // A token is bound to its request: other filters, or a mangled token, are refused with what to do.
    expect(
      await ops({
        command: 'terminate-all',
        prefix: 'order-',
        confirm: true,
        continuationToken: first.continuationToken,
      }),
    ).toMatchObject({
      error: { code: 'BadToken', message: expect.stringContaining('same command, filters and options') },
    });
    expect(
      await ops({ command: 'terminate-all', ...filter, confirm: true, continuationToken: 'nonsense' }),
    ).toMatchObject({ error: { code: 'BadToken' } });
    const rest = await drain({
      command: 'terminate-all',
      ...filter,
      confirm: true,
      continuationToken: first.continuationToken,
    });
    const terminated = [...first.rows, ...rest.flatMap((b) => b.rows)];
    expect(terminated.map((r) => r.outcome)).toEqual(Array(4).fill('terminated'));
    expect(new Set(terminated.map((r) => r.workflowId))).toEqual(new Set(ids.map((id) => `order-${id}`)));
    // Nothing is left to do: a new call finds no open run.
    expect(await ops({ command: 'terminate-all', ...filter, confirm: true })).toMatchObject({
      rows: [],
      done: true,
      summary: {},
    });
  });

  it('refuses an empty prefix or type in every bulk command, and swfctl refuses it with the same words', async () => {
    const ops = handlers.operations.handler;
    const { runId } = (await handlers.starter.handler({ order: anOrder({ orderId: 'EMPTY-1' }) })) as {
      runId: string;
    };
    const emptyPrefix =
      'prefix (--prefix) is empty, which would select every run: leave a filter out to mean every run, or give it a value';
    const emptyType = emptyPrefix.replace('prefix (--prefix) is', 'workflowType (--type) is');
    // A refusal is an answer, not a thrown error (it pages no one).
    for (const command of ['cancel-all', 'terminate-all', 'resume-failed'])
      expect(await ops({ command, prefix: '', confirm: true })).toMatchObject({
        ok: false,
        error: { code: 'EmptyFilter', message: emptyPrefix },
      });
    expect(await ops({ command: 'cancel-all', workflowType: '', dryRun: true })).toMatchObject({
      ok: false,
      error: { message: emptyType },
    });
    const cli = (...args: string[]) =>
      new Promise<{ code: number; stderr: string }>((resolve) =>
        execFile(
          process.execPath,
          [fileURLToPath(new URL('../../bin/swfctl.mjs', import.meta.url)), ...args],
          { env: { ...process.env, SWF_ENDPOINT: server.endpoint } },
          (error, _stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stderr }),
        ),
      );
    expect(await cli('cancel-all', '--prefix', '', '--yes')).toEqual({
      code: 3,
      stderr: `swfctl: ${emptyPrefix}\n`,
    });
    expect(await cli('terminate-all', '--type', '', '--yes')).toEqual({
      code: 3,
      stderr: `swfctl: ${emptyType}\n`,
    });
    expect(await cli('resume-failed', '--prefix', '')).toEqual({
      code: 3,
      stderr: `swfctl: ${emptyPrefix}\n`,
    });
    expect(await ops({ command: 'describe', workflowId: 'order-EMPTY-1' })).toMatchObject({
      runId,
      status: 'OPEN',
    });
  }, 60_000);

  it("answers the effects command (and its old name, order) with a run's effects, from the store the activity worker writes", async () => {
    const ops = handlers.operations.handler;
    expect(await ops({ command: 'order', orderId: 'H-9' })).toMatchObject({
      error: { code: 'NotFound', message: expect.stringMatching(/^No effects recorded for H-9/) },
    });
    const ports = await (await import('../../lambda/handlers/effect-ports.js')).effectPorts();
    await ports.orderStore.reserveStock('H-9', [{ sku: 'A' }], { lineageId: 'r1', runId: 'r1' });
    expect(await ops({ command: 'order', orderId: 'order-H-9' })).toMatchObject({
      orderId: 'H-9',
      reservation: { runId: 'r1' },
      ledger: [{ kind: 'reserve', runId: 'r1' }],
      runs: ['r1'],
    });
    expect(await ops({ command: 'effects', workflowId: 'order-H-9' })).toMatchObject({
      orderId: 'H-9',
      reservation: { runId: 'r1' },
    });
  });
});
