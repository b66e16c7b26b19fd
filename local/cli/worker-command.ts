import { hostname } from 'node:os';
import { createPorts } from '../../lambda/adapters/create-ports.js';
import { loadEffectsSettings } from '../../lambda/adapters/effects-config.js';
import { runActivityWorker } from '../../lambda/worker/activity-worker.js';
import { NO_DEADLINE } from '../../lambda/worker/deadline.js';
import { runDecider } from '../../lambda/worker/decider-worker.js';
import type { cliContext } from './cli-context.js';
import { type ConsoleLevel, consoleTelemetry } from './console-telemetry.js';

export interface WorkerCommandOptions {
  concurrency: number;
  pollHold: number;
  /** The SQLite file of order effects (default: SWF_EFFECTS_DB, else .swf-local/orders.db). */
  effectsDb?: string;
  logLevel: ConsoleLevel;
}

/**
 * `swfctl worker <kind>`: `concurrency` copies of the loop the Lambda handler runs, without a deadline,
 * until `signal` stops them; returns the tasks handled.
 */
export async function runWorkerCommand(
  kind: 'decider' | 'activity',
  options: WorkerCommandOptions,
  ctx: ReturnType<typeof cliContext>,
  signal: AbortSignal,
): Promise<number> {
  const { telemetry, counts } = consoleTelemetry(options.logLevel);
  const ports =
    kind === 'activity'
      ? await createPorts(
          loadEffectsSettings({
            ...process.env,
            ...(options.effectsDb ? { SWF_EFFECTS: 'sqlite', SWF_EFFECTS_DB: options.effectsDb } : {}),
          }),
        )
      : undefined;
  process.stderr.write(
    `${kind} worker: ${options.concurrency} poller(s) on ${ctx.endpoint}, domain ${ctx.config.domain}\n`,
  );
  const loops = Array.from({ length: options.concurrency }, (_, index) => {
    const common = {
      swf: ctx.swf,
      catalog: ctx.catalog,
      domain: ctx.config.domain,
      identity: `${hostname()}:${process.pid}:${index}`,
      deadline: NO_DEADLINE,
      telemetry,
      signal,
      pollHoldMs: options.pollHold * 1000,
    };
    return kind === 'decider'
      ? runDecider({
          ...common,
          taskList: ctx.config.decisionTaskList,
          payloads: ctx.payloads,
          offloadThreshold: ctx.offloadThreshold,
        })
      : runActivityWorker({
          ...common,
          taskList: ctx.config.activityTaskList,
          ports: ports as NonNullable<typeof ports>,
          allowFailureInjection: ctx.config.allowFailureInjection,
          payloads: ctx.payloads,
          offloadThreshold: ctx.offloadThreshold,
        });
  });
  const results = await Promise.all(loops);
  ports?.close();
  const handled = results.reduce((n, r) => n + r.tasksHandled, 0);
  process.stderr.write(`stopped: ${handled} task(s) handled ${JSON.stringify(Object.fromEntries(counts))}\n`);
  return handled;
}
