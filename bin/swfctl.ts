import { readFileSync } from 'node:fs';
import type * as S from '@aws-sdk/client-swf';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { createPorts } from '../lambda/adapters/create-ports.js';
import { loadEffectsSettings } from '../lambda/adapters/effects-config.js';
import { cancelRun, listRuns, resumeRun, runHistory, terminateRun } from '../lambda/worker/operations.js';
import { registerCatalog } from '../lambda/worker/registration.js';
import { describeRun } from '../lambda/worker/run-description.js';
import { startWorkflow } from '../lambda/worker/start-workflow.js';
import { parseBoundedJson } from '../lambda/workflow/bounded-json.js';
import { ValidationError } from '../lambda/workflow/errors.js';
import { cliContext, describeFailure, loadDotEnv } from '../local/cli/cli-context.js';
import { DEFAULT_INPUTS, estimateCost, measuredBusyMsPerStep, renderCost } from '../local/cli/cost.js';
import { runDemoCommand } from '../local/cli/demo-command.js';
import { describeResume, renderDescription, renderRuns, renderTimeline } from '../local/cli/format.js';
import { addOperatorCommands } from '../local/cli/operator-commands.js';
import { printJson as json, print, printError } from '../local/cli/terminal.js';
import { runWorkerCommand } from '../local/cli/worker-command.js';
import { createConsoleRoutes } from '../local/console/console-api.js';
import { DEFAULT_DB_PATH, DEFAULT_PORT, startServer } from '../local/server/server.js';

loadDotEnv();
// `swfctl … | head` closes the pipe early: that is not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});
// Node 20 is supported until the SDK's January 2027 cut-off (see the README); the warning is noise here.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const program = new Command();
program
  .name('swfctl')
  .description('Run and drive SWF order workflows, locally (swf-local) or on AWS')
  .option('--endpoint <url>', 'SWF endpoint (default: SWF_ENDPOINT, else AWS)')
  // Option and command errors end where every other error does (one line, exit 2): see the catch at the end.
  // Set before any command is added, so every command inherits it.
  .exitOverride()
  .configureOutput({ outputError: () => {} });

const number =
  (label: string, min = 0) =>
  (value: string) => {
    const parsed = Number(value);
    if (!Number.isFinite(parsed) || parsed < min)
      throw new InvalidArgumentError(`${label} must be a number ≥ ${min}`);
    return parsed;
  };
const wholeBetween = (label: string, min: number, max: number) => (value: string) => {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < min || parsed > max)
    throw new InvalidArgumentError(`${label} must be a whole number from ${min} to ${max}`);
  return parsed;
};
const context = () => cliContext({ endpoint: program.opts().endpoint });

/**
 * Stops on the first Ctrl+C or SIGTERM: in-flight work finishes, nothing new starts. A second signal forces the
 * stop at once (exit 130), for when in-flight work cannot finish (its server is gone, say).
 */
function stopSignal(): AbortSignal {
  const controller = new AbortController();
  const stop = () => {
    if (controller.signal.aborted) {
      process.stderr.write('forced stop: in-flight work abandoned\n');
      process.exit(130);
    }
    process.stderr.write('\nstopping: finishing in-flight tasks… (a second Ctrl+C forces the stop)\n');
    controller.abort();
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  return controller.signal;
}

program
  .command('server')
  .description('Start swf-local, an SWF-compatible server any AWS SDK, the aws CLI or boto3 can use')
  .option('--port <port>', 'port to listen on (0 picks a free one)', number('--port'), DEFAULT_PORT)
  .option('--host <host>', 'address to bind; the server has no authentication, so keep it local', '127.0.0.1')
  .addOption(new Option('--db <path>', 'SQLite database file').default(DEFAULT_DB_PATH).conflicts('memory'))
  .option('--memory', 'keep everything in memory (lost on exit)')
  .option('--virtual-clock', 'time moves only when told to (POST /_admin/clock/advance)')
  .option('--poll-hold <seconds>', 'how long an empty long poll is held', number('--poll-hold'), 60)
  .addOption(
    new Option('--log-level <level>', 'log detail')
      .choices(['debug', 'info', 'warn', 'error', 'silent'])
      .default('info'),
  )
  .option('--no-console', 'do not serve the web console at /console')
  .action(async (options) => {
    // The console reads through this server's own SWF API, so it is wired once the endpoint is known.
    let consoleRoutes: ReturnType<typeof createConsoleRoutes> | undefined;
    // Listen for the stop before announcing the server: a signal right after the first line stops it cleanly.
    const stop = stopSignal();
    const server = await startServer({
      routes: (request, response, body) => (consoleRoutes ? consoleRoutes(request, response, body) : false),
      port: options.port,
      host: options.host,
      dbPath: options.db,
      memory: Boolean(options.memory),
      virtualClock: Boolean(options.virtualClock),
      pollHoldSeconds: options.pollHold,
      logLevel: options.logLevel,
    });
    print(`swf-local listening on ${server.endpoint}`);
    print(`  export SWF_ENDPOINT=${server.endpoint}`);
    if (options.console) {
      // The console reads order effects from where this machine's workers write them (SWF_EFFECTS).
      const effects = createPorts(loadEffectsSettings(process.env));
      consoleRoutes = createConsoleRoutes({
        context: cliContext({ endpoint: server.endpoint }),
        effectsOf: async (orderId) => (await effects).effectsOf(orderId),
      });
      print(`  console: ${server.endpoint}/console`);
    }
    const close = () =>
      void server.close().then(() => {
        print('swf-local stopped');
        process.exit(0);
      });
    if (stop.aborted) close();
    else stop.addEventListener('abort', close, { once: true });
  });

program
  .command('register')
  .description(
    'Register the domain and every workflow and activity type of the catalog (idempotent; undeprecates)',
  )
  .action(async () => {
    const ctx = context();
    const report = await registerCatalog(ctx.swf, ctx.catalog);
    print(`domain ${report.domain.name}: ${report.domain.action}`);
    for (const t of report.workflowTypes) print(`workflow ${t.name}@${t.version}: ${t.action}`);
    for (const t of report.activityTypes) print(`activity ${t.name}@${t.version}: ${t.action}`);
    for (const warning of report.warnings) printError(`warning: ${warning}`);
  });

program
  .command('worker')
  .description('Run a decider or an activity worker until Ctrl+C (the same loops the Lambda handlers run)')
  .addArgument(new Command().createArgument('<kind>', 'decider or activity').choices(['decider', 'activity']))
  .option('--concurrency <n>', 'pollers in this process', number('--concurrency', 1), 1)
  .option('--poll-hold <seconds>', "the service's long-poll hold (60 on SWF)", number('--poll-hold'), 60)
  .option(
    '--effects-db <path>',
    'the SQLite file of order effects, shared by every worker (default: SWF_EFFECTS_DB or .swf-local/orders.db)',
  )
  .addOption(
    new Option('--log-level <level>', 'log detail')
      .choices(['debug', 'info', 'warn', 'error'])
      .default('info'),
  )
  .action(async (kind: 'decider' | 'activity', options) => {
    await runWorkerCommand(kind, options, context(), stopSignal());
  });

program
  .command('start')
  .description(
    'Start a run of a catalog workflow (idempotent: a running input returns its open run, a completed one its run)',
  )
  .option('--input <file|json>', 'the input, as a JSON file path or inline JSON')
  .option('--order <file|json>', 'the same as --input (an order for OrderProcessing)')
  .option('--type <name>', 'the workflow type (needed once the catalog has more than one)')
  .action(async (options) => {
    const source: string | undefined = options.input ?? options.order;
    if (!source) throw new InvalidArgumentError('give the input with --input FILE|JSON (or --order)');
    // Inline JSON starts with a bracket or a quote; anything else is a file path.
    const text = /^\s*[[{"]/.test(source) ? source : readFileSync(source, 'utf8');
    const parsed = parseBoundedJson(text);
    if (!parsed.ok) throw new ValidationError([parsed.error]);
    // Lambda takes at most 6 MB per invocation: say so before someone tries this input with the starter function.
    if (text.length > LAMBDA_INVOCATION_LIMIT)
      process.stderr.write(
        `note: this input is ${(text.length / 2 ** 20).toFixed(1)} MB; the starter function cannot take it (a Lambda invocation carries at most 6 MB), so start it with swfctl, which stores it in the payload store itself\n`,
      );
    const started = await startWorkflow(context(), { type: options.type, input: parsed.value });
    print(
      started.alreadyCompleted
        ? `already completed: ${started.workflowId} (run ${started.runId}); nothing started. To run it again from a step: swfctl resume ${started.workflowId} --from <step>`
        : started.closeStatus
          ? `already started: ${started.workflowId} (run ${started.runId}, now ${started.closeStatus}); nothing started`
          : started.alreadyStarted
            ? `already running: ${started.workflowId} (run ${started.runId})`
            : `started ${started.workflowId} (run ${started.runId})`,
    );
  });

/** The most a Lambda invocation's payload may carry (the starter function's event). */
const LAMBDA_INVOCATION_LIMIT = 6 * 2 ** 20;

const CLOSE_STATUSES: Record<string, S.CloseStatus> = {
  completed: 'COMPLETED',
  failed: 'FAILED',
  canceled: 'CANCELED',
  terminated: 'TERMINATED',
  'timed-out': 'TIMED_OUT',
  'continued-as-new': 'CONTINUED_AS_NEW',
};

program
  .command('list')
  .description('List recent runs, newest first')
  .addOption(
    new Option('--status <status>', 'which runs')
      .choices(['all', 'open', 'closed', ...Object.keys(CLOSE_STATUSES)])
      .default('all'),
  )
  .option('--limit <n>', 'at most this many', number('--limit', 1), 50)
  .option('--json', 'print JSON')
  .action(async (options) => {
    const closeStatus = CLOSE_STATUSES[options.status];
    const runs = await listRuns(context(), {
      status: closeStatus ? 'closed' : options.status,
      closeStatus,
      limit: options.limit,
    });
    if (options.json) json(runs);
    else print(renderRuns(runs));
  });

program
  .command('describe')
  .description('Describe a run (the open one, else the latest, unless --run)')
  .argument('<workflowId>')
  .option('--run <runId>', 'a specific run')
  .option('--json', 'print JSON')
  .action(async (workflowId: string, options) => {
    const { timeline: _timeline, ...description } = await describeRun(context(), workflowId, options.run);
    if (options.json) json(description);
    else print(renderDescription({ ...description, timeline: _timeline }));
  });

program
  .command('history')
  .description('Show a run as a step timeline: attempts, durations, retries, compensations and the outcome')
  .argument('<workflowId>')
  .option('--run <runId>', 'a specific run')
  .option('--json', 'print the timeline and the raw events as JSON')
  .action(async (workflowId: string, options) => {
    const result = await runHistory(context(), workflowId, { runId: options.run });
    if (options.json) json({ execution: result.execution, timeline: result.timeline, events: result.events });
    else print(renderTimeline(workflowId, result.execution.runId, result.timeline));
  });

program
  .command('resume')
  .description('Start a new run of a closed order from a step, carrying the results of the steps before it')
  .argument('<workflowId>')
  .requiredOption('--from <step>', 'the step to resume from')
  .option('--run <runId>', 'the run to resume (default: the latest)')
  .option('--clear-simulation', "drop the order's simulate block (demos: the fault is fixed)")
  .action(async (workflowId: string, options) => {
    const resumed = await resumeRun(context(), {
      workflowId,
      fromStep: options.from,
      runId: options.run,
      clearSimulation: options.clearSimulation,
    });
    for (const line of describeResume(resumed)) print(line);
  });

addOperatorCommands(program, context);

program
  .command('cancel')
  .description('Request cancellation: the decider stops the running step, compensates, and cancels the run')
  .argument('<workflowId>')
  .option('--run <runId>', 'a specific run')
  .action(async (workflowId: string, options) => {
    const run = await cancelRun(context(), { workflowId, runId: options.run });
    print(`cancel requested for ${workflowId} (run ${run.runId})`);
  });

program
  .command('terminate')
  .description('Terminate a run at once (no compensation)')
  .argument('<workflowId>')
  .option('--reason <text>', 'why')
  .option('--run <runId>', 'a specific run')
  .action(async (workflowId: string, options) => {
    const run = await terminateRun(context(), { workflowId, runId: options.run, reason: options.reason });
    print(`terminated ${workflowId} (run ${run.runId})`);
  });

program
  .command('cost')
  .description(
    'Estimate the monthly AWS cost of the deployed stack for a workload, beside Step Functions Standard',
  )
  .requiredOption('--orders-per-day <n>', 'orders a day', number('--orders-per-day'))
  .option(
    '--pollers <n>',
    'pollerConcurrency (pollers of each kind, 1-5, as the stack allows)',
    wholeBetween('--pollers', 1, 5),
    DEFAULT_INPUTS.pollerConcurrency,
  )
  .option('--memory <mb>', 'poller memory (MB)', number('--memory', 128), DEFAULT_INPUTS.pollerMemoryMb)
  .option('--steps <n>', 'steps per order', number('--steps', 1), DEFAULT_INPUTS.stepsPerOrder)
  .option('--retries <n>', 'average retries per order', number('--retries'), DEFAULT_INPUTS.retriesPerOrder)
  .option(
    '--compensations <n>',
    'average compensations per order',
    number('--compensations'),
    DEFAULT_INPUTS.compensationsPerOrder,
  )
  .option(
    '--retention-days <n>',
    'domain retention',
    number('--retention-days'),
    DEFAULT_INPUTS.retentionDays,
  )
  .option('--sms <n>', 'SMS alerts a month', number('--sms'), DEFAULT_INPUTS.smsPerMonth)
  .option('--json', 'print JSON')
  .action((options) => {
    const busy = measuredBusyMsPerStep();
    const result = estimateCost({
      ...DEFAULT_INPUTS,
      ordersPerDay: options.ordersPerDay,
      pollerConcurrency: options.pollers,
      pollerMemoryMb: options.memory,
      stepsPerOrder: options.steps,
      retriesPerOrder: options.retries,
      compensationsPerOrder: options.compensations,
      retentionDays: options.retentionDays,
      smsPerMonth: options.sms,
      busyMsPerStep: busy.ms,
    });
    if (options.json) {
      json({ busyMsPerStep: busy, ...result });
      return;
    }
    print(renderCost(result, busy, options.pollers));
  });

program
  .command('dev')
  .description(
    'The local system in one command: swf-local on SQLite, registration, workers, a demo batch; Ctrl+C stops',
  )
  .option('--port <port>', 'swf-local port', number('--port'), DEFAULT_PORT)
  .option('--db <path>', 'SQLite database file', DEFAULT_DB_PATH)
  .option('--orders <n>', 'orders in the demo batch', number('--orders', 1), 10)
  .option('--verbose', 'show the workers’ logs')
  .action(async (options) => {
    await runDemoCommand({ ...options, exit: false }, true, stopSignal);
  });

program
  .command('demo')
  .description(
    'Run the demo batch against a fresh in-memory swf-local and print a summary; exit 0 only if all is as expected',
  )
  .option('--orders <n>', 'orders in the batch', number('--orders', 1), 10)
  .option('--exit', 'exit when the batch is done (otherwise keep running until Ctrl+C)')
  .option('--port <port>', 'swf-local port (0 picks a free one)', number('--port'), 0)
  .option('--db <path>', 'use SQLite at this path instead of memory')
  .option('--verbose', 'show the workers’ logs')
  .action(async (options) => {
    const ok = await runDemoCommand(options, !options.exit, stopSignal);
    process.exitCode = ok ? 0 : 1;
  });

program.parseAsync(process.argv).catch((error: Error & { code?: string }) => {
  if (process.env.SWFCTL_DEBUG === '1') console.error(error);
  if (error instanceof CommanderError) {
    // --help and --version have printed what was asked; a command line commander refused is input to fix.
    if (error.exitCode === 0 || error.code === 'commander.help') process.exit(error.exitCode === 0 ? 0 : 2);
    printError(`swfctl: ${error.message.replace(/^error: /, '')} (add --help for usage)`);
    process.exit(2);
  }
  const endpoint = program.opts().endpoint ?? process.env.SWF_ENDPOINT ?? 'AWS';
  const { message, exitCode } =
    error.code === 'EADDRINUSE'
      ? {
          message: 'the port is already in use; pick another with --port (or stop the other server)',
          exitCode: 4,
        }
      : error.name === 'DatabaseInUse'
        ? { message: error.message, exitCode: 4 }
        : describeFailure(error, endpoint);
  printError(`swfctl: ${message}`);
  process.exit(exitCode);
});
