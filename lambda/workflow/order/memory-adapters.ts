import type { Json } from '../types.js';
import type { LedgerEntry, Notification, Notifier, OrderRecord, OrderStore } from './ports.js';

/** In-memory `OrderStore` for local runs and tests; the ledger lists each side effect actually applied. */
export class InMemoryOrderStore implements OrderStore {
  readonly orders = new Map<string, OrderRecord>();
  readonly reservations = new Map<string, Json>();
  readonly ledger: LedgerEntry[] = [];

  async reserveStock(orderId: string, lines: Json): Promise<boolean> {
    if (this.reservations.has(orderId)) return false;
    this.reservations.set(orderId, lines);
    this.record('reserve', orderId);
    return true;
  }

  async releaseStock(orderId: string): Promise<boolean> {
    if (!this.reservations.delete(orderId)) return false;
    this.record('release', orderId);
    return true;
  }

  async saveOrder(record: OrderRecord): Promise<boolean> {
    if (this.orders.has(record.orderId)) return false;
    this.orders.set(record.orderId, structuredClone(record));
    this.record('save', record.orderId);
    return true;
  }

  async deleteOrder(orderId: string): Promise<boolean> {
    if (!this.orders.delete(orderId)) return false;
    this.record('delete', orderId);
    return true;
  }

  async getOrder(orderId: string): Promise<OrderRecord | undefined> {
    const record = this.orders.get(orderId);
    return record && structuredClone(record);
  }

  private record(kind: LedgerEntry['kind'], orderId: string): void {
    this.ledger.push({ kind, orderId, sequence: this.ledger.length + 1 });
  }
}

/** In-memory `Notifier`: keeps what was sent, one message per key. */
export class InMemoryNotifier implements Notifier {
  readonly sent: Notification[] = [];

  async send(notification: Notification): Promise<boolean> {
    if (this.sent.some((existing) => existing.key === notification.key)) return false;
    this.sent.push({ ...notification });
    return true;
  }
}
