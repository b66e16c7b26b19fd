import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { InMemoryRunClaims } from '../../lambda/adapters/memory-run-claims.js';
import { runHistory } from '../../lambda/worker/operations.js';
import { registerCatalog } from '../../lambda/worker/registration.js';
import { createSwfClient } from '../../lambda/worker/swf-client.js';
import { loadConfig } from '../../lambda/workflow/index.js';
import { buildCatalog } from '../../lambda/workflow/modules.js';
import { startOrder } from '../../lambda/workflow/order/operations.js';
import { freePort } from '../../local/runtime/moto.js';
import { anOrder } from '../support/order-fixtures.js';
import { killHard, spawnServer } from '../support/server-process.js';
import { eventually } from '../support/workers.js';

/**
 * The npm scripts stop on a signal sent to npm's own process: no shell or tsx process is left between npm and
 * node, so nothing is orphaned holding the port; a second signal forces the stop.
 */
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const directory = mkdtempSync(join(tmpdir(), 'clean-stop-'));
const children: ChildProcess[] = [];
afterAll(async () => {
  for (const child of children)
    if (child.exitCode === null && child.signalCode === null) await killHard(child);
});

function npm(args: string[], env: Record<string, string> = {}) {
  const child = spawn('npm', ['--silent', ...args], {
    cwd: ROOT,
    env: { ...process.env, SWF_EFFECTS_DB: join(directory, 'orders.db'), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let output = '';
  child.stdout?.on('data', (chunk) => {
    output += chunk;
  });
  child.stderr?.on('data', (chunk) => {
    output += chunk;
  });
  const exited = once(child, 'exit').then(([code, signal]) => ({ code, signal }));
  return { child, exited, output: () => output };
}

const portOpen = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });

describe('clean stops', () => {
  it('npm start stops on SIGTERM to npm, frees its port within 10 s and says so', async () => {
    const port = await freePort();
    const run = npm([
      'start',
      '--',
      '--port',
      String(port),
      '--db',
      join(directory, 'dev.db'),
      '--orders',
      '1',
    ]);
    await eventually(
      async () => (run.output().includes('Still running') ? true : undefined),
      90_000,
      'npm start',
    );
    expect(await portOpen(port)).toBe(true);
    const signalled = Date.now();
    run.child.kill('SIGTERM');
    await eventually(async () => ((await portOpen(port)) ? undefined : true), 10_000, 'the port to be free');
    expect(Date.now() - signalled).toBeLessThan(10_000);
    await run.exited;
    expect(run.output()).toContain('stopped: swf-local, the workers and the console are down');
  }, 120_000);

  it('npm run server stops on SIGINT to npm and frees its port', async () => {
    const port = await freePort();
    const run = npm(['run', 'server', '--', '--port', String(port), '--db', join(directory, 'server.db')]);
    await eventually(
      async () => (run.output().includes('listening on') ? true : undefined),
      30_000,
      'the server',
    );
    run.child.kill('SIGINT');
    await eventually(async () => ((await portOpen(port)) ? undefined : true), 10_000, 'the port to be free');
    await run.exited;
    await eventually(
      async () => (run.output().includes('swf-local stopped') ? true : undefined),
      5_000,
      'the final line',
    );
  }, 60_000);

  it('a worker holding a task whose server is gone logs the failing heartbeat once, and a second signal forces the stop', async () => {
    const server = await spawnServer(['--memory', '--poll-hold', '1']);
    children.push(server.child);
    const config = loadConfig({ SWF_ALLOW_FAILURE_INJECTION: 'true' });
    const context = {
      swf: createSwfClient({ endpoint: server.endpoint }),
      config,
      catalog: buildCatalog(config),
      claims: new InMemoryRunClaims(),
    };
    await registerCatalog(context.swf, context.catalog);
    const { runId } = await startOrder(
      context,
      anOrder({ orderId: 'STOP-1', simulate: { sleepSeconds: 60 } }),
    );
    const decider = npm(['run', 'swfctl', '--', 'worker', 'decider', '--poll-hold', '1'], {
      SWF_ENDPOINT: server.endpoint,
      SWF_ALLOW_FAILURE_INJECTION: 'true',
    });
    const worker = npm(
      ['run', 'swfctl', '--', 'worker', 'activity', '--poll-hold', '1', '--log-level', 'warn'],
      {
        SWF_ENDPOINT: server.endpoint,
        SWF_ALLOW_FAILURE_INJECTION: 'true',
      },
    );
    await eventually(
      async () => {
        const { timeline } = await runHistory(context, 'order-STOP-1', { runId });
        return timeline.steps.find((s) => s.step === 'ProcessData')?.status === 'running' ? true : undefined;
      },
      60_000,
      'ProcessData to run',
    );
    decider.child.kill('SIGTERM');
    await decider.exited;
    await killHard(server.child);
    worker.child.kill('SIGINT');
    // Heartbeats every 2 s fail while it waits for its task; the failure is logged once.
    await new Promise((resolve) => setTimeout(resolve, 7_000));
    expect(worker.output()).toContain('stopping: finishing in-flight tasks');
    expect(worker.output().match(/heartbeat failed/g)).toHaveLength(1);
    worker.child.kill('SIGINT');
    const exit = await worker.exited;
    expect(exit.code).toBe(130);
    expect(worker.output()).toContain('forced stop: in-flight work abandoned');
    context.swf.destroy();
  }, 120_000);
});
