/**
 * Regenerates the README's console pictures (needs Debian's chromium): `npm run screenshot:console`.
 * - docs/console-run.png: an order whose EnrichData fails three times (two backoff waits), so it is exhausted and
 *   ProcessData is compensated: the page's top, with the outcome and the timeline first.
 * - docs/console-list.png: the runs list with a resumed order, a terminated one, an open one and a selection.
 */
import { fileURLToPath } from 'node:url';
import { findRun, resumeRun, terminateRun } from '../../lambda/worker/operations.js';
import { startOrder } from '../../lambda/workflow/order/operations.js';
import { launchChromium } from '../../test/support/browser.js';
import { eventually } from '../../test/support/workers.js';
import { startLocalStack } from '../runtime/local-stack.js';

const stack = await startLocalStack({ port: 0, memory: true, pollHoldSeconds: 1, rateMs: 1000 });
const context = stack.runtime.startingContext;
const order = (orderId: string, simulate?: Record<string, unknown>) => ({
  orderId,
  customerId: 'cust-42',
  items: [{ sku: 'BOOK-1', quantity: 2, unitPrice: 12.5 }],
  currency: 'USD',
  paymentToken: 'tok_visa_4242abcd',
  ...(simulate ? { simulate } : {}),
});
const closed = (workflowId: string) =>
  eventually(async () => {
    const info = await findRun(context, workflowId);
    return info.executionStatus === 'CLOSED' ? info : undefined;
  }, 30_000);

await startOrder(context, order('A-1001', { failStep: 'EnrichData', failTimes: 3 }));
await startOrder(context, order('A-1002', { failStep: 'NotifyCompletion', nonRetryable: true }));
await startOrder(context, order('A-1003'));
await startOrder(context, order('A-1004', { sleepStep: 'ProcessData', sleepSeconds: 120 }));
await startOrder(context, order('A-1005', { sleepStep: 'EnrichData', sleepSeconds: 120 }));
const run = await closed('order-A-1001');
await closed('order-A-1002');
await resumeRun(context, { workflowId: 'order-A-1002', fromStep: 'NotifyCompletion', clearSimulation: true });
await closed('order-A-1003');
await new Promise((resolve) => setTimeout(resolve, 1500));
await terminateRun(context, { workflowId: 'order-A-1005', reason: 'customer called: stop it' });

const browser = await launchChromium();
const page = await browser.newPage({ viewport: { width: 1100, height: 860 }, deviceScaleFactor: 1 });
const docs = (name: string) => fileURLToPath(new URL(`../../docs/${name}`, import.meta.url));

await page.goto(`${stack.consoleUrl}#/run/order-A-1001/${encodeURIComponent(run.execution?.runId ?? '')}`);
await page.waitForSelector('[data-testid=timeline]');
await page.screenshot({ path: docs('console-run.png') });

await page.goto(`${stack.consoleUrl}#/?prefix=order-A-`);
await page.waitForFunction(
  () => document.querySelectorAll('[data-testid=runs] tbody tr[data-workflow-id]').length === 6,
);
await page.locator('[data-testid=select-run]').nth(2).check();
await page.locator('[data-testid=select-run]').nth(4).check();
await page.waitForFunction(
  () => document.querySelector('[data-testid=selected-count]')?.textContent === '2 selected',
);
await page.locator('main').screenshot({ path: docs('console-list.png') });
console.log(`wrote ${docs('console-run.png')} and ${docs('console-list.png')}`);
await browser.close();
await stack.stop();
