import * as z from 'zod';
import { defineCatalog } from '../../lambda/workflow/catalog.js';

const done = () => ({ ok: true });
const step = (name: string, compensated = true) => ({
  name,
  activity: { run: done },
  retry: { maximumAttempts: 2, initialIntervalSeconds: 1 },
  ...(compensated ? { compensation: { activity: { run: done } } } : {}),
});
const review = z.object({ reviewer: z.string().min(1), note: z.string().optional() });

/** A workflow with every construct: a step, a parallel group, a conditional signal wait, a sleep, a conditional step. */
export const flowCatalog = defineCatalog({
  domain: { name: 'flow-domain', retentionDays: 1 },
  workflows: [
    {
      name: 'Flow',
      version: '1',
      taskList: 'decisions',
      executionStartToCloseTimeout: '1d',
      taskStartToCloseTimeout: '30',
      defaults: { activityTaskList: 'activities' },
      steps: [
        step('A'),
        { parallel: 'Checks', steps: [step('B'), step('C')] },
        {
          waitForSignal: 'Approval',
          signals: { Approve: { payload: review }, Reject: { payload: review, fails: 'Rejected' } },
          earlySignals: 'keep',
          timeout: '24h',
          onTimeout: { fails: 'Rejected' },
          when: (input) => Number(input.total) > 5000,
        },
        { sleep: 'Cooldown', duration: (input) => Number(input.coolSeconds ?? 60) },
        { ...step('D', false), when: (input) => input.skipD !== true },
      ],
    },
  ],
});
export const flowType = { name: 'Flow', version: '1' };
