import { InvalidArgumentError } from 'commander';
import { createPorts } from '../../lambda/adapters/create-ports.js';
import { describeEffectsBackend, loadEffectsSettings } from '../../lambda/adapters/effects-config.js';
import { actOnOpenRuns, openRuns, resumeFailed } from '../../lambda/worker/bulk-operations.js';
import { OperationError, type OrderContext, readOrderEffects } from '../../lambda/worker/operations.js';
import { progressBar } from '../runtime/demo.js';
import { renderOrderEffects, table } from './format.js';

const print = (text: string) => process.stdout.write(`${text}\n`);

/** `--since`: an ISO time, or a duration back from now (30m, 6h, 2d). */
export function parseSince(text: string): Date {
  const relative = /^(\d+)\s*([mhd])$/.exec(text.trim());
  if (relative) {
    const unit = { m: 60_000, h: 3_600_000, d: 86_400_000 }[relative[2] as 'm' | 'h' | 'd'];
    return new Date(Date.now() - Number(relative[1]) * unit);
  }
  const date = new Date(text);
  if (Number.isNaN(date.getTime()))
    throw new InvalidArgumentError(
      '--since must be an ISO time (2026-11-26T09:00Z) or a duration (30m, 6h, 2d)',
    );
  return date;
}

/** `swfctl resume-failed`: the bulk resume with a progress bar, a table of what happened to each run, a summary. */
export async function runResumeFailedCommand(
  options: {
    since?: Date;
    failedStep?: string;
    type?: string;
    typeVersion?: string;
    prefix?: string;
    from?: string;
    clearSimulation?: boolean;
    dryRun?: boolean;
    maxPerSecond?: number;
  },
  ctx: OrderContext,
): Promise<void> {
  const interactive = process.stdout.isTTY;
  const rows = await resumeFailed(
    ctx,
    {
      since: options.since,
      failedStep: options.failedStep,
      workflowType: options.type,
      workflowVersion: options.typeVersion,
      prefix: options.prefix,
    },
    {
      fromStep: options.from,
      clearSimulation: options.clearSimulation,
      dryRun: options.dryRun,
      maxPerSecond: options.maxPerSecond,
      onProgress: (done, total) => {
        if (interactive) process.stdout.write(`\r${progressBar(done, total, 30, 'failed runs examined')}`);
      },
    },
  );
  if (interactive) print('');
  if (rows.length === 0) {
    print('No failed run matches.');
    return;
  }
  print(
    table(
      ['workflowId', 'failed at', 'outcome', 'detail'],
      rows.map((r) => [r.workflowId, r.failedStep ?? '–', r.outcome, r.detail]),
    ),
  );
  const count = (outcome: string) => rows.filter((r) => r.outcome === outcome).length;
  print(
    `${count(options.dryRun ? 'would resume' : 'resumed')} ${options.dryRun ? 'would be resumed' : 'resumed'}, ${count('skipped')} skipped, ${count('error')} failed`,
  );
  if (count('error') > 0) process.exitCode = 1;
}

/** `swfctl order`: an order's effects, from where this machine's workers write them (SWF_EFFECTS). */
export async function runOrderCommand(orderId: string, options: { json?: boolean }): Promise<void> {
  const settings = loadEffectsSettings(process.env);
  const ports = await createPorts(settings);
  try {
    const effects = await readOrderEffects((id) => ports.effectsOf(id), orderId);
    print(
      options.json
        ? JSON.stringify(effects, null, 2)
        : renderOrderEffects(effects, describeEffectsBackend(settings)),
    );
  } finally {
    ports.close();
  }
}

/**
 * `swfctl cancel-all` / `terminate-all`: the open runs the filters select, after a confirmation (`--yes` skips
 * it; without a terminal to ask, `--yes` is required and nothing happens without it).
 */
export async function runBulkActionCommand(
  action: 'cancel' | 'terminate',
  options: {
    since?: Date;
    type?: string;
    typeVersion?: string;
    prefix?: string;
    reason?: string;
    dryRun?: boolean;
    yes?: boolean;
    maxPerSecond?: number;
  },
  ctx: OrderContext,
): Promise<void> {
  const filter = {
    since: options.since,
    workflowType: options.type,
    workflowVersion: options.typeVersion,
    prefix: options.prefix,
  };
  if (!options.dryRun && !options.yes) {
    const count = (await openRuns(ctx, filter)).length;
    const question = `${action === 'cancel' ? 'Request cancellation of' : 'Terminate, without compensation,'} ${count} open run(s)?`;
    if (count === 0) {
      print('No open run matches.');
      return;
    }
    if (!process.stdin.isTTY)
      throw new OperationError(
        'NotOpen',
        `${question} Nothing done: add --yes to confirm, or --dry-run to list them`,
      );
    const { createInterface } = await import('node:readline/promises');
    const prompt = createInterface({ input: process.stdin, output: process.stdout });
    const answer = await prompt.question(`${question} [y/N] `);
    prompt.close();
    if (!/^y(es)?$/i.test(answer.trim())) {
      print('Nothing done.');
      return;
    }
  }
  const rows = await actOnOpenRuns(ctx, filter, action, options);
  if (rows.length === 0) {
    print('No open run matches.');
    return;
  }
  print(
    table(
      ['workflowId', 'runId', 'outcome', 'detail'],
      rows.map((r) => [r.workflowId, r.runId, r.outcome, r.detail]),
    ),
  );
  const done = rows.filter((r) => r.outcome !== 'error').length;
  print(
    `${done} ${options.dryRun ? `would be ${action === 'cancel' ? 'canceled' : 'terminated'}` : action === 'cancel' ? 'cancel requested' : 'terminated'}, ${rows.length - done} failed`,
  );
  if (rows.length > done) process.exitCode = 1;
}
