import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { SqliteEffects } from '../../lambda/adapters/sqlite-effects.js';
import { freePort } from '../../local/runtime/moto.js';
import { anOrder } from '../support/order-fixtures.js';
import { eventually } from '../support/workers.js';

/** `npm start` (swfctl dev) stopped and started again: no order is saved or notified twice. */
const CLI = fileURLToPath(new URL('../../bin/swfctl.mjs', import.meta.url));
const directory = mkdtempSync(join(tmpdir(), 'dev-restart-'));
const env = { ...process.env, SWF_EFFECTS_DB: join(directory, 'orders.db') };
let dev: ChildProcess | undefined;
afterAll(() => {
  dev?.kill('SIGKILL');
});

async function startDev(port: number, db: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, [CLI, 'dev', '--port', String(port), '--db', db, '--orders', '1'], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk;
  });
  await eventually(
    async () => (output.includes('Still running') ? true : undefined),
    90_000,
    `dev: ${output}`,
  );
  return child;
}

async function stopDev(child: ChildProcess): Promise<void> {
  const exited = once(child, 'exit');
  child.kill('SIGINT');
  await exited;
}

function swfctl(endpoint: string, ...args: string[]): Promise<string> {
  return new Promise((resolve, reject) =>
    execFile(
      process.execPath,
      [CLI, ...args],
      { env: { ...env, SWF_ENDPOINT: endpoint }, timeout: 30_000 },
      (error, stdout, stderr) => (error ? reject(new Error(`${stderr}`)) : resolve(stdout)),
    ),
  );
}

describe('npm start, stopped and started again', () => {
  it('never saves or notifies an order twice', async () => {
    const port = await freePort();
    const endpoint = `http://127.0.0.1:${port}`;
    const order = JSON.stringify(anOrder({ orderId: 'DEV-1' }));
    const completed = () =>
      eventually(
        async () =>
          (await swfctl(endpoint, 'describe', 'order-DEV-1')).includes('COMPLETED') ? true : undefined,
        30_000,
        'order-DEV-1 to complete',
      );

    dev = await startDev(port, join(directory, 'swf.db'));
    expect(await swfctl(endpoint, 'start', '--order', order)).toMatch(/^started order-DEV-1/);
    await completed();
    await stopDev(dev);

    dev = await startDev(port, join(directory, 'swf.db'));
    expect(await swfctl(endpoint, 'start', '--order', order)).toMatch(/^already completed: order-DEV-1/);
    await stopDev(dev);

    // Even with the SWF state gone (a fresh database), the effects store keeps the order's effects once.
    dev = await startDev(port, join(directory, 'swf-fresh.db'));
    expect(await swfctl(endpoint, 'start', '--order', order)).toMatch(/^started order-DEV-1/);
    await completed();
    const effects = JSON.parse(await swfctl(endpoint, 'order', 'DEV-1', '--json'));
    await stopDev(dev);
    dev = undefined;
    expect(effects.ledger.map((e: { kind: string }) => e.kind)).toEqual(['reserve', 'save']);
    expect(effects.notifications.map((n: { status: string }) => n.status)).toEqual(['sent']);
    expect(effects.runs).toHaveLength(1);
    const store = new SqliteEffects(join(directory, 'orders.db'));
    expect(store.outbox('DEV-1')).toHaveLength(1);
    store.close();
  }, 240_000);
});
