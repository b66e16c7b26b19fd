import type { Order } from './schema.js';

/** Flat sales-tax rates by currency; a real deployment would ask a tax service. */
export const TAX_RATES: Record<Order['currency'], number> = { USD: 0.08, EUR: 0.2, GBP: 0.2, BRL: 0.17 };

export interface PricedLine {
  sku: string;
  quantity: number;
  unitPrice: number;
  lineTotal: number;
}

export interface OrderTotals {
  lines: PricedLine[];
  subtotal: number;
  taxRate: number;
  tax: number;
  total: number;
  currency: Order['currency'];
}

const toCents = (amount: number) => Math.round(amount * 100);
const fromCents = (cents: number) => cents / 100;

/** Line totals, tax and grand total, computed in whole cents so sums never drift. */
export function priceOrder(order: Order): OrderTotals {
  const lines = order.items.map((item) => ({
    sku: item.sku,
    quantity: item.quantity,
    unitPrice: item.unitPrice,
    lineTotalCents: toCents(item.unitPrice) * item.quantity,
  }));
  const subtotalCents = lines.reduce((sum, line) => sum + line.lineTotalCents, 0);
  const taxRate = TAX_RATES[order.currency];
  const taxCents = Math.round(subtotalCents * taxRate);
  return {
    lines: lines.map(({ lineTotalCents, ...line }) => ({ ...line, lineTotal: fromCents(lineTotalCents) })),
    subtotal: fromCents(subtotalCents),
    taxRate,
    tax: fromCents(taxCents),
    total: fromCents(subtotalCents + taxCents),
    currency: order.currency,
  };
}

export type CustomerTier = 'standard' | 'silver' | 'gold';

export interface Enrichment {
  customerTier: CustomerTier;
  loyaltyPoints: number;
  shippingMethod: 'express' | 'standard';
  shippingEstimateDays: number;
  priority: boolean;
}

/** Customer tier, loyalty points and a shipping estimate derived from the order and its totals. */
export function enrichOrder(order: Order, totals: OrderTotals): Enrichment {
  const customerTier: CustomerTier =
    totals.subtotal >= 1_000 ? 'gold' : totals.subtotal >= 200 ? 'silver' : 'standard';
  const express = order.shipping?.express ?? false;
  const domestic = (order.shipping?.country ?? 'US') === 'US';
  const shippingEstimateDays = (express ? 1 : domestic ? 3 : 7) + (order.items.length > 20 ? 2 : 0);
  return {
    customerTier,
    loyaltyPoints: Math.floor(totals.total),
    shippingMethod: express ? 'express' : 'standard',
    shippingEstimateDays,
    priority: express || customerTier === 'gold',
  };
}
