import { type Command, InvalidArgumentError } from 'commander';
import { createPorts } from '../../lambda/adapters/create-ports.js';
import { describeEffectsBackend, loadEffectsSettings } from '../../lambda/adapters/effects-config.js';
import { actOnOpenRuns, candidates, resumeFailed } from '../../lambda/worker/bulk-operations.js';
import { readEffects } from '../../lambda/worker/effects-view.js';
import { OperationError, type OperationsContext } from '../../lambda/worker/operations.js';
import { type SignalOutcome, signalRun } from '../../lambda/worker/signal-run.js';
import { WORKFLOW_MODULES } from '../../lambda/workflow/modules.js';
import { progressBar } from '../runtime/demo.js';
import { renderEffects, table } from './format.js';
import { print, printError } from './terminal.js';

/** Prints a bulk command's rows as a table, or `none` when there are none; false when there were none. */
function printRows<T>(rows: T[], none: string, headers: string[], cells: (row: T) => string[]): boolean {
  print(rows.length === 0 ? none : table(headers, rows.map(cells)));
  return rows.length > 0;
}

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
  ctx: OperationsContext,
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
  if (
    !printRows(rows, 'No failed run matches.', ['workflowId', 'failed at', 'outcome', 'detail'], (r) => [
      r.workflowId,
      r.failedStep ?? '–',
      r.outcome,
      r.detail,
    ])
  )
    return;
  const count = (outcome: string) => rows.filter((r) => r.outcome === outcome).length;
  print(
    `${count(options.dryRun ? 'would resume' : 'resumed')} ${options.dryRun ? 'would be resumed' : 'resumed'}, ${count('skipped')} skipped, ${count('error')} failed`,
  );
  if (count('error') > 0) process.exitCode = 1;
}

/** `swfctl effects` (and `swfctl order`): a run's effects, from where this machine's workers write them (SWF_EFFECTS). */
export async function runEffectsCommand(id: string, options: { json?: boolean }): Promise<void> {
  const settings = loadEffectsSettings(process.env);
  const ports = await createPorts(settings);
  try {
    const effects = await readEffects(WORKFLOW_MODULES, (subject) => ports.effectsOf(subject), id);
    print(
      options.json
        ? JSON.stringify(effects, null, 2)
        : renderEffects(effects, describeEffectsBackend(settings)),
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
  ctx: OperationsContext,
): Promise<void> {
  const filter = {
    since: options.since,
    workflowType: options.type,
    workflowVersion: options.typeVersion,
    prefix: options.prefix,
  };
  if (!options.dryRun && !options.yes) {
    const operation = action === 'cancel' ? 'cancel-all' : 'terminate-all';
    const count = (await candidates(ctx, { operation, filter })).length;
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
  if (
    !printRows(rows, 'No open run matches.', ['workflowId', 'runId', 'outcome', 'detail'], (r) => [
      r.workflowId,
      r.runId,
      r.outcome,
      r.detail,
    ])
  )
    return;
  const done = rows.filter((r) => r.outcome !== 'error').length;
  print(
    `${done} ${options.dryRun ? `would be ${action === 'cancel' ? 'canceled' : 'terminated'}` : action === 'cancel' ? 'cancel requested' : 'terminated'}, ${rows.length - done} failed`,
  );
  if (rows.length > done) process.exitCode = 1;
}

/** A rate option: a positive number. */
const rate = (label: string) => (value: string) => {
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed < 0.1)
    throw new InvalidArgumentError(`${label} must be a number ≥ 0.1`);
  return parsed;
};

/** A number of seconds, 0 or more. */
const seconds = (value: string) => {
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed < 0)
    throw new InvalidArgumentError('--wait must be a number of seconds ≥ 0');
  return parsed;
};

/** The options every bulk command shares: which runs (since, type, version, prefix), a dry run and a rate. */
function withRunFilters(command: Command): Command {
  return command
    .option(
      '--since <time>',
      'only runs started since (ISO time, or a duration back from now: 30m, 6h, 2d)',
      parseSince,
    )
    .option('--type <name>', 'only this workflow type')
    .option('--type-version <version>', 'only this workflow type version')
    .option('--prefix <text>', 'only workflowIds starting with this')
    .option('--dry-run', 'list what it would do, and do nothing')
    .option('--max-per-second <n>', 'act on at most this many runs a second', rate('--max-per-second'), 5);
}

/** The operator's commands on many runs and on a run's effects: effects, resume-failed, cancel-all, terminate-all. */
export function addOperatorCommands(program: Command, context: () => OperationsContext): void {
  // A person's answer to a run waiting for Approve or Reject (order versions 2 and 3).
  for (const [name, signalName] of [
    ['approve', 'Approve'],
    ['reject', 'Reject'],
  ] as const) {
    withSignalOptions(
      program
        .command(name)
        .description(
          `Send ${signalName} to a run waiting for a person (swfctl signal <workflowId> ${signalName}); refused unless the run waits for it`,
        )
        .argument('<workflowId>')
        .requiredOption('--reviewer <name>', 'who decides')
        .option('--note <text>', 'why'),
    ).action(async (workflowId: string, options) => {
      const input = JSON.stringify({
        reviewer: options.reviewer,
        ...(options.note !== undefined ? { note: options.note } : {}),
      });
      const outcome = await signalRun(context(), {
        workflowId,
        signalName,
        input,
        ...signalOptions(options),
      });
      reportSignal(
        outcome,
        `${signalName === 'Approve' ? 'approved' : 'rejected'} ${workflowId} as ${options.reviewer}`,
      );
    });
  }

  withSignalOptions(
    program
      .command('signal')
      .description(
        'Send a signal to an open run; refused unless the run waits for it (or keeps it for a wait ahead)',
      )
      .argument('<workflowId>')
      .argument('<signalName>')
      .option('--input <text>', 'signal input'),
  ).action(async (workflowId: string, signalName: string, options) => {
    const outcome = await signalRun(context(), {
      workflowId,
      signalName,
      input: options.input,
      ...signalOptions(options),
    });
    reportSignal(outcome, `signaled ${workflowId} with ${signalName}`);
  });

  program
    .command('effects')
    .alias('order')
    .description(
      'Show what a run lineage left behind: its saved record, stock reservation, notifications, ledger and runs',
    )
    .argument('<id>', 'a workflow id (order-A-1001, renewal-S-100) or an order id (A-1001)')
    .option('--json', 'print the effects as JSON')
    .action(async (id: string, options) => {
      await runEffectsCommand(id, options);
    });

  withRunFilters(
    program
      .command('resume-failed')
      .description(
        'Resume every failed order a filter selects (idempotent: orders with a newer run are skipped)',
      )
      .option('--failed-step <step>', 'only runs that failed at this step'),
  )
    .option('--from <step>', 'resume from this step (default: where each run failed)')
    .option('--clear-simulation', "drop each order's simulate block (demos: the fault is fixed)")
    .action(async (options) => {
      await runResumeFailedCommand(options, context());
    });

  for (const action of ['cancel', 'terminate'] as const) {
    withRunFilters(
      program
        .command(`${action}-all`)
        .description(
          action === 'cancel'
            ? 'Request cancellation of every open run a filter selects (each compensates, then cancels)'
            : 'Terminate every open run a filter selects, at once and without compensation',
        ),
    )
      .option('--yes', 'skip the confirmation')
      .action(async (options) => {
        await runBulkActionCommand(action, options, context());
      });
  }
}

/** The options every signal command takes: the run, --force and how long to wait for the run's answer. */
function withSignalOptions(command: Command): Command {
  return command
    .option('--run <runId>', 'a specific run')
    .option('--force', 'send it even if the run is not waiting for it, unchecked')
    .option('--wait <seconds>', "how long to wait for the run's next decision (0: do not wait)", seconds, 10);
}

function signalOptions(options: { run?: string; force?: boolean; wait: number }) {
  return { runId: options.run, force: options.force === true, waitMs: options.wait * 1000 };
}

/** What the run did with a signal, in one line; a signal the run ignored exits 3. */
export function reportSignal(outcome: SignalOutcome, what: string): void {
  const run = `(run ${outcome.runId})`;
  switch (outcome.status) {
    case 'taken':
      print(`${what} ${run}: the run took it (${outcome.wait})`);
      return;
    case 'kept':
      print(`${what} ${run}: kept for ${outcome.wait}, which the run has not reached yet`);
      return;
    case 'sent':
      print(`${what} ${run}: sent with --force, unchecked`);
      return;
    case 'pending':
      print(`${what} ${run}: ${outcome.why}`);
      return;
    case 'ignored':
      printError(`${what} ${run}: sent, but the run ignored it: ${outcome.why}`);
      process.exitCode = 3;
  }
}
