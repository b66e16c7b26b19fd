#!/usr/bin/env node
/**
 * `npm start` until swf-local lands: runs orders through the real decider and the real activities, against the
 * in-memory model of SWF used by the tests (timers fire at once), and prints what happened to each order.
 */
import { decide } from '../lambda/decider/index.js';
import { buildCatalog, loadConfig } from '../lambda/workflow/index.js';
import { InMemoryNotifier, InMemoryOrderStore } from '../lambda/workflow/order/memory-adapters.js';
import type { ActivityContext, ActivityPayload } from '../lambda/workflow/types.js';
import { attributesOf, HistoryBuilder } from '../test/support/history-builder.js';

const config = loadConfig({ ...process.env, SWF_ALLOW_FAILURE_INJECTION: 'true' });
const catalog = buildCatalog(config);
const orderStore = new InMemoryOrderStore();
const notifier = new InMemoryNotifier();

const base = {
  customerId: 'cust-42',
  items: [{ sku: 'BOOK-1', quantity: 2, unitPrice: 12.5 }],
  currency: 'USD',
  paymentToken: 'tok_visa_4242abcd',
};
const orders = [
  { title: 'a happy order', input: { ...base, orderId: 'DEMO-1' } },
  {
    title: 'SaveResults fails twice, retries absorb it',
    input: { ...base, orderId: 'DEMO-2', simulate: { failStep: 'SaveResults', failTimes: 2 } },
  },
  {
    title: 'NotifyCompletion fails for good: compensation',
    input: { ...base, orderId: 'DEMO-3', simulate: { failStep: 'NotifyCompletion', nonRetryable: true } },
  },
  {
    title: 'an invalid order (a card number instead of a token)',
    input: { ...base, orderId: 'DEMO-4', paymentToken: '4111 1111 1111 1111' },
  },
];

async function runActivity(history: HistoryBuilder, activityId: string): Promise<string> {
  const scheduled = history.events.find(
    (e) => e.eventType === 'ActivityTaskScheduled' && attributesOf(e).activityId === activityId,
  );
  const attributes = attributesOf(scheduled ?? {}) as {
    activityType: { name: string; version: string };
    input: string;
  };
  const activity = catalog.activity(attributes.activityType.name, attributes.activityType.version);
  const payload = JSON.parse(attributes.input) as ActivityPayload;
  const context: ActivityContext = {
    attempt: payload.attempt,
    workflowId: 'demo',
    runId: 'demo',
    activityId,
    heartbeat: async () => {},
    signal: new AbortController().signal,
    sleep: async () => {},
    ports: { orderStore, notifier },
    allowFailureInjection: true,
  };
  history.activityStarted(activityId);
  try {
    history.activityCompleted(activityId, await activity?.run(payload, context));
    return `${activityId} completed`;
  } catch (error) {
    const { name, message } = error as Error;
    history.activityFailed(activityId, name, message);
    return `${activityId} failed: ${name}`;
  }
}

for (const { title, input } of orders) {
  console.log(`\n▶ ${input.orderId}: ${title}`);
  const history = new HistoryBuilder().started(
    { name: 'OrderProcessing', version: config.workflowVersion },
    input,
  );
  while (!history.isClosed()) {
    if (history.hasPendingDecisionTask) {
      history.decisionTaskStarted();
      const { decisions } = decide(history.events, catalog);
      history.completeDecisionTask(decisions);
      for (const d of decisions) {
        if (d.decisionType === 'StartTimer')
          console.log(`  ⏱  retry timer ${d.startTimerDecisionAttributes.startToFireTimeout}s`);
      }
    } else if (history.openActivities().length > 0) {
      console.log(`  • ${await runActivity(history, history.openActivities()[0] as string)}`);
    } else {
      for (const timerId of history.openTimers()) history.timerFired(timerId);
    }
  }
  const close = history.lastEvent();
  const { reason, details } = attributesOf(close) as { reason?: string; details?: string };
  console.log(`  ■ ${close.eventType}${reason ? ` (${reason}) ${details}` : ''}`);
}
console.log(`\nStore ledger: ${orderStore.ledger.map((e) => `${e.kind}:${e.orderId}`).join(', ')}`);
console.log(`Notifications sent: ${notifier.sent.length}`);
