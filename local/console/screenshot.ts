/**
 * Regenerates docs/console-timeline.png: an order whose EnrichData fails three times (two backoff waits), so it
 * is exhausted and ProcessData is compensated. `npm run screenshot:console` (needs Debian's chromium).
 */
import { fileURLToPath } from 'node:url';
import { findRun, startOrder } from '../../lambda/worker/operations.js';
import { launchChromium } from '../../test/support/browser.js';
import { eventually } from '../../test/support/workers.js';
import { startLocalStack } from '../runtime/local-stack.js';

const stack = await startLocalStack({ port: 0, memory: true, pollHoldSeconds: 1, rateMs: 1000 });
const context = stack.runtime.orderContext;
await startOrder(context, {
  orderId: 'A-1001',
  customerId: 'cust-42',
  items: [{ sku: 'BOOK-1', quantity: 2, unitPrice: 12.5 }],
  currency: 'USD',
  paymentToken: 'tok_visa_4242abcd',
  simulate: { failStep: 'EnrichData', failTimes: 3 },
});
const run = await eventually(async () => {
  const info = await findRun(context, 'order-A-1001');
  return info.executionStatus === 'CLOSED' ? info : undefined;
}, 30_000);
const browser = await launchChromium();
const page = await browser.newPage({ viewport: { width: 1040, height: 900 }, deviceScaleFactor: 1 });
await page.goto(`${stack.consoleUrl}#/run/order-A-1001/${encodeURIComponent(run.execution?.runId ?? '')}`);
await page.waitForSelector('[data-testid=timeline]');
const panel = page.locator('.panel', { has: page.locator('[data-testid=timeline]') });
const target = fileURLToPath(new URL('../../docs/console-timeline.png', import.meta.url));
await panel.screenshot({ path: target });
console.log(`wrote ${target}`);
await browser.close();
await stack.stop();
