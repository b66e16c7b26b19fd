import { describe, expect, it } from 'vitest';
import { buildTimeline, decide } from '../../../lambda/decider/index.js';
import { renderTimeline } from '../../../local/cli/format.js';
import { HistoryBuilder } from '../../support/history-builder.js';
import { anOrder, catalog, orderWorkflowType } from '../../support/order-fixtures.js';
import { simulateWorkflow } from '../../support/workflow-simulator.js';

const workflow = catalog.workflow('OrderProcessing', '1');

describe('buildTimeline', () => {
  it('tells each step attempt by attempt, with retries, compensations and the failure', () => {
    const failures = new Map([
      ['SaveResults#1', { type: 'fail' as const, reason: 'Flaky', details: 'once' }],
      [
        'NotifyCompletion#1',
        { type: 'fail' as const, reason: 'NonRetryableError', details: 'mail server gone' },
      ],
    ]);
    const { history } = simulateWorkflow(catalog, orderWorkflowType, anOrder(), {
      outcome: (id) => failures.get(id) ?? { type: 'complete', result: { id } },
    });
    const timeline = buildTimeline(history.events, workflow);
    expect(timeline.status).toBe('failed');
    expect(timeline.input).toEqual(anOrder());
    expect(
      timeline.steps.map((s) => [s.kind, s.step, s.status, s.attempts.map((a) => a.outcome).join(',')]),
    ).toEqual([
      ['step', 'ValidateInput', 'completed', 'completed'],
      ['step', 'ProcessData', 'completed', 'completed'],
      ['step', 'EnrichData', 'completed', 'completed'],
      ['step', 'SaveResults', 'completed', 'failed,completed'],
      ['step', 'NotifyCompletion', 'failed', 'failed'],
      ['compensation', 'SaveResults', 'completed', 'completed'],
      ['compensation', 'ProcessData', 'completed', 'completed'],
    ]);
    const save = timeline.steps[3];
    expect(save?.waits).toEqual([expect.objectContaining({ timerId: 'retry.SaveResults#2', seconds: 1 })]);
    expect(save?.attempts[0]).toMatchObject({ reason: 'Flaky', details: 'once' });
    expect(save?.attempts[1]?.eventIds).toHaveLength(3);
    expect(timeline.failure).toMatchObject({
      reason: 'StepFailed',
      details: { failedStep: 'NotifyCompletion', compensated: ['SaveResults', 'ProcessData'] },
    });

    const text = renderTimeline('order-A-1001', 'run-1', timeline);
    expect(text).toMatch(/^order-A-1001 {2}OrderProcessing@1 {2}FAILED/);
    expect(text).toMatch(/SaveResults\s+#1 failed Flaky: once in \S+ \(queued \S+\) {2}→ retry in 1s/);
    expect(text).toMatch(/↩ SaveResults \(compensation\)\s+#1 completed/);
    expect(text).toContain('  failed step: NotifyCompletion after 1 attempt(s)');
    expect(text).toContain('  compensated: SaveResults, ProcessData');
  });

  it('marks carried steps of a resumed run and links to its source', () => {
    const input = anOrder({ resume: { fromStep: 'SaveResults', previousResults: {}, sourceRunId: 'run-0' } });
    const { history } = simulateWorkflow(catalog, orderWorkflowType, input, {
      outcome: () => ({ type: 'complete' }),
    });
    const timeline = buildTimeline(history.events, workflow);
    expect(timeline.status).toBe('completed');
    expect(timeline.resumedFrom).toEqual({ fromStep: 'SaveResults', sourceRunId: 'run-0' });
    expect(timeline.input).toEqual(anOrder());
    expect(timeline.steps.map((s) => s.status)).toEqual([
      'carried',
      'carried',
      'carried',
      'completed',
      'completed',
    ]);
  });

  it('marks the attempts a terminated or timed-out run left open as abandoned, not running', () => {
    for (const [eventType, words] of [
      ['WorkflowExecutionTerminated', 'run terminated'],
      ['WorkflowExecutionTimedOut', 'run timed out'],
    ] as const) {
      const history = new HistoryBuilder().started(orderWorkflowType, anOrder()).decisionTaskStarted();
      history.completeDecisionTask(decide(history.events, catalog).decisions);
      history.activityStarted('ValidateInput#1');
      history.raw(
        eventType,
        eventType.endsWith('Terminated') ? { reason: 'operator' } : { timeoutType: 'START_TO_CLOSE' },
      );
      const timeline = buildTimeline(history.events, workflow);
      const validate = timeline.steps.find((s) => s.step === 'ValidateInput');
      expect(validate?.status).toBe('abandoned');
      expect(validate?.attempts[0]).toMatchObject({
        outcome: 'abandoned',
        reason: words,
        closedAt: timeline.closedAt,
      });
      expect(renderTimeline('order-A-1001', 'run-1', timeline)).toMatch(
        new RegExp(`ValidateInput\\s+#1 abandoned \\(${words}\\) in \\S+`),
      );
    }
  });

  it('lists signals with their input, and gives canceled and terminated runs their own sections', () => {
    const signaled = () => {
      const history = new HistoryBuilder().started(orderWorkflowType, anOrder()).decisionTaskStarted();
      history.completeDecisionTask(decide(history.events, catalog).decisions);
      history.raw('WorkflowExecutionSignaled', { signalName: 'Approve', input: '{"reviewer":"ana"}' });
      history.raw('WorkflowExecutionSignaled', { signalName: 'Ping' });
      return history;
    };
    const canceled = buildTimeline(
      signaled().raw('WorkflowExecutionCanceled', {
        details: JSON.stringify({
          reason: 'CancelRequested',
          canceledAtStep: 'ValidateInput',
          compensated: [],
        }),
      }).events,
      workflow,
    );
    expect(canceled.signals.map((s) => [s.name, s.input])).toEqual([
      ['Approve', { reviewer: 'ana' }],
      ['Ping', undefined],
    ]);
    const text = renderTimeline('order-A-1001', 'run-1', canceled);
    expect(text).toMatch(
      /\nsignals\n {2}\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3} UTC {2}Approve {2}\{"reviewer":"ana"\} {2}\(ignored: no wait in this workflow accepts it\)\n/,
    );
    expect(text).toMatch(/UTC {2}Ping {2}\(ignored: no wait in this workflow accepts it\)\n/);
    expect(text).toContain('\nCanceled at ValidateInput.\n  compensated: nothing to undo');
    expect(text).not.toMatch(/canceled: *$/m);
    expect(text).toMatch(/^run run-1, started \d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3} UTC$/m);

    const terminated = buildTimeline(
      signaled().raw('WorkflowExecutionTerminated', { childPolicy: 'TERMINATE', cause: 'OPERATOR_INITIATED' })
        .events,
      workflow,
    );
    const terminatedText = renderTimeline('order-A-1001', 'run-1', terminated);
    expect(terminatedText).toMatch(/^order-A-1001 {2}OrderProcessing@1 {2}TERMINATED/);
    expect(terminatedText).toContain('\nTerminated: no reason given\n  cause: OPERATOR_INITIATED\n');
  });
});
