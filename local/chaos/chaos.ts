/**
 * `npm run chaos -- [--orders 1000] [--seed N] [--deciders 3] [--workers 4] [--server-kills 3]`
 *
 * Runs N orders through swf-local on SQLite with several decider and activity-worker processes while a fault
 * injector SIGKILLs workers (and restarts them), SIGKILLs the server at least three times (restarting it on
 * the same database), and drops and delays connections between workers and server. Then it reconciles every
 * order against the workers' shared side-effect ledger and exits non-zero on any discrepancy. The fault schedule
 * comes from the printed seed: `--seed` replays it.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as S from '@aws-sdk/client-swf';
import { SqliteEffects } from '../../lambda/adapters/sqlite-effects.js';
import { SqliteRunClaims } from '../../lambda/adapters/sqlite-run-claims.js';
import { isTransient } from '../../lambda/worker/errors.js';
import type { OperationsContext } from '../../lambda/worker/operations.js';
import { registerCatalog } from '../../lambda/worker/registration.js';
import { createSwfClient } from '../../lambda/worker/swf-client.js';
import { loadConfig } from '../../lambda/workflow/index.js';
import { buildCatalog } from '../../lambda/workflow/modules.js';
import { startOrder } from '../../lambda/workflow/order/operations.js';
import type { ORDER_STEPS } from '../../lambda/workflow/order/schema.js';
import { table } from '../cli/format.js';
import { startFlakyProxy } from './flaky-proxy.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const args = new Map<string, string>();
for (let i = 2; i < process.argv.length; i += 2)
  args.set(String(process.argv[i]).replace(/^--/, ''), String(process.argv[i + 1]));
const ORDERS = Number(args.get('orders') ?? 1000);
const SEED = Number(args.get('seed') ?? Math.floor(Math.random() * 2 ** 31));
const DECIDERS = Number(args.get('deciders') ?? 3);
const WORKERS = Number(args.get('workers') ?? 4);
const SERVER_KILLS = Number(args.get('server-kills') ?? 3);
const TIMEOUT_MS = Number(args.get('timeout-minutes') ?? 20) * 60_000;
const IN_FLIGHT = 100;
const CLI = fileURLToPath(new URL('../../bin/swfctl.mjs', import.meta.url));

/** xorshift32: the whole fault schedule and order mix come from the seed. */
function generator(seed: number) {
  let state = seed >>> 0 || 1;
  const next = () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 4294967296;
  };
  return {
    next,
    between: (a: number, b: number) => a + next() * (b - a),
    pick: <T>(items: readonly T[]) => items[Math.floor(next() * items.length)] as T,
  };
}
const random = generator(SEED);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

const directory = mkdtempSync(join(tmpdir(), 'swf-chaos-'));
const port = await freePort();
const direct = `http://127.0.0.1:${port}`;
const env = {
  ...process.env,
  SWF_DOMAIN: 'chaos',
  SWF_TIMEOUT_SCALE: '0.1',
  // A notification claim must lapse before the retry of a killed attempt: within NotifyCompletion's scaled 12 s.
  NOTIFICATION_LEASE_SECONDS: '10',
  SWF_ALLOW_FAILURE_INJECTION: 'true',
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
};
const faults = { workerKills: 0, serverKills: 0 };

function spawnCli(cliArgs: string[], endpoint: string): ChildProcess {
  return spawn(process.execPath, [CLI, ...cliArgs], {
    env: { ...env, SWF_ENDPOINT: endpoint },
    stdio: 'ignore',
  });
}

async function startSwfLocal(): Promise<ChildProcess> {
  const child = spawnCli(
    [
      'server',
      '--db',
      join(directory, 'swf.db'),
      '--port',
      String(port),
      '--poll-hold',
      '2',
      '--log-level',
      'error',
      '--no-console',
    ],
    direct,
  );
  for (let i = 0; i < 200; i++) {
    if (
      await fetch(`${direct}/_admin/health`).then(
        () => true,
        () => false,
      )
    )
      return child;
    await sleep(50);
  }
  throw new Error('swf-local did not start');
}

const killHard = (child: ChildProcess) =>
  new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });

console.log(
  `chaos: ${ORDERS} orders, ${DECIDERS} deciders, ${WORKERS} activity workers, seed ${SEED} (replay with --seed ${SEED})`,
);
let server = await startSwfLocal();
const proxy = await startFlakyProxy({ host: '127.0.0.1', port }, { dropRate: 0.05, delayMs: 30, seed: SEED });
const config = loadConfig(env);
const catalog = buildCatalog(config);
const swf = createSwfClient({ endpoint: direct });
const ledgerPath = join(directory, 'ledger.db');
const context: OperationsContext = { swf, config, catalog, claims: new SqliteRunClaims(ledgerPath) };
await registerCatalog(swf, catalog);

const workerArgs = (kind: string) => [
  'worker',
  kind,
  '--poll-hold',
  '2',
  '--log-level',
  'error',
  ...(kind === 'activity' ? ['--effects-db', ledgerPath] : []),
];
const workers: { kind: string; child: ChildProcess }[] = [
  ...Array.from({ length: DECIDERS }, () => ({
    kind: 'decider',
    child: spawnCli(workerArgs('decider'), proxy.endpoint),
  })),
  ...Array.from({ length: WORKERS }, () => ({
    kind: 'activity',
    child: spawnCli(workerArgs('activity'), proxy.endpoint),
  })),
];

/** Retries calls to the server while the injector has it down. */
async function withServer<T>(call: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      if (!isTransient(error) || attempt > 200) throw error;
      await sleep(100);
    }
  }
}

type Script = {
  orderId: string;
  kind: 'happy' | 'transient' | 'permanent';
  failStep?: (typeof ORDER_STEPS)[number];
  expect: 'COMPLETED' | 'FAILED';
};
const scripts: Script[] = Array.from({ length: ORDERS }, (_, i) => {
  const roll = random.next();
  const failStep = random.pick(['ProcessData', 'EnrichData', 'SaveResults', 'NotifyCompletion'] as const);
  if (roll < 0.7) return { orderId: `C${i}`, kind: 'happy', expect: 'COMPLETED' };
  if (roll < 0.85) return { orderId: `C${i}`, kind: 'transient', failStep, expect: 'COMPLETED' };
  return { orderId: `C${i}`, kind: 'permanent', failStep, expect: 'FAILED' };
});

const countClosed = async () =>
  (
    await withServer(() =>
      swf.send(
        new S.CountClosedWorkflowExecutionsCommand({
          domain: 'chaos',
          startTimeFilter: { oldestDate: new Date(0) },
        }),
      ),
    )
  ).count ?? 0;
const countOpen = async () =>
  (
    await withServer(() =>
      swf.send(
        new S.CountOpenWorkflowExecutionsCommand({
          domain: 'chaos',
          startTimeFilter: { oldestDate: new Date(0) },
        }),
      ),
    )
  ).count ?? 0;

// The fault injector: worker kills at random intervals, server kills at progress points.
let injecting = true;
const killPoints = Array.from({ length: SERVER_KILLS }, (_, i) => (i + 1) / (SERVER_KILLS + 1));
const injector = (async () => {
  while (injecting) {
    await sleep(random.between(500, 2500));
    if (!injecting) break;
    const victim = random.pick(workers);
    await killHard(victim.child);
    faults.workerKills++;
    await sleep(random.between(200, 1500));
    victim.child = spawnCli(workerArgs(victim.kind), proxy.endpoint);
  }
})();
const serverKiller = (async () => {
  for (const point of killPoints) {
    while (injecting && (await countClosed()) < point * ORDERS) await sleep(200);
    if (!injecting) break;
    await killHard(server);
    faults.serverKills++;
    await sleep(random.between(500, 1500));
    server = await startSwfLocal();
  }
})();

const started = Date.now();
for (const script of scripts) {
  while ((await countOpen()) >= IN_FLIGHT) await sleep(100);
  const order: Record<string, unknown> = {
    orderId: script.orderId,
    customerId: 'chaos',
    items: [{ sku: 'SKU-1', quantity: 1 + Math.floor(random.next() * 3), unitPrice: 9.99 }],
    currency: 'USD',
    paymentToken: 'tok_chaos_1234',
  };
  if (script.kind === 'transient') order.simulate = { failStep: script.failStep, failTimes: 1 };
  if (script.kind === 'permanent') order.simulate = { failStep: script.failStep, nonRetryable: true };
  await withServer(() => startOrder(context, order));
}
let lastReport = 0;
for (;;) {
  const closed = await countClosed();
  if (Date.now() - lastReport > 5_000) {
    console.log(
      `  ${closed}/${ORDERS} closed after ${Math.round((Date.now() - started) / 1000)}s; ${faults.workerKills} worker kills, ${faults.serverKills} server kills`,
    );
    lastReport = Date.now();
  }
  if (closed >= ORDERS && faults.serverKills >= Math.min(SERVER_KILLS, killPoints.length)) break;
  if (Date.now() - started > TIMEOUT_MS) break;
  await sleep(500);
}
injecting = false;
await Promise.all([injector, serverKiller]);
const seconds = Math.round((Date.now() - started) / 1000);

// Reconcile every order against what SWF says and what the ledger applied.
const closedRuns = new Map<string, S.WorkflowExecutionInfo>();
let nextPageToken: string | undefined;
do {
  const page = await withServer(() =>
    swf.send(
      new S.ListClosedWorkflowExecutionsCommand({
        domain: 'chaos',
        startTimeFilter: { oldestDate: new Date(0) },
        nextPageToken,
      }),
    ),
  );
  for (const info of page.executionInfos ?? []) {
    const id = info.execution?.workflowId ?? '';
    const known = closedRuns.get(id);
    if (!known || (known.startTimestamp?.getTime() ?? 0) < (info.startTimestamp?.getTime() ?? 0))
      closedRuns.set(id, info);
  }
  nextPageToken = page.nextPageToken;
} while (nextPageToken);
const store = new SqliteEffects(ledgerPath);
const ledger = new Map<string, string[]>();
for (const entry of store.ledger())
  ledger.set(entry.orderId, [...(ledger.get(entry.orderId) ?? []), entry.kind]);
const published = new Map<string, number>();
for (const message of store.outbox())
  published.set(message.orderId, (published.get(message.orderId) ?? 0) + 1);
store.close();

const problems: string[] = [];
const outcomes = new Map<string, number>();
for (const script of scripts) {
  const run = closedRuns.get(`order-${script.orderId}`);
  const effects = ledger.get(script.orderId) ?? [];
  const net = (add: string, remove: string) =>
    effects.filter((k) => k === add).length - effects.filter((k) => k === remove).length;
  const status = run?.closeStatus ?? 'NOT CLOSED';
  const key = `${script.kind} → ${status}`;
  outcomes.set(key, (outcomes.get(key) ?? 0) + 1);
  const say = (text: string) =>
    problems.push(
      `${script.orderId} (${script.kind}${script.failStep ? ` at ${script.failStep}` : ''}): ${text}; ledger ${effects.join(',') || 'empty'}`,
    );
  if (!run) say('lost or stuck open');
  else if (status !== script.expect) say(`ended ${status}, expected ${script.expect}`);
  if (effects.join(',').includes('save,save')) say('SaveResults applied twice');
  // The README's at-least-once window (killed between publishing and marking sent) is two synchronous SQLite
  // statements apart here, with no I/O between them: exactly once is what a run should show.
  const confirmations = published.get(script.orderId) ?? 0;
  if (confirmations !== (script.expect === 'COMPLETED' ? 1 : 0))
    say(`${confirmations} confirmation(s) published`);
  if (script.expect === 'COMPLETED') {
    if (net('save', 'delete') !== 1 || net('reserve', 'release') !== 1)
      say('a completed order must be saved and reserved exactly once');
    if (effects.includes('delete') || effects.includes('release')) say('compensation ran without a failure');
  } else if (net('save', 'delete') !== 0 || net('reserve', 'release') !== 0) {
    say('a failed order must be fully compensated');
  }
}

await Promise.all(workers.map((w) => killHard(w.child)));
await killHard(server);
await proxy.close();
swf.destroy();

console.log('');
console.log(
  table(
    ['scripted → ended', 'orders'],
    [...outcomes.entries()].sort().map(([k, v]) => [k, String(v)]),
  ),
);
console.log('');
console.log(
  table(
    [
      'orders',
      'seconds',
      'worker kills',
      'server kills',
      'connections dropped',
      'requests delayed',
      'discrepancies',
    ],
    [
      [
        String(ORDERS),
        String(seconds),
        String(faults.workerKills),
        String(faults.serverKills),
        String(proxy.stats.droppedEarly + proxy.stats.droppedMidway),
        String(proxy.stats.delayed),
        String(problems.length),
      ],
    ],
  ),
);
for (const problem of problems.slice(0, 30)) console.log(`  ✗ ${problem}`);
if (problems.length > 30) console.log(`  … and ${problems.length - 30} more`);
console.log(
  problems.length === 0
    ? `\nchaos: every order reconciled (seed ${SEED})`
    : `\nchaos: ${problems.length} discrepancies (replay with --seed ${SEED})`,
);
if (problems.length === 0 && !args.has('keep')) rmSync(directory, { recursive: true, force: true });
else console.log(`state kept in ${directory}`);
process.exit(problems.length === 0 && faults.serverKills >= SERVER_KILLS ? 0 : 1);
