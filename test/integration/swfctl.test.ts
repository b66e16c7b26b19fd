import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DescribeWorkflowExecutionCommand, type SWFClient } from '@aws-sdk/client-swf';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../local/server/server.js';
import { anOrder } from '../support/order-fixtures.js';
import { startLocal } from '../support/swf-local.js';

const CLI = fileURLToPath(new URL('../../bin/swfctl.mjs', import.meta.url));
const directory = mkdtempSync(join(tmpdir(), 'swfctl-'));
let server: RunningServer;
let swf: SWFClient;

beforeAll(async () => {
  ({ server, swf } = await startLocal({ virtualClock: false }));
});
afterAll(() => server.close());

/** What every swfctl process of these tests shares: the server, a domain and one SQLite file of effects. */
const cliEnv = () => ({
  ...process.env,
  SWF_ENDPOINT: server.endpoint,
  SWF_DOMAIN: 'cli-domain',
  SWF_WORKFLOW_VERSION: '1',
  SWF_EFFECTS_DB: join(directory, 'orders.db'),
});

/** Runs `swfctl` as a user would; never throws, returns what it printed and its exit code. */
function swfctl(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], { env: cliEnv(), timeout: 30_000 }, (error, stdout, stderr) =>
      resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe('swfctl', () => {
  it('registers, starts an order idempotently, lists, describes and shows its history', async () => {
    const registered = await swfctl('register');
    expect(registered.stdout).toContain('domain cli-domain: created');
    expect(registered.stdout).toContain('activity ProcessData@1: created');
    const file = join(directory, 'order.json');
    writeFileSync(file, JSON.stringify(anOrder({ orderId: 'CLI-1' })));
    expect((await swfctl('start', '--order', file)).stdout).toMatch(/^started order-CLI-1 \(run \S+\)/);
    expect((await swfctl('start', '--order', JSON.stringify(anOrder({ orderId: 'CLI-1' })))).stdout).toMatch(
      /^already running: order-CLI-1/,
    );
    const listed = await swfctl('list', '--status', 'open');
    expect(listed.stdout).toMatch(/order-CLI-1\s+OPEN\s+OrderProcessing@1/);
    const described = (await swfctl('describe', 'order-CLI-1')).stdout;
    expect(described).toMatch(/^order-CLI-1 {2}OPEN {2}OrderProcessing@1/);
    expect(described).toMatch(/^now at +between steps \(a decision is due\)$/m);
    expect(JSON.parse((await swfctl('describe', 'order-CLI-1', '--json')).stdout)).toMatchObject({
      workflowId: 'order-CLI-1',
      status: 'OPEN',
      lineage: { resumedBy: [] },
    });
    const history = await swfctl('history', 'order-CLI-1');
    expect(history.stdout).toMatch(/order-CLI-1 {2}OrderProcessing@1 {2}RUNNING/);
    expect(history.stdout).toMatch(/ValidateInput\s+not run/);
    const asJson = JSON.parse((await swfctl('history', 'order-CLI-1', '--json')).stdout);
    expect(asJson.events[0].eventType).toBe('WorkflowExecutionStarted');
    expect((await swfctl('cancel', 'order-CLI-1')).stdout).toMatch(/^cancel requested for order-CLI-1/);
    expect((await swfctl('terminate', 'order-CLI-1', '--reason', 'test')).stdout).toMatch(
      /^terminated order-CLI-1/,
    );
    const terminated = (await swfctl('describe', 'order-CLI-1')).stdout;
    expect(terminated).toMatch(/^outcome +Terminated: test$/m);
    // The README tour's failed order (docs/operate.md too), exactly as written: swf-local allows the demo's
    // failure injection.
    expect(process.env.SWF_ALLOW_FAILURE_INJECTION).toBeUndefined();
    const example = await swfctl('start', '--order', 'examples/order-fails.json');
    expect(example.stdout, example.stderr).toMatch(/^started order-A-1002 \(run \S+\)/);
  }, 60_000);

  it('says what went wrong in one line, with an exit code, never a stack trace', async () => {
    const invalid = await swfctl(
      'start',
      '--order',
      JSON.stringify(anOrder({ orderId: 'CLI-2', paymentToken: '4111111111111111' })),
    );
    expect(invalid.code).toBe(2);
    expect(invalid.stderr).toBe(
      'swfctl: Invalid order: paymentToken: holds what looks like a payment card number, which is never accepted (it is not repeated here); send a paymentToken from your payment provider instead\n',
    );
    // Poison: nested 5,000 levels deep in 10 KB; refused at once, in words, before anything reads it.
    const deep = `{"orderId":"CLI-3","notes":${'['.repeat(5_000)}${']'.repeat(5_000)}}`;
    const poison = await swfctl('start', '--input', deep);
    expect(poison.code).toBe(2);
    expect(poison.stderr).toBe(
      'swfctl: Invalid input: the input nests lists and objects more than 64 levels deep; flatten it (no real input needs that many)\n',
    );
    const unknown = await swfctl('history', 'order-NOPE');
    expect(unknown.code).toBe(3);
    expect(unknown.stderr).toBe(
      'swfctl: No run of workflow order-NOPE in domain cli-domain; check the id with "swfctl list"\n',
    );
    const badStep = await swfctl('resume', 'order-CLI-1', '--from', 'Teleport');
    expect(badStep.code).toBe(3);
    expect(badStep.stderr).toMatch(
      /^swfctl: "Teleport" is not a step of OrderProcessing@1; valid steps: ValidateInput, /,
    );
    const badJson = await swfctl('start', '--order', '{"orderId": ');
    expect(badJson.code).toBe(2);
    expect(badJson.stderr).toMatch(/^swfctl: Invalid input: the input is not valid JSON \(/);
    const missingFile = await swfctl('start', '--order', join(directory, 'missing.json'));
    expect(missingFile.code).toBe(2);
    expect(missingFile.stderr).toBe(`swfctl: cannot read ${join(directory, 'missing.json')}: no such file\n`);
    const unreachable = await swfctl('--endpoint', 'http://127.0.0.1:9', 'list');
    expect(unreachable.code).toBe(4);
    expect(unreachable.stderr).toBe(
      'swfctl: cannot reach SWF at http://127.0.0.1:9: is swf-local running? Start it with "npx swfctl server" (or "npm start")\n',
    );
    const noEffects = await swfctl('order', 'NEVER-1');
    expect(noEffects.code).toBe(3);
    expect(noEffects.stderr).toBe(
      'swfctl: No effects recorded for NEVER-1: its runs never saved, reserved or notified anything yet (check the id with "swfctl list"; workflow ids look like order-<id>, renewal-<id>)\n',
    );
    expect((await swfctl('effects', 'renewal-NEVER-2')).stderr).toMatch(
      /^swfctl: No effects recorded for renewal-NEVER-2:/,
    );
    const near = await swfctl('history', 'A-1001');
    expect(near.stderr).toBe(
      'swfctl: No run of workflow A-1001 in domain cli-domain; workflow ids start with order- or renewal-: did you mean order-A-1001 or renewal-A-1001?\n',
    );
    const notObject = await swfctl('start', '--order', '[1]');
    expect(notObject).toMatchObject({
      code: 2,
      stderr: 'swfctl: Invalid order: the order must be a JSON object\n',
    });
    const several = await swfctl(
      'start',
      '--order',
      JSON.stringify(anOrder({ orderId: 'CLI-3', items: [], currency: 'ZZZ' })),
    );
    expect(several.stderr).toBe(
      'swfctl: Invalid order:\n  • items: must contain at least one item\n  • currency: must be one of USD, EUR, GBP, BRL (got "ZZZ")\n',
    );
    const noRegion = await new Promise<{ code: number; stderr: string }>((resolve) =>
      execFile(
        process.execPath,
        [CLI, 'list'],
        {
          env: {
            PATH: process.env.PATH,
            HOME: directory,
            AWS_CONFIG_FILE: join(directory, 'none'),
            SWF_DOMAIN: 'cli-domain',
          },
          timeout: 30_000,
        },
        (error, _stdout, stderr) =>
          resolve({ code: Number((error as { code?: number } | null)?.code ?? 0), stderr }),
      ),
    );
    expect(noRegion).toEqual({
      code: 4,
      stderr:
        'swfctl: no AWS region: set AWS_REGION (e.g. AWS_REGION=us-east-1) to use AWS, or SWF_ENDPOINT=http://127.0.0.1:7654 for swf-local\n',
    });
    // A fault from the real server, in words: a domain nobody registered.
    const noDomain = await new Promise<{ code: number; stderr: string }>((resolve) =>
      execFile(
        process.execPath,
        [CLI, 'start', '--order', JSON.stringify(anOrder({ orderId: 'CLI-4' }))],
        { env: { ...cliEnv(), SWF_DOMAIN: 'never-registered' }, timeout: 30_000 },
        (error, _stdout, stderr) =>
          resolve({ code: Number((error as { code?: number } | null)?.code ?? 0), stderr }),
      ),
    );
    expect(noDomain.code).toBe(3);
    expect(noDomain.stderr).toMatch(
      /^swfctl: UnknownResourceFault: no such domain, workflow type, activity type or run: check the name and version \("swfctl register" registers the catalog, "swfctl list" shows runs\) \(.*never-registered.*\)\n$/,
    );
    // A reader that stops early (`swfctl list | head -1`) ends swfctl quietly.
    const piped = spawn(process.execPath, [CLI, 'list', '--limit', '500'], { env: cliEnv() });
    let stderr = '';
    piped.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    piped.stdout.destroy(); // the reader is gone before swfctl writes: its first write meets EPIPE
    const [exitCode] = await once(piped, 'exit');
    expect({ exitCode, stderr }).toEqual({ exitCode: 0, stderr: '' });
    const schemeless = await swfctl('--endpoint', server.endpoint.replace('http://', ''), 'list');
    expect(schemeless.code, schemeless.stderr).toBe(0);
    for (const result of [
      invalid,
      unknown,
      badStep,
      badJson,
      missingFile,
      unreachable,
      noEffects,
      near,
      several,
    ])
      expect(result.stderr).not.toMatch(/\n\s+at /);
  }, 60_000);

  /** The run's close status once it completed, or whatever it is after a minute. */
  const closeStatus = async (workflowId: string, runId: string | undefined) => {
    let status: string | undefined;
    for (const until = Date.now() + 60_000; status !== 'COMPLETED' && Date.now() < until; ) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      const info = await swf.send(
        new DescribeWorkflowExecutionCommand({ domain: 'cli-domain', execution: { workflowId, runId } }),
      );
      status = info.executionInfo?.closeStatus;
    }
    return status;
  };

  it('runs a decider and an activity worker until Ctrl+C, and they finish an order started meanwhile', async () => {
    expect((await swfctl('register')).code).toBe(0);
    const env = cliEnv();
    const workers = (['decider', 'activity'] as const).map((kind) => {
      const child = spawn(process.execPath, [CLI, 'worker', kind, '--poll-hold', '1', '--concurrency', '2'], {
        env,
      });
      let stderr = '';
      child.stderr.on('data', (chunk) => {
        stderr += chunk;
      });
      // Listen before anything can make it exit, so an early crash is seen rather than waited for.
      const exited = once(child, 'exit').then(([code]) => code as number | null);
      return { kind, child, exited, stderr: () => stderr };
    });
    try {
      const started = await swfctl('start', '--order', JSON.stringify(anOrder({ orderId: 'CLI-W' })));
      expect(started.code, started.stderr).toBe(0);
      const runId = /\(run (\S+)\)/.exec(started.stdout)?.[1];
      // Both workers start cold (tsx compiles on first run), which takes seconds on a loaded CI machine.
      const status = await closeStatus('order-CLI-W', runId);
      expect(status, workers.map((w) => `${w.kind}: ${w.stderr()}`).join('\n')).toBe('COMPLETED');
      // The completed order is not started again, and its effects are where the worker put them.
      expect(
        (await swfctl('start', '--order', JSON.stringify(anOrder({ orderId: 'CLI-W' })))).stdout,
      ).toMatch(
        /^already completed: order-CLI-W \(run \S+\); nothing started\. To run it again from a step: swfctl resume order-CLI-W --from <step>/,
      );
      const order = await swfctl('order', 'CLI-W');
      expect(order.stdout).toContain(`CLI-W   (effects in SQLite ${join(directory, 'orders.db')})`);
      expect(order.stdout).toMatch(new RegExp(`record +saved: 33\\.45 USD for cust-42, by run ${runId}`));
      expect(order.stdout).toMatch(/notification +OrderConfirmed sent \(message outbox-1\)/);
      expect(order.stdout).toMatch(/1 +reserve .*\n.*2 +save /);
      const asJson = JSON.parse((await swfctl('effects', 'order-CLI-W', '--json')).stdout);
      expect(asJson).toMatchObject({
        orderId: 'CLI-W',
        runs: [runId],
        recordSummary: '33.45 USD for cust-42',
      });

      // A 10,000-line order from a file: swfctl stores its lines next to the SQLite data, the worker process
      // reads them from there, and history shows them resolved, with their size.
      const big = join(directory, 'order-big.json');
      const items = Array.from({ length: 10_000 }, (_, i) => ({
        sku: `SKU-${i}`,
        quantity: 1,
        unitPrice: 0.01,
      }));
      writeFileSync(big, JSON.stringify(anOrder({ orderId: 'CLI-BIG', items })));
      const bigStart = await swfctl('start', '--order', big);
      expect(bigStart.code, bigStart.stderr).toBe(0);
      const bigRun = /\(run (\S+)\)/.exec(bigStart.stdout)?.[1];
      const bigStatus = await closeStatus('order-CLI-BIG', bigRun);
      expect(bigStatus, workers.map((w) => `${w.kind}: ${w.stderr()}`).join('\n')).toBe('COMPLETED');
      const history = await swfctl('history', 'order-CLI-BIG');
      expect(history.stdout).toMatch(
        /\n {2}input\.items +\d{3},\d{3} characters {2}local:payloads\/[0-9a-f]{64}\n/,
      );
      expect(readdirSync(join(directory, 'payloads')).length).toBeGreaterThan(0);
    } finally {
      for (const { child } of workers) child.kill('SIGINT');
    }
    for (const { kind, exited, stderr } of workers) {
      expect(await exited, `${kind}: ${stderr()}`).toBe(0);
      expect(stderr()).toMatch(/stopping: finishing in-flight tasks/);
      const handled = Number(/stopped: (\d+) task\(s\) handled/.exec(stderr())?.[1]);
      expect(handled).toBeGreaterThan(0);
    }
  }, 100_000);

  it('runs the demo batch and exits 0 when every order ended as expected', async () => {
    const demo = await new Promise<{ code: number; stdout: string }>((resolve) => {
      execFile(
        process.execPath,
        [CLI, 'demo', '--exit', '--orders', '9'],
        {
          timeout: 90_000,
          env: { ...process.env, SWF_ENDPOINT: '', SWF_EFFECTS_DB: join(directory, 'demo.db') },
        },
        (error, stdout) =>
          resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout }),
      );
    });
    expect(demo.stdout).toContain('Every order ended as expected.');
    expect(demo.stdout).toMatch(/\[█{30}\] 9\/9 orders closed/);
    // The second workflow ran in the demo too: a subscription renewal with a durable sleep.
    expect(demo.stdout).toMatch(/-renewal +COMPLETED +COMPLETED +✓ +1 /);
    // The approval scenario: a version-2 order above 5,000 waited for a person, and the demo approved it.
    expect(demo.stdout).toMatch(/-approve +COMPLETED +COMPLETED +✓ +1 /);
    expect(demo.stdout).toContain('(waited for');
    for (const status of ['COMPLETED  COMPLETED  ✓', 'CANCELED   CANCELED   ✓', 'REJECTED   REJECTED   ✓'])
      expect(demo.stdout).toContain(status);
    expect(demo.code).toBe(0);
  }, 100_000);
});
