import type { WorkflowSpec } from '../catalog.js';
import type { WorkflowConfig } from '../config.js';
import type { WorkflowModule } from '../module.js';
import type { JsonObject } from '../types.js';
import {
  chargeRenewal,
  extendSubscription,
  notifyRenewed,
  refundRenewal,
  sendReminder,
} from './activities.js';
import { parseRenewal } from './schema.js';
import { subscriptionSubject } from './subject.js';

export const RENEWAL_WORKFLOW_NAME = 'SubscriptionRenewal';

/** Remind, sleep until the renewal (a durable SWF timer), charge (refunded if a later step fails), extend, confirm. */
function renewalWorkflow(config: WorkflowConfig): WorkflowSpec {
  return {
    name: RENEWAL_WORKFLOW_NAME,
    version: '1',
    description:
      'Reminds the customer, sleeps until the renewal, charges, extends the subscription, confirms.',
    taskList: config.decisionTaskList,
    executionStartToCloseTimeout: '35d',
    taskStartToCloseTimeout: '30s',
    defaults: { activityVersion: '1', activityTaskList: config.activityTaskList },
    steps: [
      { name: 'SendReminder', activity: { run: sendReminder } },
      { sleep: 'UntilRenewal', duration: (input) => Number(input.reminderLeadSeconds) },
      {
        name: 'ChargeRenewal',
        activity: { run: chargeRenewal },
        compensation: { activity: { name: 'RefundRenewal', run: refundRenewal } },
      },
      { name: 'ExtendSubscription', activity: { run: extendSubscription } },
      { name: 'NotifyRenewed', activity: { run: notifyRenewed } },
    ],
  };
}

/** A second, small workflow in another domain: the module is this folder plus one line in modules.ts. */
export const renewalModule: WorkflowModule = {
  name: RENEWAL_WORKFLOW_NAME,
  summary: 'Reminds, sleeps until the renewal, charges, extends and confirms a subscription',
  definitions: (config) => [renewalWorkflow(config)],
  currentVersion: (config) => config.workflowVersions[RENEWAL_WORKFLOW_NAME] ?? '1',
  parseInput: (input) => parseRenewal(input) as unknown as JsonObject,
  workflowId: (input) => `renewal-${String(input.subscriptionId)}`,
  idPrefix: 'renewal-',
  effectsKey: (workflowId) => subscriptionSubject(workflowId.slice('renewal-'.length)),
  ports: ['notifier'],
  sampleInput: {
    subscriptionId: 'S-100',
    customerId: 'cust-42',
    email: 'ana@example.com',
    plan: 'monthly',
    amount: 9.9,
    currency: 'EUR',
    reminderLeadSeconds: 5,
  },
};
