import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import {
  type ActivityTaskRecord,
  type ChildRecord,
  type DomainRecord,
  type EventRecord,
  type ExecutionRecord,
  noTimers,
  setTimer,
  type TimerRecord,
  type TypeRecord,
} from '../engine/records.js';
import { migrateActivityInputs, migrateWholeRunRows } from './migrate.js';
import {
  type ChangeSet,
  type ClosedQuery,
  type RunChange,
  type Store,
  type StoredState,
  StoreUnavailable,
} from './store.js';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS domains (name TEXT PRIMARY KEY, body TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS types (
  domain TEXT NOT NULL, kind TEXT NOT NULL, name TEXT NOT NULL, version TEXT NOT NULL, body TEXT NOT NULL,
  PRIMARY KEY (domain, kind, name, version));
CREATE TABLE IF NOT EXISTS runs (
  run_id TEXT PRIMARY KEY, domain TEXT NOT NULL, workflow_id TEXT NOT NULL, type_name TEXT NOT NULL,
  type_version TEXT NOT NULL, status TEXT NOT NULL, close_status TEXT, start_ts INTEGER NOT NULL,
  close_ts INTEGER, tags TEXT NOT NULL, body TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS runs_by_close ON runs (domain, status, close_ts);
CREATE INDEX IF NOT EXISTS runs_by_start ON runs (domain, status, start_ts);
CREATE INDEX IF NOT EXISTS runs_open ON runs (run_id) WHERE status = 'OPEN';
CREATE TABLE IF NOT EXISTS run_activities (
  run_id TEXT NOT NULL, scheduled_event_id INTEGER NOT NULL, body TEXT NOT NULL,
  PRIMARY KEY (run_id, scheduled_event_id)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS run_activity_inputs (
  run_id TEXT NOT NULL, scheduled_event_id INTEGER NOT NULL, input TEXT NOT NULL,
  PRIMARY KEY (run_id, scheduled_event_id));
CREATE TABLE IF NOT EXISTS run_timers (
  run_id TEXT NOT NULL, timer_id TEXT NOT NULL, body TEXT NOT NULL, PRIMARY KEY (run_id, timer_id)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS run_children (
  run_id TEXT NOT NULL, initiated_event_id INTEGER NOT NULL, body TEXT NOT NULL,
  PRIMARY KEY (run_id, initiated_event_id)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS events (
  run_id TEXT NOT NULL, event_id INTEGER NOT NULL, body TEXT NOT NULL, PRIMARY KEY (run_id, event_id)) WITHOUT ROWID;
`;

/** SQLite error codes that say "not now" (another holder, the disk) rather than "this request is wrong". */
const TRANSIENT = /^SQLITE_(BUSY|LOCKED|IOERR|FULL|PROTOCOL|CANTOPEN|NOMEM)/;

/** The second server on a database: who holds it, in words. */
export class DatabaseInUse extends Error {
  override name = 'DatabaseInUse';
}

/** Injected write faults, for tests: called before every statement a commit runs. */
export type WriteFault = (statement: string) => void;

/**
 * SQLite in WAL mode, one file per server, held exclusively while it runs. Each request's changes are one
 * transaction of row-sized writes (an event appended, an activity updated), committed before the response is
 * sent, so a `kill -9` loses nothing that a client was told had happened. `:memory:` gives the same store
 * without a file (the `--memory` server).
 */
export class SqliteStore implements Store {
  readonly kind: 'memory' | 'sqlite';
  private readonly db: Database.Database;
  private readonly s;
  private readonly commitTransaction: (changes: ChangeSet) => void;
  private readonly ownerFile: string | undefined;
  /** Tests only: a fault to raise before a write. */
  fault: WriteFault | undefined;

  constructor(readonly path: string) {
    const memory = path === ':memory:';
    this.kind = memory ? 'memory' : 'sqlite';
    if (!memory) mkdirSync(dirname(path), { recursive: true });
    this.db = new Database(path, { timeout: 0 });
    if (!memory) {
      this.ownerFile = `${path}.owner`;
      this.takeOwnership();
    }
    // NORMAL is durable against a killed process (the WAL is in the OS); only power loss could cost the last commits.
    this.db.pragma('synchronous = NORMAL');
    this.db.exec(SCHEMA);
    migrateActivityInputs(this.db);
    const run = (sql: string) => this.db.prepare(sql);
    this.s = {
      putDomain: run('INSERT OR REPLACE INTO domains (name, body) VALUES (?, ?)'),
      putType: run('INSERT OR REPLACE INTO types (domain, kind, name, version, body) VALUES (?, ?, ?, ?, ?)'),
      deleteType: run('DELETE FROM types WHERE domain = ? AND kind = ? AND name = ? AND version = ?'),
      insertRun: run(
        `INSERT INTO runs (run_id, domain, workflow_id, type_name, type_version, status, close_status, start_ts,
         close_ts, tags, body) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      // An open run's change rewrites its body only; the indexed columns change once, when it closes.
      updateOpenRun: run('UPDATE runs SET body = ? WHERE run_id = ?'),
      closeRun: run('UPDATE runs SET status = ?, close_status = ?, close_ts = ?, body = ? WHERE run_id = ?'),
      updateActivity: run('UPDATE run_activities SET body = ? WHERE run_id = ? AND scheduled_event_id = ?'),
      insertActivity: run('INSERT INTO run_activities (run_id, scheduled_event_id, body) VALUES (?, ?, ?)'),
      insertInput: run(
        'INSERT INTO run_activity_inputs (run_id, scheduled_event_id, input) VALUES (?, ?, ?)',
      ),
      deleteActivity: run('DELETE FROM run_activities WHERE run_id = ? AND scheduled_event_id = ?'),
      deleteInput: run('DELETE FROM run_activity_inputs WHERE run_id = ? AND scheduled_event_id = ?'),
      putTimer: run('INSERT OR REPLACE INTO run_timers (run_id, timer_id, body) VALUES (?, ?, ?)'),
      deleteTimer: run('DELETE FROM run_timers WHERE run_id = ? AND timer_id = ?'),
      putChild: run(
        'INSERT OR REPLACE INTO run_children (run_id, initiated_event_id, body) VALUES (?, ?, ?)',
      ),
      deleteChild: run('DELETE FROM run_children WHERE run_id = ? AND initiated_event_id = ?'),
      putEvent: run('INSERT INTO events (run_id, event_id, body) VALUES (?, ?, ?)'),
      putMeta: run('INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)'),
      getRun: run('SELECT body FROM runs WHERE run_id = ?'),
      activitiesOf: run(
        `SELECT i.input, a.body FROM run_activities a LEFT JOIN run_activity_inputs i
         ON i.run_id = a.run_id AND i.scheduled_event_id = a.scheduled_event_id WHERE a.run_id = ?`,
      ),
      timersOf: run('SELECT body FROM run_timers WHERE run_id = ?'),
      childrenOf: run('SELECT body FROM run_children WHERE run_id = ?'),
      eventsOf: run('SELECT body FROM events WHERE run_id = ? ORDER BY event_id LIMIT ?'),
      expired: run("SELECT run_id FROM runs WHERE domain = ? AND status = 'CLOSED' AND close_ts <= ?"),
      purgeRun: run('DELETE FROM runs WHERE run_id = ?'),
      purgeEvents: run('DELETE FROM events WHERE run_id = ?'),
    };
    this.commitTransaction = this.db.transaction((changes: ChangeSet) => this.write(changes));
    migrateWholeRunRows(this.db, (execution) =>
      this.writeRun({
        execution,
        isNew: true,
        row: true,
        activities: new Set(Object.keys(execution.activities)),
        timers: new Set(Object.keys(execution.timers)),
        children: new Set(Object.keys(execution.children)),
      }),
    );
  }

  /**
   * Holds the database exclusively for as long as this server runs (SQLite's exclusive locking mode), and says
   * who holds it when another server already does.
   */
  private takeOwnership(): void {
    const owner = this.ownerFile as string;
    try {
      this.db.pragma('locking_mode = EXCLUSIVE');
      this.db.pragma('journal_mode = WAL');
      // The first write takes the exclusive lock, which this connection then keeps until it closes.
      this.db.exec('CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)');
      this.db
        .prepare("INSERT OR REPLACE INTO meta (key, value) VALUES ('owner', ?)")
        .run(String(process.pid));
    } catch (error) {
      this.db.close();
      if (!TRANSIENT.test((error as { code?: string }).code ?? '')) throw error;
      let holder = 'another process';
      try {
        const { pid, since } = JSON.parse(readFileSync(owner, 'utf8')) as { pid: number; since: string };
        holder = `swf-local pid ${pid} (running since ${since})`;
      } catch {}
      throw new DatabaseInUse(
        `${this.path} is in use by ${holder}. One server owns a database: stop that one, or give this one another --db.`,
      );
    }
    writeFileSync(owner, JSON.stringify({ pid: process.pid, since: new Date().toISOString() }));
  }

  private step(statement: string): void {
    this.fault?.(statement);
  }

  private write(changes: ChangeSet): void {
    const s = this.s;
    for (const d of changes.domains) {
      this.step('domain');
      s.putDomain.run(d.name, JSON.stringify(d));
    }
    for (const t of changes.types) {
      this.step('type');
      s.putType.run(t.domain, t.kind, t.name, t.version, JSON.stringify(t));
    }
    for (const t of changes.deletedTypes) {
      this.step('type');
      s.deleteType.run(t.domain, t.kind, t.name, t.version);
    }
    for (const { runId, event } of changes.events) {
      this.step('event');
      s.putEvent.run(runId, event.eventId, JSON.stringify(event));
    }
    for (const change of changes.runs) this.writeRun(change);
  }

  private writeRun(change: RunChange): void {
    const s = this.s;
    const e = change.execution;
    const runId = e.runId;
    if (change.isNew || change.row) {
      this.step('run');
      const body = runBody(e);
      if (change.isNew) {
        s.insertRun.run(
          runId,
          e.domain,
          e.workflowId,
          e.workflowType.name,
          e.workflowType.version,
          e.status,
          e.closeStatus ?? null,
          e.startTimestamp,
          e.closeTimestamp ?? null,
          JSON.stringify(e.tagList),
          body,
        );
      } else if (e.status === 'OPEN') {
        s.updateOpenRun.run(body, runId);
      } else {
        s.closeRun.run(e.status, e.closeStatus ?? null, e.closeTimestamp ?? null, body, runId);
      }
    }
    for (const key of change.activities) {
      this.step('activity');
      const activity = Object.hasOwn(e.activities, key) ? e.activities[key] : undefined;
      if (!activity) {
        s.deleteActivity.run(runId, Number(key));
        s.deleteInput.run(runId, Number(key));
        continue;
      }
      const { input, ...rest } = activity;
      const body = JSON.stringify(rest);
      // An update writes the activity's small state row; its input has a row of its own, written once.
      if (s.updateActivity.run(body, runId, activity.scheduledEventId).changes === 0) {
        s.insertActivity.run(runId, activity.scheduledEventId, body);
        if (input !== undefined) s.insertInput.run(runId, activity.scheduledEventId, input);
      }
    }
    for (const key of change.timers) {
      this.step('timer');
      const timer = Object.hasOwn(e.timers, key) ? e.timers[key] : undefined;
      if (timer) s.putTimer.run(runId, key, JSON.stringify(timer));
      else s.deleteTimer.run(runId, key);
    }
    for (const key of change.children) {
      this.step('child');
      const child = Object.hasOwn(e.children, key) ? e.children[key] : undefined;
      if (child) s.putChild.run(runId, Number(key), JSON.stringify(child));
      else s.deleteChild.run(runId, Number(key));
    }
  }

  load(): StoredState {
    const bodies = <T>(sql: string) =>
      (this.db.prepare(sql).all() as { body: string }[]).map((r) => JSON.parse(r.body) as T);
    const secret = this.db.prepare("SELECT value FROM meta WHERE key = 'secret'").get() as
      | { value: string }
      | undefined;
    const open = new Map<string, ExecutionRecord>();
    for (const row of this.db
      .prepare("SELECT body FROM runs INDEXED BY runs_open WHERE status = 'OPEN'")
      .iterate()) {
      const execution = fromRunBody((row as { body: string }).body);
      open.set(execution.runId, execution);
    }
    const rows = (sql: string) =>
      this.db.prepare(sql).iterate() as Iterable<{ run_id: string; input?: string | null; body: string }>;
    for (const row of rows(
      `SELECT a.run_id, i.input, a.body FROM run_activities a LEFT JOIN run_activity_inputs i
       ON i.run_id = a.run_id AND i.scheduled_event_id = a.scheduled_event_id`,
    )) {
      const execution = open.get(row.run_id);
      if (execution) addActivity(execution, row.input, row.body);
    }
    for (const row of rows('SELECT run_id, body FROM run_timers')) {
      const execution = open.get(row.run_id);
      if (execution) addTimer(execution, row.body);
    }
    for (const row of rows('SELECT run_id, body FROM run_children')) {
      const execution = open.get(row.run_id);
      if (execution) addChild(execution, row.body);
    }
    return {
      secret: secret?.value,
      domains: bodies<DomainRecord>('SELECT body FROM domains'),
      types: bodies<TypeRecord>('SELECT body FROM types'),
      openExecutions: [...open.values()],
    };
  }

  loadRun(runId: string): ExecutionRecord | undefined {
    const row = this.s.getRun.get(runId) as { body: string } | undefined;
    if (!row) return undefined;
    const execution = fromRunBody(row.body);
    for (const a of this.s.activitiesOf.all(runId) as { input: string | null; body: string }[])
      addActivity(execution, a.input, a.body);
    for (const t of this.s.timersOf.all(runId) as { body: string }[]) addTimer(execution, t.body);
    for (const c of this.s.childrenOf.all(runId) as { body: string }[]) addChild(execution, c.body);
    return execution;
  }

  events(runId: string, limit = -1): EventRecord[] {
    return (this.s.eventsOf.all(runId, limit) as { body: string }[]).map(
      (r) => JSON.parse(r.body) as EventRecord,
    );
  }

  closedRunIds(query: ClosedQuery): string[] {
    const key = query.byClose ? 'close_ts' : 'start_ts';
    const where = [`domain = ?`, `status = 'CLOSED'`, `${key} >= ?`, `${key} <= ?`];
    const values: unknown[] = [
      query.domain,
      Math.max(query.oldest, -Number.MAX_SAFE_INTEGER),
      Math.min(query.latest, Number.MAX_SAFE_INTEGER),
    ];
    const add = (clause: string, value: unknown) => {
      where.push(clause);
      values.push(value);
    };
    if (query.workflowId !== undefined) add('workflow_id = ?', query.workflowId);
    if (query.typeName !== undefined) add('type_name = ?', query.typeName);
    if (query.typeVersion !== undefined) add('type_version = ?', query.typeVersion);
    if (query.closeStatus !== undefined) add('close_status = ?', query.closeStatus);
    if (query.tag !== undefined)
      add('EXISTS (SELECT 1 FROM json_each(runs.tags) WHERE value = ?)', query.tag);
    const order = query.reverse ? `${key} ASC, run_id DESC` : `${key} DESC, run_id ASC`;
    const sql = `SELECT run_id FROM runs WHERE ${where.join(' AND ')} ORDER BY ${order}`;
    return (
      (this.db
        .prepare(sql)
        .pluck()
        .all(...values) as string[]) ?? []
    );
  }

  purge(now: number, retentionMs: ReadonlyMap<string, number>): number {
    let purged = 0;
    this.db.transaction(() => {
      for (const [domain, ms] of retentionMs) {
        for (const runId of this.s.expired.pluck().all(domain, now - ms) as string[]) {
          this.s.purgeRun.run(runId);
          this.s.purgeEvents.run(runId);
          purged++;
        }
      }
    })();
    return purged;
  }

  saveSecret(secret: string): void {
    this.s.putMeta.run('secret', secret);
  }

  commit(changes: ChangeSet): void {
    try {
      this.commitTransaction(changes);
    } catch (error) {
      const code = (error as { code?: string }).code ?? '';
      if (TRANSIENT.test(code))
        throw new StoreUnavailable(`the database could not be written (${code})`, code);
      throw error;
    }
  }

  close(): void {
    if (!this.db.open) return;
    this.db.close();
    if (this.ownerFile) rmSync(this.ownerFile, { force: true });
  }
}

/** A run's own row: everything but its activities, timers and children, which have rows of their own. */
function runBody(execution: ExecutionRecord): string {
  const { activities, timers, children, ...rest } = execution;
  return JSON.stringify(rest);
}

function fromRunBody(body: string): ExecutionRecord {
  return { ...(JSON.parse(body) as ExecutionRecord), activities: {}, timers: noTimers(), children: {} };
}

function addActivity(execution: ExecutionRecord, input: string | null | undefined, body: string): void {
  const activity = JSON.parse(body) as ActivityTaskRecord;
  if (input !== null && input !== undefined) activity.input = input;
  execution.activities[String(activity.scheduledEventId)] = activity;
}

function addTimer(execution: ExecutionRecord, body: string): void {
  setTimer(execution, JSON.parse(body) as TimerRecord);
}

function addChild(execution: ExecutionRecord, body: string): void {
  const child = JSON.parse(body) as ChildRecord;
  execution.children[String(child.initiatedEventId)] = child;
}
