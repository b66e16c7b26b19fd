import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../lambda/workflow/errors.js';
import { priceOrder } from '../../../lambda/workflow/order/pricing.js';
import { orderSchema } from '../../../lambda/workflow/order/schema.js';
import type { ActivityContext, ActivityPayload, Json } from '../../../lambda/workflow/types.js';
import { payload, testContext } from '../../support/activity-context.js';
import { anOrder, catalog } from '../../support/order-fixtures.js';

const activity = (name: string) => {
  const found = catalog.activity(name, '1');
  if (!found) throw new Error(`no activity ${name}`);
  return (p: ActivityPayload, c: ActivityContext) => Promise.resolve(found.run(p, c));
};

const totals = priceOrder(orderSchema.parse(anOrder()));

describe('ValidateInput', () => {
  it('returns a summary of a valid order', async () => {
    const { context } = testContext();
    await expect(activity('ValidateInput')(payload(anOrder()), context)).resolves.toEqual({
      valid: true,
      orderId: 'A-1001',
      customerId: 'cust-42',
      itemCount: 2,
      currency: 'USD',
    });
  });

  it('throws a non-retryable ValidationError listing every problem', async () => {
    const { context } = testContext();
    const error = await activity('ValidateInput')(
      payload(anOrder({ items: [], currency: 'usd' })),
      context,
    ).catch((e) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.name).toBe('ValidationError');
    expect(error.message).toBe(
      'Invalid order: items: must contain at least one item; currency: must be one of USD, EUR, GBP, BRL (got "usd")',
    );
  });
});

describe('ProcessData', () => {
  it('computes line totals, tax and grand total in cents', () => {
    expect(totals).toEqual({
      lines: [
        { sku: 'BOOK-1', quantity: 2, unitPrice: 12.5, lineTotal: 25 },
        { sku: 'PEN-9', quantity: 3, unitPrice: 1.99, lineTotal: 5.97 },
      ],
      subtotal: 30.97,
      taxRate: 0.08,
      tax: 2.48,
      total: 33.45,
      currency: 'USD',
    });
    expect(
      priceOrder(orderSchema.parse(anOrder({ items: [{ sku: 'X', quantity: 3, unitPrice: 0.1 }] }))).subtotal,
    ).toBe(0.3);
  });

  it('reserves stock once, however often it is retried, and its compensation releases it', async () => {
    const { context, orderStore } = testContext();
    const first = await activity('ProcessData')(payload(anOrder()), context);
    const again = await activity('ProcessData')(payload(anOrder(), {}, 2), context);
    expect(first).toMatchObject({ totals, stockReserved: true, newReservation: true });
    expect(again).toMatchObject({ newReservation: false });
    expect(orderStore.ledger.map((e) => e.kind)).toEqual(['reserve']);
    await expect(activity('ReleaseProcessData')(payload(anOrder()), context)).resolves.toEqual({
      released: true,
      outcome: 'applied',
      orderId: 'A-1001',
    });
    await expect(activity('ReleaseProcessData')(payload(anOrder()), context)).resolves.toEqual({
      released: false,
      outcome: 'absent',
      orderId: 'A-1001',
    });
    expect(orderStore.ledger.map((e) => e.kind)).toEqual(['reserve', 'release']);
  });

  it("never releases another lineage's reservation: a second run of the order leaves the first run's stock alone", async () => {
    const { context, orderStore } = testContext();
    await activity('ProcessData')(payload(anOrder()), context);
    const second = { ...context, runId: 'run-2', lineageId: 'run-2' };
    await expect(activity('ProcessData')(payload(anOrder()), second)).resolves.toMatchObject({
      newReservation: false,
      heldByAnotherRun: true,
    });
    await expect(activity('ReleaseProcessData')(payload(anOrder()), second)).resolves.toMatchObject({
      released: false,
      outcome: 'foreign',
    });
    // A run resumed from the first carries its lineage, and may release.
    const resumed = { ...context, runId: 'run-3', lineageId: 'run-1' };
    await expect(activity('ReleaseProcessData')(payload(anOrder()), resumed)).resolves.toMatchObject({
      released: true,
    });
    expect(orderStore.ledger.map((e) => [e.kind, e.runId, e.lineageId])).toEqual([
      ['reserve', 'run-1', 'run-1'],
      ['release', 'run-3', 'run-1'],
    ]);
  });
});

describe('EnrichData', () => {
  it('adds tier, loyalty points and a shipping estimate', async () => {
    const { context } = testContext();
    const previous = { ProcessData: { totals } as unknown as Json };
    await expect(activity('EnrichData')(payload(anOrder(), previous), context)).resolves.toEqual({
      customerTier: 'standard',
      loyaltyPoints: 33,
      shippingMethod: 'standard',
      shippingEstimateDays: 3,
      priority: false,
    });
    const big = anOrder({
      items: [{ sku: 'TV', quantity: 1, unitPrice: 1500 }],
      shipping: { country: 'BR', express: true },
    });
    await expect(activity('EnrichData')(payload(big), context)).resolves.toMatchObject({
      customerTier: 'gold',
      shippingMethod: 'express',
      shippingEstimateDays: 1,
      priority: true,
    });
  });
});

describe('SaveResults', () => {
  it('writes the order once: a retried save never duplicates, and the compensation deletes it', async () => {
    const { context, orderStore } = testContext();
    const previous = { ProcessData: { totals } as unknown as Json, EnrichData: { customerTier: 'standard' } };
    await expect(activity('SaveResults')(payload(anOrder(), previous), context)).resolves.toEqual({
      saved: true,
      orderId: 'A-1001',
      alreadySaved: false,
    });
    await expect(activity('SaveResults')(payload(anOrder(), previous, 2), context)).resolves.toMatchObject({
      alreadySaved: true,
    });
    expect(orderStore.orders.size).toBe(1);
    expect(await orderStore.getOrder('A-1001')).toMatchObject({ total: 33.45, currency: 'USD' });
    await expect(
      activity('DeleteSavedResults')(payload(anOrder()), { ...context, runId: 'run-2', lineageId: 'run-2' }),
    ).resolves.toEqual({ deleted: false, outcome: 'foreign', orderId: 'A-1001' });
    expect(orderStore.orders.size).toBe(1);
    await expect(activity('DeleteSavedResults')(payload(anOrder()), context)).resolves.toEqual({
      deleted: true,
      outcome: 'applied',
      orderId: 'A-1001',
    });
    expect(orderStore.orders.size).toBe(0);
    expect(orderStore.ledger.map((e) => e.kind)).toEqual(['save', 'delete']);
  });
});

describe('NotifyCompletion', () => {
  it('sends one confirmation through the notifier, even when retried', async () => {
    const { context, published } = testContext();
    const input = anOrder({ customerEmail: 'ana@example.com' });
    await expect(activity('NotifyCompletion')(payload(input), context)).resolves.toEqual({
      notified: true,
      duplicate: false,
    });
    await expect(activity('NotifyCompletion')(payload(input, {}, 2), context)).resolves.toEqual({
      notified: true,
      duplicate: true,
    });
    expect(published).toEqual([
      {
        key: 'order-confirmed:A-1001',
        orderId: 'A-1001',
        eventType: 'OrderConfirmed',
        recipient: 'ana@example.com',
        subject: 'Order A-1001 confirmed',
        body: 'Your order A-1001 for 33.45 USD is confirmed.',
        lineageId: 'run-1',
        runId: 'run-1',
        messageId: 'memory-1',
      },
    ]);
  });
});

describe('failure injection', () => {
  const failing = anOrder({ simulate: { failStep: 'SaveResults', failTimes: 2 } });

  it('fails the named step for the first failTimes attempts, then lets it run', async () => {
    const { context, orderStore } = testContext({ allowFailureInjection: true });
    const save = activity('SaveResults');
    await expect(save(payload(failing, {}, 1), context)).rejects.toMatchObject({ name: 'SimulatedFailure' });
    await expect(save(payload(failing, {}, 2), context)).rejects.toMatchObject({ name: 'SimulatedFailure' });
    await expect(save(payload(failing, {}, 3), context)).resolves.toMatchObject({ saved: true });
    expect(orderStore.ledger.map((e) => e.kind)).toEqual(['save']);
  });

  it('raises a non-retryable failure when asked', async () => {
    const { context } = testContext({ allowFailureInjection: true });
    const input = anOrder({ simulate: { failStep: 'EnrichData', nonRetryable: true } });
    await expect(activity('EnrichData')(payload(input), context)).rejects.toMatchObject({
      name: 'SimulatedPermanentFailure',
    });
  });

  it('cannot be triggered by accident: ignored by steps and rejected by ValidateInput where disabled', async () => {
    const { context } = testContext({ allowFailureInjection: false });
    await expect(
      activity('SaveResults')(payload(failing, { ProcessData: { totals } as unknown as Json }), context),
    ).resolves.toMatchObject({
      saved: true,
    });
    await expect(activity('ValidateInput')(payload(failing), context)).rejects.toThrow(
      /failure injection is disabled/,
    );
  });

  it('makes a long step work with heartbeats', async () => {
    const { context, heartbeats, slept } = testContext({ allowFailureInjection: true });
    await activity('ProcessData')(payload(anOrder({ simulate: { sleepSeconds: 5 } })), context);
    expect(slept).toEqual([2_000, 2_000, 1_000]);
    expect(heartbeats.map((h) => JSON.parse(h ?? '{}').workedMs)).toEqual([2_000, 4_000, 5_000]);
  });

  it('makes a compensation fail on every attempt when asked', async () => {
    const { context } = testContext({ allowFailureInjection: true });
    const input = anOrder({ simulate: { failCompensation: 'SaveResults' } });
    await expect(activity('DeleteSavedResults')(payload(input, {}, 4), context)).rejects.toMatchObject({
      name: 'SimulatedFailure',
    });
  });
});
