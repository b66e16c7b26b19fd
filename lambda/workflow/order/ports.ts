import type { Json } from '../types.js';

/** What SaveResults writes: one record per order, keyed by orderId. */
export interface OrderRecord {
  orderId: string;
  customerId: string;
  currency: string;
  total: number;
  details: Json;
}

/** One side effect the store applied, kept so tests and the chaos run can reconcile. */
export interface LedgerEntry {
  kind: 'reserve' | 'release' | 'save' | 'delete';
  orderId: string;
  sequence: number;
}

/** Persistence for orders and their stock reservations. Every write is idempotent by orderId. */
export interface OrderStore {
  /** Reserves stock; returns false when the reservation already existed (a retried attempt). */
  reserveStock(orderId: string, lines: Json): Promise<boolean>;
  /** Releases the reservation; returns false when there was none. */
  releaseStock(orderId: string): Promise<boolean>;
  /** Saves the order; returns false when it was already saved (never a duplicate). */
  saveOrder(record: OrderRecord): Promise<boolean>;
  /** Deletes the saved order; returns false when there was none. */
  deleteOrder(orderId: string): Promise<boolean>;
  getOrder(orderId: string): Promise<OrderRecord | undefined>;
}

export interface Notification {
  /** Deduplication key: one notification per key, however often it is retried. */
  key: string;
  recipient: string;
  subject: string;
  body: string;
}

/** Sends notifications (email, SMS, a queue...). */
export interface Notifier {
  /** Returns false when a notification with the same key was already sent. */
  send(notification: Notification): Promise<boolean>;
}
