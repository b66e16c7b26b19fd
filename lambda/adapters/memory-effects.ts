import type {
  EffectOutcome,
  EffectOwner,
  LedgerEntry,
  Notification,
  NotificationState,
  OrderEffects,
  OrderRecord,
  OrderStore,
  OwnedEffect,
} from '../workflow/order/ports.js';
import type { Json } from '../workflow/types.js';
import { type NotificationClaim, type NotificationLog, onceNotifier } from './once-notifier.js';
import { applyVerdict, runsOf, undoVerdict } from './ownership.js';

/** In-memory `OrderStore` and notification log, for unit tests only: nothing deployed or run locally uses it. */
export class InMemoryOrderStore implements OrderStore, NotificationLog {
  readonly orders = new Map<string, OwnedEffect<OrderRecord>>();
  readonly reservations = new Map<string, OwnedEffect<Json>>();
  readonly notifications = new Map<string, NotificationState & { claim?: string; claimedUntil?: string }>();
  readonly ledger: LedgerEntry[] = [];

  async reserveStock(orderId: string, lines: Json, owner: EffectOwner): Promise<EffectOutcome> {
    return this.apply(this.reservations, orderId, lines, owner, 'reserve');
  }

  async releaseStock(orderId: string, owner: EffectOwner): Promise<EffectOutcome> {
    return this.undo(this.reservations, orderId, owner, 'release');
  }

  async saveOrder(record: OrderRecord, owner: EffectOwner): Promise<EffectOutcome> {
    return this.apply(this.orders, record.orderId, structuredClone(record), owner, 'save');
  }

  async deleteOrder(orderId: string, owner: EffectOwner): Promise<EffectOutcome> {
    return this.undo(this.orders, orderId, owner, 'delete');
  }

  async getOrder(orderId: string): Promise<OrderRecord | undefined> {
    const record = this.orders.get(orderId);
    return record && structuredClone(record.value);
  }

  async effectsOf(orderId: string): Promise<OrderEffects> {
    const notifications = [...this.notifications.values()]
      .filter((n) => n.orderId === orderId)
      .map(({ claim: _claim, claimedUntil: _until, ...state }) => state);
    const ledger = this.ledger.filter((entry) => entry.orderId === orderId);
    return structuredClone({
      orderId,
      record: this.orders.get(orderId),
      reservation: this.reservations.get(orderId),
      notifications,
      ledger,
      runs: runsOf(ledger, notifications),
    });
  }

  async claimNotification(notification: Notification, owner: EffectOwner, claim: NotificationClaim) {
    const existing = this.notifications.get(notification.key);
    if (existing && (existing.status === 'sent' || (existing.claimedUntil ?? '') > claim.nowIso)) {
      const { claim: _claim, claimedUntil, ...state } = existing;
      return { claimed: false as const, state, claimedUntil };
    }
    this.notifications.set(notification.key, {
      key: notification.key,
      orderId: notification.orderId,
      eventType: notification.eventType,
      status: 'pending',
      ...owner,
      at: claim.nowIso,
      claim: claim.token,
      claimedUntil: claim.untilIso,
    });
    return { claimed: true as const };
  }

  async completeNotification(notification: Notification, token: string, messageId: string, at: string) {
    const existing = this.notifications.get(notification.key);
    if (existing?.claim !== token) return;
    this.notifications.set(notification.key, {
      ...existing,
      status: 'sent',
      messageId,
      at,
      claim: undefined,
      claimedUntil: undefined,
    });
  }

  async releaseNotification(notification: Notification, token: string) {
    if (this.notifications.get(notification.key)?.claim === token)
      this.notifications.delete(notification.key);
  }

  private apply<T>(
    map: Map<string, OwnedEffect<T>>,
    orderId: string,
    value: T,
    owner: EffectOwner,
    kind: LedgerEntry['kind'],
  ): EffectOutcome {
    const verdict = applyVerdict(map.get(orderId), owner);
    if (verdict === 'applied') {
      const at = new Date().toISOString();
      map.set(orderId, { value, ...owner, at });
      this.record(kind, orderId, owner, at);
    }
    return verdict;
  }

  private undo<T>(
    map: Map<string, OwnedEffect<T>>,
    orderId: string,
    owner: EffectOwner,
    kind: LedgerEntry['kind'],
  ): EffectOutcome {
    const verdict = undoVerdict(map.get(orderId), owner);
    if (verdict === 'applied') {
      map.delete(orderId);
      this.record(kind, orderId, owner, new Date().toISOString());
    }
    return verdict;
  }

  private record(kind: LedgerEntry['kind'], orderId: string, owner: EffectOwner, at: string): void {
    this.ledger.push({ kind, orderId, sequence: this.ledger.length + 1, ...owner, at });
  }
}

/** The in-memory ports: a store, and a notifier whose channel keeps what it published. */
export function inMemoryPorts() {
  const orderStore = new InMemoryOrderStore();
  const published: (Notification & EffectOwner & { messageId: string })[] = [];
  const notifier = onceNotifier(orderStore, async (notification, owner) => {
    const messageId = `memory-${published.length + 1}`;
    published.push({ ...notification, ...owner, messageId });
    return messageId;
  });
  return { orderStore, notifier, published };
}
export type InMemoryPorts = ReturnType<typeof inMemoryPorts>;
