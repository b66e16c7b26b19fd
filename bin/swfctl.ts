import { Command, InvalidArgumentError, Option } from 'commander';
import { DEFAULT_DB_PATH, DEFAULT_PORT, startServer } from '../local/server/server.js';

const program = new Command();
program
  .name('swfctl')
  .description('Run and drive SWF order workflows, locally (swf-local) or on AWS')
  .showHelpAfterError('(add --help for usage)');

const positiveNumber = (label: string) => (value: string) => {
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed < 0) throw new InvalidArgumentError(`${label} must be a number ≥ 0`);
  return parsed;
};

program
  .command('server')
  .description('Start swf-local, an SWF-compatible server any AWS SDK, the aws CLI or boto3 can use')
  .option('--port <port>', 'port to listen on (0 picks a free one)', positiveNumber('--port'), DEFAULT_PORT)
  .option('--host <host>', 'address to bind; the server has no authentication, so keep it local', '127.0.0.1')
  .addOption(new Option('--db <path>', 'SQLite database file').default(DEFAULT_DB_PATH).conflicts('memory'))
  .option('--memory', 'keep everything in memory (lost on exit)')
  .option('--virtual-clock', 'time moves only when told to (POST /_admin/clock/advance)')
  .option('--poll-hold <seconds>', 'how long an empty long poll is held', positiveNumber('--poll-hold'), 60)
  .addOption(
    new Option('--log-level <level>', 'log detail')
      .choices(['debug', 'info', 'warn', 'error', 'silent'])
      .default('info'),
  )
  .action(async (options) => {
    const server = await startServer({
      port: options.port,
      host: options.host,
      dbPath: options.db,
      memory: Boolean(options.memory),
      virtualClock: Boolean(options.virtualClock),
      pollHoldSeconds: options.pollHold,
      logLevel: options.logLevel,
    });
    process.stdout.write(`swf-local listening on ${server.endpoint}\n`);
    process.stdout.write(`  export SWF_ENDPOINT=${server.endpoint}\n`);
    let stopping = false;
    const stop = async () => {
      if (stopping) return;
      stopping = true;
      await server.close();
      process.exit(0);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });

program.parseAsync(process.argv).catch((error: Error & { code?: string }) => {
  const reason =
    error.code === 'EADDRINUSE'
      ? 'the port is already in use; pick another with --port'
      : error.code === 'EACCES'
        ? 'permission denied for that port or host'
        : error.message;
  process.stderr.write(`swfctl: ${reason}\n`);
  process.exit(1);
});
