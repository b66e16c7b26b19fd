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

/**
 * The cost of one cheap, read-only SWF call, sequentially: wall microseconds (client included) and the
 * server's own CPU microseconds, which is what the echo floor is compared on.
 */
export async function callCost(
  endpoint: string,
  prepare: boolean,
  serverPid: number | undefined,
  calls: number,
) {
  const swf = createSwfClient({ endpoint });
  if (prepare)
    await swf
      .send(new S.RegisterDomainCommand({ name: 'cost', workflowExecutionRetentionPeriodInDays: '1' }))
      .catch(() => {});
  const command = new S.CountPendingActivityTasksCommand({ domain: 'cost', taskList: { name: 'x' } });
  for (let i = 0; i < 100; i++) await swf.send(command);
  const cpuBefore = cpuMs(serverPid);
  const start = performance.now();
  for (let i = 0; i < calls; i++) await swf.send(command);
  const wallUs = Math.round(((performance.now() - start) * 1000) / calls);
  const cpuAfter = cpuMs(serverPid);
  swf.destroy();
  return {
    wallUs,
    serverCpuUs:
      cpuBefore === undefined || cpuAfter === undefined
        ? undefined
        : Math.round(((cpuAfter - cpuBefore) * 1000) / calls),
  };
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
