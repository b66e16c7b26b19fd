import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { InMemoryRunClaims } from '../../lambda/adapters/memory-run-claims.js';
import { SqliteEffects } from '../../lambda/adapters/sqlite-effects.js';
import { findRun, type OperationsContext } from '../../lambda/worker/operations.js';
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
 * Two activity-worker processes share one SQLite file of effects; the server and every worker are killed
 * (SIGKILL) while orders run, then started again on the same files: each order's effects exist exactly once.
 */
const CLI = fileURLToPath(new URL('../../bin/swfctl.mjs', import.meta.url));
const directory = mkdtempSync(join(tmpdir(), 'effects-restart-'));
const effectsDb = join(directory, 'orders.db');
const children: ChildProcess[] = [];
/** Timeouts at a tenth: a task lost with its worker times out in seconds, not minutes. */
const SCALE = { SWF_TIMEOUT_SCALE: '0.1' };
afterAll(async () => {
  for (const child of children)
    if (child.exitCode === null && child.signalCode === null) await killHard(child);
});

function spawnWorker(kind: 'decider' | 'activity', endpoint: string): ChildProcess {
  const child = spawn(
    process.execPath,
    [
      CLI,
      'worker',
      kind,
      '--poll-hold',
      '1',
      '--concurrency',
      '2',
      '--log-level',
      process.env.DEBUG_RESTART ? 'info' : 'error',
    ],
    {
      env: {
        ...process.env,
        SWF_ENDPOINT: endpoint,
        SWF_EFFECTS_DB: effectsDb,
        ...SCALE,
        SWF_ALLOW_FAILURE_INJECTION: 'true',
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  child.stderr?.on('data', (chunk: Buffer) => {
    if (process.env.DEBUG_RESTART) process.stderr.write(`[${kind}] ${chunk}`);
  });
  children.push(child);
  return child;
}

describe('effects across processes and restarts', () => {
  it('keeps every order’s effects exactly once when the server and both workers die and come back', async () => {
    const port = await freePort();
    const serverArgs = ['--db', join(directory, 'swf.db'), '--port', String(port), '--poll-hold', '1'];
    let server = await spawnServer(serverArgs);
    children.push(server.child);
    const config = loadConfig({ SWF_ALLOW_FAILURE_INJECTION: 'true', ...SCALE });
    const context: OperationsContext = {
      swf: createSwfClient({ endpoint: server.endpoint }),
      config,
      catalog: buildCatalog(config),
      claims: new InMemoryRunClaims(),
    };
    await registerCatalog(context.swf, context.catalog);
    const spawnAll = () => [
      spawnWorker('decider', server.endpoint),
      spawnWorker('activity', server.endpoint),
      spawnWorker('activity', server.endpoint),
    ];
    let workers = spawnAll();
    const ids = Array.from({ length: 8 }, (_, i) => `RST-${i + 1}`);
    for (const [i, orderId] of ids.entries()) {
      // Half the orders work slowly in EnrichData, so the kill lands while they hold effects half-applied.
      await startOrder(
        context,
        anOrder({ orderId, ...(i % 2 ? { simulate: { sleepStep: 'EnrichData', sleepSeconds: 2 } } : {}) }),
      );
    }
    const reader = new SqliteEffects(effectsDb);
    await eventually(async () => (reader.ledger().length >= 6 ? true : undefined), 30_000, 'some effects');

    for (const child of [...workers, server.child]) await killHard(child);
    server = await spawnServer(serverArgs);
    children.push(server.child);
    workers = spawnAll();

    for (const orderId of ids) {
      await eventually(
        async () =>
          (await findRun(context, `order-${orderId}`)).closeStatus === 'COMPLETED' ? true : undefined,
        60_000,
        `order-${orderId} to complete after the restart`,
      );
    }
    for (const orderId of ids) {
      expect(
        reader.ledger(orderId).map((e) => e.kind),
        orderId,
      ).toEqual(['reserve', 'save']);
      expect(reader.outbox(orderId), orderId).toHaveLength(1);
      const effects = await reader.effectsOf(orderId);
      expect(effects.notifications.map((n) => n.status)).toEqual(['sent']);
      // Started again, a completed order starts nothing.
      expect(await startOrder(context, anOrder({ orderId }))).toMatchObject({ alreadyCompleted: true });
    }
    reader.close();
    context.swf.destroy();
  }, 150_000);
});
