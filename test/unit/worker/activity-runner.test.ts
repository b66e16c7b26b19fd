import { describe, expect, it } from 'vitest';
import { MemoryPayloadStore } from '../../../lambda/adapters/file-payloads.js';
import type { HeartbeatSender } from '../../../lambda/worker/activity-heartbeats.js';
import {
  type ActivityRunnerOptions,
  type AttemptTask,
  RESULT_LIMIT,
  runAttempt,
} from '../../../lambda/worker/activity-runner.js';
import { storePayload } from '../../../lambda/worker/payload-codec.js';
import { recordingTelemetry, silentTelemetry } from '../../../lambda/worker/telemetry.js';
import { NonRetryableError } from '../../../lambda/workflow/errors.js';
import type { PayloadStore } from '../../../lambda/workflow/payloads.js';
import type { ActivityFunction, Json } from '../../../lambda/workflow/types.js';
import { activitiesCatalog } from '../../support/activity-catalog.js';

/** An attempt of activity `Act` as the decider would send it. */
function attemptOf(
  payload: {
    input?: Json;
    previousResults?: Record<string, Json>;
    attempt?: number;
    lineageId?: string;
  } = {},
) {
  const { input = {}, previousResults = {}, attempt = 1, ...rest } = payload;
  return {
    activityType: { name: 'Act', version: '1' },
    activityId: 'Act#1',
    workflowExecution: { workflowId: 'w-1', runId: 'r-1' },
    input: JSON.stringify({ input, previousResults, attempt, ...rest }),
  } satisfies AttemptTask;
}

/** Runs one attempt of `run` (the catalog's activity `Act`, heartbeat timeout 1 s) with no SWF at all. */
function runOne(
  run: ActivityFunction,
  options: Partial<ActivityRunnerOptions> & { task?: AttemptTask } = {},
) {
  const { task = attemptOf(), ...more } = options;
  return runAttempt(task, {
    catalog: activitiesCatalog({ Act: run }, { heartbeatTimeouts: { Act: '1' } }),
    ports: {},
    allowFailureInjection: false,
    telemetry: silentTelemetry,
    ...more,
  });
}

const echo: ActivityFunction = (payload) => ({
  input: payload.input,
  previous: payload.previousResults as Json,
});

/** A heartbeat sender that records the details it was given and answers as told. */
function heartbeats(answer: (sent: (string | undefined)[]) => Promise<{ cancelRequested?: boolean }>) {
  const sent: (string | undefined)[] = [];
  const send: HeartbeatSender = (details) => {
    sent.push(details);
    return answer(sent);
  };
  return { sent, send };
}

const cancelRequested = () => heartbeats(async () => ({ cancelRequested: true }));

describe('decoding an attempt', () => {
  it('fails an activity the catalog lacks as retryable, since another worker of a deploy may have it', async () => {
    const task = { ...attemptOf(), activityType: { name: 'Missing', version: '1' } };
    const outcome = await runOne(echo, { task });
    expect(outcome).toMatchObject({ kind: 'failed', reason: 'UnknownActivityType', nonRetryable: false });
    expect(outcome.kind === 'failed' && outcome.details).toContain('Missing@1');
  });

  it.each([
    ['not JSON', '{not json'],
    ['empty', ''],
    ['JSON without an input object', JSON.stringify({ previousResults: {}, attempt: 1 })],
    ['a JSON string', JSON.stringify('hello')],
  ])('fails an input that is %s as non-retryable, before the activity runs', async (_what, input) => {
    let ran = false;
    const run = () => {
      ran = true;
      return null;
    };
    const outcome = await runOne(run, { task: { ...attemptOf(), input } });
    expect(outcome).toMatchObject({ kind: 'failed', reason: 'InvalidActivityInput', nonRetryable: true });
    expect(ran).toBe(false);
  });
});

describe('resolving payload references', () => {
  it('hands the activity the stored values of its input and of earlier results', async () => {
    const store = new MemoryPayloadStore();
    const items = (await storePayload(store, JSON.stringify(['a', 'b']))) as unknown as Json;
    const earlier = (await storePayload(store, JSON.stringify({ total: 3 }))) as unknown as Json;
    const task = attemptOf({ input: { items }, previousResults: { Before: earlier } });
    const outcome = await runOne(echo, { task, payloads: store });
    expect(outcome).toEqual({
      kind: 'completed',
      result: JSON.stringify({ input: { items: ['a', 'b'] }, previous: { Before: { total: 3 } } }),
    });
  });

  it('fails a reference whose body is missing as non-retryable, naming it', async () => {
    const ref = (await storePayload(new MemoryPayloadStore(), '"gone"')) as unknown as Json;
    const outcome = await runOne(echo, {
      task: attemptOf({ input: { items: ref } }),
      payloads: new MemoryPayloadStore(),
    });
    expect(outcome).toMatchObject({ kind: 'failed', reason: 'PayloadMissing', nonRetryable: true });
  });

  it('fails a store that cannot be read as retryable: it may answer next time', async () => {
    const healthy = new MemoryPayloadStore();
    const ref = (await storePayload(healthy, '"body"')) as unknown as Json;
    const unreachable: PayloadStore = {
      address: (sha256) => healthy.address(sha256),
      put: async () => {},
      get: async () => {
        throw new Error('connect ECONNREFUSED');
      },
    };
    const outcome = await runOne(echo, { task: attemptOf({ input: { items: ref } }), payloads: unreachable });
    expect(outcome).toEqual({
      kind: 'failed',
      reason: 'PayloadUnreadable',
      details: 'connect ECONNREFUSED',
      nonRetryable: false,
    });
  });
});

describe('an activity that throws', () => {
  class CardDeclined extends Error {
    override name = 'CardDeclined';
  }

  it.each([
    ['a plain error: retryable', new CardDeclined('declined'), 'CardDeclined', false],
    ['a NonRetryableError', new NonRetryableError('never'), 'NonRetryableError', true],
    [
      'an error saying nonRetryable: true',
      Object.assign(new Error('no'), { nonRetryable: true }),
      'Error',
      true,
    ],
  ])('fails with its name and message, %s', async (_what, error, reason, nonRetryable) => {
    const outcome = await runOne(() => {
      throw error;
    });
    expect(outcome).toEqual({ kind: 'failed', reason, details: error.message, nonRetryable });
  });

  it('fails a thrown non-error with its text', async () => {
    const outcome = await runOne(() => {
      throw 'just a string';
    });
    expect(outcome).toEqual({
      kind: 'failed',
      reason: 'Error',
      details: 'just a string',
      nonRetryable: false,
    });
  });
});

describe('cancellation requested through a heartbeat answer', () => {
  it('is canceled when the activity stops because of the abort', async () => {
    const beats = cancelRequested();
    const wait: ActivityFunction = async (_payload, context) => {
      await context.heartbeat('half way');
      await context.sleep(60_000);
      return 'slept through';
    };
    expect(await runOne(wait, { heartbeat: beats.send })).toEqual({
      kind: 'canceled',
      details: 'canceled by request',
    });
    expect(beats.sent).toEqual(['half way']);
  });

  it('completes when the activity returns anyway: its work is done, so the decider compensates it', async () => {
    const finish: ActivityFunction = async (_payload, context) => {
      await context.heartbeat();
      return { aborted: context.signal.aborted };
    };
    expect(await runOne(finish, { heartbeat: cancelRequested().send })).toEqual({
      kind: 'completed',
      result: JSON.stringify({ aborted: true }),
    });
  });

  it('fails, not cancels, an activity that throws its own error after the request', async () => {
    const stubborn: ActivityFunction = async (_payload, context) => {
      await context.heartbeat();
      throw new Error('something else broke');
    };
    expect(await runOne(stubborn, { heartbeat: cancelRequested().send })).toMatchObject({
      kind: 'failed',
      reason: 'Error',
      details: 'something else broke',
    });
  });
});

describe('heartbeats', () => {
  it('beat on their own while the type has a heartbeat timeout, repeating the last details', async () => {
    let beaten: () => void = () => {};
    const automaticBeat = new Promise<void>((resolve) => {
      beaten = resolve;
    });
    // The first beat is the activity's own; the next can only come from the ticker.
    const beats = heartbeats(async (sent) => {
      if (sent.length >= 2) beaten();
      return {};
    });
    const patient: ActivityFunction = async (_payload, context) => {
      await context.heartbeat('x'.repeat(3_000));
      await automaticBeat;
      return null;
    };
    expect(await runOne(patient, { heartbeat: beats.send })).toEqual({ kind: 'completed', result: 'null' });
    // Details are cut to SWF's 2,048, saying so, and repeated by the automatic beat.
    expect(beats.sent.length).toBeGreaterThanOrEqual(2);
    expect(new Set(beats.sent).size).toBe(1);
    expect(beats.sent[0]?.length).toBeLessThanOrEqual(2_048);
    expect(beats.sent[0]).toMatch(/…\[truncated\]$/);
  });

  it('that cannot reach the service leave the activity running, and are logged once', async () => {
    const { telemetry, logs } = recordingTelemetry();
    const beats = heartbeats(async () => {
      throw Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
    });
    const twice: ActivityFunction = async (_payload, context) => {
      await context.heartbeat();
      await context.heartbeat();
      return 'done';
    };
    expect(await runOne(twice, { heartbeat: beats.send, telemetry })).toEqual({
      kind: 'completed',
      result: '"done"',
    });
    expect(beats.sent).toHaveLength(2);
    expect(logs.filter((log) => log.message.startsWith('heartbeat failed'))).toHaveLength(1);
  });

  it('without a heartbeat sender (a Lambda task), do nothing, and nothing fires', async () => {
    const alone: ActivityFunction = async (_payload, context) => {
      await context.heartbeat('ignored');
      return { aborted: context.signal.aborted };
    };
    expect(await runOne(alone)).toEqual({ kind: 'completed', result: JSON.stringify({ aborted: false }) });
  });
});

describe('the deadline reached: the task timed out (or its run closed) while it ran', () => {
  const sleepsOn: ActivityFunction = async (_payload, context) => {
    await context.heartbeat();
    await context.sleep(60_000);
    return null;
  };
  const returnsAnyway: ActivityFunction = async (_payload, context) => {
    await context.heartbeat();
    await context.heartbeat();
    return { aborted: context.signal.aborted };
  };

  it.each([
    ['stops', sleepsOn],
    ['returns', returnsAnyway],
  ])('aborts the activity and reports nothing when it then %s', async (_what, run) => {
    const beats = heartbeats(() =>
      Promise.reject(Object.assign(new Error('Unknown activity'), { name: 'UnknownResourceFault' })),
    );
    const outcome = await runOne(run, { heartbeat: beats.send });
    expect(outcome).toEqual({ kind: 'lost', why: 'the task timed out or its run closed while it ran' });
    // Once the task is lost, no further beat is sent.
    expect(beats.sent).toHaveLength(1);
  });
});

describe('the result', () => {
  const big = { lines: 'x'.repeat(40_000), total: 1 };

  it('is stored when large, and a reference to it completes the attempt', async () => {
    const store = new MemoryPayloadStore();
    const outcome = await runOne(() => big, { payloads: store, offloadThreshold: 1_000 });
    expect(outcome.kind).toBe('completed');
    const result = JSON.parse(outcome.kind === 'completed' ? outcome.result : '{}');
    expect(result.total).toBe(1);
    expect(result.lines.$payload.size).toBe(JSON.stringify(big.lines).length);
    expect([...store.bodies.values()]).toEqual([JSON.stringify(big.lines)]);
  });

  it('too large with no store to hold it: fails as non-retryable, naming the limit', async () => {
    const outcome = await runOne(() => big);
    expect(outcome).toMatchObject({ kind: 'failed', reason: 'ResultTooLarge', nonRetryable: true });
    expect(outcome.kind === 'failed' && outcome.details).toContain(String(RESULT_LIMIT));
  });

  it('that cannot be stored: fails as retryable, since the store may answer next time', async () => {
    const broken: PayloadStore = {
      address: (sha256) => `memory:${sha256}`,
      put: async () => {
        throw new Error('bucket unreachable');
      },
      get: async () => undefined,
    };
    expect(await runOne(() => big, { payloads: broken, offloadThreshold: 1_000 })).toEqual({
      kind: 'failed',
      reason: 'PayloadStoreUnavailable',
      details: 'Storing the result failed: bucket unreachable',
      nonRetryable: false,
    });
  });

  it('undefined is recorded as null', async () => {
    expect(await runOne(() => undefined as unknown as Json)).toEqual({ kind: 'completed', result: 'null' });
  });
});

describe('the activity context', () => {
  it('names the run, the attempt and the lineage, defaulting the lineage to the run', async () => {
    const seen: unknown[] = [];
    const look: ActivityFunction = (payload, context) => {
      const { workflowId, runId, activityId, attempt, lineageId } = context;
      seen.push({ workflowId, runId, activityId, attempt, lineageId });
      return payload.attempt;
    };
    await runOne(look);
    await runOne(look, { task: attemptOf({ attempt: 2, lineageId: 'first-run' }) });
    const run = { workflowId: 'w-1', runId: 'r-1', activityId: 'Act#1' };
    expect(seen).toEqual([
      { ...run, attempt: 1, lineageId: 'r-1' },
      { ...run, attempt: 2, lineageId: 'first-run' },
    ]);
  });
});
