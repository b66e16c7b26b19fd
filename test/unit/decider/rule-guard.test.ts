import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MemoryPayloadStore } from '../../../lambda/adapters/file-payloads.js';
import { RuleReadPayload, ruleView } from '../../../lambda/decider/rule-view.js';
import { offloadValue } from '../../../lambda/worker/payload-codec.js';
import { ORDER_ACTIVITIES } from '../../../lambda/workflow/order/steps.js';
import { isPayloadRef } from '../../../lambda/workflow/payloads.js';
import type { Json } from '../../../lambda/workflow/types.js';
import { payload, testContext } from '../../support/activity-context.js';
import { catalog } from '../../support/order-fixtures.js';
import { simulateWorkflow } from '../../support/workflow-simulator.js';

/**
 * Guards fail closed: a rule never judges a stored payload's reference as if it were the value. Version 3's
 * approval reads the total ProcessData keeps inline, so it decides the same whatever the offload threshold;
 * version 2's frozen rule reads the priced lines, and fails the run (RuleReadPayload) when they are stored,
 * never skipping the approval of a large order.
 */
const orderArb = fc.record({
  // At most 120 lines: the order itself stays inline in this simulation, and SWF's 32,768 holds for it.
  lines: fc.integer({ min: 1, max: 120 }),
  unitPrice: fc.integer({ min: 1, max: 20_000 }).map((cents) => cents / 100),
  quantity: fc.integer({ min: 1, max: 5 }),
  threshold: fc.integer({ min: 1_024, max: 32_000 }),
});

const anOrderOf = (lines: number, unitPrice: number, quantity: number) => ({
  orderId: 'G-1',
  customerId: 'cust-1',
  currency: 'USD',
  paymentToken: 'tok_visa_4242abcd',
  items: Array.from({ length: lines }, (_, i) => ({ sku: `SKU-${i}`, quantity, unitPrice })),
});

/** Where the decider goes after the checks, given ProcessData's result as the history holds it. */
function afterChecks(version: string, order: object, processData: Json) {
  const results: Record<string, Json> = {
    'ValidateInput#1': { valid: true },
    'ProcessData#1': processData,
    'EnrichData#1': { tier: 'gold' },
    'FraudCheck#1': { score: 0, reasons: [] },
  };
  const { history, closeEvent } = simulateWorkflow(catalog, { name: 'OrderProcessing', version }, order, {
    outcome: (activityId) =>
      activityId in results || activityId.includes('.compensate')
        ? { type: 'complete', result: results[activityId] ?? { undone: true } }
        : { type: 'fail', reason: 'Stop', details: '{"message":"stop here","nonRetryable":true}' },
    timersFire: false,
  });
  const waited = history.events.some((e) => e.timerStartedEventAttributes?.timerId === 'wait.Approval');
  const skipped = history.events.some(
    (e) => e.activityTaskScheduledEventAttributes?.activityId === 'SaveResults#1',
  );
  const reason = (closeEvent as { workflowExecutionFailedEventAttributes?: { reason?: string } } | undefined)
    ?.workflowExecutionFailedEventAttributes?.reason;
  return waited ? 'waits' : skipped ? 'skips' : `fails ${reason}`;
}

async function processDataResult(order: object): Promise<Json> {
  const { context } = testContext();
  return (await ORDER_ACTIVITIES.processData(payload(order as Record<string, unknown>), context)) as Json;
}

describe('rules over stored payloads', () => {
  it('version 3 decides the approval the same, whatever the offload threshold', async () => {
    await fc.assert(
      fc.asyncProperty(orderArb, async ({ lines, unitPrice, quantity, threshold }) => {
        const order = anOrderOf(lines, unitPrice, quantity);
        const inline = await processDataResult(order);
        const stored = await offloadValue(new MemoryPayloadStore(), inline, threshold);
        expect(afterChecks('3', order, stored)).toBe(afterChecks('3', order, inline));
      }),
      { numRuns: 60 },
    );
  });

  it('version 2 never skips the approval of a large order whose lines are stored: it fails closed', async () => {
    await fc.assert(
      fc.asyncProperty(orderArb, async ({ lines, unitPrice, quantity, threshold }) => {
        const order = anOrderOf(lines, unitPrice, quantity);
        const inline = await processDataResult(order);
        const stored = await offloadValue(new MemoryPayloadStore(), inline, threshold);
        const expected = afterChecks('2', order, inline);
        const seen = afterChecks('2', order, stored);
        const linesStored = isPayloadRef((stored as { totals?: Json }).totals);
        expect(seen).toBe(linesStored ? 'fails RuleReadPayload' : expected);
      }),
      { numRuns: 60 },
    );
  });

  it('a 140-line order of 15,120 waits on version 3 with its lines stored (the reported case)', async () => {
    const order = anOrderOf(140, 108, 1);
    const stored = await offloadValue(new MemoryPayloadStore(), await processDataResult(order), 8_192);
    expect(isPayloadRef((stored as { totals?: Json }).totals)).toBe(true);
    expect(afterChecks('3', order, stored)).toBe('waits');
    expect(afterChecks('2', order, stored)).toBe('fails RuleReadPayload');
  });

  it('throws on any read that meets a reference, and refuses writes', () => {
    const ref = { $payload: { address: 'memory:x', size: 10, sha256: 'a'.repeat(64) } };
    const view = ruleView({ a: { b: ref, c: [1, ref] }, d: 2 } as Record<string, Json>, 'results');
    expect((view.d as number) + 1).toBe(3);
    expect(() => (view.a as Record<string, Json>).b).toThrow(RuleReadPayload);
    expect(() => ((view.a as Record<string, Json>).c as Json[])[1]).toThrow(/results\.a\.c\[1\]/);
    expect(() => JSON.stringify(view)).toThrow(RuleReadPayload);
    expect(() => ruleView(ref as unknown as Json, 'input')).toThrow(/the rule read input/);
    expect(Reflect.set(view, 'd', 5)).toBe(false);
  });
});
