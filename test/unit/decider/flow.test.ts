import { describe, expect, it } from 'vitest';
import { buildTimeline, decide } from '../../../lambda/decider/index.js';
import type { Decision } from '../../../lambda/decider/swf-types.js';
import { renderTimeline } from '../../../local/cli/format.js';
import { flowCatalog as catalog, flowType as type } from '../../support/flow-fixtures.js';
import { attributesOf, HistoryBuilder } from '../../support/history-builder.js';
import { activityName, type Outcome, simulateWorkflow } from '../../support/workflow-simulator.js';

const run = (
  input: object,
  options: {
    outcome?: (activityId: string) => Outcome;
    signals?: { afterDecisionTasks: number; name: string; input?: unknown }[];
    timersFire?: boolean;
    cancelAfterDecisionTasks?: number;
    choose?: (n: number) => number;
  } = {},
) =>
  simulateWorkflow(catalog, type, input, {
    outcome: options.outcome ?? ((id) => ({ type: 'complete', result: { id } })),
    signals: options.signals,
    timersFire: options.timersFire,
    cancelAfterDecisionTasks: options.cancelAfterDecisionTasks,
    choose: options.choose,
  });

const scheduled = (decisions: readonly Decision[]) =>
  decisions
    .filter((d) => d.decisionType === 'ScheduleActivityTask')
    .map(
      (d) =>
        (d as { scheduleActivityTaskDecisionAttributes: { activityId: string } })
          .scheduleActivityTaskDecisionAttributes.activityId,
    );
const activityOrder = (result: ReturnType<typeof run>) =>
  result.decisionTasks.flatMap((task) => scheduled(task.decisions)).map(activityName);
const closeOf = (result: ReturnType<typeof run>): Record<string, unknown> & { type?: string } => ({
  type: result.closeEvent?.eventType,
  ...(result.closeEvent ? attributesOf(result.closeEvent) : {}),
});

describe('the flow: parallel groups, signal waits, durable sleeps, conditional steps', () => {
  it('runs a parallel group at once, skips a wait its rule rules out, sleeps on a timer, then completes', () => {
    const result = run({ total: 100 });
    const batches = result.decisionTasks.map((task) => scheduled(task.decisions));
    expect(batches).toContainEqual(['B#1', 'C#1']);
    const timers = result.history.events
      .filter((e) => e.eventType === 'TimerStarted')
      .map((e) => attributesOf(e));
    expect(timers).toEqual([
      expect.objectContaining({ timerId: 'sleep.Cooldown', startToFireTimeout: '60' }),
    ]);
    expect(activityOrder(result)).toEqual(['A', 'B', 'C', 'D']);
    expect(closeOf(result).type).toBe('WorkflowExecutionCompleted');
    const last = decide(result.decisionTasks.at(-1)?.events ?? [], catalog).state;
    expect(last.skippedSteps).toEqual(['Approval']);
  });

  it('skips a step whose rule says no', () => {
    expect(activityOrder(run({ total: 100, skipD: true }))).toEqual(['A', 'B', 'C']);
  });

  it("waits for Approve, keeps its payload as the wait's result, and goes on", () => {
    const result = run(
      { total: 6000, coolSeconds: 5 },
      { signals: [{ afterDecisionTasks: 4, name: 'Approve', input: { reviewer: 'ana', note: 'ok' } }] },
    );
    expect(closeOf(result).type).toBe('WorkflowExecutionCompleted');
    const completed = JSON.parse(String(closeOf(result).result)) as { results: Record<string, unknown> };
    expect(completed.results.Approval).toEqual({
      signal: 'Approve',
      payload: { reviewer: 'ana', note: 'ok' },
    });
    // The wait's timeout timer was canceled once the answer came.
    expect(
      result.history.events.some(
        (e) => e.eventType === 'TimerCanceled' && attributesOf(e).timerId === 'wait.Approval',
      ),
    ).toBe(true);
  });

  it('fails a rejected run as Rejected and compensates everything completed, newest first', () => {
    const result = run(
      { total: 6000 },
      { signals: [{ afterDecisionTasks: 4, name: 'Reject', input: { reviewer: 'bo', note: 'no' } }] },
    );
    const close = closeOf(result);
    expect(close).toMatchObject({ type: 'WorkflowExecutionFailed', reason: 'Rejected' });
    const details = JSON.parse(String(close.details));
    expect(details).toMatchObject({ failedStep: 'Approval', lastError: { reason: 'Reject' } });
    const compensations = activityOrder(result).filter((name) => name.endsWith('.compensate'));
    // B and C completed in this order (B first), so C is undone first, then B, then A.
    expect(compensations).toEqual(['C.compensate', 'B.compensate', 'A.compensate']);
  });

  it('fails a wait with no answer in time as Rejected, compensating', () => {
    const result = run({ total: 6000 });
    expect(closeOf(result)).toMatchObject({ type: 'WorkflowExecutionFailed', reason: 'Rejected' });
    expect(JSON.parse(String(closeOf(result).details)).lastError).toEqual({
      reason: 'Timeout:SIGNAL',
      details: 'no Approve or Reject within 86400s',
    });
  });

  it('fails a wait that timed out, whatever signal comes after its timeout (found by the property test)', () => {
    const outcomes: Outcome[] = [
      { type: 'complete' },
      { type: 'complete' },
      { type: 'complete' },
      { type: 'timeout', timeoutType: 'START_TO_CLOSE' },
    ];
    const result = run(
      { total: 6000, coolSeconds: 5 },
      {
        outcome: () => outcomes.shift() ?? { type: 'complete' },
        signals: [{ afterDecisionTasks: 5, name: 'Approve', input: { reviewer: 'late' } }],
      },
    );
    const fired = result.history.events.findIndex((e) => e.eventType === 'TimerFired');
    const signaled = result.history.events.findIndex((e) => e.eventType === 'WorkflowExecutionSignaled');
    expect(signaled).toBeGreaterThan(fired);
    expect(closeOf(result)).toMatchObject({ type: 'WorkflowExecutionFailed', reason: 'Rejected' });
    expect(activityOrder(result)).not.toContain('D');
  });

  it('keeps a signal that arrives before its wait, and uses it when the wait is reached', () => {
    const result = run(
      { total: 6000, coolSeconds: 1 },
      {
        // The last ready thing first: the signal goes in while A still runs, long before the wait.
        choose: (n) => n - 1,
        signals: [{ afterDecisionTasks: 1, name: 'Approve', input: { reviewer: 'early' } }],
      },
    );
    const signaledAt = result.history.events.findIndex((e) => e.eventType === 'WorkflowExecutionSignaled');
    const bScheduledAt = result.history.events.findIndex(
      (e) => e.eventType === 'ActivityTaskScheduled' && attributesOf(e).activityId === 'B#1',
    );
    expect(signaledAt).toBeLessThan(bScheduledAt);
    expect(closeOf(result).type).toBe('WorkflowExecutionCompleted');
    expect(result.history.events.some((e) => attributesOf(e).timerId === 'wait.Approval')).toBe(false);
  });

  it('records unknown signals and invalid payloads, reports them, and never fails the run for them', () => {
    const result = run(
      { total: 6000 },
      {
        timersFire: false,
        signals: [
          { afterDecisionTasks: 4, name: 'Approve', input: { note: 'who am I?' } },
          { afterDecisionTasks: 4, name: 'Poke' },
        ],
      },
    );
    expect(result.closeEvent).toBeUndefined();
    const state = decide(result.decisionTasks.at(-1)?.events ?? [], catalog).state;
    expect(state.waitingFor).toEqual({ node: 'Approval', signals: ['Approve', 'Reject'] });
    expect(state.ignoredSignals.map((s) => [s.name, s.why.split(':')[0]])).toEqual([
      ['Approve', 'invalid payload'],
      ['Poke', 'no wait in this workflow accepts it'],
    ]);
  });

  it('cancels the running sibling when a branch is exhausted, then compensates what completed in reverse order', () => {
    const history = new HistoryBuilder().started(type, { total: 100 });
    const next = () => {
      history.decisionTaskStarted();
      const { decisions } = decide(history.events, catalog);
      history.completeDecisionTask(decisions);
      return decisions;
    };
    expect(scheduled(next())).toEqual(['A#1']);
    history.activityStarted('A#1').activityCompleted('A#1');
    expect(scheduled(next())).toEqual(['B#1', 'C#1']);
    history.activityStarted('B#1').activityStarted('C#1').activityFailed('C#1', 'Boom', 'no');
    next(); // the retry timer of C
    history.timerFired('retry.C#2');
    expect(scheduled(next())).toEqual(['C#2']);
    history.activityStarted('C#2').activityFailed('C#2', 'Boom', 'again');
    // C is exhausted while B runs: B is asked to stop, and nothing is undone yet.
    expect(next()).toEqual([
      {
        decisionType: 'RequestCancelActivityTask',
        requestCancelActivityTaskDecisionAttributes: { activityId: 'B#1' },
      },
    ]);
    // B finishes its work anyway: it completed, so it is compensated, then A (reverse completion order).
    history.activityCompleted('B#1');
    expect(scheduled(next())).toEqual(['B.compensate#1']);
    history.activityStarted('B.compensate#1').activityCompleted('B.compensate#1');
    expect(scheduled(next())).toEqual(['A.compensate#1']);
    history.activityStarted('A.compensate#1').activityCompleted('A.compensate#1');
    const last = next();
    expect(last[0]?.decisionType).toBe('FailWorkflowExecution');
    expect(JSON.parse(String(attributesOf(history.lastEvent()).details))).toMatchObject({
      failedStep: 'C',
      attempts: 2,
      compensated: ['B', 'A'],
    });
  });

  it('cancels a durable sleep cleanly on a cancel request, compensating, then cancels the run', () => {
    const result = run({ total: 100 }, { timersFire: false, cancelAfterDecisionTasks: 4 });
    expect(closeOf(result).type).toBe('WorkflowExecutionCanceled');
    expect(
      result.history.events.some(
        (e) => e.eventType === 'TimerCanceled' && attributesOf(e).timerId === 'sleep.Cooldown',
      ),
    ).toBe(true);
    expect(activityOrder(result).filter((n) => n.endsWith('.compensate'))).toEqual([
      'C.compensate',
      'B.compensate',
      'A.compensate',
    ]);
  });

  it('makes the same decisions when any recorded prefix is replayed', () => {
    const result = run(
      { total: 6000 },
      { signals: [{ afterDecisionTasks: 2, name: 'Approve', input: { reviewer: 'ana' } }] },
    );
    for (const task of result.decisionTasks)
      expect(decide(task.events, catalog).decisions).toEqual(task.decisions);
  });

  it('tells waits, sleeps, groups, skipped steps and ignored signals in the timeline and `swfctl history`', () => {
    const waiting = run(
      { total: 6000 },
      { timersFire: false, signals: [{ afterDecisionTasks: 4, name: 'Poke' }] },
    );
    const workflow = catalog.workflow('Flow', '1');
    const timeline = buildTimeline(waiting.history.events, workflow);
    const rows = Object.fromEntries(timeline.steps.map((s) => [`${s.kind}:${s.step}`, s]));
    expect(rows['step:B']).toMatchObject({ group: 'Checks', status: 'completed' });
    expect(rows['wait:Approval']).toMatchObject({ status: 'waiting', accepts: ['Approve', 'Reject'] });
    expect(rows['sleep:Cooldown']?.status).toBe('pending');
    expect(timeline.signals).toMatchObject([
      { name: 'Poke', ignored: 'no wait in this workflow accepts it' },
    ]);
    const text = renderTimeline('flow-1', 'run-1', timeline);
    expect(text).toMatch(/‖ B \(Checks\)\s+#1 completed/);
    expect(text).toMatch(
      /⏸ Approval \(wait\)\s+waiting for Approve or Reject since \d{4}-\d\d-\d\d .* UTC \(times out in /,
    );
    expect(text).toMatch(/Poke {2}\(ignored: no wait in this workflow accepts it\)/);

    const approved = run(
      { total: 6000, skipD: true },
      { signals: [{ afterDecisionTasks: 4, name: 'Approve', input: { reviewer: 'ana' } }] },
    );
    const done = renderTimeline('flow-2', 'run-2', buildTimeline(approved.history.events, workflow));
    expect(done).toMatch(/⏸ Approval \(wait\)\s+answered Approve {2}\{"reviewer":"ana"\} at /);
    expect(done).toMatch(/☾ Cooldown \(sleep\)\s+slept 1m00s/);
    expect(done).toMatch(/\n {2}D\s+skipped \(its rule did not hold\)/);
  });
});
