/**
 * The renewal workflow's steps, each a named frozen constant, and its versions, each a literal flow of them.
 * A released version never changes (versions.lock.json): a change is a new version beside it.
 */
import type { StepSpec, WorkflowSpec } from '../catalog.js';
import type { WorkflowConfig } from '../config.js';
import { frozen } from '../frozen.js';
import type { FlowEntrySpec } from '../spec.js';
import type { JsonObject } from '../types.js';
import {
  chargeRenewal,
  extendSubscription,
  notifyRenewed,
  refundRenewal,
  sendReminder,
} from './activities.js';

export const RENEWAL_WORKFLOW_NAME = 'SubscriptionRenewal';

export const SEND_REMINDER: StepSpec = frozen({ name: 'SendReminder', activity: { run: sendReminder } });

/** How long the reminder comes before the renewal: the input's `reminderLeadSeconds`. */
export const reminderLead = (input: JsonObject): number => Number(input.reminderLeadSeconds);

/** A durable SWF timer from the reminder to the renewal. */
export const UNTIL_RENEWAL: FlowEntrySpec = frozen({ sleep: 'UntilRenewal', duration: reminderLead });

export const CHARGE_RENEWAL: StepSpec = frozen({
  name: 'ChargeRenewal',
  activity: { run: chargeRenewal },
  compensation: { activity: { name: 'RefundRenewal', run: refundRenewal } },
});

export const EXTEND_SUBSCRIPTION: StepSpec = frozen({
  name: 'ExtendSubscription',
  activity: { run: extendSubscription },
});

export const NOTIFY_RENEWED: StepSpec = frozen({ name: 'NotifyRenewed', activity: { run: notifyRenewed } });

/** Version 1's flow: remind, sleep until the renewal, charge (refunded if a later step fails), extend, confirm. */
export function renewalFlowV1(): WorkflowSpec['steps'] {
  return [SEND_REMINDER, UNTIL_RENEWAL, CHARGE_RENEWAL, EXTEND_SUBSCRIPTION, NOTIFY_RENEWED];
}

/** The `SubscriptionRenewal` workflow type at version 1 (see `renewalFlowV1`). */
export function renewalWorkflowV1(config: WorkflowConfig): WorkflowSpec {
  return {
    name: RENEWAL_WORKFLOW_NAME,
    version: '1',
    description:
      'Reminds the customer, sleeps until the renewal, charges, extends the subscription, confirms.',
    taskList: config.decisionTaskList,
    executionStartToCloseTimeout: '35d',
    taskStartToCloseTimeout: '30s',
    defaults: { activityVersion: '1', activityTaskList: config.activityTaskList },
    steps: renewalFlowV1(),
  };
}
