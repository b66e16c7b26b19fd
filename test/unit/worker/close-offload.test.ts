import type * as S from '@aws-sdk/client-swf';
import { describe, expect, it } from 'vitest';
import { MemoryPayloadStore } from '../../../lambda/adapters/file-payloads.js';
import { decide } from '../../../lambda/decider/index.js';
import { NO_DEADLINE } from '../../../lambda/worker/deadline.js';
import { handleDecisionTask } from '../../../lambda/worker/decider-worker.js';
import { resolveValue } from '../../../lambda/worker/payload-codec.js';
import { recordingTelemetry } from '../../../lambda/worker/telemetry.js';
import { isPayloadRef } from '../../../lambda/workflow/payloads.js';
import { HistoryBuilder } from '../../support/history-builder.js';
import { anOrder, catalog, orderWorkflowType } from '../../support/order-fixtures.js';

/** A run whose five results are each just under the offload threshold: together they exceed SWF's 32,768. */
function historyReadyToClose() {
  const history = new HistoryBuilder().started(orderWorkflowType, anOrder()).decisionTaskStarted();
  // Each step completes with 7,500 characters; the decision task that would close the run is left started.
  for (;;) {
    const { decisions } = decide(history.events, catalog);
    const next = decisions.find((d) => d.decisionType === 'ScheduleActivityTask');
    if (next?.decisionType !== 'ScheduleActivityTask') return history;
    history.completeDecisionTask(decisions);
    const id = next.scheduleActivityTaskDecisionAttributes.activityId;
    history.activityStarted(id).activityCompleted(id, { note: `${id} `.repeat(1_000).slice(0, 7_500) });
    history.decisionTaskStarted();
  }
}

/** Runs the decider worker's handling of one task, returning the decisions it sent to SWF. */
async function respond(history: HistoryBuilder, payloads?: MemoryPayloadStore) {
  const sent: S.Decision[][] = [];
  const swf = {
    send: async (command: { input: { decisions?: S.Decision[] } }) => {
      sent.push(command.input.decisions ?? []);
      return {};
    },
  };
  await handleDecisionTask(
    {
      taskToken: 't',
      workflowExecution: { workflowId: 'order-A', runId: 'r' },
      workflowType: orderWorkflowType,
      events: history.events as S.HistoryEvent[],
      previousStartedEventId: 0,
    },
    {
      swf: swf as never,
      catalog,
      domain: 'd',
      taskList: 'decisions',
      identity: 'test',
      deadline: NO_DEADLINE,
      telemetry: recordingTelemetry().telemetry,
      payloads,
      offloadThreshold: 8_192,
    },
  );
  return sent[0] ?? [];
}

describe('the decider worker stores close results too large for SWF', () => {
  it('closes with a reference to the whole results when it has a store, and cuts them down without one', async () => {
    const history = historyReadyToClose();
    const store = new MemoryPayloadStore();
    const [complete] = await respond(history, store);
    const result = JSON.parse(complete?.completeWorkflowExecutionDecisionAttributes?.result ?? '{}');
    expect(isPayloadRef(result.results)).toBe(true);
    const results = (await resolveValue(store, result.results)) as Record<string, { note: string }>;
    expect(Object.keys(results)).toEqual([
      'ValidateInput',
      'ProcessData',
      'EnrichData',
      'SaveResults',
      'NotifyCompletion',
    ]);
    expect(results.NotifyCompletion?.note).toHaveLength(7_500);

    const [cut] = await respond(historyReadyToClose());
    const truncated = JSON.parse(cut?.completeWorkflowExecutionDecisionAttributes?.result ?? '{}');
    expect(truncated.results).toBeNull();
    expect(truncated.truncated).toMatch(/above SWF's 32768; read each step's result from the history/);
  });
});
