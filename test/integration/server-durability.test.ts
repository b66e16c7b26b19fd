import { join } from 'node:path';
import * as S from '@aws-sdk/client-swf';
import { describe, expect, it } from 'vitest';
import { scratchDirectory } from '../support/scratch.js';
import { killHard, spawnServer } from '../support/server-process.js';
import {
  clientFor,
  history,
  pollActivity,
  pollDecision,
  respond,
  scheduleA,
  setupDomain,
  startTimer,
  types,
  W,
} from '../support/swf-local.js';

const directory = scratchDirectory('swf-local');

describe('SQLite durability', () => {
  it('loses nothing to kill -9, and fires the timers and timeouts that fell due while it was down', async () => {
    const db = join(directory, 'swf.db');
    const first = await spawnServer(['--db', db, '--poll-hold', '1']);
    let swf = clientFor(first.endpoint);
    const domain = await setupDomain(swf);
    const { runId } = await swf.send(
      new S.StartWorkflowExecutionCommand({
        domain,
        workflowId: 'durable',
        workflowType: W,
        input: 'keep me',
      }),
    );
    const execution = { workflowId: 'durable', runId: runId as string };
    const task = await pollDecision(swf, domain);
    await respond(swf, task.taskToken, [
      startTimer('soon', '1'),
      startTimer('later', '3600'),
      scheduleA('crashy', { startToCloseTimeout: '2' }),
      scheduleA('waiting', { taskList: { name: 'nobody' } }),
    ]);
    await pollActivity(swf, domain);
    const before = await history(swf, domain, execution);
    await killHard(first.child);

    // Down for longer than the timer and the activity's start-to-close timeout.
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    const second = await spawnServer(['--db', db, '--poll-hold', '1']);
    swf = clientFor(second.endpoint);
    try {
      const after = await history(swf, domain, execution);
      expect(after.slice(0, before.length).map((e) => [e.eventId, e.eventType])).toEqual(
        before.map((e) => [e.eventId, e.eventType]),
      );
      expect(after[0]?.workflowExecutionStartedEventAttributes?.input).toBe('keep me');
      const fired = after.find((e) => e.eventType === 'TimerFired');
      expect(fired?.timerFiredEventAttributes?.timerId).toBe('soon');
      expect(
        after.find((e) => e.eventType === 'ActivityTaskTimedOut')?.activityTaskTimedOutEventAttributes
          ?.timeoutType,
      ).toBe('START_TO_CLOSE');
      expect(types(after).filter((t) => t === 'TimerFired')).toHaveLength(1);
      // The untouched activity is still queued, and a decision task is waiting for the new events.
      expect(
        (await swf.send(new S.CountPendingActivityTasksCommand({ domain, taskList: { name: 'nobody' } })))
          .count,
      ).toBe(1);
      const next = await pollDecision(swf, domain);
      expect(next.previousStartedEventId).toBe(3);
      const described = await swf.send(new S.DescribeWorkflowExecutionCommand({ domain, execution }));
      expect(described.openCounts).toMatchObject({ openTimers: 1, openActivityTasks: 1 });
      expect(
        (await swf.send(new S.DescribeWorkflowTypeCommand({ domain, workflowType: W }))).typeInfo?.status,
      ).toBe('REGISTERED');
    } finally {
      await killHard(second.child);
    }
  }, 40_000);

  it('one server owns a database: a second one on the same --db exits at once, naming the holder', async () => {
    const db = join(directory, 'owned.db');
    const first = await spawnServer(['--db', db]);
    try {
      const started = Date.now();
      const error = await spawnServer(['--db', db]).then(
        () => undefined,
        (e: Error) => e,
      );
      expect(error?.message).toMatch(/exited with 4/);
      expect(error?.message).toContain(`in use by swf-local pid ${first.child.pid}`);
      expect(error?.message).toContain('another --db');
      expect(Date.now() - started).toBeLessThan(10_000);
      // The owner never noticed.
      const swf = clientFor(first.endpoint);
      expect(await setupDomain(swf, 'still-mine')).toBe('still-mine');
    } finally {
      await killHard(first.child);
    }
    // A crashed owner's lock dies with it (the stale owner file does not matter).
    const next = await spawnServer(['--db', db]);
    try {
      const swf = clientFor(next.endpoint);
      const domains = await swf.send(new S.ListDomainsCommand({ registrationStatus: 'REGISTERED' }));
      expect(domains.domainInfos?.map((d) => d.name)).toContain('still-mine');
    } finally {
      await killHard(next.child);
    }
  }, 40_000);
});
