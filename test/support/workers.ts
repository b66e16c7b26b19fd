import { setMaxListeners } from 'node:events';
import type { SWFClient } from '@aws-sdk/client-swf';
import { afterAll, beforeAll } from 'vitest';
import { type InMemoryPorts, inMemoryPorts } from '../../lambda/adapters/memory-effects.js';
import { InMemoryRunClaims } from '../../lambda/adapters/memory-run-claims.js';
import { runActivityWorker } from '../../lambda/worker/activity-worker.js';
import { NO_DEADLINE } from '../../lambda/worker/deadline.js';
import { runDecider } from '../../lambda/worker/decider-worker.js';
import { findRun, type OperationsContext } from '../../lambda/worker/operations.js';
import { registerCatalog } from '../../lambda/worker/registration.js';
import { createSwfClient } from '../../lambda/worker/swf-client.js';
import { recordingTelemetry } from '../../lambda/worker/telemetry.js';
import { loadConfig } from '../../lambda/workflow/index.js';
import type { Catalog } from '../../lambda/workflow/module.js';
import { buildCatalog } from '../../lambda/workflow/modules.js';
import { startLocal } from './swf-local.js';

export type Ports = InMemoryPorts;

/** Runs real decider and activity loops against an endpoint until `stop()`. */
export function startWorkers(options: {
  swf: SWFClient;
  context: OperationsContext;
  ports: Ports;
  deciders?: number;
  activityWorkers?: number;
  pollHoldMs: number;
  catalog?: Catalog;
}) {
  const controller = new AbortController();
  setMaxListeners(64, controller.signal);
  const recorder = recordingTelemetry();
  const catalog = options.catalog ?? options.context.catalog;
  const common = {
    swf: options.swf,
    catalog,
    domain: options.context.config.domain,
    deadline: NO_DEADLINE,
    telemetry: recorder.telemetry,
    signal: controller.signal,
    pollHoldMs: options.pollHoldMs,
  };
  const loops = [
    ...Array.from({ length: options.deciders ?? 1 }, (_, i) =>
      runDecider({
        ...common,
        taskList: options.context.config.decisionTaskList,
        identity: `test-decider-${i}`,
        payloads: options.context.payloads,
        offloadThreshold: options.context.offloadThreshold,
      }),
    ),
    ...Array.from({ length: options.activityWorkers ?? 1 }, (_, i) =>
      runActivityWorker({
        ...common,
        taskList: options.context.config.activityTaskList,
        identity: `test-worker-${i}`,
        ports: options.ports,
        allowFailureInjection: true,
        payloads: options.context.payloads,
        offloadThreshold: options.context.offloadThreshold,
      }),
    ),
  ];
  return {
    ...recorder,
    stop: async () => {
      controller.abort();
      return Promise.all(loops);
    },
  };
}

/** swf-local plus a registered order catalog and a client built by the project's own factory. */
export async function orderEnvironment(
  options: { virtualClock?: boolean; pollHoldSeconds?: number; env?: Record<string, string> } = {},
) {
  const { server } = await startLocal({
    virtualClock: options.virtualClock ?? false,
    pollHoldSeconds: options.pollHoldSeconds ?? 1,
  });
  // Version 1 unless a test asks for another (see order-fixtures.ts).
  const config = loadConfig({
    SWF_ALLOW_FAILURE_INJECTION: 'true',
    SWF_WORKFLOW_VERSION: '1',
    ...options.env,
  });
  const catalog = buildCatalog(config);
  const swf = createSwfClient({ endpoint: server.endpoint });
  await registerCatalog(swf, catalog);
  const context: OperationsContext = { swf, config, catalog, claims: new InMemoryRunClaims() };
  const ports: Ports = inMemoryPorts();
  return { server, swf, config, catalog, context, ports };
}

export type OrderEnvironment = Awaited<ReturnType<typeof orderEnvironment>>;

/**
 * A test file's swf-local with a decider and two activity workers, started before its tests and stopped after;
 * a test may swap `workers` for its own.
 */
export function useOrderWorkers() {
  const handle = {} as { env: OrderEnvironment; workers: ReturnType<typeof startWorkers> };
  beforeAll(async () => {
    handle.env = await orderEnvironment();
    handle.workers = startWorkers({
      swf: handle.env.swf,
      context: handle.env.context,
      ports: handle.env.ports,
      pollHoldMs: 1_000,
      activityWorkers: 2,
    });
  });
  afterAll(async () => {
    await handle.workers.stop();
    await handle.env.server.close();
  });
  return handle;
}

/** Waits until `check` returns a value (polling every 50 ms), failing after `timeoutMs`. */
export async function eventually<T>(
  check: () => Promise<T | undefined>,
  timeoutMs = 15_000,
  what = 'condition',
): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The close status of a workflow's run once it closed (a workflow with no run yet is not closed yet). */
export function closeStatusOf(context: OperationsContext, workflowId: string, timeoutMs = 30_000) {
  return eventually(
    async () => {
      const run = await findRun(context, workflowId).catch(() => undefined);
      return run?.executionStatus === 'CLOSED' ? run.closeStatus : undefined;
    },
    timeoutMs,
    `${workflowId} to close`,
  );
}
