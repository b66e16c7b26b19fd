/**
 * The recipe "add a step = add a version", as a newcomer would follow it: version 4 of OrderProcessing lists
 * version 3's step constants plus a new ReserveDeliverySlot, through the module API only. The catalog accepts it,
 * the decider runs it, the lock takes it as a new entry, and every recorded history of versions 1 to 3 replays
 * to the same decisions as before.
 */
import { describe, expect, it } from 'vitest';
import type { StepSpec } from '../../../lambda/workflow/catalog.js';
import { catalogOf } from '../../../lambda/workflow/index.js';
import type { WorkflowModule } from '../../../lambda/workflow/module.js';
import { orderModule } from '../../../lambda/workflow/order/index.js';
import {
  approvalOfAnswersWhileWaiting,
  CHECKS,
  NOTIFY_COMPLETION,
  PROCESS_DATA,
  SAVE_RESULTS,
  VALIDATE_INPUT,
} from '../../../lambda/workflow/order/steps.js';
import { approvalTimeoutOf, orderVersion } from '../../../lambda/workflow/order/workflow.js';
import { renewalModule } from '../../../lambda/workflow/renewal/index.js';
import type { ActivityFunction, JsonObject } from '../../../lambda/workflow/types.js';
import { extendLock, lockProblems } from '../../../lambda/workflow/version-lock.js';
import { LOCK_CONFIG, readLock } from '../../../local/scripts/version-locks.js';
import { anOrder, testConfig } from '../../support/order-fixtures.js';
import { historyFixtures, readHistoryFixture, replayDecisionPoints } from '../../support/replay.js';
import { activityName, simulateWorkflow } from '../../support/workflow-simulator.js';

// 1. The new step: its activity and a named constant.
const reserveDeliverySlot: ActivityFunction = (payload) => {
  const enrichment = payload.previousResults.EnrichData as { shippingEstimateDays?: number } | null;
  return { slot: `day+${enrichment?.shippingEstimateDays ?? 3}` };
};
const RESERVE_DELIVERY_SLOT: StepSpec = {
  name: 'ReserveDeliverySlot',
  activity: { run: reserveDeliverySlot, timeouts: { startToClose: '30s' } },
  retry: { maximumAttempts: 5 },
};

// 2. The new version: a literal flow of named constants, version 3's with the new step before SaveResults.
const orderWorkflowV4 = (config: typeof testConfig) =>
  orderVersion(config, {
    version: '4',
    description: 'Version 3, reserving a delivery slot before the results are saved.',
    steps: [
      VALIDATE_INPUT,
      PROCESS_DATA,
      CHECKS,
      approvalOfAnswersWhileWaiting(approvalTimeoutOf(config)),
      RESERVE_DELIVERY_SLOT,
      SAVE_RESULTS,
      NOTIFY_COMPLETION,
    ],
  });

// 3. Appended to the module's definitions (versions 1 to 3 stay for runs in flight), and made current.
const orderModuleWithV4: WorkflowModule = {
  ...orderModule,
  definitions: (config) => [...orderModule.definitions(config), orderWorkflowV4(config)],
  currentVersion: () => '4',
};

const catalog = catalogOf(testConfig, [orderModuleWithV4, renewalModule], 'Order processing workflows');
const V4 = { name: 'OrderProcessing', version: '4' };

/** Runs an order of `total` on version 4, answering Approve once the run waits for it. */
function runV4(total: number) {
  return simulateWorkflow(catalog, V4, anOrder({ items: [{ sku: 'TV-1', quantity: 1, unitPrice: total }] }), {
    outcome: (activityId) => ({
      type: 'complete',
      result: activityName(activityId) === 'ProcessData' ? { total } : { ok: true },
    }),
    // Five decision tasks in, the run has started its wait (v3's approval ignores earlier answers).
    signals: [{ afterDecisionTasks: 5, name: 'Approve', input: { reviewer: 'ana' } }],
  });
}

const scheduledSteps = (result: ReturnType<typeof runV4>): string[] =>
  result.history.events.flatMap((event) => {
    const id = event.activityTaskScheduledEventAttributes?.activityId;
    return id ? [activityName(id)] : [];
  });

describe('adding a step is adding a version', () => {
  it('the catalog accepts version 4 beside the released ones, with its new activity type', () => {
    expect(catalog.workflows.filter((w) => w.name === 'OrderProcessing').map((w) => w.version)).toEqual([
      '1',
      '2',
      '3',
      '4',
    ]);
    expect(catalog.workflow('OrderProcessing', '4')?.flow.map((node) => node.name)).toEqual([
      'ValidateInput',
      'ProcessData',
      'Checks',
      'Approval',
      'ReserveDeliverySlot',
      'SaveResults',
      'NotifyCompletion',
    ]);
    expect(catalog.activity('ReserveDeliverySlot', '1')?.timeouts.startToClose).toBe('30');
    expect(orderModuleWithV4.currentVersion(testConfig)).toBe('4');
  });

  it('the decider runs version 4: the new step comes after the approval and before SaveResults', () => {
    const large = runV4(6_000);
    expect(large.closeEvent?.eventType).toBe('WorkflowExecutionCompleted');
    expect(scheduledSteps(large)).toEqual([
      'ValidateInput',
      'ProcessData',
      'EnrichData',
      'FraudCheck',
      'ReserveDeliverySlot',
      'SaveResults',
      'NotifyCompletion',
    ]);
    expect(large.history.events.some((e) => e.timerStartedEventAttributes?.timerId === 'wait.Approval')).toBe(
      true,
    );
    const small = runV4(100);
    expect(small.closeEvent?.eventType).toBe('WorkflowExecutionCompleted');
    expect(small.history.events.some((e) => e.timerStartedEventAttributes?.timerId === 'wait.Approval')).toBe(
      false,
    );
  });

  it('the lock takes version 4 as a new entry and leaves versions 1 to 3 as they were', () => {
    const lock = readLock(orderModule);
    const specs = orderModuleWithV4.definitions(LOCK_CONFIG);
    expect(lockProblems(lock, specs, orderModule.versionLock)).toEqual([
      expect.stringContaining('OrderProcessing version 4 has no entry in'),
    ]);
    const extended = extendLock(lock, specs, orderModule.versionLock);
    expect(extended).toMatchObject({ added: ['4'], refused: [] });
    for (const version of ['1', '2', '3'])
      expect(extended.lock.versions[version]).toEqual(lock?.versions[version]);
    expect(lockProblems(extended.lock, specs, orderModule.versionLock)).toEqual([]);
  });

  it('every recorded history of versions 1 to 3 replays to the same decisions with version 4 in the catalog', () => {
    const versions = new Set<string>();
    for (const file of historyFixtures) {
      const events = readHistoryFixture(file);
      const type = events[0]?.workflowExecutionStartedEventAttributes?.workflowType as JsonObject | undefined;
      versions.add(String(type?.version));
      for (const { completedEventId, recorded, decided } of replayDecisionPoints(events, catalog))
        expect(decided, `${file}, decision task completed at event ${completedEventId}`).toEqual(recorded);
    }
    expect(versions).toEqual(new Set(['1', '2', '3']));
  });
});
