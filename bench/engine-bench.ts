/**
 * The engine's write path, in process (no HTTP, no SDK): what one heartbeat costs with 10 and with 1,000 open
 * activities holding 32,000-character inputs (the cost must not grow with the run), and what a server pays at
 * startup for 100,000 closed runs in its database (time and memory, against an empty one). Targets are measured
 * alike and interleaved (ABAB...), and medians are reported.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { VirtualClock } from '../local/server/clock.js';
import { SwfEngine } from '../local/server/engine/engine.js';
import { SqliteStore } from '../local/server/store/sqlite-store.js';
import { median } from './harness.js';

const NO_POLL = { holdMs: 0, isGone: () => true, onGone: () => {} };

/** Domain `d`, workflow type W (task list w) and activity type A (task list a), every default set. */
async function register(engine: SwfEngine): Promise<void> {
  const call = (operation: string, input: unknown) => engine.handle(operation, input, NO_POLL);
  await call('RegisterDomain', { name: 'd', workflowExecutionRetentionPeriodInDays: '1' });
  await call('RegisterWorkflowType', {
    domain: 'd',
    name: 'W',
    version: '1',
    defaultTaskList: { name: 'w' },
    defaultExecutionStartToCloseTimeout: '86400',
    defaultTaskStartToCloseTimeout: '3600',
    defaultChildPolicy: 'TERMINATE',
  });
  await call('RegisterActivityType', {
    domain: 'd',
    name: 'A',
    version: '1',
    defaultTaskList: { name: 'a' },
    defaultTaskStartToCloseTimeout: '86400',
    defaultTaskScheduleToStartTimeout: '86400',
    defaultTaskScheduleToCloseTimeout: '86400',
    defaultTaskHeartbeatTimeout: '3600',
  });
}

/** A server (SQLite on disk) with one run holding `open` started activities; returns a heartbeat to time. */
async function heartbeatTarget(directory: string, open: number) {
  const engine = new SwfEngine(new VirtualClock(), new SqliteStore(join(directory, `hb-${open}.db`)));
  const call = (operation: string, input: unknown) => engine.handle(operation, input, NO_POLL);
  await register(engine);
  await call('StartWorkflowExecution', {
    domain: 'd',
    workflowId: 'w',
    workflowType: { name: 'W', version: '1' },
  });
  const task = (await call('PollForDecisionTask', { domain: 'd', taskList: { name: 'w' } })) as {
    taskToken: string;
  };
  const input = 'x'.repeat(32_000);
  const decisions = Array.from({ length: open }, (_, i) => ({
    decisionType: 'ScheduleActivityTask',
    scheduleActivityTaskDecisionAttributes: {
      activityType: { name: 'A', version: '1' },
      activityId: `a${i}`,
      input,
    },
  }));
  await call('RespondDecisionTaskCompleted', { taskToken: task.taskToken, decisions });
  const tokens: string[] = [];
  for (let i = 0; i < open; i++) {
    const work = (await call('PollForActivityTask', { domain: 'd', taskList: { name: 'a' } })) as {
      taskToken: string;
    };
    tokens.push(work.taskToken);
  }
  let n = 0;
  return {
    engine,
    beat: () =>
      call('RecordActivityTaskHeartbeat', { taskToken: tokens[n++ % tokens.length], details: `${n}` }),
  };
}

export async function measureHeartbeats(rounds = 15, perRound = 400) {
  const directory = mkdtempSync(join(tmpdir(), 'swf-hb-'));
  try {
    const targets = [
      { open: 10, ...(await heartbeatTarget(directory, 10)), samples: [] as number[] },
      { open: 1000, ...(await heartbeatTarget(directory, 1000)), samples: [] as number[] },
    ];
    // Warm both alike, then interleave.
    for (const t of targets) for (let i = 0; i < 2_000; i++) await t.beat();
    for (let r = 0; r < rounds; r++) {
      for (const t of targets) {
        const start = performance.now();
        for (let i = 0; i < perRound; i++) await t.beat();
        t.samples.push(((performance.now() - start) * 1000) / perRound);
      }
    }
    for (const t of targets) t.engine.close();
    const [ten, thousand] = targets.map((t) => Math.round(median(t.samples)));
    return {
      us10: ten as number,
      us1000: thousand as number,
      ratio: Math.round(((thousand as number) / (ten as number)) * 100) / 100,
    };
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}

/**
 * The engine's cost per workflow step, in process: 5-step runs driven through `handle` (validation, the engine,
 * the store; no HTTP, no SDK), on SQLite on disk and on SQLite in memory, interleaved, medians of CPU µs per step.
 * What the end-to-end server figure adds on top of this is HTTP and JSON.
 */
export async function measureEngineSteps(rounds = 5, ordersPerRound = 100) {
  const directory = mkdtempSync(join(tmpdir(), 'swf-steps-'));
  try {
    const targets = [
      {
        label: 'SQLite file',
        engine: new SwfEngine(new VirtualClock(), new SqliteStore(join(directory, 'steps.db'))),
      },
      { label: 'SQLite memory', engine: new SwfEngine(new VirtualClock(), new SqliteStore(':memory:')) },
    ].map((t) => ({ ...t, samples: [] as number[] }));
    const input = JSON.stringify({ orderId: 'x', items: [{ sku: 'a', quantity: 1, unitPrice: 1 }] });
    let next = 0;
    const drive = async (engine: SwfEngine, orders: number) => {
      const call = (operation: string, body: unknown) =>
        engine.handle(operation, body, NO_POLL) as Promise<{ taskToken: string }>;
      for (let n = 0; n < orders; n++) {
        const workflowId = `w${next++}`;
        await call('StartWorkflowExecution', {
          domain: 'd',
          workflowId,
          workflowType: { name: 'W', version: '1' },
          input,
        });
        for (let step = 0; step <= 5; step++) {
          const task = await call('PollForDecisionTask', { domain: 'd', taskList: { name: 'w' } });
          const decisions =
            step < 5
              ? [
                  {
                    decisionType: 'ScheduleActivityTask',
                    scheduleActivityTaskDecisionAttributes: {
                      activityType: { name: 'A', version: '1' },
                      activityId: `s${step}`,
                      input,
                    },
                  },
                ]
              : [
                  {
                    decisionType: 'CompleteWorkflowExecution',
                    completeWorkflowExecutionDecisionAttributes: { result: input },
                  },
                ];
          await call('RespondDecisionTaskCompleted', { taskToken: task.taskToken, decisions });
          if (step === 5) continue;
          const work = await call('PollForActivityTask', { domain: 'd', taskList: { name: 'a' } });
          await call('RespondActivityTaskCompleted', { taskToken: work.taskToken, result: input });
        }
      }
    };
    for (const { engine } of targets) {
      await register(engine);
      await drive(engine, ordersPerRound);
    }
    for (let r = 0; r < rounds; r++) {
      for (const t of targets) {
        const before = process.cpuUsage();
        await drive(t.engine, ordersPerRound);
        const used = process.cpuUsage(before);
        t.samples.push((used.user + used.system) / (ordersPerRound * 5));
      }
    }
    for (const t of targets) t.engine.close();
    return Object.fromEntries(targets.map((t) => [t.label, Math.round(median(t.samples))])) as Record<
      string,
      number
    >;
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}

/** Writes `runs` closed runs of five events each straight into a database of the current schema. */
export function seedClosedRuns(path: string, runs: number): void {
  new SqliteStore(path).close();
  const db = new Database(path);
  const now = Date.now();
  const insertRun = db.prepare(
    `INSERT INTO runs (run_id, domain, workflow_id, type_name, type_version, status, close_status, start_ts, close_ts,
     tags, body) VALUES (?, 'd', ?, 'W', '1', 'CLOSED', 'COMPLETED', ?, ?, '[]', ?)`,
  );
  const insertEvent = db.prepare('INSERT INTO events (run_id, event_id, body) VALUES (?, ?, ?)');
  db.prepare("INSERT OR REPLACE INTO domains (name, body) VALUES ('d', ?)").run(
    JSON.stringify({ name: 'd', status: 'REGISTERED', retentionDays: 'NONE', tags: [] }),
  );
  db.transaction(() => {
    for (let i = 0; i < runs; i++) {
      const runId = `run-${i}`;
      const body = JSON.stringify({
        domain: 'd',
        workflowId: `w-${i}`,
        runId,
        workflowType: { name: 'W', version: '1' },
        status: 'CLOSED',
        closeStatus: 'COMPLETED',
        startTimestamp: now,
        closeTimestamp: now,
        tagList: [],
        taskList: 'w',
        executionStartToCloseTimeout: '3600',
        taskStartToCloseTimeout: '30',
        childPolicy: 'TERMINATE',
        cancelRequested: false,
        eventCount: 5,
        previousStartedEventId: 3,
        decision: {
          state: 'none',
          scheduledEventId: 2,
          scheduledAt: now,
          startedEventId: 3,
          startedAt: now,
          needsAnother: false,
          nonce: '',
          taskList: 'w',
        },
      });
      insertRun.run(runId, `w-${i}`, now, now, body);
      for (let e = 1; e <= 5; e++)
        insertEvent.run(
          runId,
          e,
          JSON.stringify({
            eventId: e,
            eventType: 'MarkerRecorded',
            eventTimestamp: now / 1000,
            markerRecordedEventAttributes: { markerName: 'x'.repeat(100) },
          }),
        );
    }
  })();
  db.close();
}

const PROBE = fileURLToPath(new URL('./startup-probe.ts', import.meta.url));

/** Startup of a server process on `path`: milliseconds to open and load, and heap and RSS after a GC. */
function probe(path: string): { ms: number; heapMb: number; rssMb: number } {
  const run = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', PROBE, path], {
    encoding: 'utf8',
  });
  if (run.status !== 0) throw new Error(`startup probe failed: ${run.stderr}`);
  return JSON.parse(run.stdout.trim().split('\n').at(-1) as string);
}

export function measureStartup(closedRuns = 100_000, rounds = 5) {
  const directory = mkdtempSync(join(tmpdir(), 'swf-startup-'));
  try {
    const empty = join(directory, 'empty.db');
    const full = join(directory, 'full.db');
    seedClosedRuns(empty, 0);
    seedClosedRuns(full, closedRuns);
    type Probe = { ms: number; heapMb: number; rssMb: number };
    const samples: { empty: Probe[]; full: Probe[] } = { empty: [], full: [] };
    probe(empty);
    probe(full);
    for (let r = 0; r < rounds; r++) {
      samples.empty.push(probe(empty));
      samples.full.push(probe(full));
    }
    const summary = (list: Probe[]) => ({
      ms: median(list.map((s) => s.ms)),
      heapMb: median(list.map((s) => s.heapMb)),
      rssMb: median(list.map((s) => s.rssMb)),
    });
    return { closedRuns, empty: summary(samples.empty), full: summary(samples.full) };
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  console.log(
    JSON.stringify(
      {
        engineSteps: await measureEngineSteps(),
        heartbeat: await measureHeartbeats(),
        startup: measureStartup(),
      },
      null,
      2,
    ),
  );
}
