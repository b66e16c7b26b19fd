import { randomUUID } from 'node:crypto';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CloudWatchClient, ListMetricsCommand } from '@aws-sdk/client-cloudwatch';
import { DynamoDBClient, UpdateContinuousBackupsCommand } from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { table } from '../cli/format.js';
import {
  createEventsTopicWithQueue,
  createOrdersTable,
  peerClientSettings,
  type ReceivedEvent,
} from '../runtime/aws-effects-peer.js';
import { type MotoServer, startMoto } from '../runtime/moto.js';
import { startServer } from '../server/server.js';
import { type Assembly, type Physical, readAssembly, resolve, synthesize } from './assembly.js';
import { startCallRecorder } from './call-recorder.js';
import { driveOrders } from './drive-orders.js';
import { checkOrders, type RehearsalRow } from './order-checks.js';
import { type RehearsalPermissions, rehearsalPermissions } from './rehearsal-permissions.js';
import { answerOrRefusal, runSchedule, Sandbox } from './sandbox.js';
import { rehearsalOrders } from './scenarios.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const ACCOUNT = '123456789012';
const REGION = 'us-east-1';

export interface RehearsalOptions {
  orders: number;
  /** An existing moto_server (or another peer serving DynamoDB, SNS, SQS and CloudWatch); else one is started. */
  awsEndpoint?: string;
  /** Where the cloud assembly and the sandboxes' logs go. */
  outdir?: string;
  /** The schedules' rate (EventBridge's is a minute; the rehearsal compresses it). */
  rateMs?: number;
  /** Gives up waiting for the orders after this long. */
  timeoutMs?: number;
  /** Rehearses the production bundling profile (the runtime's AWS SDK, no source maps). */
  production?: boolean;
  print?: (line: string) => void;
}

export interface RehearsalResult {
  ok: boolean;
  rows: RehearsalRow[];
  checks: { check: string; ok: boolean; detail: string }[];
  /** Every AWS call of the functions, evaluated against their roles (and the policies it was evaluated with). */
  permissions: RehearsalPermissions;
  report: string;
}

/** Physical names for what the rehearsal stands up, and the pseudo parameters of a deploy. */
function physicalNames(assembly: Assembly, suffix: string) {
  const physical = new Map<string, Physical>();
  for (const [id, resource] of Object.entries(assembly.resources)) {
    const name = `${assembly.stackName}-${id}-${suffix}`.slice(0, 64);
    if (resource.Type === 'AWS::Lambda::Function')
      physical.set(id, { ref: name, arn: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${name}` });
    if (resource.Type === 'AWS::DynamoDB::Table')
      physical.set(id, { ref: name, arn: `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/${name}` });
    if (resource.Type === 'AWS::S3::Bucket') {
      // Bucket names: lower case, at most 63 characters.
      const bucket = `payloads-${suffix}-${id.toLowerCase()}`.slice(0, 63).replace(/-+$/, '');
      physical.set(id, { ref: bucket, arn: `arn:aws:s3:::${bucket}` });
    }
    if (resource.Type === 'AWS::IAM::Role')
      physical.set(id, { ref: name, arn: `arn:aws:iam::${ACCOUNT}:role/${name}` });
    if (resource.Type === 'AWS::Logs::LogGroup')
      physical.set(id, { ref: name, arn: `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:${name}:*` });
    // KMS is not rehearsed: the key is named so the topic's KmsMasterKeyId resolves, not created.
    if (resource.Type === 'AWS::KMS::Key') {
      const arn = `arn:aws:kms:${REGION}:${ACCOUNT}:key/${randomUUID()}`;
      physical.set(id, { ref: arn, arn });
    }
  }
  const pseudo = {
    'AWS::Region': REGION,
    'AWS::AccountId': ACCOUNT,
    'AWS::Partition': 'aws',
    'AWS::URLSuffix': 'amazonaws.com',
    'AWS::StackName': assembly.stackName,
  };
  return { physical, pseudo };
}

/** CloudFormation's table properties as the CreateTable API takes them. */
function tableDefinition(properties: Record<string, unknown>) {
  const sse = properties.SSESpecification as { SSEEnabled?: boolean; SSEType?: string } | undefined;
  return {
    KeySchema: properties.KeySchema as never,
    AttributeDefinitions: properties.AttributeDefinitions as never,
    BillingMode: properties.BillingMode as never,
    ...(sse
      ? {
          SSESpecification: {
            Enabled: Boolean(sse.SSEEnabled),
            ...(sse.SSEType ? { SSEType: sse.SSEType as never } : {}),
          },
        }
      : {}),
    ...(properties.DeletionProtectionEnabled !== undefined
      ? { DeletionProtectionEnabled: Boolean(properties.DeletionProtectionEnabled) }
      : {}),
  };
}

/**
 * The deploy rehearsal: the synthesized stack's real bundles, with the template's environment, against a
 * swf-local and a moto_server; the same orders a user would send, checked against what each must leave behind.
 */
export async function rehearse(options: RehearsalOptions): Promise<RehearsalResult> {
  const print = options.print ?? (() => undefined);
  const outdir = options.outdir ?? join(ROOT, 'cdk.out', 'rehearsal');
  const assemblyDir = join(outdir, 'assembly');
  const logDir = join(outdir, 'logs');
  const checks: RehearsalResult['checks'] = [];
  const check = (name: string, ok: boolean, detail: string) => checks.push({ check: name, ok, detail });

  print('1/6 synthesizing the app (cdk synth, bundles built by the local esbuild)…');
  await synthesize(assemblyDir, {
    stage: 'rehearsal',
    allowFailureInjection: 'true',
    pollerConcurrency: '2',
  });
  const assembly = readAssembly(assemblyDir);
  rmSync(logDir, { recursive: true, force: true });
  mkdirSync(logDir, { recursive: true });

  const cleanups: (() => Promise<void> | void)[] = [];
  try {
    print('2/6 starting swf-local and the AWS peer…');
    const swf = await startServer({ port: 0, memory: true, pollHoldSeconds: 60, logLevel: 'silent' });
    cleanups.push(() => swf.close());
    let moto: MotoServer | undefined;
    if (!options.awsEndpoint) {
      moto = await startMoto();
      cleanups.push(() => moto?.stop());
    }
    const awsEndpoint = options.awsEndpoint ?? (moto as MotoServer).endpoint;
    const aws = peerClientSettings(awsEndpoint);
    // Every call a sandbox makes passes through the recorder, signed with that function's own access key.
    const recorder = await startCallRecorder({ swf: swf.endpoint, aws: awsEndpoint });
    cleanups.push(() => recorder.close());
    const callers = new Map<string, string>();

    print('3/6 creating the table, the payload bucket and the topics from the template…');
    const suffix = randomUUID().slice(0, 8);
    const { physical, pseudo } = physicalNames(assembly, suffix);
    const readers = new Map<string, (waitMs?: number) => Promise<ReceivedEvent[]>>();
    for (const [id, resource] of Object.entries(assembly.resources)) {
      if (resource.Type === 'AWS::DynamoDB::Table') {
        const properties = resource.Properties ?? {};
        const name = physical.get(id)?.ref as string;
        await createOrdersTable(aws, name, tableDefinition(properties));
        const pitr = properties.PointInTimeRecoverySpecification as
          | { PointInTimeRecoveryEnabled?: boolean }
          | undefined;
        if (pitr?.PointInTimeRecoveryEnabled) {
          const client = new DynamoDBClient(aws);
          await client.send(
            new UpdateContinuousBackupsCommand({
              TableName: name,
              PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
            }),
          );
          client.destroy();
        }
      }
    }
    for (const [id, resource] of Object.entries(assembly.resources)) {
      if (resource.Type !== 'AWS::S3::Bucket') continue;
      const s3 = new S3Client({ ...aws, forcePathStyle: true });
      await s3.send(new CreateBucketCommand({ Bucket: physical.get(id)?.ref as string }));
      s3.destroy();
    }
    for (const [id, resource] of Object.entries(assembly.resources)) {
      if (resource.Type !== 'AWS::SNS::Topic') continue;
      const properties = resolve(resource.Properties ?? {}, physical, pseudo) as Record<string, string>;
      const attributes = Object.fromEntries(
        Object.entries({
          DisplayName: properties.DisplayName,
          KmsMasterKeyId: properties.KmsMasterKeyId,
        }).filter(([, v]) => v !== undefined),
      ) as Record<string, string>;
      const topic = await createEventsTopicWithQueue(
        aws,
        `${assembly.stackName}-${id}-${suffix}`.slice(0, 200),
        attributes,
      );
      cleanups.push(() => topic.close());
      physical.set(id, { ref: topic.topicArn, arn: topic.topicArn });
      readers.set(topic.topicArn, topic.drain);
    }

    print('4/6 loading every function bundle in its own sandbox, with the template environment…');
    const overrides = {
      SWF_ENDPOINT: recorder.swfEndpoint,
      AWS_ENDPOINT_URL: recorder.awsEndpoint,
      AWS_REGION: REGION,
      AWS_DEFAULT_REGION: REGION,
      AWS_ACCESS_KEY_ID: 'one per function',
      AWS_SECRET_ACCESS_KEY: 'rehearsal',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      // Where a bundle built without the AWS SDK finds it, as the Node.js runtime provides it in Lambda.
      NODE_PATH: join(ROOT, 'node_modules'),
    };
    const sandboxes: Sandbox[] = [];
    const sandboxFor = async (logicalId: string, index = 0) => {
      const fn = assembly.functions.get(logicalId);
      if (!fn) throw new Error(`the template has no function ${logicalId}`);
      const name = `${physical.get(logicalId)?.ref}${index ? `-${index}` : ''}`;
      const environment = resolve(fn.environment, physical, pseudo) as Record<string, string>;
      const accessKeyId = `rehearsal-function-${callers.size}`;
      callers.set(accessKeyId, logicalId);
      const sandbox = await Sandbox.start(
        fn,
        name,
        {
          PATH: process.env.PATH ?? '',
          ...environment,
          ...overrides,
          AWS_ACCESS_KEY_ID: accessKeyId,
          AWS_LAMBDA_FUNCTION_NAME: name,
        },
        join(logDir, `${logicalId}${index ? `-${index}` : ''}.log`),
      );
      sandboxes.push(sandbox);
      return sandbox;
    };
    cleanups.push(async () => {
      await Promise.all(sandboxes.map((s) => s.stop()));
    });
    const refOf = (output: string) => {
      const value = assembly.outputs[output]?.Value as { Ref?: string } | undefined;
      if (!value?.Ref) throw new Error(`the template has no output ${output}`);
      return value.Ref;
    };
    const starter = await sandboxFor(refOf('StarterFunctionName'));
    const operations = await sandboxFor(refOf('OperationsFunctionName'));

    print('5/6 registering the catalog through the custom resource handler…');
    for (const [id, resource] of Object.entries(assembly.resources)) {
      // CDK's bucket auto-delete provider (dev stages) acts only when the stack is deleted.
      if (!resource.Type.startsWith('Custom::') || resource.Type === 'Custom::S3AutoDeleteObjects') continue;
      const { ServiceToken, ...properties } = resource.Properties ?? {};
      const provider = (ServiceToken as { 'Fn::GetAtt'?: [string, string] })['Fn::GetAtt']?.[0] as string;
      const userFunction = assembly.functions.get(provider)?.environment.USER_ON_EVENT_FUNCTION_ARN as {
        'Fn::GetAtt'?: [string, string];
      };
      const handlerId = userFunction?.['Fn::GetAtt']?.[0];
      if (!handlerId) throw new Error(`cannot find the onEvent handler of custom resource ${id}`);
      const registration = await sandboxFor(handlerId);
      const answer = (await registration.invoke({
        RequestType: 'Create',
        LogicalResourceId: id,
        ResourceType: resource.Type,
        ResourceProperties: resolve(properties, physical, pseudo),
      })) as { Data?: Record<string, string> };
      check(
        `custom resource ${id} (Create)`,
        answer.Data?.DomainAction === 'created',
        `domain ${answer.Data?.Domain}: ${answer.Data?.DomainAction}; ${answer.Data?.WorkflowTypes}`,
      );
    }

    // Every rule target is a sandbox the schedule invokes; a busy sandbox skips a tick.
    const stopSchedules = new AbortController();
    const schedules: Promise<void>[] = [];
    const scheduleErrors: string[] = [];
    for (const [id, resource] of Object.entries(assembly.resources)) {
      if (resource.Type !== 'AWS::Events::Rule') continue;
      const targets = (resource.Properties?.Targets ?? []) as { Arn: { 'Fn::GetAtt': [string, string] } }[];
      const sandboxesOfRule = await Promise.all(
        targets.map((t, i) => sandboxFor(t.Arn['Fn::GetAtt'][0], i + 1)),
      );
      print(
        `    schedule ${id}: ${sandboxesOfRule.length} target(s), every ${(options.rateMs ?? 5_000) / 1000} s`,
      );
      schedules.push(
        runSchedule(sandboxesOfRule, options.rateMs ?? 5_000, stopSchedules.signal, (target, error) =>
          scheduleErrors.push(`${target.name}: ${error.message}`),
        ),
      );
    }

    print(
      `6/6 sending ${options.orders} orders through the starter, acting through the operations function…`,
    );
    const invokeOps = (command: Record<string, unknown>) => answerOrRefusal(operations.invoke(command));
    const orders = rehearsalOrders(options.orders, `R${suffix.toUpperCase()}`);
    const state = await driveOrders(orders, {
      start: (request) => answerOrRefusal(starter.invoke(request)),
      ops: invokeOps,
      timeoutMs: options.timeoutMs ?? 240_000,
      print,
    });
    stopSchedules.abort();
    await Promise.all(schedules);
    await Promise.all(sandboxes.filter((s) => s !== starter && s !== operations).map((s) => s.stop()));

    // What each order left behind: the table (through the operations function) and the topic (an SQS subscriber).
    const topicArn = resolve(
      assembly.functions.get(refOf('OperationsFunctionName'))?.environment.ORDER_EVENTS_TOPIC_ARN,
      physical,
      pseudo,
    ) as string;
    const messages = (await readers.get(topicArn)?.(1_500)) ?? [];
    const { rows, subjects } = await checkOrders(orders, state, messages, invokeOps);
    const cloudwatch = new CloudWatchClient(aws);
    const metrics = await cloudwatch.send(
      new ListMetricsCommand({ Namespace: 'SwfOrders', MetricName: 'OpenExecutions' }),
    );
    cloudwatch.destroy();
    check(
      'monitor → CloudWatch',
      (metrics.Metrics ?? []).some((m) =>
        m.Dimensions?.some((d) => d.Value === 'order-processing-rehearsal'),
      ),
      `OpenExecutions datapoints for the domain: ${(metrics.Metrics ?? []).length > 0 ? 'published' : 'none'}`,
    );
    check(
      'schedules',
      scheduleErrors.length === 0,
      scheduleErrors.slice(0, 3).join('; ') || 'every invocation returned',
    );
    const stray = messages.filter((m) => !subjects.has(m.attributes.orderId ?? ''));
    check('topic', stray.length === 0, `${messages.length} message(s), ${stray.length} for no rehearsed run`);
    const permissions = await rehearsalPermissions(
      assembly,
      { physical, pseudo },
      { calls: recorder.calls, callerOf: (key) => callers.get(key), stage: 'rehearsal' },
    );
    checks.push(...permissions.checks);
    const ok = rows.every((r) => r.problems.length === 0) && checks.every((c) => c.ok);
    return { ok, rows, checks, permissions, report: renderReport(rows, checks, overrides, outdir) };
  } finally {
    for (const cleanup of cleanups.reverse()) await cleanup();
  }
}

function renderReport(
  rows: RehearsalRow[],
  checks: RehearsalResult['checks'],
  overrides: Record<string, string>,
  outdir: string,
): string {
  return [
    table(
      ['order', 'scenario', 'expected', 'actual', 'ledger', 'msgs', 'ok'],
      rows.map((r) => [
        r.orderId,
        r.scenario,
        r.expected,
        r.actual,
        r.ledger,
        String(r.messages),
        r.problems.length ? '✗' : '✓',
      ]),
    ),
    ...rows.filter((r) => r.problems.length).map((r) => `✗ ${r.orderId}: ${r.problems.join('; ')}`),
    '',
    table(
      ['check', 'ok', 'detail'],
      checks.map((c) => [c.check, c.ok ? '✓' : '✗', c.detail]),
    ),
    '',
    `Only these differ from a deploy: ${Object.entries(overrides)
      .filter(([k]) => k !== 'AWS_SECRET_ACCESS_KEY')
      .map(([k, v]) => `${k}=${v}`)
      .join(' ')}`,
    `Assembly and each sandbox's log: ${outdir}`,
  ].join('\n');
}
