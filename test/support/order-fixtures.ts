import { loadConfig } from '../../lambda/workflow/index.js';
import { buildCatalog } from '../../lambda/workflow/modules.js';

/**
 * Most tests tell version 1's story (five steps in a line), which stays registered for runs in flight; version 2
 * (parallel checks, approval) has its own tests. New runs outside the tests start on version 2.
 */
export const testConfig = loadConfig({ SWF_ALLOW_FAILURE_INJECTION: 'true', SWF_WORKFLOW_VERSION: '1' });
export const catalog = buildCatalog(testConfig);
export const orderWorkflowType = { name: 'OrderProcessing', version: testConfig.workflowVersion };

/** A valid order; override any field. */
export function anOrder(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    orderId: 'A-1001',
    customerId: 'cust-42',
    items: [
      { sku: 'BOOK-1', quantity: 2, unitPrice: 12.5 },
      { sku: 'PEN-9', quantity: 3, unitPrice: 1.99 },
    ],
    currency: 'USD',
    paymentToken: 'tok_visa_4242abcd',
    ...overrides,
  };
}
