/**
 * Records real histories from swf-local with the real workers, for the decider's replay tests:
 * `npm run capture:histories` rewrites test/fixtures/histories/*.json; `npm run capture:histories -- v3-approved`
 * records only the scenarios named (so adding a scenario leaves the recorded ones as they were).
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

/** The scenarios named on the command line, or all of them. */
const only = process.argv.slice(2);
const wanted = (name: string) => only.length === 0 || only.includes(name);

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
  if (!wanted(name)) continue;
  const { workflowId } = await startOrder(env.context, order);
  const info = await closed(workflowId);
  await save(name, workflowId, info.execution?.runId ?? '');
}

if (wanted('canceled')) {
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
}

if (wanted('resumed')) {
  const resumed = await resumeRun(env.context, {
    workflowId: 'order-REC-COMP',
    fromStep: 'NotifyCompletion',
    clearSimulation: true,
  });
  await closed('order-REC-COMP');
  await save('resumed', resumed.workflowId, resumed.runId);
}

/** Runs on the later versions: parallel checks, and the approval of large orders (Approve or Reject). */
const versionScenarios: { name: string; version: string; total: number; answer?: 'Approve' | 'Reject' }[] = [
  { name: 'v2-approved', version: '2', total: 6_000, answer: 'Approve' },
  { name: 'v2-small', version: '2', total: 100 },
  { name: 'v3-approved', version: '3', total: 6_000, answer: 'Approve' },
  { name: 'v3-rejected', version: '3', total: 6_000, answer: 'Reject' },
];
for (const { name, version, total, answer } of versionScenarios) {
  if (!wanted(name)) continue;
  const context = { ...env.context, config: { ...env.config, workflowVersion: version } };
  const order = anOrder({
    orderId: `REC-${name.toUpperCase()}`,
    items: [{ sku: 'TV-1', quantity: 1, unitPrice: total }],
  });
  const started = await startOrder(context, order);
  if (answer) {
    // Answer once the run waits, as a person would (version 3 counts only answers sent while it waits).
    await eventually(async () => {
      const events = await readEvents(env.context, started);
      return events.some((e) => e.timerStartedEventAttributes?.timerId === 'wait.Approval')
        ? true
        : undefined;
    });
    await env.swf.send(
      new S.SignalWorkflowExecutionCommand({
        domain: env.config.domain,
        workflowId: started.workflowId,
        runId: started.runId,
        signalName: answer,
        input: JSON.stringify({ reviewer: 'ana', note: `${answer} (recorded)` }),
      }),
    );
  }
  await closed(started.workflowId);
  await save(name, started.workflowId, started.runId);
}

await workers.stop();
await env.server.close();
