import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as S from '@aws-sdk/client-swf';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FilePayloadStore } from '../../lambda/adapters/file-payloads.js';
import { inMemoryPorts } from '../../lambda/adapters/memory-effects.js';
import { historyAnswer } from '../../lambda/worker/history-answer.js';
import type { OperationsContext } from '../../lambda/worker/operations.js';
import { storePayload } from '../../lambda/worker/payload-codec.js';
import { registerCatalog } from '../../lambda/worker/registration.js';
import { createSwfClient } from '../../lambda/worker/swf-client.js';
import { defineCatalog } from '../../lambda/workflow/catalog.js';
import { loadConfig } from '../../lambda/workflow/config.js';
import type { PayloadRef, PayloadStore } from '../../lambda/workflow/payloads.js';
import type { Json } from '../../lambda/workflow/types.js';
import { createConsoleRoutes } from '../../local/console/console-api.js';
import type { RunningServer } from '../../local/server/server.js';
import { startLocal } from '../support/swf-local.js';
import { eventually, type Ports, startWorkers } from '../support/workers.js';

/**
 * References that multiply: a raw StartWorkflowExecution (the starter refuses references, SWF does not) whose
 * fields all point at one stored body of 2 MB. Each task and each view reads that body once, resolves at most its
 * budget, and answers: the activity fails non-retryably past it, the views show references past it, the
 * operations function's answer stays within Lambda's 6 MB.
 */
const directory = mkdtempSync(join(tmpdir(), 'budget-'));
/** A file store that counts its reads, by hash. */
class CountingStore implements PayloadStore {
  readonly reads = new Map<string, number>();
  constructor(private readonly inner: PayloadStore) {}
  address(sha256: string) {
    return this.inner.address(sha256);
  }
  put(sha256: string, body: string) {
    return this.inner.put(sha256, body);
  }
  get(sha256: string) {
    this.reads.set(sha256, (this.reads.get(sha256) ?? 0) + 1);
    return this.inner.get(sha256);
  }
  readsOf(ref: PayloadRef) {
    return this.reads.get(ref.$payload.sha256) ?? 0;
  }
}

const store = new CountingStore(new FilePayloadStore(join(directory, 'payloads')));
let server: RunningServer;
let context: OperationsContext;
let routes: ReturnType<typeof createConsoleRoutes> | undefined;
let workers: ReturnType<typeof startWorkers>;
let body: PayloadRef;
const type = { name: 'Fanout', version: '1' };

beforeAll(async () => {
  ({ server } = await startLocal({
    virtualClock: false,
    routes: (request, response, payload) => (routes ? routes(request, response, payload) : false),
  }));
  const config = loadConfig({ SWF_DOMAIN: 'budget-domain' });
  const catalog = defineCatalog({
    domain: { name: config.domain, retentionDays: 1 },
    workflows: [
      {
        ...type,
        taskList: config.decisionTaskList,
        executionStartToCloseTimeout: '120',
        taskStartToCloseTimeout: '10',
        defaults: {
          activityTaskList: config.activityTaskList,
          retry: { maximumAttempts: 3, initialIntervalSeconds: 0, maximumIntervalSeconds: 0 },
        },
        steps: [
          {
            name: 'Count',
            activity: {
              run: ({ input }) => ({
                fields: Object.keys(input).length,
                chars: Object.values(input).reduce<number>((n, v) => n + JSON.stringify(v).length, 0),
              }),
            },
          },
        ],
      },
    ],
  });
  const swf = createSwfClient({ endpoint: server.endpoint });
  await registerCatalog(swf, catalog);
  context = { swf, config, catalog, payloads: store, offloadThreshold: 8_192 };
  routes = createConsoleRoutes({ context });
  const ports: Ports = inMemoryPorts();
  workers = startWorkers({ swf, context, ports, pollHoldMs: 1_000, activityWorkers: 1 });
  body = await storePayload(store, JSON.stringify({ blob: 'x'.repeat(2_000_000) }));
}, 30_000);
afterAll(async () => {
  await workers?.stop();
  await server?.close();
  rmSync(directory, { recursive: true, force: true });
});

/**
 * A raw start whose input has `count` fields, each a reference to the same stored body; `taskList` puts its
 * decisions where no decider polls, so it stays open.
 */
async function startFanout(
  workflowId: string,
  count: number,
  options: { taskList?: string; body?: PayloadRef } = {},
) {
  const { taskList } = options;
  const input: Record<string, Json> = {};
  for (let i = 0; i < count; i++) input[`f${i}`] = (options.body ?? body) as unknown as Json;
  const text = JSON.stringify(input);
  expect(text.length).toBeLessThanOrEqual(32_768);
  const { runId } = await context.swf.send(
    new S.StartWorkflowExecutionCommand({
      domain: context.config.domain,
      workflowId,
      workflowType: type,
      input: text,
      ...(taskList ? { taskList: { name: taskList } } : {}),
    }),
  );
  return { workflowId, runId: runId ?? '' };
}

const closed = (execution: { workflowId: string; runId: string }) =>
  eventually(
    async () => {
      const info = await context.swf.send(
        new S.DescribeWorkflowExecutionCommand({ domain: context.config.domain, execution }),
      );
      return info.executionInfo?.executionStatus === 'CLOSED' ? info.executionInfo.closeStatus : undefined;
    },
    30_000,
    `${execution.workflowId} to close`,
  );

const MB = 1024 * 1024;
let overBudget: { workflowId: string; runId: string };

describe('references to one stored body', () => {
  it('within the budget: the activity sees every field, and the body is read once', async () => {
    const before = store.readsOf(body);
    const run = await startFanout('fanout-few', 6);
    expect(await closed(run)).toBe('COMPLETED');
    expect(store.readsOf(body) - before).toBe(1);
    const { timeline } = await historyAnswer(context, run.workflowId, { runId: run.runId });
    expect(timeline.steps[0]?.attempts[0]?.result).toEqual({ fields: 6, chars: 6 * body.$payload.size });
  }, 60_000);

  it('past the budget: the attempt fails at once, non-retryably, with PayloadBudgetExceeded', async () => {
    overBudget = await startFanout('fanout-many', 150);
    const before = store.readsOf(body);
    expect(await closed(overBudget)).toBe('FAILED');
    expect(store.readsOf(body) - before).toBeLessThanOrEqual(1);
    const { timeline } = await historyAnswer(context, overBudget.workflowId, { runId: overBudget.runId });
    const attempts = timeline.steps.find((s) => s.step === 'Count')?.attempts ?? [];
    expect(attempts).toHaveLength(1);
    expect(attempts[0]).toMatchObject({ reason: 'PayloadBudgetExceeded', nonRetryable: true });
    expect(attempts[0]?.details).toMatch(/resolve to more than 33,554,432 characters of stored payloads/);
  }, 60_000);

  it("the operations function's history answer stays within Lambda's 6 MB, references past its budget", async () => {
    // 40 references to a body of 900,000 characters (under the 1,000,000 it inlines of one body).
    const smaller = await storePayload(store, JSON.stringify({ blob: 'y'.repeat(900_000) }));
    const run = await startFanout('fanout-operations', 40, { body: smaller });
    expect(await closed(run)).toBe('FAILED');
    const before = store.readsOf(smaller);
    const answer = await historyAnswer(context, run.workflowId, { runId: run.runId });
    expect(store.readsOf(smaller) - before).toBe(1);
    expect(Buffer.byteLength(JSON.stringify(answer))).toBeLessThan(5 * MB);
    const listed = answer.timeline.payloads ?? [];
    expect(listed).toHaveLength(40);
    expect(listed.filter((p) => p.resolved)).toHaveLength(4);
    expect(listed.find((p) => !p.resolved)?.problem).toMatch(
      /past the 4,194,304 characters of stored payloads this view shows/,
    );
  }, 60_000);

  it('the console run page answers within its budget, not a 500, reading the body once', async () => {
    const before = store.readsOf(body);
    const url = `${server.endpoint}/console/api/run?workflowId=${overBudget.workflowId}&runId=${overBudget.runId}`;
    const response = await fetch(url);
    expect(response.status).toBe(200);
    const text = await response.text();
    expect(text.length).toBeLessThan(20 * MB);
    expect(store.readsOf(body) - before).toBe(1);
    const { timeline } = JSON.parse(text) as {
      timeline: { payloads: { resolved: boolean; problem?: string }[] };
    };
    expect(timeline.payloads.filter((p) => p.resolved)).toHaveLength(8);
    expect(timeline.payloads.find((p) => !p.resolved)?.problem).toMatch(
      /past the 16,777,216 characters of stored payloads this view shows/,
    );
  }, 60_000);
});

describe("the operations function's history answer, whatever the history holds", () => {
  it('stays within 6 MB for a run whose own events pass it (signals of 30,000 characters)', async () => {
    const run = await startFanout('fanout-signals', 0, { taskList: 'nobody-polls-this' });
    const note = JSON.stringify({ note: 'n'.repeat(30_000) });
    for (let i = 0; i < 220; i++)
      await context.swf.send(
        new S.SignalWorkflowExecutionCommand({
          domain: context.config.domain,
          ...run,
          signalName: 'Note',
          input: note,
        }),
      );
    const answer = await historyAnswer(context, run.workflowId, { runId: run.runId });
    expect(Buffer.byteLength(JSON.stringify(answer))).toBeLessThan(5 * MB);
    expect(answer.limits?.join(' ')).toMatch(/nextPageToken/);
    expect(answer.nextPageToken).toBeDefined();
    // Paging on reads every event, however many pages it takes.
    let events = answer.events.length;
    let token = answer.nextPageToken;
    while (token) {
      const page = await historyAnswer(context, run.workflowId, { runId: run.runId, nextPageToken: token });
      expect(Buffer.byteLength(JSON.stringify(page))).toBeLessThan(5 * MB);
      events += page.events.length;
      token = page.nextPageToken;
    }
    expect(events).toBeGreaterThan(220);
  }, 60_000);
});
