import { afterEach, describe, expect, it } from 'vitest';
import { NO_DEADLINE } from '../../lambda/worker/deadline.js';
import { runDecider } from '../../lambda/worker/decider-worker.js';
import { findRun, runHistory } from '../../lambda/worker/operations.js';
import { registerCatalog } from '../../lambda/worker/registration.js';
import { recordingTelemetry } from '../../lambda/worker/telemetry.js';
import { defineCatalog, loadConfig } from '../../lambda/workflow/index.js';
import type { Catalog } from '../../lambda/workflow/module.js';
import { orderModule } from '../../lambda/workflow/order/index.js';
import { startOrder } from '../../lambda/workflow/order/operations.js';
import { orderWorkflowV1 } from '../../lambda/workflow/order/workflow.js';
import type { ActivityFunction } from '../../lambda/workflow/types.js';
import { anOrder } from '../support/order-fixtures.js';
import { closeStatusOf, orderEnvironment, startWorkers } from '../support/workers.js';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()?.();
});

/** The same catalog, with every activity counting how often it really ran per activity id. */
function countingCatalog(catalog: Catalog, runs: Map<string, number>): Catalog {
  return {
    ...catalog,
    activity: (name, version) => {
      const type = catalog.activity(name, version);
      if (!type) return undefined;
      const run: ActivityFunction = (payload, context) => {
        const key = `${context.workflowId}/${context.activityId}`;
        runs.set(key, (runs.get(key) ?? 0) + 1);
        return type.run(payload, context);
      };
      return { ...type, run };
    },
  };
}

const closeStatus = closeStatusOf;

describe('several workers of each kind', () => {
  it('process many orders with no activity attempt run twice', async () => {
    const env = await orderEnvironment();
    cleanups.push(() => env.server.close());
    const runs = new Map<string, number>();
    const workers = startWorkers({
      swf: env.swf,
      context: env.context,
      ports: env.ports,
      pollHoldMs: 1_000,
      deciders: 3,
      activityWorkers: 4,
      catalog: countingCatalog(env.catalog, runs),
    });
    cleanups.push(() => workers.stop());
    const orders = Array.from({ length: 24 }, (_, i) => `MANY-${i}`);
    for (const [i, orderId] of orders.entries()) {
      await startOrder(
        env.context,
        anOrder({ orderId, simulate: i % 6 === 0 ? { failStep: 'EnrichData', failTimes: 1 } : undefined }),
      );
    }
    for (const orderId of orders)
      expect(await closeStatus(env.context, `order-${orderId}`)).toBe('COMPLETED');
    expect([...runs.values()].every((count) => count === 1)).toBe(true);
    expect(runs.size).toBe(orders.length * 5 + 4);
    for (const orderId of orders) {
      expect(env.ports.orderStore.ledger.filter((e) => e.orderId === orderId).map((e) => e.kind)).toEqual([
        'reserve',
        'save',
      ]);
    }
  }, 60_000);
});

describe('workflow versions side by side', () => {
  const auditTrail: ActivityFunction = (payload) => ({
    audited: true,
    steps: Object.keys(payload.previousResults),
  });

  /** Version 2 adds an AuditTrail step; version 1 stays in the catalog until its runs finish. */
  function bothVersions(): Catalog {
    const v1 = orderWorkflowV1(loadConfig({}));
    const v2 = { ...orderWorkflowV1(loadConfig({})), version: '2' };
    v2.steps = [...v2.steps, { name: 'AuditTrail', activity: { run: auditTrail } }];
    return defineCatalog(
      { domain: { name: 'order-processing-dev', retentionDays: 1 }, workflows: [v1, v2] },
      [orderModule],
    );
  }

  it('finishes old runs on version 1 while new runs take version 2', async () => {
    const env = await orderEnvironment();
    cleanups.push(() => env.server.close());
    const catalog = bothVersions();
    await registerCatalog(env.swf, catalog);
    const workers = startWorkers({
      swf: env.swf,
      context: env.context,
      ports: env.ports,
      pollHoldMs: 1_000,
      activityWorkers: 2,
      catalog,
    });
    cleanups.push(() => workers.stop());
    // A version-1 run is in flight (ProcessData works for 2 s) when version 2 becomes the default.
    await startOrder(
      env.context,
      anOrder({ orderId: 'OLD', simulate: { sleepStep: 'ProcessData', sleepSeconds: 2 } }),
    );
    const v2Context = { ...env.context, config: { ...env.config, workflowVersion: '2' }, catalog };
    await startOrder(v2Context, anOrder({ orderId: 'NEW' }));
    expect(await closeStatus(env.context, 'order-OLD')).toBe('COMPLETED');
    expect(await closeStatus(env.context, 'order-NEW')).toBe('COMPLETED');
    const old = await runHistory(v2Context, 'order-OLD');
    const fresh = await runHistory(v2Context, 'order-NEW');
    expect(old.info.workflowType?.version).toBe('1');
    expect(old.timeline.steps.map((s) => s.step)).toEqual([
      'ValidateInput',
      'ProcessData',
      'EnrichData',
      'SaveResults',
      'NotifyCompletion',
    ]);
    expect(fresh.info.workflowType?.version).toBe('2');
    expect(fresh.timeline.steps.at(-1)).toMatchObject({ step: 'AuditTrail', status: 'completed' });
  }, 30_000);

  it('a decider that lacks a version logs and counts it, and never fails the run', async () => {
    const env = await orderEnvironment();
    cleanups.push(() => env.server.close());
    await startOrder(env.context, anOrder({ orderId: 'ORPHAN' }));
    const v2Only = defineCatalog({
      domain: { name: 'order-processing-dev', retentionDays: 1 },
      workflows: [{ ...orderWorkflowV1(loadConfig({})), version: '2' }],
    });
    const recorder = recordingTelemetry();
    const result = await runDecider({
      swf: env.swf,
      catalog: v2Only,
      domain: env.config.domain,
      taskList: env.config.decisionTaskList,
      identity: 'v2-only',
      deadline: NO_DEADLINE,
      telemetry: recorder.telemetry,
      pollHoldMs: 1_000,
      maxTasks: 1,
    });
    expect(result).toMatchObject({ exitReason: 'maxTasks', tasksHandled: 1 });
    expect(recorder.counts.get('DecisionErrors')).toBe(1);
    expect(recorder.counts.get('LoopExits:reason=maxTasks' as never)).toBe(1);
    const logged = recorder.logs.find((l) => l.level === 'error');
    expect(logged?.fields).toMatchObject({ error: 'UnknownWorkflowTypeError', workflowId: 'order-ORPHAN' });
    expect(String(logged?.fields.message)).toMatch(/OrderProcessing@1; this decider knows 2/);
    expect((await findRun(env.context, 'order-ORPHAN')).executionStatus).toBe('OPEN');
  });
});
