import { describe, expect, it } from 'vitest';
import { inMemoryPorts } from '../../../lambda/adapters/memory-effects.js';
import { readEffects } from '../../../lambda/worker/effects-view.js';
import { WORKFLOW_MODULES } from '../../../lambda/workflow/modules.js';

describe('readEffects: one effects view for every workflow module', () => {
  const seeded = async () => {
    const ports = inMemoryPorts();
    const owner = { lineageId: 'run-1', runId: 'run-1' };
    await ports.orderStore.saveOrder(
      { orderId: 'A-7', customerId: 'cust-9', currency: 'EUR', total: 12.5, details: {} },
      owner,
    );
    await ports.notifier.send(
      {
        key: 'subscription-S-3:RenewalReminder:run-2',
        orderId: 'subscription-S-3',
        eventType: 'RenewalReminder',
        recipient: 'ana@example.com',
        subject: 'soon',
        body: 'soon',
      },
      { lineageId: 'run-2', runId: 'run-2' },
    );
    return (subject: string) => ports.orderStore.effectsOf(subject);
  };

  it("finds a run's effects by workflowId, where its module stores them, and by the bare subject", async () => {
    const effectsOf = await seeded();
    const byWorkflowId = await readEffects(WORKFLOW_MODULES, effectsOf, 'order-A-7');
    expect(byWorkflowId.orderId).toBe('A-7');
    // The record's line comes from the module that saved it.
    expect(byWorkflowId.recordSummary).toBe('12.5 EUR for cust-9');
    expect((await readEffects(WORKFLOW_MODULES, effectsOf, 'A-7')).recordSummary).toBe('12.5 EUR for cust-9');

    const renewal = await readEffects(WORKFLOW_MODULES, effectsOf, 'renewal-S-3');
    expect(renewal.orderId).toBe('subscription-S-3');
    expect(renewal.notifications.map((n) => [n.eventType, n.runId])).toEqual([['RenewalReminder', 'run-2']]);
    expect(renewal.recordSummary).toBeUndefined();
  });

  it('refuses an id with nothing stored, naming the workflow id forms', async () => {
    const effectsOf = await seeded();
    await expect(readEffects(WORKFLOW_MODULES, effectsOf, 'renewal-S-404')).rejects.toMatchObject({
      code: 'NotFound',
      message: expect.stringMatching(/No effects recorded for renewal-S-404.*order-<id>, renewal-<id>/),
    });
  });
});
