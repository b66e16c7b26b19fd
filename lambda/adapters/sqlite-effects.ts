import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
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
import type { NotificationClaim, NotificationLog } from './once-notifier.js';
import { applyVerdict, runsOf, undoVerdict } from './ownership.js';

type Holder = { lineage_id: string; run_id: string; at: string; value: string };
type NotificationRow = {
  key: string;
  order_id: string;
  event_type: string;
  status: 'pending' | 'sent';
  lineage_id: string;
  run_id: string;
  message_id: string | null;
  claim: string | null;
  claimed_until: string | null;
  at: string;
};

/** A message the local channel published (the outbox stands in for the SNS topic). */
export interface OutboxMessage extends Notification {
  id: number;
  runId: string;
  at: string;
}

const EFFECT_TABLES = { reservation: 'stock_reservations', record: 'order_records' } as const;

/** Opens the effects file every local process shares: WAL, and a wait for the writer instead of SQLITE_BUSY. */
export function openEffectsDatabase(path: string): Database.Database {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('busy_timeout = 10000');
  return db;
}

/**
 * Order effects in one SQLite file that every local worker process shares (WAL): `npm start`, `swfctl worker`,
 * the demo and the chaos run. Each check-and-write is one IMMEDIATE transaction with its ledger entry, so
 * concurrent processes apply an effect exactly once and a killed worker leaves both or neither.
 */
export class SqliteEffects implements OrderStore, NotificationLog {
  readonly path: string;
  private readonly db: Database.Database;

  constructor(path: string) {
    this.path = path;
    this.db = openEffectsDatabase(path);
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS stock_reservations (order_id TEXT PRIMARY KEY, value TEXT NOT NULL,
        lineage_id TEXT NOT NULL, run_id TEXT NOT NULL, at TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS order_records (order_id TEXT PRIMARY KEY, value TEXT NOT NULL,
        lineage_id TEXT NOT NULL, run_id TEXT NOT NULL, at TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS effect_ledger (sequence INTEGER PRIMARY KEY AUTOINCREMENT, kind TEXT NOT NULL,
        order_id TEXT NOT NULL, lineage_id TEXT NOT NULL, run_id TEXT NOT NULL, at TEXT NOT NULL);
      CREATE INDEX IF NOT EXISTS effect_ledger_order ON effect_ledger (order_id);
      CREATE TABLE IF NOT EXISTS notifications (key TEXT PRIMARY KEY, order_id TEXT NOT NULL,
        event_type TEXT NOT NULL, status TEXT NOT NULL, lineage_id TEXT NOT NULL, run_id TEXT NOT NULL,
        message_id TEXT, claim TEXT, claimed_until TEXT, at TEXT NOT NULL);
      CREATE INDEX IF NOT EXISTS notifications_order ON notifications (order_id);
      CREATE TABLE IF NOT EXISTS outbox (id INTEGER PRIMARY KEY AUTOINCREMENT, key TEXT NOT NULL,
        order_id TEXT NOT NULL, event_type TEXT NOT NULL, recipient TEXT NOT NULL, subject TEXT NOT NULL,
        body TEXT NOT NULL, run_id TEXT NOT NULL, at TEXT NOT NULL);
    `);
  }

  async reserveStock(orderId: string, lines: Json, owner: EffectOwner): Promise<EffectOutcome> {
    return this.apply('reservation', orderId, lines, owner, 'reserve');
  }

  async releaseStock(orderId: string, owner: EffectOwner): Promise<EffectOutcome> {
    return this.undo('reservation', orderId, owner, 'release');
  }

  async saveOrder(record: OrderRecord, owner: EffectOwner): Promise<EffectOutcome> {
    return this.apply('record', record.orderId, record as unknown as Json, owner, 'save');
  }

  async deleteOrder(orderId: string, owner: EffectOwner): Promise<EffectOutcome> {
    return this.undo('record', orderId, owner, 'delete');
  }

  async getOrder(orderId: string): Promise<OrderRecord | undefined> {
    return this.holder('record', orderId)?.value as OrderRecord | undefined;
  }

  async effectsOf(orderId: string): Promise<OrderEffects> {
    const ledger = this.ledger(orderId);
    const notifications = (
      this.db
        .prepare('SELECT * FROM notifications WHERE order_id = ? ORDER BY at')
        .all(orderId) as NotificationRow[]
    ).map(notificationState);
    return {
      orderId,
      record: this.holder('record', orderId) as OwnedEffect<OrderRecord> | undefined,
      reservation: this.holder('reservation', orderId),
      notifications,
      ledger,
      runs: runsOf(ledger, notifications),
    };
  }

  async claimNotification(notification: Notification, owner: EffectOwner, claim: NotificationClaim) {
    return this.db
      .transaction(() => {
        const row = this.db.prepare('SELECT * FROM notifications WHERE key = ?').get(notification.key) as
          | NotificationRow
          | undefined;
        if (row && (row.status === 'sent' || (row.claimed_until ?? '') > claim.nowIso)) {
          return {
            claimed: false as const,
            state: notificationState(row),
            claimedUntil: row.claimed_until ?? undefined,
          };
        }
        this.db
          .prepare(
            `INSERT OR REPLACE INTO notifications (key, order_id, event_type, status, lineage_id, run_id, claim, claimed_until, at)
           VALUES (?, ?, ?, 'pending', ?, ?, ?, ?, ?)`,
          )
          .run(
            notification.key,
            notification.orderId,
            notification.eventType,
            owner.lineageId,
            owner.runId,
            claim.token,
            claim.untilIso,
            claim.nowIso,
          );
        return { claimed: true as const };
      })
      .immediate();
  }

  async completeNotification(notification: Notification, token: string, messageId: string, at: string) {
    this.db
      .prepare(
        `UPDATE notifications SET status = 'sent', message_id = ?, claim = NULL, claimed_until = NULL, at = ?
         WHERE key = ? AND claim = ?`,
      )
      .run(messageId, at, notification.key, token);
  }

  async releaseNotification(notification: Notification, token: string) {
    this.db.prepare('DELETE FROM notifications WHERE key = ? AND claim = ?').run(notification.key, token);
  }

  /** The local channel: appends the message to the outbox table and returns its id. */
  publish(notification: Notification, owner: EffectOwner): string {
    const { lastInsertRowid } = this.db
      .prepare(
        'INSERT INTO outbox (key, order_id, event_type, recipient, subject, body, run_id, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      )
      .run(
        notification.key,
        notification.orderId,
        notification.eventType,
        notification.recipient,
        notification.subject,
        notification.body,
        owner.runId,
        new Date().toISOString(),
      );
    return `outbox-${lastInsertRowid}`;
  }

  /** Every message the local channel published, oldest first. */
  outbox(orderId?: string): OutboxMessage[] {
    const rows = this.db
      .prepare(
        `SELECT id, key, order_id AS orderId, event_type AS eventType, recipient, subject, body, run_id AS runId, at
         FROM outbox ${orderId === undefined ? '' : 'WHERE order_id = ?'} ORDER BY id`,
      )
      .all(...(orderId === undefined ? [] : [orderId])) as OutboxMessage[];
    return rows.map((row) => ({ ...row }));
  }

  /** Every side effect applied, in order (one order's, or all). */
  ledger(orderId?: string): LedgerEntry[] {
    const rows = this.db
      .prepare(
        `SELECT sequence, kind, order_id AS orderId, lineage_id AS lineageId, run_id AS runId, at FROM effect_ledger
         ${orderId === undefined ? '' : 'WHERE order_id = ?'} ORDER BY sequence`,
      )
      .all(...(orderId === undefined ? [] : [orderId])) as LedgerEntry[];
    return rows.map((row) => ({ ...row }));
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  private holder(kind: keyof typeof EFFECT_TABLES, orderId: string): OwnedEffect<Json> | undefined {
    const row = this.db
      .prepare(`SELECT value, lineage_id, run_id, at FROM ${EFFECT_TABLES[kind]} WHERE order_id = ?`)
      .get(orderId) as Holder | undefined;
    return (
      row && {
        value: JSON.parse(row.value) as Json,
        lineageId: row.lineage_id,
        runId: row.run_id,
        at: row.at,
      }
    );
  }

  private apply(
    kind: keyof typeof EFFECT_TABLES,
    orderId: string,
    value: Json,
    owner: EffectOwner,
    entry: LedgerEntry['kind'],
  ): EffectOutcome {
    return this.db
      .transaction(() => {
        const verdict = applyVerdict(this.holder(kind, orderId), owner);
        if (verdict !== 'applied') return verdict;
        const at = new Date().toISOString();
        this.db
          .prepare(
            `INSERT INTO ${EFFECT_TABLES[kind]} (order_id, value, lineage_id, run_id, at) VALUES (?, ?, ?, ?, ?)`,
          )
          .run(orderId, JSON.stringify(value), owner.lineageId, owner.runId, at);
        this.record(entry, orderId, owner, at);
        return verdict;
      })
      .immediate();
  }

  private undo(
    kind: keyof typeof EFFECT_TABLES,
    orderId: string,
    owner: EffectOwner,
    entry: LedgerEntry['kind'],
  ): EffectOutcome {
    return this.db
      .transaction(() => {
        const verdict = undoVerdict(this.holder(kind, orderId), owner);
        if (verdict !== 'applied') return verdict;
        this.db.prepare(`DELETE FROM ${EFFECT_TABLES[kind]} WHERE order_id = ?`).run(orderId);
        this.record(entry, orderId, owner, new Date().toISOString());
        return verdict;
      })
      .immediate();
  }

  private record(kind: LedgerEntry['kind'], orderId: string, owner: EffectOwner, at: string): void {
    this.db
      .prepare('INSERT INTO effect_ledger (kind, order_id, lineage_id, run_id, at) VALUES (?, ?, ?, ?, ?)')
      .run(kind, orderId, owner.lineageId, owner.runId, at);
  }
}

function notificationState(row: NotificationRow): NotificationState {
  return {
    key: row.key,
    orderId: row.order_id,
    eventType: row.event_type,
    status: row.status,
    lineageId: row.lineage_id,
    runId: row.run_id,
    ...(row.message_id ? { messageId: row.message_id } : {}),
    at: row.at,
  };
}
