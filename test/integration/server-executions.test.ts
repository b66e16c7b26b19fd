import * as S from '@aws-sdk/client-swf';
import { afterAll, describe, expect, it } from 'vitest';
import {
  expectFault,
  history,
  openRunId,
  pollDecision,
  respond,
  startLocalWithDomain,
  types,
  W,
} from '../support/swf-local.js';

const { server, swf, domain } = await startLocalWithDomain();
afterAll(() => server.close());

const start = (workflowId: string, extra: Partial<S.StartWorkflowExecutionInput> = {}) =>
  swf.send(
    new S.StartWorkflowExecutionCommand({
      domain,
      workflowId,
      workflowType: W,
      input: `in-${workflowId}`,
      ...extra,
    }),
  );

describe('StartWorkflowExecution', () => {
  it('starts a run with the type defaults and schedules its first decision task', async () => {
    const { runId } = await start('start-1', { tagList: ['vip'] });
    expect(runId).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const events = await history(swf, domain, { workflowId: 'start-1', runId });
    expect(types(events)).toEqual(['WorkflowExecutionStarted', 'DecisionTaskScheduled']);
    expect(events[0]?.workflowExecutionStartedEventAttributes).toMatchObject({
      input: 'in-start-1',
      executionStartToCloseTimeout: '3600',
      taskStartToCloseTimeout: '30',
      childPolicy: 'TERMINATE',
      taskList: { name: 'decisions' },
      workflowType: W,
      tagList: ['vip'],
    });
    expect(events[1]?.decisionTaskScheduledEventAttributes).toEqual({
      taskList: { name: 'decisions' },
      startToCloseTimeout: '30',
    });
    expect(events.map((e) => e.eventId)).toEqual([1, 2]);
  });

  it('refuses a second open run of a workflowId, and allows one after the first closed', async () => {
    const first = await start('reuse');
    await expectFault(start('reuse'), 'WorkflowExecutionAlreadyStartedFault');
    await swf.send(new S.TerminateWorkflowExecutionCommand({ domain, workflowId: 'reuse', reason: 'test' }));
    const second = await start('reuse');
    expect(second.runId).not.toBe(first.runId);
  });

  it('fails with DefaultUndefinedFault when neither the request nor the type sets a value', async () => {
    await swf.send(new S.RegisterWorkflowTypeCommand({ domain, name: 'Bare', version: '1' }));
    const bare = { domain, workflowId: 'bare', workflowType: { name: 'Bare', version: '1' } };
    await expectFault(
      swf.send(new S.StartWorkflowExecutionCommand(bare)),
      'DefaultUndefinedFault',
      /executionStartToCloseTimeout/,
    );
    await expectFault(
      swf.send(new S.StartWorkflowExecutionCommand({ ...bare, executionStartToCloseTimeout: '60' })),
      'DefaultUndefinedFault',
      /taskList/,
    );
    await expectFault(
      swf.send(
        new S.StartWorkflowExecutionCommand({
          ...bare,
          executionStartToCloseTimeout: '60',
          taskList: { name: 't' },
        }),
      ),
      'DefaultUndefinedFault',
      /taskStartToCloseTimeout/,
    );
    const started = await swf.send(
      new S.StartWorkflowExecutionCommand({
        ...bare,
        executionStartToCloseTimeout: '60',
        taskList: { name: 't' },
        taskStartToCloseTimeout: 'NONE',
        childPolicy: 'ABANDON',
      }),
    );
    expect(started.runId).toBeTruthy();
    await expectFault(
      swf.send(
        new S.StartWorkflowExecutionCommand({
          ...bare,
          workflowId: 'x',
          executionStartToCloseTimeout: 'NONE',
        }),
      ),
      'ValidationException',
      /executionStartToCloseTimeout/,
    );
  });

  it('refuses unknown and deprecated types', async () => {
    await expectFault(
      start('ghost', { workflowType: { name: 'Ghost', version: '1' } }),
      'UnknownResourceFault',
      'Unknown type: WorkflowType=[name=Ghost, version=1]',
    );
    await swf.send(new S.RegisterWorkflowTypeCommand({ domain, name: 'Old', version: '1' }));
    await swf.send(
      new S.DeprecateWorkflowTypeCommand({ domain, workflowType: { name: 'Old', version: '1' } }),
    );
    await expectFault(start('old', { workflowType: { name: 'Old', version: '1' } }), 'TypeDeprecatedFault');
    await expectFault(
      start('toomanytags', { tagList: ['1', '2', '3', '4', '5', '6'] }),
      'ValidationException',
    );
  });
});

describe('reading executions', () => {
  it('describes a run with its configuration and open counts', async () => {
    const { runId } = await start('describe-me');
    const described = await swf.send(
      new S.DescribeWorkflowExecutionCommand({ domain, execution: { workflowId: 'describe-me', runId } }),
    );
    expect(described.executionInfo).toMatchObject({
      executionStatus: 'OPEN',
      cancelRequested: false,
      workflowType: W,
    });
    expect(described.executionConfiguration).toMatchObject({
      taskStartToCloseTimeout: '30',
      childPolicy: 'TERMINATE',
    });
    expect(described.openCounts).toEqual({
      openActivityTasks: 0,
      openDecisionTasks: 1,
      openTimers: 0,
      openChildWorkflowExecutions: 0,
      openLambdaFunctions: 0,
    });
    await expectFault(
      swf.send(
        new S.DescribeWorkflowExecutionCommand({
          domain,
          execution: { workflowId: 'describe-me', runId: 'nope' },
        }),
      ),
      'UnknownResourceFault',
      'Unknown execution: WorkflowExecution=[workflowId=describe-me, runId=nope]',
    );
  });

  it('pages a history with maximumPageSize and nextPageToken, in either order', async () => {
    const { runId } = await start('paged');
    for (let i = 0; i < 9; i++) {
      await swf.send(
        new S.SignalWorkflowExecutionCommand({ domain, workflowId: 'paged', signalName: `s${i}` }),
      );
    }
    const execution = { workflowId: 'paged', runId };
    const ids: number[] = [];
    let nextPageToken: string | undefined;
    do {
      const page = await swf.send(
        new S.GetWorkflowExecutionHistoryCommand({ domain, execution, maximumPageSize: 4, nextPageToken }),
      );
      expect((page.events ?? []).length).toBeLessThanOrEqual(4);
      ids.push(...(page.events ?? []).map((e) => e.eventId ?? 0));
      nextPageToken = page.nextPageToken;
    } while (nextPageToken);
    expect(ids).toEqual(Array.from({ length: 11 }, (_, i) => i + 1));
    const reversed = await swf.send(
      new S.GetWorkflowExecutionHistoryCommand({ domain, execution, reverseOrder: true, maximumPageSize: 3 }),
    );
    expect(reversed.events?.map((e) => e.eventId)).toEqual([11, 10, 9]);
    await expectFault(
      swf.send(new S.GetWorkflowExecutionHistoryCommand({ domain, execution, nextPageToken: 'bogus.token' })),
      'ValidationException',
      /Invalid nextPageToken/,
    );
  });

  it('lists and counts open and closed runs with their filters, newest first', async () => {
    const since = new Date(Date.now() - 3600_000);
    await start('list-a', { tagList: ['blue'] });
    server.advanceClock(1000);
    await start('list-b', { tagList: ['red'] });
    server.advanceClock(1000);
    await start('list-c');
    await swf.send(new S.TerminateWorkflowExecutionCommand({ domain, workflowId: 'list-c' }));
    const open = await swf.send(
      new S.ListOpenWorkflowExecutionsCommand({ domain, startTimeFilter: { oldestDate: since } }),
    );
    const openIds = open.executionInfos?.map((e) => e.execution?.workflowId) ?? [];
    expect(openIds.indexOf('list-b')).toBeLessThan(openIds.indexOf('list-a'));
    expect(openIds).not.toContain('list-c');
    const blue = await swf.send(
      new S.ListOpenWorkflowExecutionsCommand({
        domain,
        startTimeFilter: { oldestDate: since },
        tagFilter: { tag: 'blue' },
      }),
    );
    expect(blue.executionInfos?.map((e) => e.execution?.workflowId)).toEqual(['list-a']);
    const byId = await swf.send(
      new S.ListOpenWorkflowExecutionsCommand({
        domain,
        startTimeFilter: { oldestDate: since },
        executionFilter: { workflowId: 'list-b' },
      }),
    );
    expect(byId.executionInfos).toHaveLength(1);
    const closed = await swf.send(
      new S.ListClosedWorkflowExecutionsCommand({
        domain,
        closeTimeFilter: { oldestDate: since },
        closeStatusFilter: { status: 'TERMINATED' },
      }),
    );
    expect(closed.executionInfos?.map((e) => e.execution?.workflowId)).toContain('list-c');
    expect(
      closed.executionInfos?.every((e) => e.closeStatus === 'TERMINATED' && e.closeTimestamp instanceof Date),
    ).toBe(true);
    const count = await swf.send(
      new S.CountOpenWorkflowExecutionsCommand({
        domain,
        startTimeFilter: { oldestDate: since },
        typeFilter: W,
      }),
    );
    const ofW = open.executionInfos?.filter((e) => e.workflowType?.name === 'W').length;
    expect(count).toMatchObject({ count: ofW, truncated: false });
    const closedCount = await swf.send(
      new S.CountClosedWorkflowExecutionsCommand({ domain, startTimeFilter: { oldestDate: since } }),
    );
    expect(closedCount.count).toBeGreaterThanOrEqual(1);
    await expectFault(
      swf.send(
        new S.ListOpenWorkflowExecutionsCommand({
          domain,
          startTimeFilter: { oldestDate: since },
          tagFilter: { tag: 'x' },
          typeFilter: W,
        }),
      ),
      'ValidationException',
      /mutually exclusive/,
    );
    await expectFault(
      swf.send(
        new S.ListClosedWorkflowExecutionsCommand({
          domain,
          startTimeFilter: { oldestDate: since },
          closeTimeFilter: { oldestDate: since },
        }),
      ),
      'ValidationException',
      /Exactly one/,
    );
    const paged = await swf.send(
      new S.ListOpenWorkflowExecutionsCommand({
        domain,
        startTimeFilter: { oldestDate: since },
        maximumPageSize: 1,
      }),
    );
    expect(paged.executionInfos).toHaveLength(1);
    expect(paged.nextPageToken).toBeTruthy();
  });
});

describe('acting on executions', () => {
  it('records a signal and schedules one decision task for it', async () => {
    const { runId } = await start('signal-me');
    await swf.send(
      new S.SignalWorkflowExecutionCommand({
        domain,
        workflowId: 'signal-me',
        signalName: 'go',
        input: 'now',
      }),
    );
    const events = await history(swf, domain, { workflowId: 'signal-me', runId });
    expect(types(events)).toEqual([
      'WorkflowExecutionStarted',
      'DecisionTaskScheduled',
      'WorkflowExecutionSignaled',
    ]);
    expect(events[2]?.workflowExecutionSignaledEventAttributes).toEqual({ signalName: 'go', input: 'now' });
  });

  it('records one cancel request and flags the run', async () => {
    await start('cancel-me');
    await swf.send(new S.RequestCancelWorkflowExecutionCommand({ domain, workflowId: 'cancel-me' }));
    await swf.send(new S.RequestCancelWorkflowExecutionCommand({ domain, workflowId: 'cancel-me' }));
    const runId = await openRunId(swf, domain, 'cancel-me');
    const events = await history(swf, domain, { workflowId: 'cancel-me', runId });
    expect(types(events).filter((t) => t === 'WorkflowExecutionCancelRequested')).toHaveLength(1);
    const described = await swf.send(
      new S.DescribeWorkflowExecutionCommand({ domain, execution: { workflowId: 'cancel-me', runId } }),
    );
    expect(described.executionInfo?.cancelRequested).toBe(true);
  });

  it('terminates a run at once, and then refuses to act on it', async () => {
    const { runId } = await start('terminate-me');
    await swf.send(
      new S.TerminateWorkflowExecutionCommand({
        domain,
        workflowId: 'terminate-me',
        reason: 'ops',
        details: 'stuck',
      }),
    );
    const events = await history(swf, domain, { workflowId: 'terminate-me', runId });
    expect(events.at(-1)?.workflowExecutionTerminatedEventAttributes).toEqual({
      reason: 'ops',
      details: 'stuck',
      childPolicy: 'TERMINATE',
    });
    await expectFault(
      swf.send(new S.SignalWorkflowExecutionCommand({ domain, workflowId: 'terminate-me', signalName: 'x' })),
      'UnknownResourceFault',
      'Unknown execution, workflowId = terminate-me',
    );
    await expectFault(
      swf.send(
        new S.SignalWorkflowExecutionCommand({ domain, workflowId: 'terminate-me', runId, signalName: 'x' }),
      ),
      'UnknownResourceFault',
    );
    // Its pending decision task is gone with it.
    const described = await swf.send(
      new S.DescribeWorkflowExecutionCommand({ domain, execution: { workflowId: 'terminate-me', runId } }),
    );
    expect(described.openCounts?.openDecisionTasks).toBe(0);
  });

  it('drops the pending decision task of a closed run', async () => {
    await swf.send(
      new S.RegisterDomainCommand({ name: 'isolated', workflowExecutionRetentionPeriodInDays: '1' }),
    );
    await swf.send(
      new S.RegisterWorkflowTypeCommand({
        domain: 'isolated',
        ...W,
        defaultTaskList: { name: 'iso' },
        defaultExecutionStartToCloseTimeout: '60',
        defaultTaskStartToCloseTimeout: '10',
        defaultChildPolicy: 'TERMINATE',
      }),
    );
    await swf.send(
      new S.StartWorkflowExecutionCommand({ domain: 'isolated', workflowId: 'one', workflowType: W }),
    );
    await swf.send(
      new S.StartWorkflowExecutionCommand({ domain: 'isolated', workflowId: 'two', workflowType: W }),
    );
    const pending = () =>
      swf.send(new S.CountPendingDecisionTasksCommand({ domain: 'isolated', taskList: { name: 'iso' } }));
    expect((await pending()).count).toBe(2);
    await swf.send(new S.TerminateWorkflowExecutionCommand({ domain: 'isolated', workflowId: 'one' }));
    expect((await pending()).count).toBe(1);
    const task = await pollDecision(swf, 'isolated', 'iso');
    expect(task.workflowExecution?.workflowId).toBe('two');
    await respond(swf, task.taskToken, [
      { decisionType: 'CompleteWorkflowExecution', completeWorkflowExecutionDecisionAttributes: {} },
    ]);
    expect((await pending()).count).toBe(0);
  });
});
