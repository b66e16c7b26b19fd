import type * as S from '@aws-sdk/client-swf';
import { describe, expect, it } from 'vitest';
import { decodeFailureDetails } from '../../../lambda/decider/failure-details.js';
import { handleActivityTask } from '../../../lambda/worker/activity-worker.js';
import { NO_DEADLINE } from '../../../lambda/worker/deadline.js';
import { recordingTelemetry } from '../../../lambda/worker/telemetry.js';
import type { ActivityFunction } from '../../../lambda/workflow/types.js';
import { activitiesCatalog } from '../../support/activity-catalog.js';

/** An SWF client that records every command and answers heartbeats as told. */
function fakeSwf(heartbeatAnswer: () => Promise<object> = async () => ({})) {
  const sent: { command: string; input: Record<string, unknown> }[] = [];
  const swf = {
    send: async (command: { constructor: { name: string }; input: Record<string, unknown> }) => {
      const name = command.constructor.name.replace(/Command$/, '');
      sent.push({ command: name, input: command.input });
      return name === 'RecordActivityTaskHeartbeat' ? heartbeatAnswer() : {};
    },
  };
  return { sent, swf: swf as unknown as S.SWFClient };
}

/** Polls nothing: hands the worker one task of `Act` (its run given) and returns what it sent to SWF. */
async function handle(run: ActivityFunction, swf = fakeSwf(), input?: string) {
  const catalog = activitiesCatalog({ Act: run });
  const { telemetry, counts, logs } = recordingTelemetry();
  await handleActivityTask(
    {
      taskToken: 'token-1',
      activityId: 'Act#1',
      activityType: { name: 'Act', version: '1' },
      workflowExecution: { workflowId: 'w', runId: 'r' },
      input: input ?? JSON.stringify({ input: {}, previousResults: {}, attempt: 1 }),
    } as S.PollForActivityTaskCommandOutput & { taskToken: string },
    {
      swf: swf.swf,
      catalog,
      domain: 'activities-domain',
      taskList: 'activities',
      identity: 'test',
      deadline: NO_DEADLINE,
      telemetry,
      ports: {},
      allowFailureInjection: false,
    },
  );
  return { sent: swf.sent, counts, logs };
}

describe('reporting an activity outcome to SWF', () => {
  it('a completed attempt: one RespondActivityTaskCompleted with the result text', async () => {
    const { sent, counts } = await handle(() => ({ ok: true }));
    expect(sent).toEqual([
      { command: 'RespondActivityTaskCompleted', input: { taskToken: 'token-1', result: '{"ok":true}' } },
    ]);
    expect(counts.get('ActivityFailures')).toBeUndefined();
  });

  it('a failed attempt: the reason cut to 256 characters, the details an envelope that keeps the flag', async () => {
    const name = `Refused${'X'.repeat(300)}`;
    const { sent, counts } = await handle(() => {
      throw Object.assign(new Error('no way'), { name, nonRetryable: true });
    });
    expect(sent.map((s) => s.command)).toEqual(['RespondActivityTaskFailed']);
    const input = sent[0]?.input as { reason: string; details: string; taskToken: string };
    expect(input.taskToken).toBe('token-1');
    expect(input.reason.length).toBeLessThanOrEqual(256);
    expect(input.reason.startsWith('RefusedXXX')).toBe(true);
    expect(decodeFailureDetails(input.details)).toEqual({ message: 'no way', nonRetryable: true });
    expect(counts.get('ActivityFailures')).toBe(1);
  });

  it("the worker's own refusal (bad input): failed, non-retryable, before the activity runs", async () => {
    const { sent } = await handle(() => null, fakeSwf(), '{oops');
    expect(sent[0]?.command).toBe('RespondActivityTaskFailed');
    expect(sent[0]?.input.reason).toBe('InvalidActivityInput');
    expect(decodeFailureDetails(sent[0]?.input.details as string)?.nonRetryable).toBe(true);
  });

  it('a canceled attempt: the heartbeat, then RespondActivityTaskCanceled', async () => {
    const swf = fakeSwf(async () => ({ cancelRequested: true }));
    const { sent } = await handle(async (_payload, context) => {
      await context.heartbeat('step 1');
      await context.sleep(60_000);
      return null;
    }, swf);
    expect(sent).toEqual([
      { command: 'RecordActivityTaskHeartbeat', input: { taskToken: 'token-1', details: 'step 1' } },
      {
        command: 'RespondActivityTaskCanceled',
        input: { taskToken: 'token-1', details: 'canceled by request' },
      },
    ]);
  });

  it('a task lost while it ran: no response at all, and a warning', async () => {
    const swf = fakeSwf(() =>
      Promise.reject(Object.assign(new Error('Unknown activity'), { name: 'UnknownResourceFault' })),
    );
    const { sent, logs } = await handle(async (_payload, context) => {
      await context.heartbeat();
      return 'too late';
    }, swf);
    expect(sent.map((s) => s.command)).toEqual(['RecordActivityTaskHeartbeat']);
    expect(logs.some((log) => log.level === 'warn' && log.message.startsWith('the task was lost'))).toBe(
      true,
    );
  });
});
