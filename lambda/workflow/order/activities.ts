import type { ActivityContext, ActivityFunction, ActivityPayload, Json } from '../types.js';
import type { EffectOwner, OrderPorts } from './ports.js';
import { enrichOrder, type OrderTotals, priceOrder } from './pricing.js';
import { type Order, parseOrder } from './schema.js';

/** The validated order, re-derived from the original input (cheap, and safe after a resume). */
function orderOf(payload: ActivityPayload): Order {
  return parseOrder(payload.input, { allowFailureInjection: true });
}

/** Effects belong to the run's lineage: only it (and runs resumed from it) may undo them. */
function ownerOf(context: ActivityContext<OrderPorts>): EffectOwner {
  return { lineageId: context.lineageId, runId: context.runId };
}

function totalsOf(payload: ActivityPayload): OrderTotals {
  const recorded = payload.previousResults.ProcessData as { totals?: OrderTotals } | undefined;
  return recorded?.totals ?? priceOrder(orderOf(payload));
}

/** Checks the order; invalid input is a non-retryable `ValidationError` listing every problem. */
export const validateInput: ActivityFunction<OrderPorts> = (payload, context) => {
  const order = parseOrder(payload.input, { allowFailureInjection: context.allowFailureInjection });
  return {
    valid: true,
    orderId: order.orderId,
    customerId: order.customerId,
    itemCount: order.items.length,
    currency: order.currency,
  };
};

/** Prices the order and reserves stock for its lines (idempotent by orderId). */
export const processData: ActivityFunction<OrderPorts> = async (payload, context) => {
  const order = orderOf(payload);
  const totals = priceOrder(order);
  // What the stock needs, one [sku, quantity] pair per line: compact, so a large order fits one stored item.
  const outcome = await context.ports.orderStore.reserveStock(
    order.orderId,
    totals.lines.map((line) => [line.sku, line.quantity]),
    ownerOf(context),
  );
  return {
    // The total and currency stay at the top, small: they remain inline when the priced lines are stored, so
    // the approval rule can read them (a rule may read no stored payload).
    total: totals.total,
    currency: totals.currency,
    totals: totals as unknown as Json,
    stockReserved: outcome !== 'foreign',
    newReservation: outcome === 'applied',
    ...(outcome === 'foreign' ? { heldByAnotherRun: true } : {}),
  };
};

/** Compensation of ProcessData: releases the stock reservation. */
export const releaseProcessData: ActivityFunction<OrderPorts> = async (payload, context) => {
  const order = orderOf(payload);
  const outcome = await context.ports.orderStore.releaseStock(order.orderId, ownerOf(context));
  return { released: outcome === 'applied', outcome, orderId: order.orderId };
};

/** Adds customer tier, loyalty points and a shipping estimate. */
export const enrichData: ActivityFunction<OrderPorts> = (payload) => {
  const order = orderOf(payload);
  return enrichOrder(order, totalsOf(payload)) as unknown as Json;
};

/** Writes the order record; a retried save never duplicates it. */
export const saveResults: ActivityFunction<OrderPorts> = async (payload, context) => {
  const order = orderOf(payload);
  const totals = totalsOf(payload);
  const outcome = await context.ports.orderStore.saveOrder(
    {
      orderId: order.orderId,
      customerId: order.customerId,
      currency: order.currency,
      total: totals.total,
      // The priced lines stay in the run's history (ProcessData's result); the record keeps the sums.
      details: {
        totals: { ...totals, lines: undefined, lineCount: totals.lines.length },
        enrichment: payload.previousResults.EnrichData ?? null,
      } as unknown as Json,
    },
    ownerOf(context),
  );
  return {
    saved: outcome !== 'foreign',
    orderId: order.orderId,
    alreadySaved: outcome !== 'applied',
    ...(outcome === 'foreign' ? { savedByAnotherRun: true } : {}),
  };
};

/** Compensation of SaveResults: deletes the saved record. */
export const deleteSavedResults: ActivityFunction<OrderPorts> = async (payload, context) => {
  const order = orderOf(payload);
  const outcome = await context.ports.orderStore.deleteOrder(order.orderId, ownerOf(context));
  return { deleted: outcome === 'applied', outcome, orderId: order.orderId };
};

/** Tells the customer the order is confirmed; one notification per order, however often retried. */
export const notifyCompletion: ActivityFunction<OrderPorts> = async (payload, context) => {
  const order = orderOf(payload);
  const totals = totalsOf(payload);
  const sent = await context.ports.notifier.send(
    {
      key: `order-confirmed:${order.orderId}`,
      orderId: order.orderId,
      eventType: 'OrderConfirmed',
      recipient: order.customerEmail ?? order.customerId,
      subject: `Order ${order.orderId} confirmed`,
      body: `Your order ${order.orderId} for ${totals.total.toFixed(2)} ${totals.currency} is confirmed.`,
    },
    ownerOf(context),
  );
  return { notified: true, duplicate: sent === 'duplicate' };
};

/**
 * Scores the order for fraud from the order alone (amount, quantities, distinct lines): a pure check that
 * depends on no other step, so version 2 runs it beside EnrichData. A high score is reported, not refused: the
 * approval that follows for large orders is where a person decides.
 */
export const fraudCheck: ActivityFunction<OrderPorts> = (payload) => {
  const order = orderOf(payload);
  const totals = totalsOf(payload);
  const units = order.items.reduce((sum, item) => sum + item.quantity, 0);
  const reasons = [
    ...(totals.total > 5_000 ? ['amount above 5,000'] : []),
    ...(units > 100 ? ['more than 100 units'] : []),
    ...(order.items.some((item) => item.quantity > 50) ? ['a line of more than 50 units'] : []),
  ];
  return { score: Math.min(100, reasons.length * 35), reasons };
};
