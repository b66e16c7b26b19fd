import type { WorkflowModule } from '../module.js';
import type { JsonObject } from '../types.js';
import { workflowIdFor } from './ids.js';
import type { OrderRecord } from './ports.js';
import { parseOrder } from './schema.js';
import {
  DEFAULT_APPROVAL_TIMEOUT,
  ORDER_WORKFLOW_NAME,
  orderWorkflowV1,
  orderWorkflowV2,
  orderWorkflowV3,
} from './workflow.js';

/** The order workflow as a module: validate, price, enrich, save and confirm an order, compensating on failure. */
export const orderModule: WorkflowModule = {
  name: ORDER_WORKFLOW_NAME,
  summary: 'Validates, prices, enriches, saves and confirms an order; compensates on failure',
  // Every released version stays for runs in flight, each its own literal flow (workflow.ts), frozen by
  // versions.lock.json: 2 adds the fraud check and the approval of large orders, 3 makes the approval count only
  // answers sent while the order waits. A change is a new version appended here.
  definitions: (config) => [orderWorkflowV1(config), orderWorkflowV2(config), orderWorkflowV3(config)],
  versionLock: 'lambda/workflow/order/versions.lock.json',
  currentVersion: (config) => config.workflowVersions[ORDER_WORKFLOW_NAME] ?? config.workflowVersion,
  parseInput: (input, options) => parseOrder(input, options) as unknown as JsonObject,
  workflowId: (input) => workflowIdFor(String(input.orderId)),
  idPrefix: 'order-',
  effectsKey: (workflowId) => workflowId.slice('order-'.length),
  describeRecord: (record) => {
    const r = record as Partial<OrderRecord>;
    return `${r.total} ${r.currency} for ${r.customerId}`;
  },
  ports: ['orderStore', 'notifier'],
  settings: {
    approvalTimeout: `how long versions 2 and 3 wait for Approve or Reject on an order above 5,000 (default ${DEFAULT_APPROVAL_TIMEOUT})`,
  },
  sampleInput: {
    orderId: 'A-2001',
    customerId: 'cust-42',
    items: [{ sku: 'BOOK-1', quantity: 2, unitPrice: 12.5 }],
    currency: 'USD',
    paymentToken: 'tok_visa_4242abcd',
  },
};
