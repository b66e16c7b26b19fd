import * as S from '@aws-sdk/client-swf';
import { afterAll, describe, expect, it } from 'vitest';
import {
  beginRun,
  expectFault,
  history,
  pollActivity,
  pollDecision,
  respond,
  scheduleA,
  startLocalWithDomain,
  types,
  W,
} from '../support/swf-local.js';

const { server, swf, domain } = await startLocalWithDomain();
afterAll(() => server.close());

const seconds = (n: number) => n * 1000;

/** Starts a run on its own task lists and schedules one activity with the given timeouts. */
async function withActivity(workflowId: string, timeouts: Partial<S.ScheduleActivityTaskDecisionAttributes>) {
  const { execution, task } = await beginRun(swf, domain, workflowId);
  await respond(swf, task.taskToken, [
    scheduleA('job', { taskList: { name: `${workflowId}-work` }, ...timeouts }),
  ]);
  return execution;
}

const lastTimeout = async (execution: S.WorkflowExecution) => {
  const events = await history(swf, domain, execution);
  return events.filter((e) => e.eventType === 'ActivityTaskTimedOut').at(-1);
};

describe('timeouts fire on time, on the virtual clock', () => {
  it('times out the workflow at its start-to-close timeout and closes it', async () => {
    const { runId } = await swf.send(
      new S.StartWorkflowExecutionCommand({
        domain,
        workflowId: 'short-lived',
        workflowType: W,
        executionStartToCloseTimeout: '90',
        taskList: { name: 'short-lived' },
      }),
    );
    const execution = { workflowId: 'short-lived', runId: runId as string };
    server.advanceClock(seconds(89));
    expect(
      (await swf.send(new S.DescribeWorkflowExecutionCommand({ domain, execution }))).executionInfo
        ?.executionStatus,
    ).toBe('OPEN');
    server.advanceClock(seconds(1));
    const events = await history(swf, domain, execution);
    expect(events.at(-1)?.workflowExecutionTimedOutEventAttributes).toEqual({
      timeoutType: 'START_TO_CLOSE',
      childPolicy: 'TERMINATE',
    });
    const started = events[0]?.eventTimestamp?.getTime() ?? 0;
    expect((events.at(-1)?.eventTimestamp?.getTime() ?? 0) - started).toBe(seconds(90));
    const info = (await swf.send(new S.DescribeWorkflowExecutionCommand({ domain, execution })))
      .executionInfo;
    expect(info?.closeStatus).toBe('TIMED_OUT');
    expect(
      (await swf.send(new S.CountPendingDecisionTasksCommand({ domain, taskList: { name: 'short-lived' } })))
        .count,
    ).toBe(0);
  });

  it('times out a decision task at start-to-close, schedules a new one, and refuses the late answer', async () => {
    await swf.send(
      new S.StartWorkflowExecutionCommand({
        domain,
        workflowId: 'slow-decider',
        workflowType: W,
        taskList: { name: 'slow-decider' },
      }),
    );
    const task = await pollDecision(swf, domain, 'slow-decider');
    server.advanceClock(seconds(30));
    const execution = task.workflowExecution as S.WorkflowExecution;
    const events = await history(swf, domain, execution);
    expect(types(events).slice(-2)).toEqual(['DecisionTaskTimedOut', 'DecisionTaskScheduled']);
    expect(events.at(-2)?.decisionTaskTimedOutEventAttributes).toEqual({
      timeoutType: 'START_TO_CLOSE',
      scheduledEventId: 2,
      startedEventId: 3,
    });
    await expectFault(
      respond(swf, task.taskToken, []),
      'UnknownResourceFault',
      'Unknown decision task, scheduledEventId = 2',
    );
    const redelivered = await pollDecision(swf, domain, 'slow-decider');
    expect(redelivered.previousStartedEventId).toBe(0);
    await respond(swf, redelivered.taskToken, [
      { decisionType: 'CompleteWorkflowExecution', completeWorkflowExecutionDecisionAttributes: {} },
    ]);
  });

  it('times out an activity nobody picks up (SCHEDULE_TO_START)', async () => {
    const execution = await withActivity('unpicked', { scheduleToStartTimeout: '10' });
    server.advanceClock(seconds(10));
    expect((await lastTimeout(execution))?.activityTaskTimedOutEventAttributes).toMatchObject({
      timeoutType: 'SCHEDULE_TO_START',
      startedEventId: 0,
    });
    expect(
      (
        await swf.send(
          new S.CountPendingActivityTasksCommand({ domain, taskList: { name: 'unpicked-work' } }),
        )
      ).count,
    ).toBe(0);
  });

  it('times out a started activity at START_TO_CLOSE and refuses the worker afterwards', async () => {
    const execution = await withActivity('stuck-worker', { startToCloseTimeout: '45' });
    const work = await pollActivity(swf, domain, 'stuck-worker-work');
    server.advanceClock(seconds(44));
    expect(await lastTimeout(execution)).toBeUndefined();
    server.advanceClock(seconds(1));
    expect((await lastTimeout(execution))?.activityTaskTimedOutEventAttributes?.timeoutType).toBe(
      'START_TO_CLOSE',
    );
    await expectFault(
      swf.send(new S.RespondActivityTaskCompletedCommand({ taskToken: work.taskToken })),
      'UnknownResourceFault',
      /Unknown activity/,
    );
    await expectFault(
      swf.send(new S.RecordActivityTaskHeartbeatCommand({ taskToken: work.taskToken })),
      'UnknownResourceFault',
    );
  });

  it('times out a silent activity at its HEARTBEAT timeout, counting from the last heartbeat', async () => {
    const execution = await withActivity('silent', {
      heartbeatTimeout: '20',
      startToCloseTimeout: '300',
      scheduleToCloseTimeout: '600',
    });
    const work = await pollActivity(swf, domain, 'silent-work');
    server.advanceClock(seconds(15));
    await swf.send(new S.RecordActivityTaskHeartbeatCommand({ taskToken: work.taskToken, details: '50%' }));
    server.advanceClock(seconds(19));
    expect(await lastTimeout(execution)).toBeUndefined();
    server.advanceClock(seconds(1));
    const timedOut = await lastTimeout(execution);
    expect(timedOut?.activityTaskTimedOutEventAttributes).toMatchObject({
      timeoutType: 'HEARTBEAT',
      details: '50%',
    });
  });

  it('times out an activity at SCHEDULE_TO_CLOSE even while it runs', async () => {
    const execution = await withActivity('overall', {
      scheduleToCloseTimeout: '50',
      startToCloseTimeout: '50',
      scheduleToStartTimeout: '50',
    });
    server.advanceClock(seconds(20));
    await pollActivity(swf, domain, 'overall-work');
    server.advanceClock(seconds(30));
    expect((await lastTimeout(execution))?.activityTaskTimedOutEventAttributes?.timeoutType).toBe(
      'SCHEDULE_TO_CLOSE',
    );
  });

  it('forgets closed runs once their domain retention period has passed', async () => {
    await swf.send(
      new S.RegisterDomainCommand({ name: 'short-memory', workflowExecutionRetentionPeriodInDays: '1' }),
    );
    await swf.send(
      new S.RegisterWorkflowTypeCommand({
        domain: 'short-memory',
        ...W,
        defaultTaskList: { name: 'm' },
        defaultExecutionStartToCloseTimeout: '60',
        defaultTaskStartToCloseTimeout: '10',
        defaultChildPolicy: 'TERMINATE',
      }),
    );
    const { runId } = await swf.send(
      new S.StartWorkflowExecutionCommand({
        domain: 'short-memory',
        workflowId: 'fleeting',
        workflowType: W,
      }),
    );
    await swf.send(
      new S.TerminateWorkflowExecutionCommand({ domain: 'short-memory', workflowId: 'fleeting' }),
    );
    const execution = { workflowId: 'fleeting', runId: runId as string };
    server.advanceClock(seconds(86_399));
    expect(await history(swf, 'short-memory', execution)).not.toHaveLength(0);
    server.advanceClock(seconds(1));
    await expectFault(
      swf.send(new S.DescribeWorkflowExecutionCommand({ domain: 'short-memory', execution })),
      'UnknownResourceFault',
    );
  });

  it('stamps each timeout at its own deadline when time jumps past several', async () => {
    const execution = await withActivity('jump', { scheduleToStartTimeout: '5' });
    server.advanceClock(seconds(3600));
    const events = await history(swf, domain, execution);
    const scheduled =
      events.find((e) => e.eventType === 'ActivityTaskScheduled')?.eventTimestamp?.getTime() ?? 0;
    const timedOut =
      events.find((e) => e.eventType === 'ActivityTaskTimedOut')?.eventTimestamp?.getTime() ?? 0;
    expect(timedOut - scheduled).toBe(seconds(5));
    // The decision task that followed timed out 30 s later, and the run itself at its hour.
    expect(types(events)).toContain('DecisionTaskScheduled');
    expect(events.at(-1)?.eventType).toBe('WorkflowExecutionTimedOut');
  });
});
