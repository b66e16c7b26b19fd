import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as S from '@aws-sdk/client-swf';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cancelRun, findRun, runHistory } from '../../lambda/worker/operations.js';
import { startOrder } from '../../lambda/workflow/order/operations.js';
import type { LocalStack } from '../../local/runtime/local-stack.js';
import { browserAvailable, launchChromium } from '../support/browser.js';
import { anOrder } from '../support/order-fixtures.js';
import { eventually } from '../support/workers.js';

const enabled = browserAvailable();
let stack: LocalStack;
let browser: Browser;
let page: Page;
const XSS = '<script>window.__pwned = 1</script><img src=x onerror="window.__pwned = 2">';

beforeAll(async () => {
  if (!enabled) return;
  // Version 1's five steps in a line, as these tests tell it (version 2 has its own test below).
  process.env.SWF_WORKFLOW_VERSION = '1';
  const { startLocalStack } = await import('../../local/runtime/local-stack.js');
  stack = await startLocalStack({
    port: 0,
    memory: true,
    pollHoldSeconds: 1,
    rateMs: 1000,
    effectsDb: join(mkdtempSync(join(tmpdir(), 'console-')), 'orders.db'),
  });
  const context = stack.runtime.startingContext;
  await startOrder(context, anOrder({ orderId: 'UI-OK-1' }));
  await startOrder(context, anOrder({ orderId: 'UI-OK-2', notes: XSS }));
  await startOrder(
    context,
    anOrder({ orderId: 'UI-BROKEN', simulate: { failStep: 'NotifyCompletion', nonRetryable: true } }),
  );
  for (const id of ['UI-OK-1', 'UI-OK-2', 'UI-BROKEN']) {
    await eventually(async () =>
      (await findRun(context, `order-${id}`)).executionStatus === 'CLOSED' ? true : undefined,
    );
  }
  browser = await launchChromium();
  page = await browser.newPage();
  page.on('dialog', (dialog) => void dialog.accept());
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

const open = async (hash = '') => {
  await page.goto(`${stack.consoleUrl}${hash}`);
};
/** Opens a run's page and waits until it shows that run (a hash-only change re-renders, it does not reload). */
const openRun = async (workflowId: string, runId: string) => {
  await open(`#/run/${workflowId}/${encodeURIComponent(runId)}`);
  await page.waitForFunction(
    (id) => document.querySelector('[data-testid=run-id]')?.textContent === id,
    runId,
  );
};
interface ListedRun {
  workflowId: string;
  runId: string;
  status: string;
  marks: string;
  runCell: string;
}
/** The list's rows for a workflowId prefix, as the page shows them. */
const listedRuns = async (prefix: string): Promise<ListedRun[]> => {
  await open(`#/?prefix=${prefix}`);
  await page.waitForSelector('[data-testid=runs] tbody tr[data-workflow-id]');
  return page.locator('[data-testid=runs] tbody tr[data-workflow-id]').evaluateAll((rows) =>
    rows.map((row) => ({
      workflowId: row.getAttribute('data-workflow-id') ?? '',
      runId: row.getAttribute('data-run-id') ?? '',
      status: row.getAttribute('data-run-status') ?? '',
      marks: row.querySelector('td.marks')?.textContent ?? '',
      runCell: row.querySelector('td.run-id')?.textContent ?? '',
    })),
  );
};
const rowsText = async () => (await page.locator('[data-testid=runs] tbody tr').allTextContents()).join('\n');

describe.skipIf(!enabled)('the web console, in headless Chromium', () => {
  it('lists runs newest first with counts per status, and filters by status, type and workflowId prefix', async () => {
    await open();
    await page.waitForSelector('[data-testid=runs] tbody tr[data-workflow-id]');
    expect(await page.locator('[data-status=COMPLETED]').textContent()).toBe('Completed 2');
    expect(await page.locator('[data-status=FAILED]').textContent()).toBe('Failed 1');
    await page.click('[data-status=FAILED]');
    await page.waitForFunction(
      () => document.querySelectorAll('[data-testid=runs] tbody tr[data-workflow-id]').length === 1,
    );
    expect(await rowsText()).toContain('order-UI-BROKEN');
    await open('#/?prefix=order-UI-OK');
    await page.waitForFunction(
      () => document.querySelectorAll('[data-testid=runs] tbody tr[data-workflow-id]').length === 2,
    );
    expect(await rowsText()).not.toContain('UI-BROKEN');
    const types = await page.locator('[data-testid=type-filter] option').allTextContents();
    expect(types).toEqual(['every type', 'OrderProcessing@1']);
  });

  it('shows a failed and compensated order: the failure in words and compensation bars after it', async () => {
    const run = await findRun(stack.runtime.operationsContext, 'order-UI-BROKEN');
    await openRun('order-UI-BROKEN', run.execution?.runId ?? '');
    await page.waitForSelector('[data-testid=timeline]');
    const failure = await page.locator('[data-testid=failure]').textContent();
    expect(failure).toContain('StepFailed');
    expect(failure).toContain('NotifyCompletion after 1 attempt(s)');
    expect(failure).toContain('SaveResults, ProcessData');
    expect(await page.locator('[data-step="NotifyCompletion"] .bar').getAttribute('data-outcome')).toBe(
      'failed',
    );
    expect(await page.locator('[data-step="↩ SaveResults"] .bar').getAttribute('data-outcome')).toBe(
      'completed',
    );
    expect(await page.locator('[data-step="↩ ProcessData"] .bar').getAttribute('data-outcome')).toBe(
      'completed',
    );
    // A bar links to its events: clicking highlights the scheduled, started and closed events of that attempt.
    await page.locator('[data-step="NotifyCompletion"] .bar rect').last().click();
    await page.waitForSelector('tr.highlight');
    const highlighted = await page.locator('tr.highlight td:nth-child(2)').allTextContents();
    expect(highlighted).toEqual(['ActivityTaskScheduled', 'ActivityTaskStarted', 'ActivityTaskFailed']);
    // What the order left behind: nothing, and the ledger shows this run applied and undid each effect.
    const effects = await page.locator('[data-testid=effects]').textContent();
    expect(effects).toContain('recordnone');
    expect(effects).toContain('reservationnone');
    expect(await page.locator('[data-testid=ledger] tr td:first-child').allTextContents()).toEqual([
      'reserve',
      'save',
      'delete',
      'release',
    ]);
    expect(await page.locator('[data-testid=ledger] tr.own').count()).toBe(4);
  });

  it('resumes a closed run from a chosen step, and links the two runs both ways', async () => {
    const source = await findRun(stack.runtime.operationsContext, 'order-UI-BROKEN');
    const sourceRunId = source.execution?.runId ?? '';
    await openRun('order-UI-BROKEN', sourceRunId);
    await page.waitForSelector('[data-testid=resume-step]');
    const steps = await page.locator('[data-testid=resume-step] option').allTextContents();
    expect(steps).toEqual(['ValidateInput', 'ProcessData', 'EnrichData', 'SaveResults', 'NotifyCompletion']);
    expect(await page.locator('[data-testid=resume-step]').inputValue()).toBe('NotifyCompletion');
    await page.click('[data-testid=resume]');
    await page.waitForFunction((id) => !window.location.hash.includes(encodeURIComponent(id)), sourceRunId);
    await page
      .waitForFunction(
        () => document.querySelector('[data-testid=header] .badge')?.textContent === 'COMPLETED',
        undefined,
        { timeout: 20_000 },
      )
      .catch(async (error) => {
        console.log(
          'PAGE:',
          page.url(),
          await page.locator('[data-testid=failure]').textContent(),
          await page.locator('[data-testid=input]').textContent(),
        );
        throw error;
      });
    expect(await page.locator('[data-testid=links]').textContent()).toContain(`resumed from ${sourceRunId}`);
    expect(await page.locator('[data-step="ValidateInput"]').getAttribute('data-status')).toBe('carried');
    // The resumed run saved the order again, as the source run's lineage, and sent the one confirmation.
    await page.waitForFunction(() =>
      document
        .querySelector('[data-testid=effects]')
        ?.textContent?.includes('OrderConfirmed sent, by this run'),
    );
    expect(await page.locator('[data-testid=effects]').textContent()).toMatch(
      /saved: 33\.45 USD for cust-42, by this run/,
    );
    await openRun('order-UI-BROKEN', sourceRunId);
    await page.waitForSelector('[data-testid=links]');
    expect(await page.locator('[data-testid=links]').textContent()).toContain('resumed by');
  }, 40_000);

  it('marks runs in the list: run-id suffix, resumed, the step they failed at, a colour per status', async () => {
    const runs = (await listedRuns('order-UI-BROKEN')).sort((a, b) => a.status.localeCompare(b.status));
    expect(runs.map((r) => r.status)).toEqual(['COMPLETED', 'FAILED']);
    const [resumed, failed] = runs as [ListedRun, ListedRun];
    expect(resumed.marks).toContain('↻ resumed');
    expect(failed.marks).toContain('failed at NotifyCompletion');
    expect(failed.runCell).toBe(`…${failed.runId.slice(-6)}`);
    // Each status has its own colour: completed, failed, canceled and terminated never share one.
    const colours = await page.evaluate(() =>
      ['COMPLETED', 'FAILED', 'CANCELED', 'TERMINATED', 'TIMED_OUT', 'OPEN'].map((status) => {
        const probe = document.createElement('span');
        probe.className = `badge ${status}`;
        document.body.appendChild(probe);
        const colour = getComputedStyle(probe).backgroundColor;
        probe.remove();
        return colour;
      }),
    );
    expect(new Set(colours).size).toBe(colours.length);
  });

  it('puts the outcome and the timeline first, and events as compact rows with collapsible payloads', async () => {
    const run = await findRun(stack.runtime.operationsContext, 'order-UI-OK-1');
    await openRun('order-UI-OK-1', run.execution?.runId ?? '');
    await page.waitForSelector('[data-testid=events] tr');
    const order = await page.evaluate(() =>
      ['header', 'result', 'timeline', 'input', 'events'].map((id) => {
        const node = document.querySelector(`[data-testid=${id}]`);
        return node ? node.getBoundingClientRect().top + window.scrollY : -1;
      }),
    );
    expect(order.every((top) => top >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    const times = await page.locator('[data-testid=events] td.time').allTextContents();
    expect(times.length).toBeGreaterThan(10);
    for (const t of times) expect(t).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3} UTC$/);
    // Payloads start folded; unfolded, the input is pretty-printed JSON, not an escaped string.
    expect(await page.locator('[data-testid=events] details[open]').count()).toBe(0);
    const rows = await page.locator('[data-testid=events] tr').count();
    const height = await page
      .locator('[data-testid=events]')
      .evaluate((t) => t.getBoundingClientRect().height);
    expect(height / rows).toBeLessThan(36);
    await page.locator('[data-event-id="1"] summary').click();
    const started = await page.locator('[data-event-id="1"] pre').textContent();
    expect(started).toContain('"orderId": "UI-OK-1"');
    expect(started).not.toContain('\\"orderId');
  });

  it('selects runs in the list and terminates them together; the run page shows them under Terminated', async () => {
    const context = stack.runtime.startingContext;
    for (const orderId of ['UI-SEL-1', 'UI-SEL-2'])
      await startOrder(
        context,
        anOrder({ orderId, simulate: { sleepStep: 'ProcessData', sleepSeconds: 60 } }),
      );
    await open('#/?prefix=order-UI-SEL-');
    await page.waitForFunction(
      () => document.querySelectorAll('[data-testid=runs] tbody tr[data-workflow-id]').length === 2,
    );
    // An open run's duration counts on by itself.
    const live = page.locator('[data-testid=runs] tbody tr').first().locator('.duration');
    const before = await live.textContent();
    await page.waitForFunction(
      (text) => document.querySelector('[data-testid=runs] tbody tr .duration')?.textContent !== text,
      before,
      { timeout: 5000 },
    );
    await page.waitForFunction(() =>
      Array.from(document.querySelectorAll('[data-testid=runs] td.marks')).every(
        (cell) => cell.textContent === 'at ProcessData',
      ),
    );
    await page.click('[data-testid=select-page]');
    await page.waitForFunction(
      () => document.querySelector('[data-testid=selected-count]')?.textContent === '2 selected',
    );
    expect(await page.locator('[data-testid=bulk-terminate]').textContent()).toBe('Terminate (2)');
    expect(await page.locator('[data-testid=bulk-resume]').isDisabled()).toBe(true);
    await page.click('[data-testid=bulk-terminate]');
    await page.waitForSelector('[data-testid=bulk-question]');
    expect(await page.locator('[data-testid=bulk-question]').textContent()).toBe(
      'Terminate 2 open run(s) now, without compensation?',
    );
    await page.click('[data-testid=bulk-confirm]');
    await page.waitForSelector('[data-testid=bulk-result] li');
    expect((await page.locator('[data-testid=bulk-result] li').allTextContents()).sort()).toEqual([
      'order-UI-SEL-1: terminated',
      'order-UI-SEL-2: terminated',
    ]);
    const sel = await findRun(context, 'order-UI-SEL-1');
    expect(sel.closeStatus).toBe('TERMINATED');
    await openRun('order-UI-SEL-1', sel.execution?.runId ?? '');
    await page.waitForSelector('[data-testid=terminated]');
    // A closed run's duration stands still.
    expect(await page.locator('[data-testid=duration] [data-live-since]').count()).toBe(0);
    const section = await page.locator('[data-testid=terminated]').textContent();
    expect(section).toContain('Terminated');
    expect(section).toContain('terminated from the console');
    expect(section).toContain('none ran: terminate stops the run where it is');
    expect(await page.locator('[data-step="ProcessData"]').getAttribute('data-status')).toBe('abandoned');
  }, 40_000);

  it('resumes the failed runs selected in the list, each from the step it failed at', async () => {
    const context = stack.runtime.startingContext;
    const ids = ['UI-BULK-1', 'UI-BULK-2'];
    for (const orderId of ids)
      await startOrder(
        context,
        anOrder({ orderId, simulate: { failStep: 'SaveResults', nonRetryable: true } }),
      );
    for (const orderId of ids)
      await eventually(async () =>
        (await findRun(context, `order-${orderId}`)).closeStatus === 'FAILED' ? true : undefined,
      );
    await open('#/?prefix=order-UI-BULK-');
    await page.waitForFunction(
      () => document.querySelectorAll('[data-testid=runs] tbody tr[data-workflow-id]').length === 2,
    );
    for (const box of await page.locator('[data-testid=select-run]').all()) await box.check();
    await page.waitForFunction(
      () => document.querySelector('[data-testid=bulk-resume]')?.textContent === 'Resume failed (2)',
    );
    await page.click('[data-testid=bulk-resume]');
    await page.click('[data-testid=bulk-confirm]');
    await page.waitForSelector('[data-testid=bulk-result] li');
    for (const line of await page.locator('[data-testid=bulk-result] li').allTextContents())
      expect(line).toMatch(/^order-UI-BULK-\d: resumed \(from ProcessData \(run \S+\)\)$/);
    for (const orderId of ids)
      await eventually(async () =>
        (await findRun(context, `order-${orderId}`)).closeStatus === 'COMPLETED' ? true : undefined,
      );
  }, 40_000);

  it('gives a canceled run its own section, laid out as the others', async () => {
    const context = stack.runtime.startingContext;
    await startOrder(
      context,
      anOrder({ orderId: 'UI-CANCEL', simulate: { sleepStep: 'ProcessData', sleepSeconds: 30 } }),
    );
    await eventually(async () => {
      const history = await runHistory(context, 'order-UI-CANCEL');
      return history.timeline.steps.some((s) => s.step === 'ProcessData' && s.status === 'running')
        ? true
        : undefined;
    });
    await cancelRun(context, { workflowId: 'order-UI-CANCEL' });
    const run = await eventually(async () => {
      const info = await findRun(context, 'order-UI-CANCEL');
      return info.closeStatus === 'CANCELED' ? info : undefined;
    });
    await openRun('order-UI-CANCEL', run.execution?.runId ?? '');
    await page.waitForSelector('[data-testid=canceled]');
    const rows = await page.locator('[data-testid=canceled] tr').allTextContents();
    expect(rows[0]).toBe('canceled atProcessData');
    expect(rows.some((r) => r.startsWith('requested') && r.endsWith(' UTC'))).toBe(true);
    // ProcessData stopped on the cancel (it never completed), so there was nothing to undo.
    expect(rows).toContain('compensatednothing to undo');
    // Same layout as every outcome: a facts table whose label column has one width.
    expect(
      await page
        .locator('[data-testid=canceled] table.facts th')
        .first()
        .evaluate((th) => (th as HTMLElement).offsetWidth),
    ).toBe(
      await page
        .locator('[data-testid=header] table.facts th')
        .first()
        .evaluate((th) => (th as HTMLElement).offsetWidth),
    );
  }, 40_000);

  it('shows a large order waiting for Approve or Reject, and approves it with a button that says the run took it', async () => {
    const context = stack.runtime.startingContext;
    const current = { ...context, config: { ...context.config, workflowVersion: '3' } };
    await startOrder(
      current,
      anOrder({ orderId: 'UI-APPROVE', items: [{ sku: 'TV-1', quantity: 1, unitPrice: 6000 }] }),
    );
    const run = await eventually(async () => {
      const history = await runHistory(context, 'order-UI-APPROVE');
      return history.timeline.steps.some((s) => s.kind === 'wait' && s.status === 'waiting')
        ? history
        : undefined;
    });
    await openRun('order-UI-APPROVE', run.execution.runId);
    await page.waitForSelector('[data-testid=waiting]');
    expect(await page.locator('[data-testid=waiting]').textContent()).toMatch(
      /^Waiting for Approve or Reject since \d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3} UTC$/,
    );
    expect(await page.locator('[data-step="◇ Approval"]').getAttribute('data-status')).toBe('waiting');
    expect(await page.locator('[data-step="‖ FraudCheck"]').getAttribute('data-status')).toBe('completed');
    await page.fill('[data-testid=reviewer]', 'ana');
    await page.click('[data-testid=signal-Approve]');
    await page.waitForFunction(
      () => document.querySelector('[data-testid=action-result]')?.textContent?.startsWith('Sent'),
      undefined,
      { timeout: 20_000 },
    );
    expect(await page.locator('[data-testid=action-result]').textContent()).toBe(
      'Sent: the run took it (Approval).',
    );
    await page.waitForFunction(
      () => document.querySelector('[data-testid=header] .badge')?.textContent === 'COMPLETED',
      undefined,
      { timeout: 20_000 },
    );
    expect(await page.locator('[data-step="◇ Approval"]').getAttribute('data-status')).toBe('completed');
  }, 40_000);

  it('shows an order of 10,000 lines with its stored payloads resolved, and lists them with their sizes', async () => {
    const context = stack.runtime.startingContext;
    const items = Array.from({ length: 10_000 }, (_, i) => ({
      sku: `BIG-${i}`,
      quantity: 1,
      unitPrice: 0.01,
    }));
    const run = await startOrder(context, anOrder({ orderId: 'UI-BIG', items }));
    await eventually(async () =>
      (await findRun(context, 'order-UI-BIG')).executionStatus === 'CLOSED' ? true : undefined,
    );
    await openRun('order-UI-BIG', run.runId);
    await page.waitForSelector('[data-testid=payloads]');
    const payloads = (await page.locator('[data-testid=payloads]').textContent()) ?? '';
    expect(payloads).toMatch(/input\.items\d{3},\d{3} characterslocal:payloads\/[0-9a-f]{64}/);
    expect(payloads).toContain('ProcessData#1 result.totals');
    // The input panel shows the lines themselves, not the reference.
    const input = (await page.locator('[data-testid=input]').textContent()) ?? '';
    expect(input).toContain('BIG-9999');
    expect(input).not.toContain('$payload');
    expect(await page.locator('[data-testid=header] .badge').textContent()).toBe('COMPLETED');
  }, 60_000);

  it('renders an order input with HTML and script in it as inert text', async () => {
    const run = await findRun(stack.runtime.operationsContext, 'order-UI-OK-2');
    await openRun('order-UI-OK-2', run.execution?.runId ?? '');
    await page.waitForSelector('[data-testid=input] pre');
    expect(await page.locator('[data-testid=input] pre').textContent()).toContain(
      '<script>window.__pwned = 1</script>',
    );
    await page.waitForTimeout(300);
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(await page.locator('#app script, #app img').count()).toBe(0);
  });

  it('starts an order from the form, showing the same validation messages as the starter', async () => {
    await open();
    await page.click('[data-testid=start-form] summary');
    await page.fill(
      '[data-testid=order-json]',
      JSON.stringify(anOrder({ orderId: 'UI-FORM', paymentToken: '4111 1111 1111 1111' })),
    );
    await page.click('[data-testid=start-submit]');
    await page.waitForSelector('[data-testid=problems] li');
    expect(await page.locator('[data-testid=problems] li').allTextContents()).toEqual([
      'paymentToken: holds what looks like a payment card number, which is never accepted (it is not repeated here); send a paymentToken from your payment provider instead',
    ]);
    await page.fill('[data-testid=order-json]', JSON.stringify(anOrder({ orderId: 'UI-FORM' })));
    await page.click('[data-testid=start-submit]');
    await page.waitForSelector('[data-testid=start-result] a');
    expect(await page.locator('[data-testid=start-result]').textContent()).toBe('Started order-UI-FORM');
  });

  it('refuses actions without the session token or from another origin', async () => {
    const body = JSON.stringify({ workflowId: 'order-UI-OK-1' });
    const noToken = await fetch(`${stack.consoleUrl}/api/cancel`, { method: 'POST', body });
    expect(noToken.status).toBe(403);
    const token = await page.evaluate(() =>
      document.querySelector('meta[name="console-token"]')?.getAttribute('content'),
    );
    const otherSite = await fetch(`${stack.consoleUrl}/api/cancel`, {
      method: 'POST',
      body,
      headers: { 'x-console-token': token ?? '', origin: 'https://evil.example' },
    });
    expect(otherSite.status).toBe(403);
    expect(await otherSite.json()).toEqual({
      message: 'Actions are accepted only from the console page itself (same origin)',
    });
    const withToken = await fetch(`${stack.consoleUrl}/api/terminate`, {
      method: 'POST',
      body,
      headers: { 'x-console-token': token ?? '', origin: new URL(stack.consoleUrl).origin },
    });
    expect(withToken.status).toBe(409);
    expect((await withToken.json()).message).toMatch(/already closed/);
    const swf = stack.runtime.operationsContext.swf;
    expect(
      (await swf.send(new S.DescribeDomainCommand({ name: stack.runtime.config.domain }))).domainInfo?.status,
    ).toBe('REGISTERED');
  });
});

describe.skipIf(!enabled)('the console on a bare `swfctl server`', () => {
  it('says the domain is not registered yet instead of failing', async () => {
    const { startServer } = await import('../../local/server/server.js');
    const { createConsoleRoutes } = await import('../../local/console/console-api.js');
    const { cliContext } = await import('../../local/cli/cli-context.js');
    let routes: ReturnType<typeof createConsoleRoutes> | undefined;
    const bare = await startServer({
      port: 0,
      memory: true,
      logLevel: 'silent',
      routes: (q, r, b) => (routes ? routes(q, r, b) : false),
    });
    routes = createConsoleRoutes({ context: cliContext({ endpoint: bare.endpoint }) });
    try {
      const overview = await fetch(`${bare.endpoint}/console/api/overview`).then(
        (r) => r.json() as Promise<{ notice?: string; runs: unknown[] }>,
      );
      expect(overview.runs).toEqual([]);
      expect(overview.notice).toMatch(/is not registered on this server yet: run "npx swfctl register"/);
      await page.goto(`${bare.endpoint}/console`);
      await page.waitForSelector('[data-testid=notice]');
      expect(await page.locator('[data-testid=notice]').textContent()).toContain('npx swfctl register');
    } finally {
      await bare.close();
    }
  });
});
