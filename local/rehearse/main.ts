import { Command, InvalidArgumentError } from 'commander';
import { rehearse } from './rehearse.js';

const positive = (label: string) => (value: string) => {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 1)
    throw new InvalidArgumentError(`${label} must be a whole number ≥ 1`);
  return parsed;
};

/** `npm run rehearse`: the deploy rehearsal; exits non-zero on any difference. */
const program = new Command()
  .name('rehearse')
  .description(
    'Run the synthesized stack’s real bundles against swf-local and moto_server, and check every order',
  )
  .option('--orders <n>', 'orders to send (at least 8 cover every path)', positive('--orders'), 20)
  .option(
    '--aws-endpoint <url>',
    'use this moto_server (DynamoDB, SNS, SQS, CloudWatch) instead of starting one',
  )
  .option('--production', 'rehearse the production bundling profile (the runtime’s AWS SDK, no source maps)')
  .option('--rate-seconds <n>', 'the schedules’ rate (EventBridge: 60)', positive('--rate-seconds'), 5)
  .action(async (options) => {
    const started = Date.now();
    const result = await rehearse({
      orders: options.orders,
      awsEndpoint: options.awsEndpoint,
      rateMs: options.rateSeconds * 1000,
      production: Boolean(options.production),
      print: (line) => process.stdout.write(`${line}\n`),
    });
    process.stdout.write(`\n${result.report}\n\n`);
    process.stdout.write(
      result.ok
        ? `Rehearsal passed in ${Math.round((Date.now() - started) / 1000)} s: every order left exactly what it should.\n`
        : 'Rehearsal FAILED: see ✗ above.\n',
    );
    process.exitCode = result.ok ? 0 : 1;
  });

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
program.parseAsync().catch((error: Error) => {
  process.stderr.write(`rehearse: ${error.message}\n`);
  process.exit(1);
});
