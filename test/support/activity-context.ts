import { inMemoryPorts } from '../../lambda/adapters/memory-effects.js';
import type { OrderPorts } from '../../lambda/workflow/order/ports.js';
import type { ActivityContext, ActivityPayload, Json } from '../../lambda/workflow/types.js';

/** An activity context with in-memory ports, an instant clock and recorded heartbeats. */
export function testContext(overrides: Partial<ActivityContext<OrderPorts>> = {}) {
  const { orderStore, notifier, published } = inMemoryPorts();
  const heartbeats: (string | undefined)[] = [];
  const slept: number[] = [];
  const context: ActivityContext<OrderPorts> = {
    attempt: 1,
    workflowId: 'order-A-1001',
    runId: 'run-1',
    activityId: 'Step#1',
    lineageId: 'run-1',
    heartbeat: async (details) => {
      heartbeats.push(details);
    },
    signal: new AbortController().signal,
    sleep: async (ms) => {
      slept.push(ms);
    },
    ports: { orderStore, notifier },
    allowFailureInjection: false,
    ...overrides,
  };
  return { context, orderStore, notifier, published, heartbeats, slept };
}

export function payload(
  input: Record<string, unknown>,
  previousResults: Record<string, Json> = {},
  attempt = 1,
): ActivityPayload {
  return { input: input as ActivityPayload['input'], previousResults, attempt };
}
