import { describe, expect, it } from 'vitest';
import { identityOf } from '../../../lambda/handlers/lambda-context.js';
import { redact } from '../../../lambda/handlers/powertools.js';
import { activityBudgetMs } from '../../../lambda/worker/activity-worker.js';
import { backoffDelay, sleep } from '../../../lambda/worker/backoff.js';
import { canStartPoll, lambdaDeadline } from '../../../lambda/worker/deadline.js';
import { decisionBudgetMs } from '../../../lambda/worker/decider-worker.js';
import { errorName, isGone, isTransient } from '../../../lambda/worker/errors.js';
import { catalog } from '../../support/order-fixtures.js';

describe('backoff', () => {
  it('grows exponentially up to its cap, with full jitter', () => {
    expect(backoffDelay(0, { baseMs: 100 }, () => 0.999)).toBe(99);
    expect(backoffDelay(3, { baseMs: 100 }, () => 0.999)).toBe(799);
    expect(backoffDelay(30, { baseMs: 100, maxMs: 5_000 }, () => 0.999)).toBe(4_995);
    expect(backoffDelay(3, { baseMs: 100 }, () => 0)).toBe(0);
  });

  it('sleeps, and wakes early when aborted', async () => {
    const controller = new AbortController();
    const started = Date.now();
    const waiting = sleep(10_000, controller.signal);
    controller.abort();
    await waiting;
    expect(Date.now() - started).toBeLessThan(1_000);
  });
});

describe('error classification', () => {
  it('treats network, throttling and 5xx errors as transient, and faults as not', () => {
    expect(isTransient(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }))).toBe(
      true,
    );
    expect(isTransient(Object.assign(new Error('slow down'), { name: 'ThrottlingException' }))).toBe(true);
    expect(isTransient(Object.assign(new Error('boom'), { $metadata: { httpStatusCode: 503 } }))).toBe(true);
    expect(isTransient(Object.assign(new Error('wrapped'), { cause: { code: 'ECONNRESET' } }))).toBe(true);
    expect(
      isTransient(
        Object.assign(new Error('Unknown domain'), {
          name: 'UnknownResourceFault',
          $metadata: { httpStatusCode: 400 },
        }),
      ),
    ).toBe(false);
    expect(isTransient(Object.assign(new Error('bad'), { name: 'ValidationException' }))).toBe(false);
  });

  it('recognises a task that is no longer ours', () => {
    expect(isGone(Object.assign(new Error('Unknown activity'), { name: 'UnknownResourceFault' }))).toBe(true);
    expect(isGone(new Error('x'))).toBe(false);
    expect(errorName(Object.assign(new Error('x'), { code: 'ECONNRESET' }))).toBe('ECONNRESET');
  });
});

describe('the deadline rule', () => {
  const budget = { pollHoldMs: 60_000, taskBudgetMs: 30_000, marginMs: 5_000 };

  it('allows a poll only when the hold, the task and the margin all fit in the time left', () => {
    expect(canStartPoll({ remainingMs: () => 95_001 }, budget)).toBe(true);
    expect(canStartPoll({ remainingMs: () => 95_000 }, budget)).toBe(false);
    expect(canStartPoll(lambdaDeadline({ getRemainingTimeInMillis: () => 10_000 }), budget)).toBe(false);
  });

  it('sizes the budgets from the catalog: the decision timeout, and the longest activity on the task list', () => {
    expect(decisionBudgetMs(catalog)).toBe(30_000);
    expect(activityBudgetMs(catalog, 'order-activities')).toBe(300_000);
    expect(activityBudgetMs(catalog, 'nobody')).toBe(900_000);
  });

  it('identifies a poller by function and request id', () => {
    expect(
      identityOf({ functionName: 'decider', awsRequestId: 'abc', getRemainingTimeInMillis: () => 0 }),
    ).toBe('decider:abc');
  });
});

describe('log redaction', () => {
  it('hides payment and personal data at any depth', () => {
    expect(
      redact({
        orderId: 'A',
        paymentToken: 'tok_1',
        nested: { customerEmail: 'a@b.c', items: [{ cardNumber: '4111' }] },
      }),
    ).toEqual({
      orderId: 'A',
      paymentToken: '[redacted]',
      nested: { customerEmail: '[redacted]', items: [{ cardNumber: '[redacted]' }] },
    });
  });
});

describe('card numbers in logs and at the door, whatever the workflow', () => {
  it('redacts a card number anywhere in logged text, even one that slipped past validation', async () => {
    const { recordingTelemetry } = await import('../../../lambda/worker/telemetry.js');
    const { telemetry, logs } = recordingTelemetry();
    telemetry.appendKeys({ workflowId: 'order-A' });
    telemetry.warn('activity failed: notes "pay 4111 1111 1111 1111" invalid', {
      note: 'card ５５５５５５５５５５５５４４４４ on file',
      error: new Error('bad input 4242-4242-4242-4242'),
    });
    const text = JSON.stringify(logs);
    expect(text).not.toMatch(/4111|5555|５５５５|4242/);
    expect(text).toContain('[card number redacted]');
    expect(text).toContain('order-A');
  });

  it('refuses a start of any workflow whose input holds a card number, naming where, never the number', async () => {
    const { startWorkflow } = await import('../../../lambda/worker/start-workflow.js');
    const { loadConfig } = await import('../../../lambda/workflow/index.js');
    const { buildCatalog } = await import('../../../lambda/workflow/modules.js');
    const config = loadConfig({});
    const context = { config, catalog: buildCatalog(config), swf: {} as never };
    const renewal = {
      subscriptionId: 'S-1',
      customerId: 'cust-1',
      email: '4111111111111111@example.com',
      plan: 'monthly',
      amount: 9.9,
      currency: 'EUR',
      reminderLeadSeconds: 5,
    };
    const refusal = await startWorkflow(context, { type: 'SubscriptionRenewal', input: renewal }).catch(
      (error: Error & { problems: string[] }) => error,
    );
    expect(refusal).toMatchObject({ name: 'ValidationError' });
    expect((refusal as { problems: string[] }).problems).toContain(
      'email: holds what looks like a payment card number, which is never accepted (it is not repeated here); send a paymentToken from your payment provider instead',
    );
    expect((refusal as Error).message).not.toContain('4111');
  });

  it('refuses a start whose input carries a payload reference of its own', async () => {
    const { startWorkflow } = await import('../../../lambda/worker/start-workflow.js');
    const { loadConfig } = await import('../../../lambda/workflow/index.js');
    const { buildCatalog } = await import('../../../lambda/workflow/modules.js');
    const config = loadConfig({});
    const context = { config, catalog: buildCatalog(config), swf: {} as never };
    const ref = { $payload: { address: 'local:payloads/x', size: 2, sha256: 'a'.repeat(64) } };
    await expect(startWorkflow(context, { input: { orderId: 'A-1', items: ref } })).rejects.toMatchObject({
      name: 'ValidationError',
      problems: [
        'the input carries a payload reference ("$payload"), which only the payload store writes; send the value itself',
      ],
    });
  });

  it('refuses a start whose input nests past the bound, at once and in words (swfctl, the console, the starter)', async () => {
    const { startWorkflow } = await import('../../../lambda/worker/start-workflow.js');
    const { loadConfig } = await import('../../../lambda/workflow/index.js');
    const { buildCatalog } = await import('../../../lambda/workflow/modules.js');
    const config = loadConfig({});
    const context = { config, catalog: buildCatalog(config), swf: {} as never };
    let deep: unknown = 0;
    for (let i = 0; i < 200_000; i++) deep = [deep];
    await expect(startWorkflow(context, { input: { orderId: 'A-1', notes: deep } })).rejects.toMatchObject({
      name: 'ValidationError',
      problems: [
        'the input nests lists and objects more than 64 levels deep; flatten it (no real input needs that many)',
      ],
    });
  });
});

describe('the poll window', () => {
  it('starts polls only during the window, then stops with reason "window"', async () => {
    const { runPollLoop } = await import('../../../lambda/worker/poll-loop.js');
    const { silentTelemetry } = await import('../../../lambda/worker/telemetry.js');
    const starts: number[] = [];
    const began = Date.now();
    const result = await runPollLoop<string>({
      kind: 'decision',
      deadline: { remainingMs: () => Number.POSITIVE_INFINITY },
      budget: { pollHoldMs: 0, taskBudgetMs: 0, marginMs: 0 },
      telemetry: silentTelemetry,
      pollWindowMs: 250,
      poll: async () => {
        starts.push(Date.now() - began);
        await new Promise((resolve) => setTimeout(resolve, 100));
        return undefined;
      },
      handle: async () => {},
    });
    expect(result.exitReason).toBe('window');
    expect(starts.length).toBeGreaterThanOrEqual(1);
    // However slow the machine, no poll starts once the window has closed.
    for (const start of starts) expect(start).toBeLessThan(250);
    expect(result.emptyPolls).toBe(starts.length);
  });
});

describe('the activity worker and the workflow modules', () => {
  it('refuses to start without a port a registered module needs, naming it and the module', async () => {
    const { missingPorts, runActivityWorker } = await import('../../../lambda/worker/activity-worker.js');
    const { catalog } = await import('../../support/order-fixtures.js');
    expect(missingPorts(catalog, { orderStore: {}, notifier: {} })).toEqual([]);
    expect(missingPorts(catalog, { orderStore: {} })).toEqual(['notifier']);
    await expect(
      runActivityWorker({
        catalog,
        ports: { orderStore: {} },
      } as unknown as Parameters<typeof runActivityWorker>[0]),
    ).rejects.toThrow(/no notifier port\(s\), which OrderProcessing, SubscriptionRenewal need\(s\)/);
  });
});
