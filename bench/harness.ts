import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as S from '@aws-sdk/client-swf';
import { createSwfClient } from '../lambda/worker/swf-client.js';
import { startMoto } from '../local/runtime/moto.js';

export const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;

/** CPU milliseconds a process has used (user + system), from /proc; undefined where /proc is absent. */
export function cpuMs(pid: number | undefined): number | undefined {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  } catch {
    return undefined;
  }
}

/** Resident memory of a process in MB, from /proc. */
export function rssMb(pid: number | undefined): number | undefined {
  try {
    const line = readFileSync(`/proc/${pid}/status`, 'utf8')
      .split('\n')
      .find((l) => l.startsWith('VmRSS:'));
    return line ? Math.round(Number(line.replace(/\D+/g, '')) / 1024) : undefined;
  } catch {
    return undefined;
  }
}

export interface CallTarget {
  label: string;
  endpoint: string;
  pid: number | undefined;
  /** Whether the target is an SWF server that needs the `cost` domain registered first. */
  swf: boolean;
}

/** The middle value (the upper one of an even count); NaN for none. */
export const median = (values: readonly number[]) =>
  percentile(
    [...values].sort((a, b) => a - b),
    50,
  );

/**
 * The cost of one cheap, read-only SWF call (CountPendingActivityTasks), sequentially: wall microseconds (client
 * included) and the server's own CPU microseconds. Every target is warmed alike (`warm` calls), then measured in
 * interleaved rounds (A B C A B C ...), so drift and noise fall on all of them; each figure is the median of its
 * rounds. The first target is the floor: a target whose ratio comes out below 1.0× means the floor is wrong, and
 * that ratio is reported as invalid rather than as a result.
 */
export async function interleavedCallCost(
  targets: CallTarget[],
  options: { warm: number; rounds: number; perRound: number },
) {
  const clients = await Promise.all(
    targets.map(async (target) => {
      const swf = createSwfClient({ endpoint: target.endpoint });
      if (target.swf)
        await swf
          .send(new S.RegisterDomainCommand({ name: 'cost', workflowExecutionRetentionPeriodInDays: '1' }))
          .catch(() => {});
      return swf;
    }),
  );
  const command = new S.CountPendingActivityTasksCommand({ domain: 'cost', taskList: { name: 'x' } });
  for (const swf of clients) for (let i = 0; i < options.warm; i++) await swf.send(command);
  const wall: number[][] = targets.map(() => []);
  const cpu: number[][] = targets.map(() => []);
  for (let round = 0; round < options.rounds; round++) {
    for (const [i, target] of targets.entries()) {
      const swf = clients[i] as (typeof clients)[number];
      const cpuBefore = cpuMs(target.pid);
      const start = performance.now();
      for (let n = 0; n < options.perRound; n++) await swf.send(command);
      (wall[i] as number[]).push(((performance.now() - start) * 1000) / options.perRound);
      const cpuAfter = cpuMs(target.pid);
      if (cpuBefore !== undefined && cpuAfter !== undefined)
        (cpu[i] as number[]).push(((cpuAfter - cpuBefore) * 1000) / options.perRound);
    }
  }
  for (const swf of clients) swf.destroy();
  const floorCpu = median(cpu[0] as number[]);
  return targets.map((target, i) => {
    const serverCpuUs = (cpu[i] as number[]).length > 0 ? Math.round(median(cpu[i] as number[])) : undefined;
    const ratio = serverCpuUs !== undefined && floorCpu ? serverCpuUs / floorCpu : undefined;
    return {
      target: target.label,
      wallUs: Math.round(median(wall[i] as number[])),
      serverCpuUs,
      rounds: options.rounds,
      vsFloor:
        i === 0
          ? '1.0×'
          : ratio === undefined
            ? '–'
            : ratio < 1
              ? `invalid (${ratio.toFixed(2)}× < floor)`
              : `${ratio.toFixed(1)}×`,
      validVsFloor: i === 0 || (ratio !== undefined && ratio >= 1),
    };
  });
}

export async function spawnEcho(): Promise<{ child: ChildProcess; endpoint: string }> {
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

export async function spawnMoto(): Promise<{ child: ChildProcess; endpoint: string } | undefined> {
  return startMoto({ threaded: true }).catch(() => undefined);
}
