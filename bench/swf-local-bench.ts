/**
 * The same 5-step workflow load, side by side in one run, on swf-local (memory and SQLite), on moto_server,
 * with a loopback HTTP echo server as the floor for the cost of one call. Not a test: `npm run bench:server`.
 * Settings: BENCH_WORKFLOWS (500), BENCH_IN_FLIGHT (50), BENCH_POLLERS (4 per kind), BENCH_MOTO_WORKFLOWS (20).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import * as S from '@aws-sdk/client-swf';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { killHard, spawnServer } from '../test/support/server-process.js';

const WORKFLOWS = Number(process.env.BENCH_WORKFLOWS ?? 500);
const IN_FLIGHT = Number(process.env.BENCH_IN_FLIGHT ?? 50);
const POLLERS = Number(process.env.BENCH_POLLERS ?? 4);
const MOTO_WORKFLOWS = Number(process.env.BENCH_MOTO_WORKFLOWS ?? 20);
const STEPS = 5;
const CALLS = 2_000;

function client(endpoint: string): S.SWFClient {
  return new S.SWFClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' },
    maxAttempts: 1,
    requestHandler: new NodeHttpHandler({
      connectionTimeout: 5_000,
      socketTimeout: 75_000,
      httpAgent: { keepAlive: true, maxSockets: 256 },
    }),
  });
}

async function register(swf: S.SWFClient, domain: string): Promise<void> {
  await swf.send(new S.RegisterDomainCommand({ name: domain, workflowExecutionRetentionPeriodInDays: '1' }));
  await swf.send(
    new S.RegisterWorkflowTypeCommand({
      domain,
      name: 'Bench',
      version: '1',
      defaultTaskList: { name: 'bench-d' },
      defaultExecutionStartToCloseTimeout: '3600',
      defaultTaskStartToCloseTimeout: '60',
      defaultChildPolicy: 'TERMINATE',
    }),
  );
  await swf.send(
    new S.RegisterActivityTypeCommand({
      domain,
      name: 'Step',
      version: '1',
      defaultTaskList: { name: 'bench-a' },
      defaultTaskStartToCloseTimeout: '60',
      defaultTaskScheduleToStartTimeout: '600',
      defaultTaskScheduleToCloseTimeout: '660',
      defaultTaskHeartbeatTimeout: 'NONE',
    }),
  );
}

/** CPU milliseconds a process has used (user + system), from /proc; undefined where /proc is absent. */
function cpuMs(pid: number | undefined): number | undefined {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  } catch {
    return undefined;
  }
}

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;

/** Runs `workflows` 5-step workflows with `pollers` deciders and workers, `IN_FLIGHT` at a time. */
async function workload(
  endpoint: string,
  workflows: number,
  pollers: number,
  inFlight = IN_FLIGHT,
  serverPid?: number,
) {
  const cpuBefore = cpuMs(serverPid);
  const swf = client(endpoint);
  const domain = `bench-${Math.random().toString(36).slice(2, 8)}`;
  await register(swf, domain);
  const done = new Map<string, () => void>();
  const latencies: number[] = [];
  let steps = 0;
  let errors = 0;
  let stop = false;

  const decider = async () => {
    while (!stop) {
      try {
        const task = await swf.send(
          new S.PollForDecisionTaskCommand({ domain, taskList: { name: 'bench-d' }, identity: 'bench' }),
        );
        if (!task.taskToken) continue;
        const completed = (task.events ?? []).filter((e) => e.eventType === 'ActivityTaskCompleted').length;
        const decisions: S.Decision[] =
          completed < STEPS
            ? [
                {
                  decisionType: 'ScheduleActivityTask',
                  scheduleActivityTaskDecisionAttributes: {
                    activityType: { name: 'Step', version: '1' },
                    activityId: `step-${completed + 1}`,
                    input: String(completed + 1),
                  },
                },
              ]
            : [
                {
                  decisionType: 'CompleteWorkflowExecution',
                  completeWorkflowExecutionDecisionAttributes: { result: 'ok' },
                },
              ];
        await swf.send(new S.RespondDecisionTaskCompletedCommand({ taskToken: task.taskToken, decisions }));
        if (completed >= STEPS) done.get(task.workflowExecution?.workflowId ?? '')?.();
      } catch {
        errors++;
      }
    }
  };
  const worker = async () => {
    while (!stop) {
      try {
        const task = await swf.send(
          new S.PollForActivityTaskCommand({ domain, taskList: { name: 'bench-a' }, identity: 'bench' }),
        );
        if (!task.taskToken) continue;
        await swf.send(
          new S.RespondActivityTaskCompletedCommand({ taskToken: task.taskToken, result: task.input }),
        );
        steps++;
      } catch {
        errors++;
      }
    }
  };
  const loops = [...Array.from({ length: pollers }, decider), ...Array.from({ length: pollers }, worker)];

  let next = 0;
  const started = performance.now();
  const client_ = async () => {
    while (next < workflows) {
      const workflowId = `wf-${next++}`;
      const finished = new Promise<void>((resolve) => done.set(workflowId, resolve));
      const t0 = performance.now();
      await swf.send(
        new S.StartWorkflowExecutionCommand({
          domain,
          workflowId,
          workflowType: { name: 'Bench', version: '1' },
        }),
      );
      await finished;
      latencies.push(performance.now() - t0);
    }
  };
  await Promise.all(Array.from({ length: Math.min(inFlight, workflows) }, client_));
  const seconds = (performance.now() - started) / 1000;
  const cpuAfter = cpuMs(serverPid);
  const serverCpuUsPerStep =
    cpuBefore === undefined || cpuAfter === undefined || steps === 0
      ? undefined
      : Math.round(((cpuAfter - cpuBefore) * 1000) / steps);
  stop = true;
  // The loops end as their held polls return (swf-local holds 1 s here; moto returns within about 1 s).
  await Promise.race([Promise.all(loops), new Promise((resolve) => setTimeout(resolve, 5_000))]);
  latencies.sort((a, b) => a - b);
  swf.destroy();
  return {
    workflows,
    stepsPerSecond: Math.round((steps / seconds) * 10) / 10,
    p50Ms: Math.round(percentile(latencies, 50) * 10) / 10,
    p99Ms: Math.round(percentile(latencies, 99) * 10) / 10,
    errors,
    serverCpuUsPerStep,
  };
}

/** Unloaded latency: one workflow at a time. */
async function latency(endpoint: string, workflows: number) {
  const result = await workload(endpoint, workflows, 1, 1);
  return { p50Ms: result.p50Ms, p99Ms: result.p99Ms };
}

/**
 * The cost of one cheap, read-only SWF call, sequentially: wall microseconds (client included) and the
 * server's own CPU microseconds, which is what the echo floor is compared on.
 */
async function callCost(
  endpoint: string,
  prepare: boolean,
  serverPid?: number,
): Promise<{ wallUs: number; serverCpuUs?: number }> {
  const swf = client(endpoint);
  if (prepare)
    await swf.send(
      new S.RegisterDomainCommand({ name: 'cost', workflowExecutionRetentionPeriodInDays: '1' }),
    );
  const command = new S.CountPendingActivityTasksCommand({ domain: 'cost', taskList: { name: 'x' } });
  for (let i = 0; i < 200; i++) await swf.send(command);
  const cpuBefore = cpuMs(serverPid);
  const start = performance.now();
  for (let i = 0; i < CALLS; i++) await swf.send(command);
  const wallUs = Math.round(((performance.now() - start) * 1000) / CALLS);
  const cpuAfter = cpuMs(serverPid);
  swf.destroy();
  const serverCpuUs =
    cpuBefore === undefined || cpuAfter === undefined
      ? undefined
      : Math.round(((cpuAfter - cpuBefore) * 1000) / CALLS);
  return { wallUs, serverCpuUs };
}

async function spawnEcho(): Promise<{ child: ChildProcess; endpoint: string }> {
  const child = spawn(process.execPath, [fileURLToPath(new URL('./echo-server.mjs', import.meta.url))], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const endpoint = await new Promise<string>((resolve) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      const match = /listening on (\S+)/.exec(chunk.toString());
      if (match?.[1]) resolve(match[1]);
    });
  });
  return { child, endpoint };
}

async function spawnMoto(): Promise<{ child: ChildProcess; endpoint: string } | undefined> {
  const port = 5000 + Math.floor(Math.random() * 1000);
  const child = spawn('moto_server', ['-H', '127.0.0.1', '-p', String(port)], { stdio: 'ignore' });
  const failed = await new Promise<boolean>((resolve) => {
    child.once('error', () => resolve(true));
    setTimeout(() => resolve(false), 300);
  });
  if (failed) return undefined;
  const endpoint = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 100; i++) {
    try {
      await fetch(endpoint);
      return { child, endpoint };
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  child.kill('SIGKILL');
  return undefined;
}

if (process.env.BENCH_ENDPOINT) {
  // Load an already running server (for profiling it): BENCH_ENDPOINT=http://127.0.0.1:7654 npm run bench:server
  console.table([await workload(process.env.BENCH_ENDPOINT, WORKFLOWS, POLLERS)]);
  process.exit(0);
}

const rows: Record<string, unknown>[] = [];
const directory = mkdtempSync(join(tmpdir(), 'swf-bench-'));
const echo = await spawnEcho();
const echoCost = await callCost(echo.endpoint, false, echo.child.pid);
const floor = echoCost.serverCpuUs ?? echoCost.wallUs;
const costColumns = (cost: { wallUs: number; serverCpuUs?: number }) => ({
  callWallUs: cost.wallUs,
  callServerCpuUs: cost.serverCpuUs ?? '-',
  vsFloor: `${((cost.serverCpuUs ?? cost.wallUs) / floor).toFixed(1)}×`,
});
rows.push({ target: 'HTTP echo (floor)', workflows: '-', ...costColumns(echoCost) });
await killHard(echo.child);

for (const [label, args] of [
  ['swf-local memory', ['--memory']],
  ['swf-local SQLite', ['--db', join(directory, 'bench.db')]],
] as const) {
  const server = await spawnServer([...args, '--poll-hold', '1']);
  const result = await workload(server.endpoint, WORKFLOWS, POLLERS, IN_FLIGHT, server.child.pid);
  const unloaded = await latency(server.endpoint, 50);
  const cost = await callCost(server.endpoint, true, server.child.pid);
  rows.push({
    target: label,
    ...result,
    stepsPerServerCore: result.serverCpuUsPerStep ? Math.round(1_000_000 / result.serverCpuUsPerStep) : '-',
    unloadedP50Ms: unloaded.p50Ms,
    unloadedP99Ms: unloaded.p99Ms,
    ...costColumns(cost),
  });
  await killHard(server.child);
}

const moto = await spawnMoto();
if (moto) {
  const result = await workload(moto.endpoint, MOTO_WORKFLOWS, POLLERS, IN_FLIGHT, moto.child.pid);
  const unloaded = await latency(moto.endpoint, 5);
  const cost = await callCost(moto.endpoint, true, moto.child.pid);
  rows.push({
    target: 'moto_server',
    ...result,
    stepsPerServerCore: result.serverCpuUsPerStep ? Math.round(1_000_000 / result.serverCpuUsPerStep) : '-',
    unloadedP50Ms: unloaded.p50Ms,
    unloadedP99Ms: unloaded.p99Ms,
    ...costColumns(cost),
  });
  moto.child.kill('SIGKILL');
} else {
  rows.push({ target: 'moto_server', workflows: 'not installed' });
}
rmSync(directory, { recursive: true, force: true });

const machine = {
  cpu: cpus()[0]?.model ?? 'unknown',
  cores: cpus().length,
  memoryGiB: Math.round(totalmem() / 2 ** 30),
  node: process.version,
};
console.log(
  `5-step workflows, ${POLLERS} decider + ${POLLERS} activity pollers, ${IN_FLIGHT} in flight; ${machine.cores} × ${machine.cpu}`,
);
console.table(rows.map(({ serverCpuUsPerStep: _cpu, ...row }) => row));
mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
writeFileSync(
  new URL('./results/swf-local.json', import.meta.url),
  `${JSON.stringify({ benchmark: 'swf-local', date: new Date().toISOString(), machine, settings: { WORKFLOWS, IN_FLIGHT, POLLERS, MOTO_WORKFLOWS }, rows }, null, 2)}\n`,
);
