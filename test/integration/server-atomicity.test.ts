import { join } from 'node:path';
import * as S from '@aws-sdk/client-swf';
import { afterAll, describe, expect, it } from 'vitest';
import { VirtualClock } from '../../local/server/clock.js';
import { Core } from '../../local/server/engine/core.js';
import type { SqliteStore } from '../../local/server/store/sqlite-store.js';
import { scratchDirectory } from '../support/scratch.js';
import {
  beginRun,
  expectFault,
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

/**
 * "One request, one transaction": a request the store cannot finish changes nothing, in memory or on disk.
 * Every write of every operation kind is made to fail in turn (a store that throws on its Nth write), and after
 * each failure the server's memory must equal a fresh load of its database and the state before the request.
 */
const directory = scratchDirectory('swf-atomic');
const { server, swf } = await startLocal({ memory: false, dbPath: join(directory, 'swf.db') });
const store = server.store as SqliteStore;
const core = server.engine.core;
afterAll(() => server.close());

/** Everything the engine holds, in a canonical form. */
function stateOf(of: Core) {
  const runs = [...of.runs.values()]
    .map((run) => ({ ...run, history: of.runs.history(run.runId) }))
    .sort((a, b) => (a.runId < b.runId ? -1 : 1));
  return JSON.parse(
    JSON.stringify({
      domains: of.registry.domains().sort((a, b) => (a.name < b.name ? -1 : 1)),
      types: of.registry
        .types()
        .map((t) => [`${t.domain}|${t.kind}|${t.name}|${t.version}`, t] as const)
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([, t]) => t),
      runs,
      queues: of.queues.snapshot(),
    }),
  );
}

/** What a fresh server would load from the same database now. */
function freshState() {
  const fresh = new Core(new VirtualClock(core.clock.now()), store);
  return stateOf(fresh);
}

const injected = (code: string) => Object.assign(new Error(`injected ${code}`), { code });

/**
 * Runs `call` with the store failing at its 1st, 2nd, ... write until the call goes through. After every
 * failure: the caller saw the fault, and memory equals both the state before and a fresh load. Returns how many
 * writes the successful call made (so a test knows the faults covered every one).
 */
async function throughEveryFault<T>(
  call: () => Promise<T>,
  expected = { name: 'ThrottlingException', code: 'SQLITE_BUSY' },
): Promise<{ result: T; writes: number }> {
  for (let n = 1; n < 200; n++) {
    const before = stateOf(core);
    expect(freshState(), 'memory and disk agree before the call').toEqual(before);
    let writes = 0;
    store.fault = () => {
      writes++;
      if (writes === n) throw injected(expected.code);
    };
    try {
      const result = await call();
      store.fault = undefined;
      expect(writes, 'the call succeeded only once every earlier write had failed').toBe(n - 1);
      expect(freshState(), 'after success, memory equals disk').toEqual(stateOf(core));
      return { result, writes };
    } catch (error) {
      store.fault = undefined;
      expect((error as Error).name).toBe(expected.name);
      expect(stateOf(core), `a failure at write ${n} changed memory`).toEqual(before);
      expect(freshState(), `a failure at write ${n} left memory and disk apart`).toEqual(before);
    }
  }
  throw new Error('the call never went through');
}

const domain = await setupDomain(swf, 'atomic');
await swf.send(
  new S.RegisterWorkflowTypeCommand({
    domain,
    name: 'Child',
    version: '1',
    defaultTaskList: { name: 'children' },
    defaultExecutionStartToCloseTimeout: '3600',
    defaultTaskStartToCloseTimeout: '30',
    defaultChildPolicy: 'TERMINATE',
  }),
);

describe('one request, one transaction', () => {
  it('registry operations: a failed register or deprecate leaves nothing behind', async () => {
    const { writes } = await throughEveryFault(() =>
      swf.send(
        new S.RegisterDomainCommand({ name: 'atomic-2', workflowExecutionRetentionPeriodInDays: '1' }),
      ),
    );
    expect(writes).toBe(1);
    await throughEveryFault(() =>
      swf.send(
        new S.RegisterActivityTypeCommand({
          domain,
          name: 'B',
          version: '1',
          defaultTaskList: { name: 'b' },
        }),
      ),
    );
    await throughEveryFault(() =>
      swf.send(new S.DeprecateActivityTypeCommand({ domain, activityType: { name: 'B', version: '1' } })),
    );
  });

  it('a whole run, each step failing at every write: start, decide, work, heartbeat, signal, child, close', async () => {
    const { result: started, writes: startWrites } = await throughEveryFault(() =>
      swf.send(
        new S.StartWorkflowExecutionCommand({ domain, workflowId: 'whole', workflowType: W, input: 'in' }),
      ),
    );
    expect(startWrites).toBeGreaterThanOrEqual(3);
    const execution = { workflowId: 'whole', runId: started.runId as string };
    // A second run to signal from a decision.
    await swf.send(
      new S.StartWorkflowExecutionCommand({
        domain,
        workflowId: 'target',
        workflowType: W,
        taskList: { name: 'target' },
      }),
    );

    const { result: task } = await throughEveryFault(() => pollDecision(swf, domain));
    const { writes: decideWrites } = await throughEveryFault(() =>
      respond(swf, task.taskToken, [
        scheduleA('one', { heartbeatTimeout: '60' }),
        scheduleA('two'),
        startTimer('constructor', '5'),
        { decisionType: 'RecordMarker', recordMarkerDecisionAttributes: { markerName: 'm', details: 'd' } },
        {
          decisionType: 'StartChildWorkflowExecution',
          startChildWorkflowExecutionDecisionAttributes: {
            workflowId: 'whole-child',
            workflowType: { name: 'Child', version: '1' },
          },
        },
        {
          decisionType: 'SignalExternalWorkflowExecution',
          signalExternalWorkflowExecutionDecisionAttributes: { workflowId: 'target', signalName: 'hello' },
        },
      ]),
    );
    expect(decideWrites).toBeGreaterThan(10);

    const { result: work } = await throughEveryFault(() => pollActivity(swf, domain));
    const { writes: heartbeatWrites } = await throughEveryFault(() =>
      swf.send(new S.RecordActivityTaskHeartbeatCommand({ taskToken: work.taskToken, details: '50%' })),
    );
    expect(heartbeatWrites, 'a heartbeat writes its activity and nothing else').toBe(1);
    await throughEveryFault(() =>
      swf.send(new S.RespondActivityTaskCompletedCommand({ taskToken: work.taskToken, result: 'done' })),
    );
    await throughEveryFault(() =>
      swf.send(
        new S.SignalWorkflowExecutionCommand({ domain, ...execution, signalName: 'poke', input: 'x' }),
      ),
    );
    await throughEveryFault(() =>
      swf.send(new S.RequestCancelWorkflowExecutionCommand({ domain, ...execution })),
    );

    const { result: second } = await throughEveryFault(() => pollDecision(swf, domain));
    await throughEveryFault(() =>
      respond(swf, second.taskToken, [
        { decisionType: 'CancelTimer', cancelTimerDecisionAttributes: { timerId: 'constructor' } },
        {
          decisionType: 'RequestCancelActivityTask',
          requestCancelActivityTaskDecisionAttributes: { activityId: 'two' },
        },
      ]),
    );
    // The cancel added events: a close now would be UNHANDLED_DECISION, as on SWF. The next task closes.
    const { result: third } = await throughEveryFault(() => pollDecision(swf, domain));
    await throughEveryFault(() =>
      respond(swf, third.taskToken, [
        {
          decisionType: 'ContinueAsNewWorkflowExecution',
          continueAsNewWorkflowExecutionDecisionAttributes: { input: 'next' },
        },
      ]),
    );
    const events = types(await history(swf, domain, execution));
    expect(events).toContain('WorkflowExecutionContinuedAsNew');
    expect(events.filter((t) => t === 'DecisionTaskCompleted')).toHaveLength(3);

    // The new run is terminated in turn.
    await throughEveryFault(() =>
      swf.send(new S.TerminateWorkflowExecutionCommand({ domain, workflowId: 'whole', reason: 'done' })),
    );
    expect(freshState()).toEqual(stateOf(core));
  });

  it('a failed start leaves no run holding the workflowId, and the retry starts it', async () => {
    await throughEveryFault(() =>
      swf.send(new S.StartWorkflowExecutionCommand({ domain, workflowId: 'retry-me', workflowType: W })),
    );
    const open = await swf.send(
      new S.CountOpenWorkflowExecutionsCommand({
        domain,
        startTimeFilter: { oldestDate: new Date(0) },
        executionFilter: { workflowId: 'retry-me' },
      }),
    );
    expect(open.count).toBe(1);
  });

  it('an unexpected error mid-request is a 500 that changes nothing either', async () => {
    await throughEveryFault(
      () => swf.send(new S.SignalWorkflowExecutionCommand({ domain, workflowId: 'target', signalName: 's' })),
      { name: 'InternalFailure', code: 'NOT_A_STORE_ERROR' },
    );
  });

  it('a timer or timeout whose write fails is tried again, never fatal and never half-applied', async () => {
    const { execution, task } = await beginRun(swf, domain, 'timed');
    const { runId } = execution;
    await respond(swf, task.taskToken, [startTimer('t', '10')]);
    const before = stateOf(core);
    store.fault = () => {
      throw injected('SQLITE_IOERR_WRITE');
    };
    try {
      server.advanceClock(10_000);
      expect(stateOf(core)).toEqual(before);
      expect(freshState()).toEqual(before);
    } finally {
      store.fault = undefined;
    }
    server.advanceClock(1_000);
    const fired = types(await history(swf, domain, { workflowId: 'timed', runId }));
    expect(fired.filter((t) => t === 'TimerFired')).toHaveLength(1);
    expect(freshState()).toEqual(stateOf(core));
  });

  it('finding 1: a list whose second decision is invalid applies nothing, and the token still works', async () => {
    const { execution, task } = await beginRun(swf, domain, 'half');
    const { runId } = execution;
    const before = stateOf(core);
    await expectFault(
      respond(swf, task.taskToken, [scheduleA('first'), startTimer('t', 'abc')]),
      'ValidationException',
    );
    expect(stateOf(core)).toEqual(before);
    expect(freshState()).toEqual(before);
    await respond(swf, task.taskToken, [scheduleA('first')]);
    const events = types(await history(swf, domain, { workflowId: 'half', runId }));
    expect(events).toEqual([
      'WorkflowExecutionStarted',
      'DecisionTaskScheduled',
      'DecisionTaskStarted',
      'DecisionTaskCompleted',
      'ActivityTaskScheduled',
    ]);
  });

  it('a busy database is a ThrottlingException the SDK retries by itself', async () => {
    const retrying = new S.SWFClient({
      endpoint: server.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      maxAttempts: 3,
    });
    let failures = 0;
    store.fault = () => {
      if (failures === 0) {
        failures++;
        throw injected('SQLITE_BUSY');
      }
    };
    try {
      const { runId } = await retrying.send(
        new S.StartWorkflowExecutionCommand({ domain, workflowId: 'retried', workflowType: W }),
      );
      expect(failures).toBe(1);
      expect(types(await history(swf, domain, { workflowId: 'retried', runId }))).toEqual([
        'WorkflowExecutionStarted',
        'DecisionTaskScheduled',
      ]);
    } finally {
      store.fault = undefined;
      retrying.destroy();
    }
    expect(freshState()).toEqual(stateOf(core));
  });
});
