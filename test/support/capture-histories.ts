/**
 * Records real histories from swf-local with the real workers, for the decider's replay tests:
 * `npm run capture:histories` rewrites test/fixtures/histories/*.json.
 */
import { writeFileSync } from 'node:fs';
import * as S from '@aws-sdk/client-swf';
import { findRun, readEvents, resumeRun } from '../../lambda/worker/operations.js';
import { startOrder } from '../../lambda/workflow/order/operations.js';
import { anOrder } from './order-fixtures.js';
import { eventually, orderEnvironment, startWorkers } from './workers.js';

const env = await orderEnvironment();
const workers = startWorkers({
  swf: env.swf,
  context: env.context,
  ports: env.ports,
  pollHoldMs: 1_000,
  activityWorkers: 2,
});

const closed = (workflowId: string) =>
  eventually(
    async () => {
      const info = await findRun(env.context, workflowId);
      return info.executionStatus === 'CLOSED' ? info : undefined;
    },
    30_000,
    workflowId,
  );

async function save(name: string, workflowId: string, runId: string) {
  const events = await readEvents(env.context, { workflowId, runId });
  // Timestamps as epoch seconds, as on the wire.
  const json = JSON.stringify(events, (_key, value) => value, 2).replace(
    /"(\d{4}-\d\d-\d\dT[^"]+Z)"/g,
    (_m, iso: string) => String(Date.parse(iso) / 1000),
  );
  writeFileSync(new URL(`../fixtures/histories/${name}.json`, import.meta.url), `${json}\n`);
  console.log(`${name}: ${events.length} events`);
}

const scenarios: [string, Record<string, unknown>][] = [
  ['happy', anOrder({ orderId: 'REC-HAPPY' })],
  ['retried', anOrder({ orderId: 'REC-RETRY', simulate: { failStep: 'SaveResults', failTimes: 2 } })],
  [
    'compensated',
    anOrder({ orderId: 'REC-COMP', simulate: { failStep: 'NotifyCompletion', nonRetryable: true } }),
  ],
  [
    'invalid-input',
    anOrder({ orderId: 'REC-INVALID', simulate: { failStep: 'ValidateInput', nonRetryable: true } }),
  ],
];
for (const [name, order] of scenarios) {
  const { workflowId } = await startOrder(env.context, order);
  const info = await closed(workflowId);
  await save(name, workflowId, info.execution?.runId ?? '');
}

const canceled = await startOrder(
  env.context,
  anOrder({ orderId: 'REC-CANCEL', simulate: { sleepStep: 'EnrichData', sleepSeconds: 30 } }),
);
await eventually(async () => {
  const events = await readEvents(env.context, canceled);
  return events.some((e) => e.activityTaskScheduledEventAttributes?.activityId === 'EnrichData#1')
    ? true
    : undefined;
});
await env.swf.send(new S.RequestCancelWorkflowExecutionCommand({ domain: env.config.domain, ...canceled }));
await closed(canceled.workflowId);
await save('canceled', canceled.workflowId, canceled.runId);

const resumed = await resumeRun(env.context, {
  workflowId: 'order-REC-COMP',
  fromStep: 'NotifyCompletion',
  clearSimulation: true,
});
await closed('order-REC-COMP');
await save('resumed', resumed.workflowId, resumed.runId);

await workers.stop();
await env.server.close();
