/**
 * `npm run bench` (or `npm run bench -- --smoke`): every benchmark side by side in one run. swf-local (memory
 * and SQLite) with the project's real decider and activity-worker loops at 1, 4 and 16 pollers per kind, the
 * workers in processes of their own and, for comparison, in the bench process; moto_server with the same
 * workers; the cost of one call against an HTTP echo floor (warmed alike, interleaved rounds, medians); memory
 * with 1,000 open long polls; a heartbeat with 10 and 1,000 open activities; startup with 100,000 closed runs;
 * decide() on long histories. Prints tables and writes bench/results/bench.json.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { registerCatalog } from '../lambda/worker/registration.js';
import { createSwfClient } from '../lambda/worker/swf-client.js';
import { loadConfig } from '../lambda/workflow/index.js';
import { buildCatalog } from '../lambda/workflow/modules.js';
import { table } from '../local/cli/format.js';
import { killHard, spawnServer } from '../test/support/server-process.js';
import { measureBundles } from './bundles.js';
import { measureDecide } from './decide-histories.js';
import { measureEngineSteps, measureHeartbeats, measureStartup } from './engine-bench.js';
import { interleavedCallCost, rssMb, spawnEcho, spawnMoto } from './harness.js';
import { measurePayloads } from './payload-bench.js';
import { workload } from './throughput.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const SMOKE = process.argv.includes('--smoke');
const POLLERS = SMOKE ? [1] : [1, 4, 16];
const ORDERS = SMOKE ? 6 : 300;
const IN_FLIGHT = SMOKE ? 3 : 50;
const LATENCY_ORDERS = SMOKE ? 3 : 40;
const OPEN_POLLS = SMOKE ? 50 : 1000;
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
const throughput: Record<string, unknown>[] = [];
const servers = [
  ['swf-local memory', await spawnServer(['--memory', '--poll-hold', '1', '--no-console'])],
  [
    'swf-local SQLite',
    await spawnServer(['--db', join(directory, 'bench.db'), '--poll-hold', '1', '--no-console']),
  ],
] as const;
const echo = await spawnEcho();
// The cost of one call: the echo floor and both stores, warmed alike and measured in interleaved rounds.
const calls: Record<string, unknown>[] = await interleavedCallCost(
  [
    { label: 'HTTP echo (floor)', endpoint: echo.endpoint, pid: echo.child.pid, swf: false },
    ...servers.map(([label, server]) => ({
      label,
      endpoint: server.endpoint,
      pid: server.child.pid,
      swf: true,
    })),
  ],
  SMOKE ? { warm: 100, rounds: 3, perRound: 100 } : { warm: 3_000, rounds: 9, perRound: 1_000 },
);
await killHard(echo.child);
for (const [label, server] of servers) {
  for (const pollers of POLLERS) {
    const options = { pollers, orders: ORDERS, inFlight: IN_FLIGHT, serverPid: server.child.pid };
    throughput.push({
      target: label,
      workers: 'own processes',
      pollersPerKind: pollers,
      orders: ORDERS,
      ...(await workload(server.endpoint, options)),
    });
    throughput.push({
      target: label,
      workers: 'in the bench process',
      pollersPerKind: pollers,
      orders: ORDERS,
      ...(await workload(server.endpoint, { ...options, inProcess: true })),
    });
  }
  for (const inProcess of [false, true]) {
    const unloaded = await workload(server.endpoint, {
      pollers: 1,
      orders: LATENCY_ORDERS,
      inFlight: 1,
      inProcess,
    });
    throughput.push({
      target: `${label}, one order at a time`,
      workers: inProcess ? 'in the bench process' : 'own processes',
      pollersPerKind: 1,
      orders: LATENCY_ORDERS,
      ...unloaded,
    });
  }
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
  const orders = SMOKE ? 2 : 20;
  const result = await workload(moto.endpoint, {
    pollers: 1,
    orders,
    inFlight: SMOKE ? 2 : 10,
    serverPid: moto.child.pid,
  });
  throughput.push({ target: 'moto_server', workers: 'own processes', pollersPerKind: 1, orders, ...result });
  const motoEcho = await spawnEcho();
  const [, cost] = await interleavedCallCost(
    [
      { label: 'HTTP echo (floor)', endpoint: motoEcho.endpoint, pid: motoEcho.child.pid, swf: false },
      { label: 'moto_server', endpoint: moto.endpoint, pid: moto.child.pid, swf: true },
    ],
    SMOKE ? { warm: 20, rounds: 3, perRound: 20 } : { warm: 300, rounds: 5, perRound: 200 },
  );
  await killHard(motoEcho.child);
  calls.push(cost as Record<string, unknown>);
  moto.child.kill('SIGKILL');
} else {
  throughput.push({ target: 'moto_server', pollersPerKind: '-', orders: 'not installed' });
}
rmSync(directory, { recursive: true, force: true });
// Bundles: synthesized twice, so only in the full run (`npm run bench:bundles` runs them alone).
if (!SMOKE) results.bundles = await measureBundles({ iterations: 15 });
results.payloads = await measurePayloads(SMOKE ? 1 : 10);
results.decide = measureDecide(SMOKE ? [1000] : [1000, 10000, 25000], SMOKE ? 3 : 30);
results.engineSteps = await measureEngineSteps(SMOKE ? 1 : 5, SMOKE ? 10 : 100);
results.heartbeat = await measureHeartbeats(SMOKE ? 3 : 15, SMOKE ? 50 : 400);
results.startup = measureStartup(SMOKE ? 5_000 : 100_000, SMOKE ? 1 : 5);
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
    [
      'target',
      'workers',
      'pollers/kind',
      'orders',
      'steps/s',
      'p50 ms',
      'p99 ms',
      'server µs/step',
      'workers µs/step',
      'bench µs/step',
    ],
    throughput.map((r) =>
      [
        r.target,
        r.workers,
        r.pollersPerKind,
        r.orders,
        r.stepsPerSecond,
        r.p50Ms,
        r.p99Ms,
        r.serverCpuUsPerStep,
        Array.isArray(r.workerCpuUsPerStep) && r.workerCpuUsPerStep.length > 0
          ? (r.workerCpuUsPerStep as number[]).join(' + ')
          : undefined,
        r.benchCpuUsPerStep,
      ].map(cell),
    ),
  ),
);
console.log(
  `\n${table(
    ['target (medians of interleaved rounds)', 'wall µs/call', 'server CPU µs/call', 'vs floor'],
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
{
  const steps = results.engineSteps as Record<string, number>;
  console.log(
    `\nengine alone (in process, no HTTP): ${Object.entries(steps)
      .map(([label, us]) => `${label} ${us} µs CPU/step`)
      .join(', ')}`,
  );
  const hb = results.heartbeat as Awaited<ReturnType<typeof measureHeartbeats>>;
  const st = results.startup as ReturnType<typeof measureStartup>;
  console.log(
    `\nheartbeat (in process, SQLite): ${hb.us10} µs with 10 open activities, ${hb.us1000} µs with 1,000 → ${hb.ratio}×`,
  );
  console.log(
    `startup with ${st.closedRuns} closed runs: ${st.full.ms} ms, heap ${st.full.heapMb} MB, RSS ${st.full.rssMb} MB (empty database: ${st.empty.ms} ms, heap ${st.empty.heapMb} MB, RSS ${st.empty.rssMb} MB)`,
  );
}
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
