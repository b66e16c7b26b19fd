import { unknownExecution, unknownResource } from '../protocol/faults.js';
import type { Core } from './core.js';
import type { Checked, Input, Swf } from './input.js';
import type { ActivityTaskRecord, EventRecord, ExecutionRecord } from './records.js';
import { type QueuedTask, queueKey, type TaskKind, type Waiter } from './task-queues.js';

/** How a long poll learns that its caller went away (the HTTP connection closed). */
export interface PollContext {
  holdMs: number;
  isGone(): boolean;
  onGone(callback: () => void): void;
}

const EMPTY_DECISION = { previousStartedEventId: 0, startedEventId: 0 };
const EMPTY_ACTIVITY = { startedEventId: 0 };

/**
 * Long-polls a task list: answers at once with the best queued task, or holds until one arrives or the hold
 * ends. Starting a task is its own transaction; a task that could not be started stays queued.
 */
function poll(
  core: Core,
  kind: TaskKind,
  input: Input,
  context: PollContext,
  start: (task: QueuedTask) => Input | undefined,
  empty: Input,
): Promise<Input> {
  core.domain(input.domain);
  const key = queueKey(kind, input.domain, input.taskList.name);
  // Stale tasks (their run closed, or the task timed out) are dropped on the way; a task that could not be
  // started because the store failed stays first in line, and the poll gets the fault.
  for (let task = core.queues.first(key); task; task = core.queues.first(key)) {
    const current = task;
    const response = core.transaction(() => start(current));
    core.queues.remove(key, current);
    if (response) return Promise.resolve(response);
  }
  return new Promise((resolve) => {
    let done = false;
    const finish = (response: Input) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      core.queues.stopWaiting(key, waiter);
      resolve(response);
    };
    const waiter: Waiter = {
      isGone: () => done || context.isGone(),
      offer: (task) => {
        let response: Input | undefined;
        try {
          response = core.transaction(() => start(task));
        } catch {
          return 'failed';
        }
        if (!response) return 'stale';
        finish(response);
        return 'taken';
      },
    };
    const timer = setTimeout(() => finish(empty), context.holdMs);
    context.onGone(() => finish(empty));
    core.queues.wait(key, waiter);
  });
}

export function pollForDecisionTask(
  core: Core,
  input: Checked<Swf.PollForDecisionTaskInput>,
  context: PollContext,
): Promise<Input> {
  if (input.nextPageToken) return Promise.resolve(decisionTaskPage(core, input, input.nextPageToken));
  return poll(
    core,
    'decision',
    input,
    context,
    (task) => startDecisionTask(core, task, input),
    EMPTY_DECISION,
  );
}

function startDecisionTask(
  core: Core,
  task: QueuedTask,
  input: Checked<Swf.PollForDecisionTaskInput>,
): Input | undefined {
  const execution = core.runs.get(task.runId);
  if (execution?.status !== 'OPEN') return undefined;
  const decision = execution.decision;
  if (decision.state !== 'scheduled' || decision.scheduledEventId !== task.scheduledEventId) return undefined;
  decision.state = 'started';
  decision.startedAt = core.clock.now();
  decision.nonce = core.newNonce();
  decision.startedEventId = core.addEvent(execution, 'DecisionTaskStarted', {
    scheduledEventId: decision.scheduledEventId,
    identity: input.identity,
  });
  const taskToken = core.taskToken('decision', execution.runId, decision.scheduledEventId, decision.nonce);
  return decisionTaskResponse(core, execution, taskToken, decision.startedEventId, input, 0);
}

function decisionTaskResponse(
  core: Core,
  execution: ExecutionRecord,
  taskToken: string,
  startedEventId: number,
  input: Input,
  offset: number,
): Input {
  const all = core.runs.history(execution.runId).slice(0, startedEventId);
  let events: EventRecord[] = all;
  if (input.startAtPreviousStartedEvent && execution.previousStartedEventId > 0) {
    events = all.filter((e) => e.eventId >= execution.previousStartedEventId);
  }
  if (input.reverseOrder) events = [...events].reverse();
  const size = input.maximumPageSize && input.maximumPageSize > 0 ? input.maximumPageSize : 1000;
  const pageEvents = events.slice(offset, offset + size);
  const nextPageToken =
    offset + size < events.length
      ? core.pageToken('decision-task', {
          r: execution.runId,
          s: startedEventId,
          o: offset + size,
          k: taskToken,
          rev: Boolean(input.reverseOrder),
          prev: Boolean(input.startAtPreviousStartedEvent),
        })
      : undefined;
  return {
    taskToken,
    startedEventId,
    workflowExecution: { workflowId: execution.workflowId, runId: execution.runId },
    workflowType: execution.workflowType,
    events: pageEvents,
    nextPageToken,
    previousStartedEventId: execution.previousStartedEventId,
  };
}

/** A further page of the same decision task: PollForDecisionTask with the page token, no new task. */
function decisionTaskPage(
  core: Core,
  input: Checked<Swf.PollForDecisionTaskInput>,
  pageToken: string,
): Input {
  core.domain(input.domain);
  const token = core.readPageToken(pageToken, 'decision-task') as Input;
  const execution = core.runs.find(token.r);
  if (!execution) throw unknownExecution('?', token.r);
  return decisionTaskResponse(
    core,
    execution,
    token.k,
    token.s,
    { ...input, reverseOrder: token.rev, startAtPreviousStartedEvent: token.prev },
    token.o,
  );
}

export function pollForActivityTask(
  core: Core,
  input: Checked<Swf.PollForActivityTaskInput>,
  context: PollContext,
): Promise<Input> {
  return poll(
    core,
    'activity',
    input,
    context,
    (task) => startActivityTask(core, task, input),
    EMPTY_ACTIVITY,
  );
}

function startActivityTask(
  core: Core,
  task: QueuedTask,
  input: Checked<Swf.PollForActivityTaskInput>,
): Input | undefined {
  const execution = core.runs.get(task.runId);
  if (execution?.status !== 'OPEN') return undefined;
  const activity = execution.activities[String(task.scheduledEventId)];
  if (activity?.status !== 'scheduled') return undefined;
  const now = core.clock.now();
  activity.status = 'started';
  activity.startedAt = now;
  activity.nonce = core.newNonce();
  activity.startedEventId = core.addEvent(execution, 'ActivityTaskStarted', {
    scheduledEventId: activity.scheduledEventId,
    identity: input.identity,
  });
  core.runs.activityChanged(execution, activity);
  return {
    taskToken: core.taskToken('activity', execution.runId, activity.scheduledEventId, activity.nonce),
    activityId: activity.activityId,
    startedEventId: activity.startedEventId,
    workflowExecution: { workflowId: execution.workflowId, runId: execution.runId },
    activityType: activity.activityType,
    input: activity.input,
  };
}

/** The started activity a token names; UnknownResourceFault once it closed, timed out or was handed out again. */
function activityOf(core: Core, token: string): { execution: ExecutionRecord; activity: ActivityTaskRecord } {
  const parsed = core.readTaskToken(token);
  if (parsed.kind !== 'activity')
    throw unknownResource(`Unknown activity, scheduledEventId = ${parsed.scheduledEventId}`);
  const execution = core.runs.get(parsed.runId);
  if (!execution) {
    const closed = core.runs.find(parsed.runId);
    if (closed) throw unknownExecution(closed.workflowId, closed.runId);
    throw unknownResource(`Unknown activity, scheduledEventId = ${parsed.scheduledEventId}`);
  }
  const activity = execution.activities[String(parsed.scheduledEventId)];
  if (activity?.status !== 'started' || activity.nonce !== parsed.nonce) {
    throw unknownResource(`Unknown activity, scheduledEventId = ${parsed.scheduledEventId}`);
  }
  return { execution, activity };
}

function closeActivity(
  core: Core,
  token: string,
  eventType: string,
  attributes: (a: ActivityTaskRecord) => Input,
): void {
  const { execution, activity } = activityOf(core, token);
  core.addEvent(execution, eventType, {
    ...attributes(activity),
    scheduledEventId: activity.scheduledEventId,
    startedEventId: activity.startedEventId,
  });
  core.runs.deleteActivity(execution, activity.scheduledEventId);
  core.scheduleDecision(execution);
}

export function respondActivityCompleted(
  core: Core,
  input: Checked<Swf.RespondActivityTaskCompletedInput>,
): void {
  closeActivity(core, input.taskToken, 'ActivityTaskCompleted', () => ({ result: input.result }));
}

export function respondActivityFailed(core: Core, input: Checked<Swf.RespondActivityTaskFailedInput>): void {
  closeActivity(core, input.taskToken, 'ActivityTaskFailed', () => ({
    reason: input.reason,
    details: input.details,
  }));
}

export function respondActivityCanceled(
  core: Core,
  input: Checked<Swf.RespondActivityTaskCanceledInput>,
): void {
  closeActivity(core, input.taskToken, 'ActivityTaskCanceled', (activity) => ({
    details: input.details,
    latestCancelRequestedEventId: activity.latestCancelRequestedEventId,
  }));
}

export function recordHeartbeat(core: Core, input: Checked<Swf.RecordActivityTaskHeartbeatInput>): Input {
  const { execution, activity } = activityOf(core, input.taskToken);
  activity.lastHeartbeatAt = core.clock.now();
  if (input.details !== undefined) activity.heartbeatDetails = input.details;
  core.runs.activityChanged(execution, activity);
  return { cancelRequested: activity.cancelRequested };
}

export function countPending(
  core: Core,
  kind: TaskKind,
  input: Checked<Swf.CountPendingActivityTasksInput>,
): Input {
  core.domain(input.domain);
  return { count: core.queues.size(queueKey(kind, input.domain, input.taskList.name)), truncated: false };
}
