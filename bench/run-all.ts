/**
 * `npm run bench` (or `npm run bench -- --smoke`): every benchmark side by side in one run. swf-local (memory
 * and SQLite) with the project's real decider and activity-worker loops at 1, 4 and 16 pollers per kind,
 * moto_server with the same workers, an HTTP echo floor for the cost of a call, memory with 1,000 open long
 * polls, and decide() on long histories. Prints tables and writes bench/results/bench.json.
 */
import { setMaxListeners } from 'node:events';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { inMemoryPorts } from '../lambda/adapters/memory-effects.js';
import { runActivityWorker } from '../lambda/worker/activity-worker.js';
import { NO_DEADLINE } from '../lambda/worker/deadline.js';
import { runDecider } from '../lambda/worker/decider-worker.js';
import type { OperationsContext } from '../lambda/worker/operations.js';
import { registerCatalog } from '../lambda/worker/registration.js';
import { createSwfClient } from '../lambda/worker/swf-client.js';
import { silentTelemetry, type WorkerTelemetry } from '../lambda/worker/telemetry.js';
import { buildCatalog, loadConfig } from '../lambda/workflow/index.js';
import { startOrder } from '../lambda/workflow/order/operations.js';
import { table } from '../local/cli/format.js';
import { killHard, spawnServer } from '../test/support/server-process.js';
import { measureBundles } from './bundles.js';
import { measureDecide } from './decide-histories.js';
import { callCost, cpuMs, percentile, rssMb, spawnEcho, spawnMoto } from './harness.js';
import { measurePayloads } from './payload-bench.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const SMOKE = process.argv.includes('--smoke');
const POLLERS = SMOKE ? [1] : [1, 4, 16];
const ORDERS = SMOKE ? 6 : 300;
const IN_FLIGHT = SMOKE ? 3 : 50;
const LATENCY_ORDERS = SMOKE ? 3 : 40;
const OPEN_POLLS = SMOKE ? 50 : 1000;
const order = (orderId: string) => ({
  orderId,
  customerId: 'bench',
  items: [{ sku: 'SKU-1', quantity: 1, unitPrice: 9.99 }],
  currency: 'USD',
  paymentToken: 'tok_bench_1234',
});

/** Runs orders through the real worker loops; latency is start → the decider's CompleteWorkflowExecution. */
async function workload(
  endpoint: string,
  pollers: number,
  orders: number,
  inFlight: number,
  serverPid?: number,
) {
  const domain = `bench-${Math.random().toString(36).slice(2, 8)}`;
  const config = loadConfig({ SWF_DOMAIN: domain });
  const catalog = buildCatalog(config);
  const swf = createSwfClient({ endpoint });
  await registerCatalog(swf, catalog);
  const context: OperationsContext = { swf, config, catalog };
  const done = new Map<string, () => void>();
  let steps = 0;
  // Each loop watches its own telemetry (keys are per task): an activity completed, or a decision closed a run.
  const watcher = (): WorkerTelemetry => {
    let keys: Record<string, unknown> = {};
    return {
      ...silentTelemetry,
      appendKeys: (more) => {
        keys = { ...keys, ...more };
      },
      resetKeys: () => {
        keys = {};
      },
      info: (message, fields) => {
        if (message === 'activity completed') steps++;
        const decisions = (fields?.decisions ?? []) as string[];
        if (decisions.includes('CompleteWorkflowExecution')) done.get(String(keys.workflowId))?.();
      },
    };
  };
  const controller = new AbortController();
  setMaxListeners(64, controller.signal);
  const ports = inMemoryPorts();
  const common = {
    swf,
    catalog,
    domain,
    deadline: NO_DEADLINE,
    signal: controller.signal,
    pollHoldMs: 1000,
    identity: 'bench',
  };
  const loops = [
    ...Array.from({ length: pollers }, () =>
      runDecider({ ...common, taskList: config.decisionTaskList, telemetry: watcher() }),
    ),
    ...Array.from({ length: pollers }, () =>
      runActivityWorker({
        ...common,
        taskList: config.activityTaskList,
        telemetry: watcher(),
        ports,
        allowFailureInjection: false,
      }),
    ),
  ];
  const latencies: number[] = [];
  let next = 0;
  const cpuBefore = cpuMs(serverPid);
  const started = performance.now();
  await Promise.all(
    Array.from({ length: Math.min(inFlight, orders) }, async () => {
      while (next < orders) {
        const id = `O${next++}`;
        const finished = new Promise<void>((resolve) => done.set(`order-${id}`, resolve));
        const t0 = performance.now();
        await startOrder(context, order(id));
        await finished;
        latencies.push(performance.now() - t0);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const cpuAfter = cpuMs(serverPid);
  controller.abort();
  await Promise.all(loops);
  swf.destroy();
  latencies.sort((a, b) => a - b);
  return {
    stepsPerSecond: Math.round(steps / seconds),
    p50Ms: Math.round(percentile(latencies, 50) * 10) / 10,
    p99Ms: Math.round(percentile(latencies, 99) * 10) / 10,
    serverCpuUsPerStep:
      cpuBefore === undefined || cpuAfter === undefined || steps === 0
        ? undefined
        : Math.round(((cpuAfter - cpuBefore) * 1000) / steps),
  };
}

/** Server memory idle, and with `count` long polls held open on an empty task list. */
async function openPollMemory(endpoint: string, pid: number | undefined, count: number) {
  const swf = createSwfClient({ endpoint });
  await registerCatalog(swf, buildCatalog(loadConfig({ SWF_DOMAIN: 'polls' })));
  swf.destroy();
  await new Promise((resolve) => setTimeout(resolve, 300));
  const idle = rssMb(pid);
  const url = new URL(endpoint);
  const requests = Array.from({ length: count }, () => {
    const req = request({
      host: url.hostname,
      port: url.port,
      method: 'POST',
      path: '/',
      headers: {
        'x-amz-target': 'SimpleWorkflowService.PollForActivityTask',
        'content-type': 'application/x-amz-json-1.0',
      },
    });
    req.on('error', () => {});
    req.end(JSON.stringify({ domain: 'polls', taskList: { name: 'nothing' } }));
    return req;
  });
  await new Promise((resolve) => setTimeout(resolve, SMOKE ? 500 : 2000));
  const holding = rssMb(pid);
  for (const req of requests) req.destroy();
  return {
    openPolls: count,
    idleMb: idle,
    withPollsMb: holding,
    perPollKb: idle && holding ? Math.round(((holding - idle) * 1024) / count) : undefined,
  };
}

const directory = mkdtempSync(join(tmpdir(), 'swf-bench-'));
const results: Record<string, unknown> = {};
const echo = await spawnEcho();
const floor = await callCost(echo.endpoint, false, echo.child.pid, SMOKE ? 200 : 2000);
await killHard(echo.child);

const throughput: Record<string, unknown>[] = [];
const calls: Record<string, unknown>[] = [{ target: 'HTTP echo (floor)', ...floor, vsFloor: '1.0×' }];
for (const [label, args] of [
  ['swf-local memory', ['--memory']],
  ['swf-local SQLite', ['--db', join(directory, 'bench.db')]],
] as const) {
  const server = await spawnServer([...args, '--poll-hold', '1', '--no-console']);
  for (const pollers of POLLERS) {
    const result = await workload(server.endpoint, pollers, ORDERS, IN_FLIGHT, server.child.pid);
    throughput.push({ target: label, pollersPerKind: pollers, orders: ORDERS, ...result });
  }
  const unloaded = await workload(server.endpoint, 1, LATENCY_ORDERS, 1);
  throughput.push({
    target: `${label}, one order at a time`,
    pollersPerKind: 1,
    orders: LATENCY_ORDERS,
    ...unloaded,
  });
  const cost = await callCost(server.endpoint, true, server.child.pid, SMOKE ? 200 : 2000);
  calls.push({
    target: label,
    ...cost,
    vsFloor: `${((cost.serverCpuUs ?? cost.wallUs) / (floor.serverCpuUs ?? floor.wallUs)).toFixed(1)}×`,
  });
  await killHard(server.child);
}
{
  // On a fresh server, so the figure is the polls' cost and not the state of the orders run above.
  const server = await spawnServer([
    '--db',
    join(directory, 'polls.db'),
    '--poll-hold',
    '60',
    '--no-console',
  ]);
  results.longPoll = await openPollMemory(server.endpoint, server.child.pid, OPEN_POLLS);
  await killHard(server.child);
}
const moto = await spawnMoto();
if (moto) {
  // One poller per kind: moto hands one task to two concurrent pollers.
  const result = await workload(moto.endpoint, 1, SMOKE ? 2 : 20, SMOKE ? 2 : 10, moto.child.pid);
  throughput.push({ target: 'moto_server', pollersPerKind: 1, orders: SMOKE ? 2 : 20, ...result });
  const cost = await callCost(moto.endpoint, true, moto.child.pid, SMOKE ? 50 : 500);
  calls.push({
    target: 'moto_server',
    ...cost,
    vsFloor: `${((cost.serverCpuUs ?? cost.wallUs) / (floor.serverCpuUs ?? floor.wallUs)).toFixed(1)}×`,
  });
  moto.child.kill('SIGKILL');
} else {
  throughput.push({ target: 'moto_server', pollersPerKind: '-', orders: 'not installed' });
}
rmSync(directory, { recursive: true, force: true });
// Bundles: synthesized twice, so only in the full run (`npm run bench:bundles` runs them alone).
if (!SMOKE) results.bundles = await measureBundles({ iterations: 15 });
results.payloads = await measurePayloads(SMOKE ? 1 : 10);
results.decide = measureDecide(SMOKE ? [1000] : [1000, 10000, 25000], SMOKE ? 3 : 30);
results.throughput = throughput;
results.calls = calls;

const machine = {
  cpu: cpus()[0]?.model ?? 'unknown',
  cores: cpus().length,
  memoryGiB: Math.round(totalmem() / 2 ** 30),
  node: process.version,
};
const cell = (v: unknown) => (v === undefined ? '–' : String(v));
console.log(`${SMOKE ? 'SMOKE ' : ''}benchmark on ${machine.cores} × ${machine.cpu}, Node ${machine.node}\n`);
console.log(
  table(
    ['target', 'pollers/kind', 'orders', 'steps/s', 'p50 ms', 'p99 ms', 'server µs/step'],
    throughput.map((r) =>
      [r.target, r.pollersPerKind, r.orders, r.stepsPerSecond, r.p50Ms, r.p99Ms, r.serverCpuUsPerStep].map(
        cell,
      ),
    ),
  ),
);
console.log(
  `\n${table(
    ['target', 'wall µs/call', 'server CPU µs/call', 'vs floor'],
    calls.map((r) => [r.target, r.wallUs, r.serverCpuUs, r.vsFloor].map(cell)),
  )}`,
);
const longPoll = results.longPoll as {
  openPolls: number;
  idleMb?: number;
  withPollsMb?: number;
  perPollKb?: number;
};
console.log(
  `\nlong polls: ${longPoll.openPolls} open → server ${cell(longPoll.withPollsMb)} MB (idle ${cell(longPoll.idleMb)} MB, ${cell(longPoll.perPollKb)} KB each)`,
);
console.log(
  `\n${table(
    ['decide() events', 'median ms', 'p95 ms'],
    (results.decide as { events: number; medianMs: number; p95Ms: number }[]).map((r) =>
      [r.events, r.medianMs, r.p95Ms].map(cell),
    ),
  )}`,
);
{
  const rows = results.payloads as Awaited<ReturnType<typeof measurePayloads>>;
  const of = (order: string, step: string) => rows.find((r) => r.order === order && r.step === step);
  const steps = [...new Set(rows.map((r) => r.step))];
  console.log(
    `\n${table(
      [
        'step (with offload)',
        '10 lines ms',
        '10,000 lines ms',
        '10 lines input chars',
        '10,000 lines input chars',
      ],
      steps.map((step) =>
        [
          step,
          of('10 lines', step)?.medianMs,
          of('10,000 lines', step)?.medianMs,
          of('10 lines', step)?.inputChars,
          of('10,000 lines', step)?.inputChars,
        ].map(cell),
      ),
    )}`,
  );
}
if (results.bundles) {
  console.log(
    `\n${table(
      ['bundle profile', 'function', 'KB', 'map KB', 'load ms (median)', 'load ms (p90)'],
      (results.bundles as Awaited<ReturnType<typeof measureBundles>>).map((b) =>
        [b.profile, b.fn, b.bundleKb, b.sourceMapKb, b.loadMsMedian, b.loadMsP90].map(cell),
      ),
    )}`,
  );
}
mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
writeFileSync(
  new URL(`./results/${SMOKE ? 'bench-smoke' : 'bench'}.json`, import.meta.url),
  `${JSON.stringify({ benchmark: 'all', smoke: SMOKE, date: new Date().toISOString(), machine, ...results }, null, 2)}\n`,
);
