import type Database from 'better-sqlite3';
import type { ExecutionRecord } from '../engine/records.js';

/** A run as older versions stored it: whole, with its input. */
type OldRun = ExecutionRecord & { input?: string };

/**
 * Databases written before runs had rows of their own kept each run as one JSON document in `executions`.
 * Splits every such document into the run's row and its activity, timer and child rows, in one transaction,
 * then drops the old table: a server upgrade keeps every run.
 */
export function migrateWholeRunRows(db: Database.Database): void {
  const old = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'executions'").get();
  if (!old) return;
  const insertRun = db.prepare(
    `INSERT OR REPLACE INTO runs (run_id, domain, workflow_id, type_name, type_version, status, close_status,
     start_ts, close_ts, tags, body) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const insertActivity = db.prepare(
    'INSERT OR REPLACE INTO run_activities (run_id, scheduled_event_id, body) VALUES (?, ?, ?)',
  );
  const insertInput = db.prepare(
    'INSERT OR REPLACE INTO run_activity_inputs (run_id, scheduled_event_id, input) VALUES (?, ?, ?)',
  );
  const insertTimer = db.prepare(
    'INSERT OR REPLACE INTO run_timers (run_id, timer_id, body) VALUES (?, ?, ?)',
  );
  const insertChild = db.prepare(
    'INSERT OR REPLACE INTO run_children (run_id, initiated_event_id, body) VALUES (?, ?, ?)',
  );
  db.transaction(() => {
    for (const row of db.prepare('SELECT body FROM executions').all() as { body: string }[]) {
      const {
        activities = {},
        timers = {},
        children = {},
        input: _input,
        ...run
      } = JSON.parse(row.body) as OldRun;
      insertRun.run(
        run.runId,
        run.domain,
        run.workflowId,
        run.workflowType.name,
        run.workflowType.version,
        run.status,
        run.closeStatus ?? null,
        run.startTimestamp,
        run.closeTimestamp ?? null,
        JSON.stringify(run.tagList ?? []),
        JSON.stringify(run),
      );
      if (run.status !== 'OPEN') continue;
      for (const activity of Object.values(activities) as { scheduledEventId: number; input?: string }[]) {
        const { input, ...rest } = activity;
        insertActivity.run(run.runId, activity.scheduledEventId, JSON.stringify(rest));
        if (input !== undefined) insertInput.run(run.runId, activity.scheduledEventId, input);
      }
      for (const [timerId, timer] of Object.entries(timers))
        insertTimer.run(run.runId, timerId, JSON.stringify(timer));
      for (const [initiated, child] of Object.entries(children))
        insertChild.run(run.runId, Number(initiated), JSON.stringify(child));
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
