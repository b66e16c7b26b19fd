import type Database from 'better-sqlite3';
import { type ExecutionRecord, noTimers } from '../engine/records.js';

/** A run as older versions stored it: whole, with its input. */
type OldRun = ExecutionRecord & { input?: string };

/**
 * Databases written before runs had rows of their own kept each run as one JSON document in `executions`.
 * Hands every such document, whole, to `write` (the store's own row writer), in one transaction, then drops the
 * old table: a server upgrade keeps every run.
 */
export function migrateWholeRunRows(db: Database.Database, write: (run: ExecutionRecord) => void): void {
  const old = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'executions'").get();
  if (!old) return;
  db.transaction(() => {
    for (const row of db.prepare('SELECT body FROM executions').all() as { body: string }[]) {
      // The run's input lives in its WorkflowExecutionStarted event; closed runs hold no open items.
      const { input: _input, ...run } = JSON.parse(row.body) as OldRun;
      const open = run.status === 'OPEN';
      write({
        ...run,
        activities: open ? (run.activities ?? {}) : {},
        timers: open ? Object.assign(noTimers(), run.timers) : noTimers(),
        children: open ? (run.children ?? {}) : {},
      });
    }
    db.exec('DROP TABLE executions');
  })();
}

/** A database from the first row-per-activity version kept each input in the activity's row: give it its own. */
export function migrateActivityInputs(db: Database.Database): void {
  const columns = db.prepare('PRAGMA table_info(run_activities)').all() as { name: string }[];
  if (!columns.some((c) => c.name === 'input')) return;
  db.transaction(() => {
    db.exec(`INSERT OR REPLACE INTO run_activity_inputs (run_id, scheduled_event_id, input)
      SELECT run_id, scheduled_event_id, input FROM run_activities WHERE input IS NOT NULL`);
    db.exec('ALTER TABLE run_activities DROP COLUMN input');
  })();
}
