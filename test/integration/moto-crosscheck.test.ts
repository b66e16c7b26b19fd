import * as S from '@aws-sdk/client-swf';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inMemoryPorts } from '../../lambda/adapters/memory-effects.js';
import { InMemoryRunClaims } from '../../lambda/adapters/memory-run-claims.js';
import type { OperationsContext } from '../../lambda/worker/operations.js';
import { registerCatalog } from '../../lambda/worker/registration.js';
import { createSwfClient } from '../../lambda/worker/swf-client.js';
import { loadConfig } from '../../lambda/workflow/index.js';
import { buildCatalog } from '../../lambda/workflow/modules.js';
import { startOrder } from '../../lambda/workflow/order/operations.js';
import { type MotoServer, startMoto } from '../../local/runtime/moto.js';
import { motoForTests } from '../support/moto.js';
import { anOrder } from '../support/order-fixtures.js';
import { eventually, startWorkers } from '../support/workers.js';

/**
 * The same workers against moto_server, an independent SWF implementation, for what it supports (no long
 * polling, so its empty polls return after about a second). Required in CI (SWF_REQUIRE_PYTHON_PEERS=1).
 */
const hasMoto = await motoForTests('the moto cross-check');

let moto: MotoServer | undefined;
let context: OperationsContext;
let workers: ReturnType<typeof startWorkers> | undefined;
const ports = inMemoryPorts();

beforeAll(async () => {
  if (!hasMoto) return;
  moto = await startMoto();
  const endpoint = moto.endpoint;
  const config = loadConfig({ SWF_ALLOW_FAILURE_INJECTION: 'true', SWF_DOMAIN: 'moto-domain' });
  const catalog = buildCatalog(config);
  const swf = createSwfClient({ endpoint });
  context = { swf, config, catalog, claims: new InMemoryRunClaims() };
  await registerCatalog(swf, catalog);
  // One poller of each kind: moto hands one task to two concurrent pollers.
  workers = startWorkers({ swf, context, ports, pollHoldMs: 1_000, deciders: 1, activityWorkers: 1 });
}, 30_000);
afterAll(async () => {
  await workers?.stop();
  moto?.stop();
});

async function closeStatus(workflowId: string, runId: string) {
  return eventually(
    async () => {
      const described = await context.swf.send(
        new S.DescribeWorkflowExecutionCommand({
          domain: context.config.domain,
          execution: { workflowId, runId },
        }),
      );
      return described.executionInfo?.executionStatus === 'CLOSED'
        ? described.executionInfo.closeStatus
        : undefined;
    },
    45_000,
    `${workflowId} to close on moto`,
  );
}

describe.skipIf(!hasMoto)('cross-check against moto_server', () => {
  it('runs the happy path', async () => {
    const { workflowId, runId } = await startOrder(context, anOrder({ orderId: 'MOTO-1' }));
    expect(await closeStatus(workflowId, runId)).toBe('COMPLETED');
    expect(ports.orderStore.ledger.filter((e) => e.orderId === 'MOTO-1').map((e) => e.kind)).toEqual([
      'reserve',
      'save',
    ]);
  }, 60_000);

  it('runs the retry path on SWF timers', async () => {
    const { workflowId, runId } = await startOrder(
      context,
      anOrder({ orderId: 'MOTO-2', simulate: { failStep: 'EnrichData', failTimes: 1 } }),
    );
    expect(await closeStatus(workflowId, runId)).toBe('COMPLETED');
    const history = await context.swf.send(
      new S.GetWorkflowExecutionHistoryCommand({
        domain: context.config.domain,
        execution: { workflowId, runId },
      }),
    );
    const types = history.events?.map((e) => e.eventType) ?? [];
    expect(types).toContain('ActivityTaskFailed');
    expect(types).toContain('TimerFired');
  }, 60_000);
});
