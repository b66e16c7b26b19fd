import * as S from '@aws-sdk/client-swf';
import {
  attemptsKey,
  type HistoryEvent,
  type HistoryFacts,
  scanHistory,
  waitTimerIdFor,
} from '../../lambda/decider/index.js';
import { type OperationsContext, resumeRun } from '../../lambda/worker/operations.js';
import { startWorkflow } from '../../lambda/worker/start-workflow.js';
import { startOrder, workflowIdFor } from '../../lambda/workflow/order/operations.js';
import type { OrderEffects } from '../../lambda/workflow/order/ports.js';
import { duration, table } from '../cli/format.js';

type Expected = 'COMPLETED' | 'FAILED' | 'CANCELED' | 'REJECTED';

export interface DemoOrder {
  scenario: string;
  order: Record<string, unknown>;
  expect: Expected;
  /** What the demo does to the run while it is open (cancel it, approve it) or after it closed (resume it). */
  action?: 'cancel-when-running' | 'resume-after-failure' | 'approve-when-waiting';
  /** The workflow version the order starts on, when not the configured one. */
  version?: string;
  /** Another catalog workflow than the order one: its type, its workflowId and the id the summary shows. */
  workflow?: { type: string; workflowId: string; id: string };
}

export interface DemoOutcome {
  orderId: string;
  scenario: string;
  expected: string;
  actual: string;
  ok: boolean;
  runs: number;
  ms: number;
  note: string;
}

const base = {
  customerId: 'cust-demo',
  items: [
    { sku: 'BOOK-1', quantity: 2, unitPrice: 12.5 },
    { sku: 'PEN-9', quantity: 3, unitPrice: 1.99 },
  ],
  currency: 'USD',
  paymentToken: 'tok_demo_4242abcd',
};

/** The demo batch: happy orders plus one of each interesting path. */
export function demoOrders(count: number, tag: string): DemoOrder[] {
  const id = (name: string) => `${tag}-${name}`;
  const special: DemoOrder[] = [
    {
      scenario: 'transient failure: SaveResults fails twice, retries absorb it',
      order: { ...base, orderId: id('retry'), simulate: { failStep: 'SaveResults', failTimes: 2 } },
      expect: 'COMPLETED',
    },
    {
      scenario: 'long activity: EnrichData works 6 s, heartbeating',
      order: { ...base, orderId: id('slow'), simulate: { sleepStep: 'EnrichData', sleepSeconds: 6 } },
      expect: 'COMPLETED',
    },
    {
      scenario: 'permanent failure at NotifyCompletion: compensated, then resumed once the fault is cleared',
      order: {
        ...base,
        orderId: id('broken'),
        simulate: { failStep: 'NotifyCompletion', nonRetryable: true },
      },
      expect: 'COMPLETED',
      action: 'resume-after-failure',
    },
    {
      scenario: 'version 3, a total above 5,000: waits for a person; the demo approves it',
      order: { ...base, orderId: id('approve'), items: [{ sku: 'TV-1', quantity: 1, unitPrice: 6_000 }] },
      expect: 'COMPLETED',
      action: 'approve-when-waiting',
      version: '3',
    },
    {
      scenario: 'a second workflow: a subscription renewal reminds, sleeps 2 s on an SWF timer, charges',
      order: {
        subscriptionId: id('renewal'),
        customerId: 'cust-demo',
        email: 'demo@example.com',
        plan: 'monthly',
        amount: 9.9,
        currency: 'EUR',
        reminderLeadSeconds: 2,
      },
      workflow: { type: 'SubscriptionRenewal', workflowId: `renewal-${id('renewal')}`, id: id('renewal') },
      expect: 'COMPLETED',
    },
    {
      scenario: 'canceled while ProcessData runs',
      order: { ...base, orderId: id('cancel'), simulate: { sleepStep: 'ProcessData', sleepSeconds: 60 } },
      expect: 'CANCELED',
      action: 'cancel-when-running',
    },
    {
      scenario: 'invalid order (a card number instead of a token) is rejected at the door',
      order: { ...base, orderId: id('invalid'), paymentToken: '4111 1111 1111 1111' },
      expect: 'REJECTED',
    },
  ];
  const happy = Math.max(1, count - special.length);
  const orders: DemoOrder[] = Array.from({ length: happy }, (_, i) => ({
    scenario: 'happy path',
    order: {
      ...base,
      orderId: id(`ok${i + 1}`),
      items: [{ sku: `SKU-${i + 1}`, quantity: i + 1, unitPrice: 9.99 }],
    },
    expect: 'COMPLETED' as const,
  }));
  return [...orders, ...special];
}

async function latestRun(
  context: OperationsContext,
  workflowId: string,
): Promise<S.WorkflowExecutionInfo | undefined> {
  const filter = {
    domain: context.config.domain,
    startTimeFilter: { oldestDate: new Date(0) },
    executionFilter: { workflowId },
  };
  const open = await context.swf.send(new S.ListOpenWorkflowExecutionsCommand(filter));
  if (open.executionInfos?.[0]) return open.executionInfos[0];
  const closed = await context.swf.send(
    new S.ListClosedWorkflowExecutionsCommand({ ...filter, maximumPageSize: 1 }),
  );
  return closed.executionInfos?.[0];
}

/** What the run's latest events say (its first page, newest first, read oldest first by the one history reader). */
async function recentFacts(
  context: OperationsContext,
  execution: { workflowId: string; runId: string },
): Promise<HistoryFacts> {
  const history = await context.swf.send(
    new S.GetWorkflowExecutionHistoryCommand({
      domain: context.config.domain,
      execution,
      reverseOrder: true,
    }),
  );
  return scanHistory([...(history.events ?? [])].reverse() as HistoryEvent[]);
}

/** Whether an attempt of `step` was scheduled. */
const stepRunning = async (context: OperationsContext, workflowId: string, runId: string, step: string) =>
  (await recentFacts(context, { workflowId, runId })).attempts.has(attemptsKey('step', step));

/** Whether the run's approval wait has started (its timeout timer is on). */
const waitingForApproval = async (context: OperationsContext, workflowId: string, runId: string) =>
  (await recentFacts(context, { workflowId, runId })).timers.has(waitTimerIdFor('Approval'));

/** The id the demo tracks an item by: the order's, or the other workflow's. */
const idOf = (item: DemoOrder) => item.workflow?.id ?? String(item.order.orderId);

export interface DemoOptions {
  orders: number;
  tag: string;
  /** Gives up waiting after this long. */
  timeoutMs?: number;
  /** Called about twice a second with progress, for the progress bar. */
  onProgress?: (done: number, total: number, lines: string[]) => void;
  /** Reads what an order left behind, to check its effects match its outcome. */
  effectsOf?: (orderId: string) => Promise<OrderEffects>;
}

/** Runs the demo batch to its end and checks every order ended as expected. */
export async function runDemo(
  context: OperationsContext,
  options: DemoOptions,
): Promise<{ ok: boolean; outcomes: DemoOutcome[] }> {
  const batch = demoOrders(options.orders, options.tag);
  const started = Date.now();
  const state = new Map<
    string,
    { runs: number; actual: string; done: boolean; note: string; ms: number; acted: boolean }
  >();
  for (const item of batch) {
    const orderId = idOf(item);
    const entry = { runs: 0, actual: 'starting', done: false, note: '', ms: 0, acted: false };
    state.set(orderId, entry);
    try {
      const run = item.workflow
        ? await startWorkflow(context, { type: item.workflow.type, input: item.order })
        : await startOrder(
            item.version
              ? { ...context, config: { ...context.config, workflowVersion: item.version } }
              : context,
            item.order,
          );
      entry.runs = 1;
      entry.actual = 'OPEN';
      if (run.alreadyStarted) entry.note = 'already running: joined the open run';
    } catch (error) {
      entry.actual =
        (error as Error).name === 'ValidationError' ? 'REJECTED' : `ERROR ${(error as Error).name}`;
      entry.note = (error as Error).message;
      entry.done = true;
    }
  }

  const deadline = started + (options.timeoutMs ?? 120_000);
  while (Date.now() < deadline && [...state.values()].some((e) => !e.done)) {
    for (const item of batch) {
      const orderId = idOf(item);
      const entry = state.get(orderId);
      if (!entry || entry.done) continue;
      const workflowId = item.workflow?.workflowId ?? workflowIdFor(orderId);
      const run = await latestRun(context, workflowId);
      if (!run) continue;
      const runId = run.execution?.runId ?? '';
      if (run.executionStatus === 'OPEN') {
        entry.actual = 'OPEN';
        if (
          item.action === 'cancel-when-running' &&
          !entry.acted &&
          (await stepRunning(context, workflowId, runId, 'ProcessData'))
        ) {
          entry.acted = true;
          await context.swf.send(
            new S.RequestCancelWorkflowExecutionCommand({ domain: context.config.domain, workflowId, runId }),
          );
          entry.note = 'cancel requested while ProcessData ran';
        }
        if (
          item.action === 'approve-when-waiting' &&
          !entry.acted &&
          (await waitingForApproval(context, workflowId, runId))
        ) {
          entry.acted = true;
          await context.swf.send(
            new S.SignalWorkflowExecutionCommand({
              domain: context.config.domain,
              workflowId,
              runId,
              signalName: 'Approve',
              input: JSON.stringify({ reviewer: 'demo', note: 'approved by npm start' }),
            }),
          );
          entry.note = 'waited for approval; approved';
        }
        continue;
      }
      entry.actual = run.closeStatus ?? 'CLOSED';
      if (item.action === 'resume-after-failure' && run.closeStatus === 'FAILED' && !entry.acted) {
        entry.acted = true;
        const resumed = await resumeRun(context, {
          workflowId,
          fromStep: 'NotifyCompletion',
          clearSimulation: true,
        });
        entry.runs += 1;
        entry.note = `failed, compensated; resumed from ${resumed.requestedStep} (redoing ${resumed.redoing.join(', ') || 'nothing'})`;
        entry.actual = 'OPEN';
        continue;
      }
      entry.done = true;
      entry.ms = Date.now() - started;
    }
    const done = [...state.values()].filter((e) => e.done).length;
    options.onProgress?.(
      done,
      batch.length,
      batch.map((item) => `${idOf(item).padEnd(22)} ${state.get(idOf(item))?.actual}`),
    );
    if (done < batch.length) await new Promise((resolve) => setTimeout(resolve, 400));
  }

  const outcomes: DemoOutcome[] = [];
  for (const item of batch) {
    const orderId = idOf(item);
    const entry = state.get(orderId) ?? { runs: 0, actual: '?', done: false, note: '', ms: 0 };
    const problems: string[] = [];
    if (!entry.done) problems.push('still open when the demo gave up');
    // Order effects are the order workflow's; other workflows keep none in the order store.
    if (options.effectsOf && !item.workflow)
      problems.push(...effectProblems(await options.effectsOf(orderId), entry.actual));
    outcomes.push({
      orderId,
      scenario: item.scenario,
      expected: item.expect,
      actual: entry.actual,
      ok: entry.actual === item.expect && problems.length === 0,
      runs: entry.runs,
      ms: entry.ms,
      note: [entry.note, ...problems].filter(Boolean).join('; '),
    });
  }
  return { ok: outcomes.every((o) => o.ok), outcomes };
}

/**
 * What is wrong with an order's effects given how it ended: a completed order keeps one record, one reservation
 * and one sent confirmation; any other order keeps none of them, and nothing was ever applied twice in a row.
 */
export function effectProblems(effects: OrderEffects, outcome: string): string[] {
  const kinds = effects.ledger.map((e) => e.kind);
  const problems: string[] = [];
  const completed = outcome === 'COMPLETED';
  if (completed !== Boolean(effects.record))
    problems.push(`${completed ? 'no' : 'a'} saved record (ledger: ${kinds.join(',') || 'empty'})`);
  if (completed !== Boolean(effects.reservation))
    problems.push(`${completed ? 'no' : 'a'} stock reservation (ledger: ${kinds.join(',') || 'empty'})`);
  const sent = effects.notifications.filter((n) => n.status === 'sent').length;
  if (sent !== (completed ? 1 : 0)) problems.push(`${sent} confirmation(s) sent`);
  if (kinds.join(',').includes('save,save')) problems.push('SaveResults applied twice');
  if (kinds.join(',').includes('reserve,reserve')) problems.push('stock reserved twice');
  return problems;
}

export function renderDemoSummary(outcomes: DemoOutcome[]): string {
  return table(
    ['order', 'expected', 'actual', 'ok', 'runs', 'time', 'scenario / note'],
    outcomes.map((o) => [
      o.orderId,
      o.expected,
      o.actual,
      o.ok ? '✓' : '✗',
      String(o.runs),
      o.ms ? duration(o.ms) : '–',
      o.note ? `${o.scenario} (${o.note})` : o.scenario,
    ]),
    { width: 100 },
  );
}

/** A one-line progress bar. */
export function progressBar(done: number, total: number, width = 30, what = 'orders closed'): string {
  const filled = total === 0 ? width : Math.round((done / total) * width);
  return `[${'█'.repeat(filled)}${'░'.repeat(width - filled)}] ${done}/${total} ${what}`;
}
