import { join } from 'node:path';
import * as S from '@aws-sdk/client-swf';
import { afterAll, describe, expect, it } from 'vitest';
import { scratchDirectory } from '../support/scratch.js';
import {
  pollActivity,
  pollDecision,
  respond,
  scheduleA,
  setupDomain,
  startLocal,
  W,
} from '../support/swf-local.js';

/**
 * "Setting Task Priority" (SWF Developer Guide): within a task list, tasks with a higher priority are delivered
 * first; the type's default applies when a task names none. Equal priorities go first in, first out.
 */
const { server, swf } = await startLocal();
afterAll(() => server.close());
const directory = scratchDirectory('swf-prio');
const domain = await setupDomain(swf, 'priorities');
await swf.send(
  new S.RegisterActivityTypeCommand({
    domain,
    name: 'Urgent',
    version: '1',
    defaultTaskList: { name: 'activities' },
    defaultTaskPriority: '7',
    defaultTaskStartToCloseTimeout: '60',
    defaultTaskScheduleToStartTimeout: '120',
    defaultTaskScheduleToCloseTimeout: '300',
    defaultTaskHeartbeatTimeout: 'NONE',
  }),
);

describe('task priority', () => {
  it('hands out activity tasks highest priority first, the type default when none is given, FIFO within one', async () => {
    const { runId } = await swf.send(
      new S.StartWorkflowExecutionCommand({ domain, workflowId: 'prio', workflowType: W }),
    );
    const task = await pollDecision(swf, domain);
    expect(task.workflowExecution?.runId).toBe(runId);
    await respond(swf, task.taskToken, [
      scheduleA('low-1', { taskPriority: '-5' }),
      scheduleA('none-1'),
      scheduleA('high', { taskPriority: '10' }),
      scheduleA('none-2', { taskPriority: '0' }),
      {
        decisionType: 'ScheduleActivityTask',
        scheduleActivityTaskDecisionAttributes: {
          activityType: { name: 'Urgent', version: '1' },
          activityId: 'type-default-7',
        },
      },
      scheduleA('low-2', { taskPriority: '-5' }),
    ]);
    const order: string[] = [];
    for (let i = 0; i < 6; i++) order.push((await pollActivity(swf, domain)).activityId as string);
    expect(order).toEqual(['high', 'type-default-7', 'none-1', 'none-2', 'low-1', 'low-2']);
  });

  it('hands out decision tasks by the run’s priority, FIFO within one', async () => {
    const start = (workflowId: string, taskPriority?: string) =>
      swf.send(
        new S.StartWorkflowExecutionCommand({
          domain,
          workflowId,
          workflowType: W,
          taskList: { name: 'ranked' },
          taskPriority,
        }),
      );
    await start('d-plain-1');
    await start('d-low', '-1');
    await start('d-top', '100');
    await start('d-plain-2');
    await start('d-mid', '3');
    const order: string[] = [];
    for (let i = 0; i < 5; i++)
      order.push((await pollDecision(swf, domain, 'ranked')).workflowExecution?.workflowId as string);
    expect(order).toEqual(['d-top', 'd-mid', 'd-plain-1', 'd-plain-2', 'd-low']);
  });

  it('keeps that order across a restart', async () => {
    const db = join(directory, 'swf.db');
    {
      const first = await startLocal({ memory: false, dbPath: db });
      const d = await setupDomain(first.swf, 'restart');
      for (const [workflowId, taskPriority] of [
        ['r-1', undefined],
        ['r-2', '5'],
        ['r-3', undefined],
        ['r-4', '5'],
      ] as const) {
        await first.swf.send(
          new S.StartWorkflowExecutionCommand({ domain: d, workflowId, workflowType: W, taskPriority }),
        );
      }
      await first.server.close();
      const second = await startLocal({ memory: false, dbPath: db });
      try {
        const order: string[] = [];
        for (let i = 0; i < 4; i++)
          order.push((await pollDecision(second.swf, d)).workflowExecution?.workflowId as string);
        expect(order).toEqual(['r-2', 'r-4', 'r-1', 'r-3']);
      } finally {
        await second.server.close();
      }
    }
  });
});
