import * as S from '@aws-sdk/client-swf';
import { afterAll, describe, expect, it } from 'vitest';
import {
  history,
  openRunId,
  pollDecision,
  respond,
  scheduleA,
  startLocalWithDomain,
  W,
} from '../support/swf-local.js';

// A long hold: a poll that is not woken by a new task would outlive the test's timeout.
const { server, swf, domain } = await startLocalWithDomain({ pollHoldSeconds: 30 });
afterAll(() => server.close());

describe('long polling', () => {
  it('holds an empty poll and answers it the moment a task arrives', async () => {
    const waiting = swf.send(
      new S.PollForDecisionTaskCommand({ domain, taskList: { name: 'wake' }, identity: 'sleeper' }),
    );
    await new Promise((resolve) => setTimeout(resolve, 200));
    const { runId } = await swf.send(
      new S.StartWorkflowExecutionCommand({
        domain,
        workflowId: 'wake',
        workflowType: W,
        taskList: { name: 'wake' },
      }),
    );
    const task = await waiting;
    expect(task.taskToken).toBeTruthy();
    expect(task.workflowExecution).toEqual({ workflowId: 'wake', runId });
    const started = (await history(swf, domain, { workflowId: 'wake', runId })).find(
      (e) => e.eventType === 'DecisionTaskStarted',
    );
    expect(started?.decisionTaskStartedEventAttributes?.identity).toBe('sleeper');
  });

  it('never hands a task to a poll whose connection closed', async () => {
    const controller = new AbortController();
    const abandoned = fetch(`${server.endpoint}/`, {
      method: 'POST',
      headers: {
        'x-amz-target': 'SimpleWorkflowService.PollForActivityTask',
        'content-type': 'application/x-amz-json-1.0',
      },
      body: JSON.stringify({ domain, taskList: { name: 'gone' }, identity: 'ghost' }),
      signal: controller.signal,
    }).catch(() => 'aborted');
    await new Promise((resolve) => setTimeout(resolve, 200));
    controller.abort();
    expect(await abandoned).toBe('aborted');
    await new Promise((resolve) => setTimeout(resolve, 100));
    const { runId } = await swf.send(
      new S.StartWorkflowExecutionCommand({
        domain,
        workflowId: 'gone',
        workflowType: W,
        taskList: { name: 'gone-d' },
      }),
    );
    const task = await pollDecision(swf, domain, 'gone-d');
    await respond(swf, task.taskToken, [scheduleA('job', { taskList: { name: 'gone' } })]);
    const pending = await swf.send(
      new S.CountPendingActivityTasksCommand({ domain, taskList: { name: 'gone' } }),
    );
    expect(pending.count).toBe(1);
    const work = await swf.send(
      new S.PollForActivityTaskCommand({ domain, taskList: { name: 'gone' }, identity: 'alive' }),
    );
    expect(work.activityId).toBe('job');
    const starts = (await history(swf, domain, { workflowId: 'gone', runId })).filter(
      (e) => e.eventType === 'ActivityTaskStarted',
    );
    expect(starts.map((e) => e.activityTaskStartedEventAttributes?.identity)).toEqual(['alive']);
  });

  it('delivers each of thousands of tasks to exactly one of 16 concurrent pollers', async () => {
    const runs = 8;
    const perRun = 250;
    const taskList = { name: 'crowd' };
    const received: string[] = [];
    let stop = false;
    const pollers = Array.from({ length: 16 }, async (_, index) => {
      while (!stop) {
        const task = await swf.send(
          new S.PollForActivityTaskCommand({ domain, taskList, identity: `poller-${index}` }),
        );
        if (!task.taskToken) continue;
        received.push(`${task.workflowExecution?.workflowId}/${task.activityId}`);
        await swf.send(
          new S.RespondActivityTaskCompletedCommand({ taskToken: task.taskToken, result: String(index) }),
        );
      }
    });
    for (let run = 0; run < runs; run++) {
      await swf.send(
        new S.StartWorkflowExecutionCommand({
          domain,
          workflowId: `crowd-${run}`,
          workflowType: W,
          taskList: { name: `crowd-d-${run}` },
        }),
      );
      const task = await pollDecision(swf, domain, `crowd-d-${run}`);
      await respond(
        swf,
        task.taskToken,
        Array.from({ length: perRun }, (_, i) => scheduleA(`a${i}`, { taskList })),
      );
    }
    const total = runs * perRun;
    for (let waited = 0; received.length < total && waited < 15_000; waited += 50) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    stop = true;
    // Wake the pollers still holding so they can see `stop`.
    await swf.send(
      new S.StartWorkflowExecutionCommand({
        domain,
        workflowId: 'crowd-stop',
        workflowType: W,
        taskList: { name: 'crowd-d-stop' },
      }),
    );
    const stopper = await pollDecision(swf, domain, 'crowd-d-stop');
    await respond(
      swf,
      stopper.taskToken,
      Array.from({ length: 16 }, (_, i) => scheduleA(`stop${i}`, { taskList })),
    );
    await Promise.all(pollers);
    const work = received.filter((id) => !id.startsWith('crowd-stop/'));
    expect(work).toHaveLength(total);
    expect(new Set(work).size).toBe(total);
    for (let run = 0; run < runs; run++) {
      const events = await history(swf, domain, {
        workflowId: `crowd-${run}`,
        runId: await openRunId(swf, domain, `crowd-${run}`),
      });
      expect(events.filter((e) => e.eventType === 'ActivityTaskStarted')).toHaveLength(perRun);
      expect(events.filter((e) => e.eventType === 'ActivityTaskCompleted')).toHaveLength(perRun);
    }
  }, 60_000);
});
