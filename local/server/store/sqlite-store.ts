import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { DomainRecord, EventRecord, ExecutionRecord, TypeRecord } from '../engine/records.js';
import type { ChangeSet, Store, StoredState } from './store.js';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS domains (name TEXT PRIMARY KEY, body TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS types (
  domain TEXT NOT NULL, kind TEXT NOT NULL, name TEXT NOT NULL, version TEXT NOT NULL, body TEXT NOT NULL,
  PRIMARY KEY (domain, kind, name, version));
CREATE TABLE IF NOT EXISTS executions (
  run_id TEXT PRIMARY KEY, domain TEXT NOT NULL, workflow_id TEXT NOT NULL, status TEXT NOT NULL, body TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS events (
  run_id TEXT NOT NULL, event_id INTEGER NOT NULL, body TEXT NOT NULL, PRIMARY KEY (run_id, event_id)) WITHOUT ROWID;
`;

/**
 * SQLite in WAL mode. Each request's changes are one transaction, committed before the response is sent,
 * so a `kill -9` loses nothing that a client was told had happened.
 */
export class SqliteStore implements Store {
  readonly kind = 'sqlite' as const;
  private readonly db: Database.Database;
  private readonly statements;
  private readonly commitTransaction: (changes: ChangeSet) => void;

  constructor(readonly path: string) {
    mkdirSync(dirname(path), { recursive: true });
    this.db = new Database(path);
    this.db.pragma('journal_mode = WAL');
    // NORMAL is durable against a killed process (the WAL is in the OS); only power loss could cost the last commits.
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('busy_timeout = 5000');
    this.db.exec(SCHEMA);
    this.statements = {
      putDomain: this.db.prepare('INSERT OR REPLACE INTO domains (name, body) VALUES (?, ?)'),
      putType: this.db.prepare(
        'INSERT OR REPLACE INTO types (domain, kind, name, version, body) VALUES (?, ?, ?, ?, ?)',
      ),
      deleteType: this.db.prepare(
        'DELETE FROM types WHERE domain = ? AND kind = ? AND name = ? AND version = ?',
      ),
      putExecution: this.db.prepare(
        'INSERT OR REPLACE INTO executions (run_id, domain, workflow_id, status, body) VALUES (?, ?, ?, ?, ?)',
      ),
      putEvent: this.db.prepare('INSERT OR REPLACE INTO events (run_id, event_id, body) VALUES (?, ?, ?)'),
      putMeta: this.db.prepare('INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)'),
      purgeExecution: this.db.prepare('DELETE FROM executions WHERE run_id = ?'),
      purgeEvents: this.db.prepare('DELETE FROM events WHERE run_id = ?'),
    };
    this.commitTransaction = this.db.transaction((changes: ChangeSet) => {
      for (const d of changes.domains) this.statements.putDomain.run(d.name, JSON.stringify(d));
      for (const t of changes.types)
        this.statements.putType.run(t.domain, t.kind, t.name, t.version, JSON.stringify(t));
      for (const t of changes.deletedTypes)
        this.statements.deleteType.run(t.domain, t.kind, t.name, t.version);
      for (const e of changes.executions) {
        this.statements.putExecution.run(e.runId, e.domain, e.workflowId, e.status, JSON.stringify(e));
      }
      for (const { runId, event } of changes.events)
        this.statements.putEvent.run(runId, event.eventId, JSON.stringify(event));
    });
  }

  load(): StoredState {
    const rows = <T>(sql: string) =>
      (this.db.prepare(sql).all() as { body: string }[]).map((r) => JSON.parse(r.body) as T);
    const events = new Map<string, EventRecord[]>();
    const eventRows = this.db
      .prepare('SELECT run_id, body FROM events ORDER BY run_id, event_id')
      .iterate() as Iterable<{
      run_id: string;
      body: string;
    }>;
    for (const row of eventRows) {
      let list = events.get(row.run_id);
      if (!list) {
        list = [];
        events.set(row.run_id, list);
      }
      list.push(JSON.parse(row.body) as EventRecord);
    }
    const secret = this.db.prepare("SELECT value FROM meta WHERE key = 'secret'").get() as
      | { value: string }
      | undefined;
    return {
      secret: secret?.value,
      domains: rows<DomainRecord>('SELECT body FROM domains'),
      types: rows<TypeRecord>('SELECT body FROM types'),
      executions: rows<ExecutionRecord>('SELECT body FROM executions'),
      events,
    };
  }

  saveSecret(secret: string): void {
    this.statements.putMeta.run('secret', secret);
  }

  commit(changes: ChangeSet): void {
    this.commitTransaction(changes);
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}
