import type { EffectOutcome, EffectOwner, Effects, Notifier, OwnedEffect } from '../effects.js';
import type { Json } from '../types.js';

export {
  type EffectOutcome,
  type EffectOwner,
  type Effects,
  type LedgerEntry,
  type Notification,
  NotificationInProgress,
  type NotificationState,
  type Notifier,
  type OwnedEffect,
} from '../effects.js';

/** What SaveResults writes: one record per order, keyed by orderId. */
export interface OrderRecord {
  orderId: string;
  customerId: string;
  currency: string;
  total: number;
  details: Json;
}

/** Everything an order left behind, for `swfctl order`, the operations function and the console. */
export interface OrderEffects extends Effects {
  orderId: string;
  record?: OwnedEffect<OrderRecord>;
}

/**
 * Persistence for orders and their stock reservations. Every write is conditional: applying twice never
 * duplicates, and undoing only succeeds for the lineage that owns the effect.
 */
export interface OrderStore {
  reserveStock(orderId: string, lines: Json, owner: EffectOwner): Promise<EffectOutcome>;
  releaseStock(orderId: string, owner: EffectOwner): Promise<EffectOutcome>;
  saveOrder(record: OrderRecord, owner: EffectOwner): Promise<EffectOutcome>;
  deleteOrder(orderId: string, owner: EffectOwner): Promise<EffectOutcome>;
  getOrder(orderId: string): Promise<OrderRecord | undefined>;
  /** The record, reservation, notifications and ledger of one order. */
  effectsOf(orderId: string): Promise<OrderEffects>;
}

/** The ports the order workflow's activities use. */
export interface OrderPorts {
  orderStore: OrderStore;
  notifier: Notifier;
}
