import { join } from 'node:path';
import * as S from '@aws-sdk/client-swf';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { SqliteStore } from '../../local/server/store/sqlite-store.js';
import { scratchDirectory } from '../support/scratch.js';
import {
  history,
  pollActivity,
  pollDecision,
  respond,
  scheduleA,
  setupDomain,
  startLocal,
  startTimer,
  types,
  W,
} from '../support/swf-local.js';

const directory = scratchDirectory('swf-store');

const count = (db: string, table: string) => {
  const sqlite = new Database(db, { readonly: true });
  try {
    return (sqlite.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
  } finally {
    sqlite.close();
  }
};

describe('the SQLite store', () => {
  it('deletes runs past their retention, history and all, and keeps closed runs out of memory', async () => {
    const db = join(directory, 'purge.db');
    const { server, swf } = await startLocal({ memory: false, dbPath: db });
    const domain = await setupDomain(swf, 'purged');
    const ids: string[] = [];
    for (const workflowId of ['old-1', 'old-2', 'kept']) {
      const { runId } = await swf.send(
        new S.StartWorkflowExecutionCommand({
          domain,
          workflowId,
          workflowType: W,
          executionStartToCloseTimeout: String(365 * 86_400),
        }),
      );
      ids.push(runId as string);
      if (workflowId === 'kept') continue;
      const task = await pollDecision(swf, domain);
      await respond(swf, task.taskToken, [{ decisionType: 'CompleteWorkflowExecution' }]);
    }
    expect(server.engine.core.runs.openCount, 'closed runs leave memory').toBe(1);
    // Closed runs are still there for every query, read from disk.
    const closed = await swf.send(
      new S.ListClosedWorkflowExecutionsCommand({ domain, startTimeFilter: { oldestDate: new Date(0) } }),
    );
    expect(closed.executionInfos?.map((i) => i.execution?.workflowId).sort()).toEqual(['old-1', 'old-2']);
    expect(types(await history(swf, domain, { workflowId: 'old-1', runId: ids[0] })).at(-1)).toBe(
      'WorkflowExecutionCompleted',
    );
    // Retention is one day: two days later both closed runs are gone from the database itself.
    server.advanceClock(2 * 86_400_000);
    await server.close();
    expect(count(db, 'runs')).toBe(1);
    const sqlite = new Database(db, { readonly: true });
    const left = sqlite.prepare('SELECT DISTINCT run_id FROM events').pluck().all();
    sqlite.close();
    expect(left).toEqual([ids[2]]);
  });

  it('opens a database written in the old one-document-per-run format and keeps every run', async () => {
    const db = join(directory, 'old.db');
    const { server, swf } = await startLocal({ memory: false, dbPath: db });
    const domain = await setupDomain(swf, 'legacy');
    const { runId } = await swf.send(
      new S.StartWorkflowExecutionCommand({ domain, workflowId: 'legacy', workflowType: W, input: 'keep' }),
    );
    const task = await pollDecision(swf, domain);
    await respond(swf, task.taskToken, [
      scheduleA('queued', { taskList: { name: 'later' } }),
      startTimer('toString', '60'),
    ]);
    const before = await history(swf, domain, { workflowId: 'legacy', runId });
    await server.close();

    // Rewrite the database the way older versions kept it: each run whole, in `executions`.
    const sqlite = new Database(db);
    const runs = sqlite.prepare('SELECT body FROM runs').all() as { body: string }[];
    const activities = sqlite
      .prepare(
        `SELECT a.run_id, i.input, a.body FROM run_activities a JOIN run_activity_inputs i
         ON i.run_id = a.run_id AND i.scheduled_event_id = a.scheduled_event_id`,
      )
      .all() as {
      run_id: string;
      input: string;
      body: string;
    }[];
    const timers = sqlite.prepare('SELECT run_id, body FROM run_timers').all() as {
      run_id: string;
      body: string;
    }[];
    sqlite.exec(`CREATE TABLE executions (run_id TEXT PRIMARY KEY, domain TEXT NOT NULL, workflow_id TEXT NOT NULL,
      status TEXT NOT NULL, body TEXT NOT NULL)`);
    for (const { body } of runs) {
      const run = JSON.parse(body);
      run.activities = {};
      run.timers = {};
      run.children = {};
      for (const a of activities.filter((x) => x.run_id === run.runId)) {
        const activity = { ...JSON.parse(a.body), input: a.input };
        run.activities[String(activity.scheduledEventId)] = activity;
      }
      for (const t of timers.filter((x) => x.run_id === run.runId)) {
        const timer = JSON.parse(t.body);
        run.timers[timer.timerId] = timer;
      }
      sqlite
        .prepare('INSERT INTO executions (run_id, domain, workflow_id, status, body) VALUES (?, ?, ?, ?, ?)')
        .run(run.runId, run.domain, run.workflowId, run.status, JSON.stringify(run));
    }
    sqlite.exec(
      'DELETE FROM runs; DELETE FROM run_activities; DELETE FROM run_activity_inputs; DELETE FROM run_timers;',
    );
    sqlite.close();

    const reopened = await startLocal({ memory: false, dbPath: db });
    try {
      const swf2 = reopened.swf;
      expect(await history(swf2, domain, { workflowId: 'legacy', runId })).toEqual(before);
      const described = await swf2.send(
        new S.DescribeWorkflowExecutionCommand({ domain, execution: { workflowId: 'legacy', runId } }),
      );
      expect(described.openCounts).toMatchObject({ openActivityTasks: 1, openTimers: 1 });
      const work = await pollActivity(swf2, domain, 'later');
      expect(work.input).toBe('queued');
      reopened.server.advanceClock(60_000);
      expect(types(await history(swf2, domain, { workflowId: 'legacy', runId }))).toContain('TimerFired');
    } finally {
      await reopened.server.close();
    }
    expect(count(db, 'runs')).toBe(1);
    const check = new Database(db, { readonly: true });
    expect(check.prepare("SELECT name FROM sqlite_master WHERE name = 'executions'").get()).toBeUndefined();
    check.close();
  });

  it('moves activity inputs out of the activity rows of a database from the first row-per-run version', () => {
    const db = join(directory, 'inputs.db');
    new SqliteStore(db).close();
    const sqlite = new Database(db);
    sqlite.exec(`DROP TABLE run_activities;
      CREATE TABLE run_activities (run_id TEXT NOT NULL, scheduled_event_id INTEGER NOT NULL, input TEXT,
        body TEXT NOT NULL, PRIMARY KEY (run_id, scheduled_event_id)) WITHOUT ROWID;`);
    sqlite
      .prepare(
        `INSERT INTO runs (run_id, domain, workflow_id, type_name, type_version, status, start_ts, tags, body)
         VALUES ('r', 'd', 'w', 'W', '1', 'OPEN', 0, '[]', ?)`,
      )
      .run(JSON.stringify({ runId: 'r', domain: 'd', workflowId: 'w', status: 'OPEN' }));
    sqlite
      .prepare("INSERT INTO run_activities VALUES ('r', 5, 'the input', ?)")
      .run(JSON.stringify({ scheduledEventId: 5, activityId: 'a', status: 'scheduled' }));
    sqlite.close();
    const store = new SqliteStore(db);
    try {
      expect(store.loadRun('r')?.activities['5']).toMatchObject({ activityId: 'a', input: 'the input' });
    } finally {
      store.close();
    }
  });
});
