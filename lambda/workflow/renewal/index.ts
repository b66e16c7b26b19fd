import type { WorkflowModule } from '../module.js';
import type { JsonObject } from '../types.js';
import { parseRenewal } from './schema.js';
import { subscriptionSubject } from './subject.js';
import { RENEWAL_WORKFLOW_NAME, renewalWorkflowV1 } from './workflow.js';

/** A second, small workflow in another domain: the module is this folder plus one line in modules.ts. */
export const renewalModule: WorkflowModule = {
  name: RENEWAL_WORKFLOW_NAME,
  summary: 'Reminds, sleeps until the renewal, charges, extends and confirms a subscription',
  definitions: (config) => [renewalWorkflowV1(config)],
  versionLock: 'lambda/workflow/renewal/versions.lock.json',
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
