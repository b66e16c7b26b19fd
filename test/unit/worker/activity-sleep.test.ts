import { getEventListeners } from 'node:events';
import type * as S from '@aws-sdk/client-swf';
import { describe, expect, it } from 'vitest';
import { handleActivityTask } from '../../../lambda/worker/activity-worker.js';
import { NO_DEADLINE } from '../../../lambda/worker/deadline.js';
import { silentTelemetry } from '../../../lambda/worker/telemetry.js';
import { activitiesCatalog } from '../../support/activity-catalog.js';

/** One activity that sleeps `sleeps` times through its context, then reports the abort listeners left behind. */
function sleepyCatalog(sleeps: number) {
  return activitiesCatalog({
    Nap: async (_payload, context) => {
      for (let i = 0; i < sleeps; i++) await context.sleep(0);
      return { listeners: getEventListeners(context.signal, 'abort').length };
    },
  });
}

describe('the activity context', () => {
  it('leaves no abort listener behind once a sleep is over, however many sleeps an activity takes', async () => {
    const catalog = sleepyCatalog(200);
    const sent: { input: { result?: string } }[] = [];
    const swf = { send: async (command: { input: { result?: string } }) => void sent.push(command) };
    const type = catalog.activityTypes()[0] as { name: string; version: string };
    const warnings: string[] = [];
    const onWarning = (warning: Error) => warnings.push(warning.name);
    process.on('warning', onWarning);
    try {
      await handleActivityTask(
        {
          taskToken: 'token',
          activityId: 'Nap#1',
          activityType: type,
          workflowExecution: { workflowId: 'w', runId: 'r' },
          input: JSON.stringify({ input: {}, previousResults: {}, attempt: 1 }),
        } as S.PollForActivityTaskCommandOutput & { taskToken: string },
        {
          swf: swf as unknown as S.SWFClient,
          catalog,
          domain: 'activities-domain',
          taskList: 'activities',
          identity: 'test',
          deadline: NO_DEADLINE,
          telemetry: silentTelemetry,
          ports: {},
          allowFailureInjection: false,
        },
      );
    } finally {
      process.off('warning', onWarning);
    }
    expect(JSON.parse(sent[0]?.input.result ?? '{}')).toEqual({ listeners: 0 });
    expect(warnings).not.toContain('MaxListenersExceededWarning');
  });
});
