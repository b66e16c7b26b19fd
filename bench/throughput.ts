import { type ChildProcess, spawn } from 'node:child_process';
import { setMaxListeners } from 'node:events';
import { fileURLToPath } from 'node:url';
import { inMemoryPorts } from '../lambda/adapters/memory-effects.js';
import { InMemoryRunClaims } from '../lambda/adapters/memory-run-claims.js';
import { runActivityWorker } from '../lambda/worker/activity-worker.js';
import { NO_DEADLINE } from '../lambda/worker/deadline.js';
import { runDecider } from '../lambda/worker/decider-worker.js';
import { registerCatalog } from '../lambda/worker/registration.js';
import { createSwfClient } from '../lambda/worker/swf-client.js';
import { loadConfig } from '../lambda/workflow/index.js';
import { buildCatalog } from '../lambda/workflow/modules.js';
import { startOrder } from '../lambda/workflow/order/operations.js';
import { cpuMs, percentile } from './harness.js';
import { stepWatcher } from './step-watcher.js';

const WORKER = fileURLToPath(new URL('./worker-process.ts', import.meta.url));

export const benchOrder = (orderId: string) => ({
  orderId,
  customerId: 'bench',
  items: [{ sku: 'SKU-1', quantity: 1, unitPrice: 9.99 }],
  currency: 'USD',
  paymentToken: 'tok_bench_1234',
});

interface WorkerProcess {
  child: ChildProcess;
  ready: Promise<void>;
  exited: Promise<void>;
}

/** A worker process (bench/worker-process.ts); `onLine` hears each line it reports. */
function spawnWorker(args: string[], onLine: (line: string) => void): WorkerProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', WORKER, ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let rest = '';
  let markReady: () => void = () => {};
  const ready = new Promise<void>((resolve) => {
    markReady = resolve;
  });
  child.stdout?.on('data', (chunk: Buffer) => {
    const lines = (rest + chunk.toString()).split('\n');
    rest = lines.pop() ?? '';
    for (const line of lines) {
      if (line === 'ready') markReady();
      else onLine(line);
    }
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return { child, ready, exited };
}

/** The worker loops in this process: `pollers` decider loops and as many activity-worker loops. */
function inProcessLoops(
  swf: ReturnType<typeof createSwfClient>,
  catalog: ReturnType<typeof buildCatalog>,
  config: ReturnType<typeof loadConfig>,
  pollers: number,
  signal: AbortSignal,
  onLine: (line: string) => void,
): Promise<unknown>[] {
  const watcher = () =>
    stepWatcher(
      () => onLine('s'),
      (workflowId) => onLine(`c ${workflowId}`),
    );
  const common = {
    swf,
    catalog,
    domain: config.domain,
    deadline: NO_DEADLINE,
    signal,
    pollHoldMs: 1000,
    identity: 'bench',
  };
  const ports = inMemoryPorts();
  return [
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
}

/**
 * Runs orders through the real decider and activity-worker loops, each kind in a process of its own (or all in
 * this one with `inProcess`), while this process starts orders and listens. Latency is start → the decider's CompleteWorkflowExecution.
 */
export async function workload(
  endpoint: string,
  options: {
    pollers: number;
    orders: number;
    inFlight: number;
    serverPid?: number;
    /** Run the worker loops in this process, beside the starter (how the benchmark measured before). */
    inProcess?: boolean;
  },
) {
  const domain = `bench-${Math.random().toString(36).slice(2, 8)}`;
  const config = loadConfig({ SWF_DOMAIN: domain });
  const catalog = buildCatalog(config);
  const swf = createSwfClient({ endpoint });
  await registerCatalog(swf, catalog);
  // Effects and run claims in memory, as the workers' ports here: the benchmark measures the SWF path.
  const context = { swf, config, catalog, claims: new InMemoryRunClaims() };
  const done = new Map<string, () => void>();
  let steps = 0;
  const onLine = (line: string) => {
    if (line === 's') steps++;
    else if (line.startsWith('c ')) done.get(line.slice(2))?.();
  };
  const workers = options.inProcess
    ? []
    : ['decider', 'activity'].map((kind) =>
        spawnWorker([endpoint, domain, kind, String(options.pollers)], onLine),
      );
  await Promise.all(workers.map((w) => w.ready));
  const controller = new AbortController();
  setMaxListeners(256, controller.signal);
  const loops = options.inProcess
    ? inProcessLoops(swf, catalog, config, options.pollers, controller.signal, onLine)
    : [];
  const latencies: number[] = [];
  let next = 0;
  const cpuBefore = cpuMs(options.serverPid);
  const workerCpu = () => workers.map((w) => cpuMs(w.child.pid) ?? Number.NaN);
  const workersBefore = workerCpu();
  const selfBefore = process.cpuUsage();
  const started = performance.now();
  await Promise.all(
    Array.from({ length: Math.min(options.inFlight, options.orders) }, async () => {
      while (next < options.orders) {
        const id = `O${next++}`;
        const finished = new Promise<void>((resolve) => done.set(`order-${id}`, resolve));
        const t0 = performance.now();
        await startOrder(context, benchOrder(id));
        await finished;
        latencies.push(performance.now() - t0);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const cpuAfter = cpuMs(options.serverPid);
  const workersAfter = workerCpu();
  const self = process.cpuUsage(selfBefore);
  for (const w of workers) w.child.kill('SIGTERM');
  controller.abort();
  await Promise.all([...workers.map((w) => w.exited), ...loops]);
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
    /** CPU of the decider and activity-worker processes, per step (empty when they ran in this process). */
    workerCpuUsPerStep: workersAfter.map((after, i) =>
      Math.round(((after - (workersBefore[i] as number)) * 1000) / Math.max(1, steps)),
    ),
    /** CPU of this process (the starter, and the worker loops when in process), per step. */
    benchCpuUsPerStep: Math.round((self.user + self.system) / Math.max(1, steps)),
  };
}
