import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as S from '@aws-sdk/client-swf';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { freePort } from '../../local/runtime/moto.js';
import { type RunningServer, startServer } from '../../local/server/server.js';
import { buildStack } from '../infra/stack-fixture.js';
import { captureStdout, emfMetrics, type MetricKey } from '../support/capture-output.js';
import { anOrder } from '../support/order-fixtures.js';
import { metricsReadByTemplate } from '../support/template-metrics.js';
import { eventually } from '../support/workers.js';

/**
 * Every metric an alarm or a dashboard widget reads is one that something emits, with exactly that namespace,
 * name and set of dimension names. AWS's own metrics come from their documentation (copied below, with the page
 * named); the project's come from what its code emitted during an end-to-end run of the real handlers.
 */
const key = (m: MetricKey) => `${m.namespace} ${m.name} {${m.dimensions.join(',')}}`;
const documented = (namespace: string, dimensions: string[], names: string[]) =>
  names.map((name) => ({ namespace, name, dimensions: [...dimensions].sort() }));

const AWS_EMITTERS: MetricKey[] = [
  // Amazon SWF Developer Guide, "Amazon SWF Metrics for CloudWatch" (cw-metrics.html): workflow type metrics.
  ...documented(
    'AWS/SWF',
    ['Domain', 'WorkflowTypeName', 'WorkflowTypeVersion'],
    [
      'DecisionTaskScheduleToStartTime',
      'DecisionTaskStartToCloseTime',
      'DecisionTasksCompleted',
      'StartedDecisionTasksTimedOutOnClose',
      'WorkflowStartToCloseTime',
      'WorkflowsCanceled',
      'WorkflowsCompleted',
      'WorkflowsContinuedAsNew',
      'WorkflowsFailed',
      'WorkflowsTimedOut',
    ],
  ),
  // Same page: activity type metrics.
  ...documented(
    'AWS/SWF',
    ['Domain', 'ActivityTypeName', 'ActivityTypeVersion'],
    [
      'ActivityTaskScheduleToCloseTime',
      'ActivityTaskScheduleToStartTime',
      'ActivityTaskStartToCloseTime',
      'ActivityTasksCanceled',
      'ActivityTasksCompleted',
      'ActivityTasksFailed',
      'ScheduledActivityTasksTimedOutOnClose',
      'ScheduledActivityTasksTimedOutOnStart',
      'StartedActivityTasksTimedOutOnClose',
      'StartedActivityTasksTimedOutOnHeartbeat',
    ],
  ),
  // Same page, "API and Decision Event Metrics": ThrottledEvents per API or decision, with its throttling scope.
  ...documented('AWS/SWF', ['APIName', 'ThrottlingScope'], ['ThrottledEvents']),
  ...documented('AWS/SWF', ['DecisionName', 'ThrottlingScope'], ['ThrottledEvents']),
  // AWS Lambda Developer Guide, "Types of metrics for Lambda functions" (dimension FunctionName).
  ...documented(
    'AWS/Lambda',
    ['FunctionName'],
    ['Invocations', 'Errors', 'Throttles', 'Duration', 'ConcurrentExecutions'],
  ),
  // Amazon DynamoDB Developer Guide, "DynamoDB Metrics and dimensions".
  ...documented('AWS/DynamoDB', ['TableName'], ['ConsumedReadCapacityUnits', 'ConsumedWriteCapacityUnits']),
  ...documented(
    'AWS/DynamoDB',
    ['TableName', 'Operation'],
    ['ThrottledRequests', 'SystemErrors', 'SuccessfulRequestLatency'],
  ),
  // Amazon SNS Developer Guide, "Monitoring Amazon SNS topics using CloudWatch" (dimension TopicName).
  ...documented(
    'AWS/SNS',
    ['TopicName'],
    ['NumberOfMessagesPublished', 'NumberOfNotificationsDelivered', 'NumberOfNotificationsFailed'],
  ),
];

let server: RunningServer;
let emitted: MetricKey[] = [];

async function restartServer(port: number, dbPath: string): Promise<RunningServer> {
  return startServer({ port, dbPath, pollHoldSeconds: 1, logLevel: 'silent' });
}

beforeAll(async () => {
  const directory = mkdtempSync(join(tmpdir(), 'metric-contract-'));
  const port = await freePort();
  const dbPath = join(directory, 'swf.db');
  server = await restartServer(port, dbPath);
  // The handlers read their settings when first loaded, as in Lambda; Powertools writes EMF as it does there.
  Object.assign(process.env, {
    SWF_ENDPOINT: server.endpoint,
    SWF_POLL_HOLD_SECONDS: '1',
    SWF_DOMAIN: 'metrics-domain',
    SWF_ALLOW_FAILURE_INJECTION: 'true',
    SWF_EFFECTS: 'sqlite',
    SWF_EFFECTS_DB: join(directory, 'orders.db'),
  });
  vi.stubEnv('POWERTOOLS_DEV', 'false');
  vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'false');
  vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'SILENT');
  vi.stubEnv('POWERTOOLS_METRICS_NAMESPACE', 'SwfOrders');
  vi.stubEnv('POWERTOOLS_SERVICE_NAME', 'swf-orders-dev');
  const runtime = await import('../../lambda/handlers/function-runtime.js');
  const decider = await import('../../lambda/handlers/decider.js');
  const activity = await import('../../lambda/handlers/activity-worker.js');
  const starter = await import('../../lambda/handlers/starter.js');
  const monitor = await import('../../lambda/handlers/monitor.js');
  const { registerCatalog } = await import('../../lambda/worker/registration.js');
  const { findRun } = await import('../../lambda/worker/operations.js');
  await registerCatalog(runtime.swf, runtime.catalog);
  // A version no decider knows: its decision task is a DecisionErrors.
  await runtime.swf.send(
    new S.RegisterWorkflowTypeCommand({
      domain: 'metrics-domain',
      name: 'OrderProcessing',
      version: 'not-in-catalog',
      defaultTaskList: { name: runtime.config.decisionTaskList },
      defaultExecutionStartToCloseTimeout: '600',
      defaultTaskStartToCloseTimeout: '30',
      defaultChildPolicy: 'TERMINATE',
    }),
  );

  const capture = captureStdout();
  const stop = new AbortController();
  try {
    const context = (name: string) => ({
      functionName: name,
      awsRequestId: name,
      getRemainingTimeInMillis: () => 14 * 60_000,
      abortSignal: stop.signal,
    });
    const loops = [decider.handler({}, context('decider')), activity.handler({}, context('activity'))];
    const orders = [
      anOrder({ orderId: 'M-OK' }),
      anOrder({ orderId: 'M-RETRY', simulate: { failStep: 'EnrichData', failTimes: 1 } }),
      anOrder({
        orderId: 'M-STUCK',
        simulate: { failStep: 'NotifyCompletion', nonRetryable: true, failCompensation: 'ProcessData' },
      }),
    ];
    for (const order of orders) await starter.handler({ order });
    const unknown = await runtime.swf.send(
      new S.StartWorkflowExecutionCommand({
        domain: 'metrics-domain',
        workflowId: 'metrics-unknown-version',
        workflowType: { name: 'OrderProcessing', version: 'not-in-catalog' },
        input: '{}',
      }),
    );
    // The server goes away for a moment: the pollers' calls fail and are retried (PollErrors).
    await server.close();
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    server = await restartServer(port, dbPath);
    for (const order of orders) {
      await eventually(
        async () =>
          (await findRun(runtime.operationsContext, `order-${order.orderId}`)).executionStatus === 'CLOSED'
            ? true
            : undefined,
        90_000,
        `order-${order.orderId} to close`,
      );
    }
    await runtime.swf.send(
      new S.TerminateWorkflowExecutionCommand({
        domain: 'metrics-domain',
        workflowId: 'metrics-unknown-version',
        runId: unknown.runId,
      }),
    );
    stop.abort();
    await Promise.all(loops);
    // The monitor's gauges, as its handler publishes them.
    const backlog = monitor.backlogMetrics(
      await monitor.collectBacklog(runtime.swf, runtime.config),
      runtime.config.domain,
    );
    emitted = [
      ...emfMetrics(capture.entries()),
      ...(backlog.input.MetricData ?? []).map((m) => ({
        namespace: String(backlog.input.Namespace),
        name: String(m.MetricName),
        dimensions: (m.Dimensions ?? []).map((d) => String(d.Name)).sort(),
      })),
    ];
  } finally {
    stop.abort();
    capture.restore();
  }
}, 150_000);
afterAll(async () => {
  vi.unstubAllEnvs();
  await server?.close();
});

describe('the metric contract', () => {
  it('finds an emitter for every metric an alarm or a dashboard widget reads', () => {
    const { template } = buildStack();
    const read = metricsReadByTemplate(template.toJSON() as never);
    expect(read.length).toBeGreaterThan(100);
    const known = new Set([...AWS_EMITTERS, ...emitted].map(key));
    const knownNames = new Set([...AWS_EMITTERS, ...emitted].map((m) => `${m.namespace} ${m.name}`));
    const orphans = read.filter((m) =>
      m.anyDimensions ? !knownNames.has(`${m.namespace} ${m.name}`) : !known.has(key(m)),
    );
    expect(orphans.map((m) => `${m.where}: ${key(m)}`)).toEqual([]);
  });

  it('collected the project’s metrics from what the handlers emitted, not from a list', () => {
    const own = [...new Set(emitted.map(key))].sort();
    for (const expected of [
      'SwfOrders TasksHandled {service}',
      'SwfOrders LoopExits {reason,service}',
      'SwfOrders DecisionErrors {service}',
      'SwfOrders PollErrors {service}',
      'SwfOrders CompensationsFailed {service}',
      'SwfOrders OpenExecutions {Domain}',
    ])
      expect(own).toContain(expected);
  });
});
