import * as S from '@aws-sdk/client-swf';
import { afterAll, describe, expect, it } from 'vitest';
import {
  beginRun,
  history,
  pollActivity,
  respond,
  scheduleA,
  setupDomain,
  startLocal,
  W,
} from '../support/swf-local.js';

/** Behaviour the SWF API reference documents, each test quoting it. */
const { server, swf } = await startLocal();
afterAll(() => server.close());
const domain = await setupDomain(swf, 'documented');

describe('as the API reference documents', () => {
  it('latestActivityTaskTimestamp: "The time when the last activity task was scheduled for this workflow execution."', async () => {
    const { execution, task } = await beginRun(swf, domain, 'latest-activity');
    const describe = () => swf.send(new S.DescribeWorkflowExecutionCommand({ domain, execution }));
    expect((await describe()).latestActivityTaskTimestamp).toBeUndefined();
    await respond(swf, task.taskToken, [scheduleA('first')]);
    const scheduledAt = (await history(swf, domain, execution)).find(
      (e) => e.eventType === 'ActivityTaskScheduled',
    )?.eventTimestamp;
    expect(scheduledAt).toBeInstanceOf(Date);
    // Set when scheduled, before any worker took it.
    expect((await describe()).latestActivityTaskTimestamp).toEqual(scheduledAt);
    server.advanceClock(5_000);
    await pollActivity(swf, domain);
    expect((await describe()).latestActivityTaskTimestamp, 'starting the task does not move it').toEqual(
      scheduledAt,
    );
  });

  it('DeprecateDomain: "Deprecating a domain also deprecates all activity and workflow types registered in the domain."', async () => {
    const name = await setupDomain(swf, 'to-deprecate');
    await swf.send(new S.DeprecateDomainCommand({ name }));
    const workflow = await swf.send(new S.DescribeWorkflowTypeCommand({ domain: name, workflowType: W }));
    expect(workflow.typeInfo?.status).toBe('DEPRECATED');
    expect(workflow.typeInfo?.deprecationDate).toBeInstanceOf(Date);
    const activities = await swf.send(
      new S.ListActivityTypesCommand({ domain: name, registrationStatus: 'DEPRECATED' }),
    );
    expect(activities.typeInfos?.map((t) => t.activityType?.name)).toEqual(['A']);
    const registered = await swf.send(
      new S.ListWorkflowTypesCommand({ domain: name, registrationStatus: 'REGISTERED' }),
    );
    expect(registered.typeInfos).toEqual([]);
    // Other domains keep their types.
    const untouched = await swf.send(new S.DescribeWorkflowTypeCommand({ domain, workflowType: W }));
    expect(untouched.typeInfo?.status).toBe('REGISTERED');
  });

  it('StartChildWorkflowExecutionFailed: "When the cause isn\'t WORKFLOW_ALREADY_RUNNING, initiatedEventId is set to 0 because the StartChildWorkflowExecutionInitiated event doesn\'t exist."', async () => {
    const { execution, task } = await beginRun(swf, domain, 'child-failures');
    await respond(swf, task.taskToken, [
      {
        decisionType: 'StartChildWorkflowExecution',
        startChildWorkflowExecutionDecisionAttributes: {
          workflowId: 'no-such-type',
          workflowType: { name: 'Missing', version: '1' },
        },
      },
      {
        decisionType: 'StartChildWorkflowExecution',
        startChildWorkflowExecutionDecisionAttributes: {
          workflowId: 'child-failures',
          workflowType: W,
        },
      },
    ]);
    const events = await history(swf, domain, execution);
    const failures = events
      .filter((e) => e.eventType === 'StartChildWorkflowExecutionFailed')
      .map((e) => e.startChildWorkflowExecutionFailedEventAttributes);
    expect(failures.map((f) => f?.cause)).toEqual([
      'WORKFLOW_TYPE_DOES_NOT_EXIST',
      'WORKFLOW_ALREADY_RUNNING',
    ]);
    const initiated = events.filter((e) => e.eventType === 'StartChildWorkflowExecutionInitiated');
    // Only the already-running child was initiated, and its failure points at that event.
    expect(initiated.map((e) => e.startChildWorkflowExecutionInitiatedEventAttributes?.workflowId)).toEqual([
      'child-failures',
    ]);
    expect(failures[0]?.initiatedEventId).toBe(0);
    expect(failures[1]?.initiatedEventId).toBe(initiated[0]?.eventId);
  });
});
