import * as S from '@aws-sdk/client-swf';
import { SWFClient } from '@aws-sdk/client-swf';
import { expect } from 'vitest';
import { type RunningServer, type ServerOptions, startServer } from '../../local/server/server.js';

/** A swf-local server on a free port (memory store, virtual clock, 1 s poll hold unless told otherwise) and an SDK client. */
export async function startLocal(
  options: ServerOptions = {},
): Promise<{ server: RunningServer; swf: SWFClient }> {
  const server = await startServer({
    port: 0,
    memory: true,
    virtualClock: true,
    pollHoldSeconds: 1,
    logLevel: 'silent',
    ...options,
  });
  return { server, swf: clientFor(server.endpoint) };
}

/** An SDK v3 client for a local endpoint, with placeholder credentials (signatures are not checked). */
export function clientFor(endpoint: string): SWFClient {
  return new SWFClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
  });
}

export const W = { name: 'W', version: '1' };
export const A = { name: 'A', version: '1' };

/** Registers a domain with one workflow type `W` and one activity type `A`, both with every default set. */
export async function setupDomain(swf: SWFClient, domain = 'test-domain'): Promise<string> {
  await swf.send(new S.RegisterDomainCommand({ name: domain, workflowExecutionRetentionPeriodInDays: '1' }));
  await swf.send(
    new S.RegisterWorkflowTypeCommand({
      domain,
      ...W,
      defaultTaskList: { name: 'decisions' },
      defaultExecutionStartToCloseTimeout: '3600',
      defaultTaskStartToCloseTimeout: '30',
      defaultChildPolicy: 'TERMINATE',
    }),
  );
  await swf.send(
    new S.RegisterActivityTypeCommand({
      domain,
      ...A,
      defaultTaskList: { name: 'activities' },
      defaultTaskStartToCloseTimeout: '60',
      defaultTaskScheduleToStartTimeout: '120',
      defaultTaskScheduleToCloseTimeout: '300',
      defaultTaskHeartbeatTimeout: 'NONE',
    }),
  );
  return domain;
}

/** Polls one decision task (failing the test if none comes). */
export async function pollDecision(swf: SWFClient, domain: string, taskList = 'decisions') {
  const task = await swf.send(
    new S.PollForDecisionTaskCommand({ domain, taskList: { name: taskList }, identity: 'test-decider' }),
  );
  expect(task.taskToken, 'a decision task was expected').toBeTruthy();
  return task as S.PollForDecisionTaskCommandOutput & { taskToken: string };
}

export async function pollActivity(swf: SWFClient, domain: string, taskList = 'activities') {
  const task = await swf.send(
    new S.PollForActivityTaskCommand({ domain, taskList: { name: taskList }, identity: 'test-worker' }),
  );
  expect(task.taskToken, 'an activity task was expected').toBeTruthy();
  return task as S.PollForActivityTaskCommandOutput & { taskToken: string };
}

export function respond(swf: SWFClient, taskToken: string, decisions: S.Decision[]) {
  return swf.send(new S.RespondDecisionTaskCompletedCommand({ taskToken, decisions }));
}

/** A StartTimer decision (`control` is optional). */
export function startTimer(timerId: string, seconds: string, control?: string): S.Decision {
  return {
    decisionType: 'StartTimer',
    startTimerDecisionAttributes: { timerId, startToFireTimeout: seconds, control },
  };
}

export function scheduleA(
  activityId: string,
  extra: Partial<S.ScheduleActivityTaskDecisionAttributes> = {},
): S.Decision {
  return {
    decisionType: 'ScheduleActivityTask',
    scheduleActivityTaskDecisionAttributes: { activityType: A, activityId, input: activityId, ...extra },
  };
}

export async function history(
  swf: SWFClient,
  domain: string,
  execution: { workflowId?: string; runId?: string },
) {
  const out = await swf.send(
    new S.GetWorkflowExecutionHistoryCommand({ domain, execution: execution as S.WorkflowExecution }),
  );
  return out.events ?? [];
}

export const types = (events: S.HistoryEvent[]) => events.map((e) => e.eventType);

/** Asserts that a call fails with the named SWF fault (and, optionally, a message). */
export async function expectFault(
  call: Promise<unknown>,
  name: string,
  message?: RegExp | string,
): Promise<Error> {
  const error = await call.then(
    () => undefined,
    (e: Error) => e,
  );
  expect(error, `expected ${name}`).toBeInstanceOf(Error);
  expect((error as Error).name).toBe(name);
  if (message !== undefined) expect((error as Error).message).toMatch(message);
  return error as Error;
}

/** A local server with the `setupDomain` types registered: the setup the server tests share. */
export async function startLocalWithDomain(options: ServerOptions = {}) {
  const { server, swf } = await startLocal(options);
  return { server, swf, domain: await setupDomain(swf) };
}

/** The runId of the open run of a workflowId ('' if none). */
export async function openRunId(swf: SWFClient, domain: string, workflowId: string): Promise<string> {
  const open = await swf.send(
    new S.ListOpenWorkflowExecutionsCommand({
      domain,
      startTimeFilter: { oldestDate: new Date(0) },
      executionFilter: { workflowId },
    }),
  );
  return open.executionInfos?.[0]?.execution?.runId ?? '';
}

/**
 * Starts a run of `W` that decides on its own task list (named after the workflowId unless `extra` says
 * otherwise), so one test's pending task never reaches another, and takes its first decision task.
 */
export async function beginRun(
  swf: SWFClient,
  domain: string,
  workflowId: string,
  extra: Partial<S.StartWorkflowExecutionInput> = {},
) {
  const taskList = extra.taskList ?? { name: workflowId };
  const { runId } = await swf.send(
    new S.StartWorkflowExecutionCommand({ domain, workflowId, workflowType: W, ...extra, taskList }),
  );
  const task = await pollDecision(swf, domain, taskList.name);
  expect(task.workflowExecution).toEqual({ workflowId, runId });
  return { execution: { workflowId, runId: runId as string }, task };
}
