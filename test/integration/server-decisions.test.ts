import * as S from '@aws-sdk/client-swf';
import { afterAll, describe, expect, it } from 'vitest';
import {
  A,
  beginRun,
  expectFault,
  history,
  pollActivity,
  pollDecision,
  respond,
  scheduleA,
  startLocalWithDomain,
  startTimer as startTimerDecision,
  types,
  W,
} from '../support/swf-local.js';

const { server, swf, domain } = await startLocalWithDomain();
afterAll(() => server.close());

/** Starts a run on its own task list and takes its first decision task. */
const begin = (workflowId: string, extra: Partial<S.StartWorkflowExecutionInput> = {}) =>
  beginRun(swf, domain, workflowId, extra);

const closeStatus = async (execution: S.WorkflowExecution) =>
  (await swf.send(new S.DescribeWorkflowExecutionCommand({ domain, execution }))).executionInfo;

describe('activity decisions', () => {
  it('schedules an activity with the type defaults and hands it to a worker', async () => {
    const { execution, task } = await begin('sched');
    await respond(swf, task.taskToken, [scheduleA('a1', { control: 'ctl' })]);
    const scheduled = (await history(swf, domain, execution)).find(
      (e) => e.eventType === 'ActivityTaskScheduled',
    );
    expect(scheduled?.activityTaskScheduledEventAttributes).toMatchObject({
      activityId: 'a1',
      activityType: A,
      input: 'a1',
      control: 'ctl',
      taskList: { name: 'activities' },
      startToCloseTimeout: '60',
      scheduleToStartTimeout: '120',
      scheduleToCloseTimeout: '300',
      heartbeatTimeout: 'NONE',
      decisionTaskCompletedEventId: 4,
    });
    const work = await pollActivity(swf, domain);
    expect(work).toMatchObject({
      activityId: 'a1',
      input: 'a1',
      activityType: A,
      workflowExecution: execution,
    });
    await swf.send(new S.RespondActivityTaskCompletedCommand({ taskToken: work.taskToken, result: 'r' }));
    await expectFault(
      swf.send(new S.RespondActivityTaskCompletedCommand({ taskToken: work.taskToken, result: 'again' })),
      'UnknownResourceFault',
      'Unknown activity, scheduledEventId = 5',
    );
    const next = await pollDecision(swf, domain, 'sched');
    expect(types(next.events ?? []).slice(-4)).toEqual([
      'ActivityTaskStarted',
      'ActivityTaskCompleted',
      'DecisionTaskScheduled',
      'DecisionTaskStarted',
    ]);
    expect(next.previousStartedEventId).toBe(3);
  });

  it('records a failed activity with its reason and details, then schedules a decision task', async () => {
    const { execution, task } = await begin('worker-fails');
    await respond(swf, task.taskToken, [scheduleA('flaky', { taskList: { name: 'worker-fails' } })]);
    const work = await pollActivity(swf, domain, 'worker-fails');
    await swf.send(
      new S.RespondActivityTaskFailedCommand({
        taskToken: work.taskToken,
        reason: 'Boom',
        details: 'disk full',
      }),
    );
    const events = await history(swf, domain, execution);
    expect(types(events).slice(-2)).toEqual(['ActivityTaskFailed', 'DecisionTaskScheduled']);
    expect(events.at(-2)?.activityTaskFailedEventAttributes).toEqual({
      reason: 'Boom',
      details: 'disk full',
      scheduledEventId: 5,
      startedEventId: 6,
    });
  });

  it('records ScheduleActivityTaskFailed with the cause SWF gives', async () => {
    await swf.send(new S.RegisterActivityTypeCommand({ domain, name: 'NoDefaults', version: '1' }));
    await swf.send(new S.RegisterActivityTypeCommand({ domain, name: 'Retired', version: '1' }));
    await swf.send(
      new S.DeprecateActivityTypeCommand({ domain, activityType: { name: 'Retired', version: '1' } }),
    );
    const { execution, task } = await begin('sched-fail');
    await respond(swf, task.taskToken, [
      scheduleA('dup'),
      scheduleA('dup'),
      scheduleA('ghost', { activityType: { name: 'Ghost', version: '1' } }),
      scheduleA('retired', { activityType: { name: 'Retired', version: '1' } }),
      scheduleA('nolist', { activityType: { name: 'NoDefaults', version: '1' } }),
      scheduleA('notimeout', { activityType: { name: 'NoDefaults', version: '1' }, taskList: { name: 'x' } }),
    ]);
    const events = await history(swf, domain, execution);
    const causes = events.flatMap((e) =>
      e.scheduleActivityTaskFailedEventAttributes ? [e.scheduleActivityTaskFailedEventAttributes.cause] : [],
    );
    expect(causes).toEqual([
      'ACTIVITY_ID_ALREADY_IN_USE',
      'ACTIVITY_TYPE_DOES_NOT_EXIST',
      'ACTIVITY_TYPE_DEPRECATED',
      'DEFAULT_TASK_LIST_UNDEFINED',
      'DEFAULT_SCHEDULE_TO_START_TIMEOUT_UNDEFINED',
    ]);
    // The failures queue one new decision task, recorded after the decision events.
    expect(types(events).at(-1)).toBe('DecisionTaskScheduled');
    expect(types(events).filter((t) => t === 'DecisionTaskScheduled')).toHaveLength(2);
  });

  it('cancels an activity not yet started outright, and flags a started one for its worker', async () => {
    const { execution, task } = await begin('cancel-activity');
    await respond(swf, task.taskToken, [
      scheduleA('queued', { taskList: { name: 'slow' } }),
      scheduleA('running', { taskList: { name: 'cancel-activity' } }),
    ]);
    const work = await pollActivity(swf, domain, 'cancel-activity');
    expect(work.activityId).toBe('running');
    const beat = await swf.send(
      new S.RecordActivityTaskHeartbeatCommand({ taskToken: work.taskToken, details: 'half' }),
    );
    expect(beat.cancelRequested).toBe(false);
    const second = await pollDecision(swf, domain, 'cancel-activity').catch(() => undefined);
    expect(second).toBeUndefined();

    await swf.send(
      new S.SignalWorkflowExecutionCommand({ domain, workflowId: 'cancel-activity', signalName: 'stop' }),
    );
    const stop = await pollDecision(swf, domain, 'cancel-activity');
    await respond(swf, stop.taskToken, [
      {
        decisionType: 'RequestCancelActivityTask',
        requestCancelActivityTaskDecisionAttributes: { activityId: 'queued' },
      },
      {
        decisionType: 'RequestCancelActivityTask',
        requestCancelActivityTaskDecisionAttributes: { activityId: 'running' },
      },
      {
        decisionType: 'RequestCancelActivityTask',
        requestCancelActivityTaskDecisionAttributes: { activityId: 'nobody' },
      },
    ]);
    expect(
      (await swf.send(new S.CountPendingActivityTasksCommand({ domain, taskList: { name: 'slow' } }))).count,
    ).toBe(0);
    expect(
      (await swf.send(new S.RecordActivityTaskHeartbeatCommand({ taskToken: work.taskToken })))
        .cancelRequested,
    ).toBe(true);
    await swf.send(
      new S.RespondActivityTaskCanceledCommand({ taskToken: work.taskToken, details: 'stopped' }),
    );
    const events = await history(swf, domain, execution);
    const tail = types(events).slice(types(events).indexOf('WorkflowExecutionSignaled'));
    expect(tail).toEqual([
      'WorkflowExecutionSignaled',
      'DecisionTaskScheduled',
      'DecisionTaskStarted',
      'DecisionTaskCompleted',
      'ActivityTaskCancelRequested',
      'ActivityTaskCanceled',
      'ActivityTaskCancelRequested',
      'RequestCancelActivityTaskFailed',
      'DecisionTaskScheduled',
      'ActivityTaskCanceled',
    ]);
    const canceled = events.filter((e) => e.eventType === 'ActivityTaskCanceled').at(-1);
    expect(canceled?.activityTaskCanceledEventAttributes).toMatchObject({
      details: 'stopped',
      latestCancelRequestedEventId: expect.any(Number),
    });
  });
});

const startTimer = (timerId: string, seconds: string) => startTimerDecision(timerId, seconds, 'c');

describe('timers and markers', () => {
  it('fires a timer on the virtual clock, cancels another, and refuses duplicates and unknown ids', async () => {
    const { execution, task } = await begin('timers');
    await respond(swf, task.taskToken, [
      startTimer('t1', '30'),
      startTimer('t2', '600'),
      startTimer('t1', '5'),
      {
        decisionType: 'RecordMarker',
        recordMarkerDecisionAttributes: { markerName: 'checkpoint', details: 'd' },
      },
    ]);
    const failedStart = await pollDecision(swf, domain, 'timers');
    await respond(swf, failedStart.taskToken, [
      { decisionType: 'CancelTimer', cancelTimerDecisionAttributes: { timerId: 't2' } },
      { decisionType: 'CancelTimer', cancelTimerDecisionAttributes: { timerId: 'nope' } },
    ]);
    const cancelFailed = await pollDecision(swf, domain, 'timers');
    await respond(swf, cancelFailed.taskToken, []);
    server.advanceClock(29_000);
    expect(types(await history(swf, domain, execution))).not.toContain('TimerFired');
    server.advanceClock(1_000);
    const events = await history(swf, domain, execution);
    const fired = events.find((e) => e.eventType === 'TimerFired');
    expect(fired?.timerFiredEventAttributes).toMatchObject({ timerId: 't1' });
    expect(
      events.find((e) => e.eventType === 'StartTimerFailed')?.startTimerFailedEventAttributes?.cause,
    ).toBe('TIMER_ID_ALREADY_IN_USE');
    expect(
      events.find((e) => e.eventType === 'CancelTimerFailed')?.cancelTimerFailedEventAttributes,
    ).toMatchObject({
      timerId: 'nope',
      cause: 'TIMER_ID_UNKNOWN',
    });
    expect(events.find((e) => e.eventType === 'TimerCanceled')?.timerCanceledEventAttributes?.timerId).toBe(
      't2',
    );
    expect(events.find((e) => e.eventType === 'MarkerRecorded')?.markerRecordedEventAttributes).toMatchObject(
      {
        markerName: 'checkpoint',
        details: 'd',
      },
    );
    const started = events.find((e) => e.eventType === 'TimerStarted');
    expect((fired?.eventTimestamp?.getTime() ?? 0) - (started?.eventTimestamp?.getTime() ?? 0)).toBe(30_000);
    server.advanceClock(600_000);
    expect(types(await history(swf, domain, execution)).filter((t) => t === 'TimerFired')).toHaveLength(1);
  });
});

describe('timer ids that are also names on Object.prototype', () => {
  it('starts, fires and cancels timers named constructor, toString and __proto__ like any other, and knows no hasOwnProperty', async () => {
    const { execution, task } = await begin('proto-timers');
    await respond(swf, task.taskToken, [
      startTimer('constructor', '10'),
      startTimer('toString', '10'),
      startTimer('__proto__', '20'),
    ]);
    // Before: "constructor" and "toString" were found on the prototype and refused as already in use.
    expect(types(await history(swf, domain, execution))).not.toContain('StartTimerFailed');
    server.advanceClock(10_000);
    const fired = await pollDecision(swf, domain, 'proto-timers');
    await respond(swf, fired.taskToken, [
      { decisionType: 'CancelTimer', cancelTimerDecisionAttributes: { timerId: '__proto__' } },
      { decisionType: 'CancelTimer', cancelTimerDecisionAttributes: { timerId: 'hasOwnProperty' } },
    ]);
    const afterCancel = await pollDecision(swf, domain, 'proto-timers');
    await respond(swf, afterCancel.taskToken, []);
    server.advanceClock(20_000);
    const events = await history(swf, domain, execution);
    expect(
      events.filter((e) => e.eventType === 'TimerFired').map((e) => e.timerFiredEventAttributes?.timerId),
    ).toEqual(['constructor', 'toString']);
    expect(events.find((e) => e.eventType === 'TimerCanceled')?.timerCanceledEventAttributes?.timerId).toBe(
      '__proto__',
    );
    expect(
      events.find((e) => e.eventType === 'CancelTimerFailed')?.cancelTimerFailedEventAttributes,
    ).toMatchObject({ timerId: 'hasOwnProperty', cause: 'TIMER_ID_UNKNOWN' });
    expect(await closeStatus(execution)).toMatchObject({ executionStatus: 'OPEN' });
  });
});

describe('closing decisions', () => {
  it('completes, fails and cancels runs with their close status', async () => {
    for (const [id, decision, status] of [
      [
        'done',
        {
          decisionType: 'CompleteWorkflowExecution',
          completeWorkflowExecutionDecisionAttributes: { result: 'ok' },
        },
        'COMPLETED',
      ],
      [
        'broken',
        {
          decisionType: 'FailWorkflowExecution',
          failWorkflowExecutionDecisionAttributes: { reason: 'r', details: 'd' },
        },
        'FAILED',
      ],
      [
        'stopped',
        {
          decisionType: 'CancelWorkflowExecution',
          cancelWorkflowExecutionDecisionAttributes: { details: 'bye' },
        },
        'CANCELED',
      ],
    ] as const) {
      const { execution, task } = await begin(id);
      await respond(swf, task.taskToken, [decision as S.Decision]);
      expect((await closeStatus(execution))?.closeStatus).toBe(status);
    }
  });

  it('rejects a list whose close decision is not last, applying nothing and keeping the token valid', async () => {
    const { execution, task } = await begin('not-last');
    await expectFault(
      respond(swf, task.taskToken, [
        { decisionType: 'CompleteWorkflowExecution', completeWorkflowExecutionDecisionAttributes: {} },
        scheduleA('late'),
      ]),
      'ValidationException',
      'Close must be last decision in list',
    );
    await expectFault(
      respond(swf, task.taskToken, [{ decisionType: 'StartTimer' }]),
      'ValidationException',
      /startTimerDecisionAttributes/,
    );
    expect(types(await history(swf, domain, execution))).toEqual([
      'WorkflowExecutionStarted',
      'DecisionTaskScheduled',
      'DecisionTaskStarted',
    ]);
    await respond(swf, task.taskToken, [
      { decisionType: 'CompleteWorkflowExecution', completeWorkflowExecutionDecisionAttributes: {} },
    ]);
    expect((await closeStatus(execution))?.closeStatus).toBe('COMPLETED');
    await expectFault(respond(swf, task.taskToken, []), 'UnknownResourceFault', /Unknown execution/);
  });

  it('fails a close decision with UNHANDLED_DECISION when events arrived during the task', async () => {
    const { execution, task } = await begin('unhandled');
    await swf.send(
      new S.SignalWorkflowExecutionCommand({ domain, workflowId: 'unhandled', signalName: 'late' }),
    );
    await respond(swf, task.taskToken, [
      { decisionType: 'CompleteWorkflowExecution', completeWorkflowExecutionDecisionAttributes: {} },
    ]);
    const events = await history(swf, domain, execution);
    expect(types(events).slice(-3)).toEqual([
      'DecisionTaskCompleted',
      'CompleteWorkflowExecutionFailed',
      'DecisionTaskScheduled',
    ]);
    expect(events.at(-2)?.completeWorkflowExecutionFailedEventAttributes?.cause).toBe('UNHANDLED_DECISION');
    const again = await pollDecision(swf, domain, 'unhandled');
    await respond(swf, again.taskToken, [
      { decisionType: 'CompleteWorkflowExecution', completeWorkflowExecutionDecisionAttributes: {} },
    ]);
    expect((await closeStatus(execution))?.closeStatus).toBe('COMPLETED');
  });

  it('keeps one decision task open at a time: events during a task queue exactly one more, carrying them all', async () => {
    const { execution, task } = await begin('batched');
    for (const name of ['s1', 's2', 's3']) {
      await swf.send(
        new S.SignalWorkflowExecutionCommand({ domain, workflowId: 'batched', signalName: name }),
      );
    }
    expect(
      (await swf.send(new S.CountPendingDecisionTasksCommand({ domain, taskList: { name: 'decisions' } })))
        .count,
    ).toBe(0);
    await respond(swf, task.taskToken, []);
    const next = await pollDecision(swf, domain, 'batched');
    const newEvents = (next.events ?? []).filter(
      (e) => (e.eventId ?? 0) > (next.previousStartedEventId ?? 0),
    );
    expect(types(newEvents)).toEqual([
      'WorkflowExecutionSignaled',
      'WorkflowExecutionSignaled',
      'WorkflowExecutionSignaled',
      'DecisionTaskCompleted',
      'DecisionTaskScheduled',
      'DecisionTaskStarted',
    ]);
    expect(
      types(await history(swf, domain, execution)).filter((t) => t === 'DecisionTaskScheduled'),
    ).toHaveLength(2);
  });

  it('continues as new: the old run closes, the new one keeps the workflowId and links back', async () => {
    await swf.send(new S.RegisterWorkflowTypeCommand({ domain, name: 'W', version: '2' }));
    const { execution, task } = await begin('continued');
    await respond(swf, task.taskToken, [
      {
        decisionType: 'ContinueAsNewWorkflowExecution',
        continueAsNewWorkflowExecutionDecisionAttributes: { input: 'next', workflowTypeVersion: '2' },
      },
    ]);
    const old = await history(swf, domain, execution);
    const continued = old.at(-1)?.workflowExecutionContinuedAsNewEventAttributes;
    expect(continued).toMatchObject({
      input: 'next',
      workflowType: { name: 'W', version: '2' },
      taskList: { name: 'continued' },
    });
    expect((await closeStatus(execution))?.closeStatus).toBe('CONTINUED_AS_NEW');
    const fresh = await history(swf, domain, {
      workflowId: 'continued',
      runId: continued?.newExecutionRunId as string,
    });
    expect(fresh[0]?.workflowExecutionStartedEventAttributes).toMatchObject({
      input: 'next',
      continuedExecutionRunId: execution.runId,
    });
    const next = await pollDecision(swf, domain, 'continued');
    await respond(swf, next.taskToken, [
      {
        decisionType: 'ContinueAsNewWorkflowExecution',
        continueAsNewWorkflowExecutionDecisionAttributes: { workflowTypeVersion: '9' },
      },
    ]);
    const failed = await history(swf, domain, next.workflowExecution as S.WorkflowExecution);
    expect(
      failed.find((e) => e.eventType === 'ContinueAsNewWorkflowExecutionFailed')
        ?.continueAsNewWorkflowExecutionFailedEventAttributes?.cause,
    ).toBe('WORKFLOW_TYPE_DOES_NOT_EXIST');
    const last = await pollDecision(swf, domain, 'continued');
    await respond(swf, last.taskToken, [
      { decisionType: 'CompleteWorkflowExecution', completeWorkflowExecutionDecisionAttributes: {} },
    ]);
  });

  it('answers ScheduleLambdaFunction with a failure event that says Lambda tasks are not available', async () => {
    const { execution, task } = await begin('lambda');
    await respond(swf, task.taskToken, [
      {
        decisionType: 'ScheduleLambdaFunction',
        scheduleLambdaFunctionDecisionAttributes: { id: 'l1', name: 'fn' },
      },
    ]);
    const events = await history(swf, domain, execution);
    expect(
      events.find((e) => e.eventType === 'ScheduleLambdaFunctionFailed')
        ?.scheduleLambdaFunctionFailedEventAttributes,
    ).toMatchObject({
      id: 'l1',
      name: 'fn',
      cause: 'LAMBDA_SERVICE_NOT_AVAILABLE_IN_REGION',
    });
    const next = await pollDecision(swf, domain, 'lambda');
    await respond(swf, next.taskToken, [
      { decisionType: 'CompleteWorkflowExecution', completeWorkflowExecutionDecisionAttributes: {} },
    ]);
  });
});

describe('child and external workflows', () => {
  it('starts a child that knows its parent, and tells the parent when it completes', async () => {
    const { execution: parent, task } = await begin('parent');
    await respond(swf, task.taskToken, [
      {
        decisionType: 'StartChildWorkflowExecution',
        startChildWorkflowExecutionDecisionAttributes: {
          workflowId: 'child',
          workflowType: W,
          input: 'kid',
          control: 'c1',
          taskList: { name: 'child' },
        },
      },
    ]);
    const parentEvents = await history(swf, domain, parent);
    expect(types(parentEvents).slice(-4)).toEqual([
      'DecisionTaskCompleted',
      'StartChildWorkflowExecutionInitiated',
      'ChildWorkflowExecutionStarted',
      'DecisionTaskScheduled',
    ]);
    const initiatedEventId = parentEvents.at(-3)?.eventId;
    const childRun = parentEvents.at(-2)?.childWorkflowExecutionStartedEventAttributes
      ?.workflowExecution as S.WorkflowExecution;
    const childEvents = await history(swf, domain, childRun);
    expect(childEvents[0]?.workflowExecutionStartedEventAttributes).toMatchObject({
      input: 'kid',
      parentWorkflowExecution: parent,
      parentInitiatedEventId: initiatedEventId,
    });
    // Two decision tasks are pending: the parent's and the child's.
    const parentTask = await pollDecision(swf, domain, 'parent');
    const childTask = await pollDecision(swf, domain, 'child');
    expect(childTask.workflowExecution).toEqual(childRun);
    await respond(swf, parentTask.taskToken, [
      {
        decisionType: 'StartChildWorkflowExecution',
        startChildWorkflowExecutionDecisionAttributes: {
          workflowId: 'child',
          workflowType: W,
          taskList: { name: 'child' },
        },
      },
    ]);
    await respond(swf, childTask.taskToken, [
      {
        decisionType: 'CompleteWorkflowExecution',
        completeWorkflowExecutionDecisionAttributes: { result: 'grown' },
      },
    ]);
    const after = await history(swf, domain, parent);
    expect(
      after.find((e) => e.eventType === 'StartChildWorkflowExecutionFailed')
        ?.startChildWorkflowExecutionFailedEventAttributes?.cause,
    ).toBe('WORKFLOW_ALREADY_RUNNING');
    expect(
      after.find((e) => e.eventType === 'ChildWorkflowExecutionCompleted')
        ?.childWorkflowExecutionCompletedEventAttributes,
    ).toMatchObject({
      result: 'grown',
      workflowExecution: childRun,
      initiatedEventId,
    });
  });

  it('applies the TERMINATE child policy when the parent closes', async () => {
    const { execution: parent, task } = await begin('strict-parent');
    await respond(swf, task.taskToken, [
      {
        decisionType: 'StartChildWorkflowExecution',
        startChildWorkflowExecutionDecisionAttributes: { workflowId: 'orphan', workflowType: W },
      },
    ]);
    await swf.send(new S.TerminateWorkflowExecutionCommand({ domain, workflowId: 'strict-parent' }));
    const childRun = (await history(swf, domain, parent)).find(
      (e) => e.eventType === 'ChildWorkflowExecutionStarted',
    )?.childWorkflowExecutionStartedEventAttributes?.workflowExecution as S.WorkflowExecution;
    const childEvents = await history(swf, domain, childRun);
    expect(childEvents.at(-1)?.workflowExecutionTerminatedEventAttributes?.cause).toBe(
      'CHILD_POLICY_APPLIED',
    );
  });

  it('signals and cancels other runs, and reports unknown targets', async () => {
    const { execution: target } = await begin('target');
    const { execution: source, task } = await begin('source');
    await respond(swf, task.taskToken, [
      {
        decisionType: 'SignalExternalWorkflowExecution',
        signalExternalWorkflowExecutionDecisionAttributes: {
          workflowId: 'target',
          signalName: 'hello',
          input: 'hi',
        },
      },
      {
        decisionType: 'RequestCancelExternalWorkflowExecution',
        requestCancelExternalWorkflowExecutionDecisionAttributes: {
          workflowId: 'target',
          runId: target.runId,
        },
      },
      {
        decisionType: 'SignalExternalWorkflowExecution',
        signalExternalWorkflowExecutionDecisionAttributes: { workflowId: 'nobody', signalName: 'hello' },
      },
      {
        decisionType: 'RequestCancelExternalWorkflowExecution',
        requestCancelExternalWorkflowExecutionDecisionAttributes: { workflowId: 'nobody' },
      },
    ]);
    const targetEvents = await history(swf, domain, target);
    expect(
      targetEvents.find((e) => e.eventType === 'WorkflowExecutionSignaled')
        ?.workflowExecutionSignaledEventAttributes,
    ).toMatchObject({
      signalName: 'hello',
      input: 'hi',
      externalWorkflowExecution: source,
    });
    expect(types(targetEvents)).toContain('WorkflowExecutionCancelRequested');
    const sourceEvents = await history(swf, domain, source);
    expect(types(sourceEvents)).toEqual(
      expect.arrayContaining([
        'ExternalWorkflowExecutionSignaled',
        'ExternalWorkflowExecutionCancelRequested',
        'SignalExternalWorkflowExecutionFailed',
        'RequestCancelExternalWorkflowExecutionFailed',
      ]),
    );
    expect(
      sourceEvents.find((e) => e.eventType === 'SignalExternalWorkflowExecutionFailed')
        ?.signalExternalWorkflowExecutionFailedEventAttributes?.cause,
    ).toBe('UNKNOWN_EXTERNAL_WORKFLOW_EXECUTION');
  });
});

describe('decision task paging', () => {
  it('pages one decision task through PollForDecisionTask with nextPageToken', async () => {
    const { runId } = await swf.send(
      new S.StartWorkflowExecutionCommand({
        domain,
        workflowId: 'long',
        workflowType: W,
        taskList: { name: 'paging' },
      }),
    );
    for (let i = 0; i < 7; i++)
      await swf.send(
        new S.SignalWorkflowExecutionCommand({ domain, workflowId: 'long', signalName: `s${i}` }),
      );
    const first = await swf.send(
      new S.PollForDecisionTaskCommand({ domain, taskList: { name: 'paging' }, maximumPageSize: 4 }),
    );
    expect(first.events).toHaveLength(4);
    const ids = [...(first.events ?? [])].map((e) => e.eventId);
    let token = first.nextPageToken;
    while (token) {
      const page = await swf.send(
        new S.PollForDecisionTaskCommand({
          domain,
          taskList: { name: 'paging' },
          maximumPageSize: 4,
          nextPageToken: token,
        }),
      );
      expect(page.taskToken).toBe(first.taskToken);
      ids.push(...(page.events ?? []).map((e) => e.eventId));
      token = page.nextPageToken;
    }
    expect(ids).toEqual(Array.from({ length: 10 }, (_, i) => i + 1));
    const events = await history(swf, domain, { workflowId: 'long', runId: runId as string });
    expect(types(events).filter((t) => t === 'DecisionTaskStarted')).toHaveLength(1);
  });
});
