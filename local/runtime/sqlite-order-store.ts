import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { LedgerEntry, OrderRecord, OrderStore } from '../../lambda/workflow/order/ports.js';
import type { Json } from '../../lambda/workflow/types.js';

/**
 * A durable `OrderStore` several worker processes can share (SQLite, WAL). Each effect and its ledger entry are
 * one transaction, so a worker killed at any instant leaves either both or neither: the chaos run reconciles
 * orders against this ledger.
 */
export class SqliteOrderStore implements OrderStore {
  private readonly db: Database.Database;
  private readonly apply: (kind: LedgerEntry['kind'], orderId: string, change: () => number) => boolean;

  constructor(path: string) {
    mkdirSync(dirname(path), { recursive: true });
    this.db = new Database(path);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('busy_timeout = 10000');
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS reservations (order_id TEXT PRIMARY KEY, lines TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS orders (order_id TEXT PRIMARY KEY, body TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS ledger (sequence INTEGER PRIMARY KEY AUTOINCREMENT, kind TEXT NOT NULL, order_id TEXT NOT NULL);
    `);
    const record = this.db.prepare('INSERT INTO ledger (kind, order_id) VALUES (?, ?)');
    this.apply = this.db.transaction((kind: LedgerEntry['kind'], orderId: string, change: () => number) => {
      if (change() === 0) return false;
      record.run(kind, orderId);
      return true;
    });
  }

  async reserveStock(orderId: string, lines: Json): Promise<boolean> {
    const insert = this.db.prepare('INSERT OR IGNORE INTO reservations (order_id, lines) VALUES (?, ?)');
    return this.apply('reserve', orderId, () => insert.run(orderId, JSON.stringify(lines)).changes);
  }

  async releaseStock(orderId: string): Promise<boolean> {
    const remove = this.db.prepare('DELETE FROM reservations WHERE order_id = ?');
    return this.apply('release', orderId, () => remove.run(orderId).changes);
  }

  async saveOrder(record: OrderRecord): Promise<boolean> {
    const insert = this.db.prepare('INSERT OR IGNORE INTO orders (order_id, body) VALUES (?, ?)');
    return this.apply(
      'save',
      record.orderId,
      () => insert.run(record.orderId, JSON.stringify(record)).changes,
    );
  }

  async deleteOrder(orderId: string): Promise<boolean> {
    const remove = this.db.prepare('DELETE FROM orders WHERE order_id = ?');
    return this.apply('delete', orderId, () => remove.run(orderId).changes);
  }

  async getOrder(orderId: string): Promise<OrderRecord | undefined> {
    const row = this.db.prepare('SELECT body FROM orders WHERE order_id = ?').get(orderId) as
      | { body: string }
      | undefined;
    return row ? (JSON.parse(row.body) as OrderRecord) : undefined;
  }

  /** Every side effect applied, in order. */
  ledger(): LedgerEntry[] {
    return (
      this.db
        .prepare('SELECT sequence, kind, order_id AS orderId FROM ledger ORDER BY sequence')
        .all() as LedgerEntry[]
    ).map((e) => ({ ...e }));
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}
