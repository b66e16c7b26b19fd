import { unknownResource, validation } from '../protocol/faults.js';
import { type Core, seconds } from './core.js';
import { closeExecution } from './executions.js';
import type { Checked, Input, Swf } from './input.js';

type Decision = Checked<Swf.Decision>;

import { type ActivityTaskRecord, type ExecutionRecord, timerOf } from './records.js';
import {
  cancelExternal,
  continueAsNew,
  type Failed,
  signalExternal,
  startChild,
} from './workflow-decisions.js';

const CLOSE_DECISIONS = new Set([
  'CompleteWorkflowExecution',
  'FailWorkflowExecution',
  'CancelWorkflowExecution',
  'ContinueAsNewWorkflowExecution',
]);
const KNOWN_DECISIONS = new Set([
  ...CLOSE_DECISIONS,
  'ScheduleActivityTask',
  'RequestCancelActivityTask',
  'RecordMarker',
  'StartTimer',
  'CancelTimer',
  'SignalExternalWorkflowExecution',
  'RequestCancelExternalWorkflowExecution',
  'StartChildWorkflowExecution',
  'ScheduleLambdaFunction',
]);
const MAX_OPEN_ACTIVITIES = 1000;
const MAX_OPEN_TIMERS = 1000;

const attributesKey = (decisionType: string) =>
  `${decisionType.charAt(0).toLowerCase()}${decisionType.slice(1)}DecisionAttributes`;

/**
 * Checks a decision list the way SWF does before applying any of it: a close decision must be last and each
 * decision must carry its own attributes. A rejected list changes nothing and the task token stays valid.
 */
function validateDecisions(decisions: Decision[]): void {
  decisions.forEach((decision, index) => {
    const member = `decisions.${index + 1}.member`;
    if (!KNOWN_DECISIONS.has(decision.decisionType)) {
      throw validation(
        `${member}.decisionType: unknown decision type ${String(decision.decisionType).slice(0, 64)}`,
      );
    }
    const fire = decision.startTimerDecisionAttributes?.startToFireTimeout;
    if (decision.decisionType === 'StartTimer' && fire !== undefined && seconds(fire) === undefined) {
      throw validation(
        `${member}.startTimerDecisionAttributes.startToFireTimeout must be a number of seconds`,
      );
    }
    if (CLOSE_DECISIONS.has(decision.decisionType) && index !== decisions.length - 1) {
      throw validation('Close must be last decision in list');
    }
    const key = attributesKey(decision.decisionType);
    const needsAttributes = ![
      'CompleteWorkflowExecution',
      'CancelWorkflowExecution',
      'ContinueAsNewWorkflowExecution',
    ].includes(decision.decisionType);
    if (needsAttributes && (decision as Record<string, unknown>)[key] === undefined) {
      throw validation(
        `1 validation error detected: Value null at '${member}.${key}' failed to satisfy constraint: Member must not be null`,
      );
    }
    for (const other of Object.keys(decision)) {
      if (other.endsWith('DecisionAttributes') && other !== key) {
        throw validation(`${member}: ${other} does not belong to a ${decision.decisionType} decision`);
      }
    }
  });
}

export function respondDecisionTaskCompleted(
  core: Core,
  input: Checked<Swf.RespondDecisionTaskCompletedInput>,
): void {
  const token = core.readTaskToken(input.taskToken);
  const execution = token.kind === 'decision' ? core.runs.get(token.runId) : undefined;
  if (!execution) {
    const closed = token.kind === 'decision' ? core.runs.find(token.runId) : undefined;
    if (closed) {
      throw unknownResource(
        `Unknown execution: WorkflowExecution=[workflowId=${closed.workflowId}, runId=${closed.runId}]`,
      );
    }
    throw unknownResource(`Unknown decision task, scheduledEventId = ${token.scheduledEventId}`);
  }
  const decision = execution.decision;
  if (
    decision.state !== 'started' ||
    decision.scheduledEventId !== token.scheduledEventId ||
    decision.nonce !== token.nonce
  ) {
    throw unknownResource(`Unknown decision task, scheduledEventId = ${token.scheduledEventId}`);
  }
  const decisions: Decision[] = input.decisions ?? [];
  validateDecisions(decisions);

  const completedEventId = core.addEvent(execution, 'DecisionTaskCompleted', {
    scheduledEventId: decision.scheduledEventId,
    startedEventId: decision.startedEventId,
    executionContext: input.executionContext,
  });
  if (input.executionContext !== undefined) execution.latestExecutionContext = input.executionContext;
  execution.previousStartedEventId = decision.startedEventId;
  // Until every decision is applied the task counts as running, so new events queue exactly one more task.
  const unhandled = decision.needsAnother;
  for (const entry of decisions) {
    if (execution.status !== 'OPEN') break;
    applyDecision(core, execution, entry, completedEventId, unhandled);
  }
  if (execution.status === 'OPEN') {
    const again = execution.decision.needsAnother;
    execution.decision = { ...execution.decision, state: 'none', needsAnother: false };
    if (again) core.scheduleDecision(execution);
  }
}

/** A decision's own attributes (validateDecisions made sure the ones a decision needs are there). */
function need<T>(attributes: T | undefined): T {
  if (attributes === undefined) throw validation('a decision is missing its attributes');
  return attributes;
}

function applyDecision(
  core: Core,
  execution: ExecutionRecord,
  decision: Decision,
  completedEventId: number,
  unhandled: boolean,
) {
  const type = decision.decisionType;
  const base = { decisionTaskCompletedEventId: completedEventId };
  const failed = (eventType: string, attributes: Input) => {
    core.addEvent(execution, eventType, { ...attributes, ...base });
    core.scheduleDecision(execution);
  };
  if (CLOSE_DECISIONS.has(type) && (unhandled || execution.decision.needsAnother)) {
    failed(`${type}Failed`, { cause: 'UNHANDLED_DECISION' });
    return;
  }
  switch (type) {
    case 'ScheduleActivityTask':
      return scheduleActivity(
        core,
        execution,
        need(decision.scheduleActivityTaskDecisionAttributes),
        base,
        failed,
      );
    case 'RequestCancelActivityTask': {
      const { activityId } = need(decision.requestCancelActivityTaskDecisionAttributes);
      const activity = Object.values(execution.activities).find((x) => x.activityId === activityId);
      if (!activity)
        return failed('RequestCancelActivityTaskFailed', { activityId, cause: 'ACTIVITY_ID_UNKNOWN' });
      const requestedId = core.addEvent(execution, 'ActivityTaskCancelRequested', { activityId, ...base });
      activity.cancelRequested = true;
      activity.latestCancelRequestedEventId = requestedId;
      core.runs.activityChanged(execution, activity);
      if (activity.status === 'scheduled') {
        // Not yet handed to a worker: SWF cancels it outright.
        core.dropActivity(execution, activity);
        core.addEvent(execution, 'ActivityTaskCanceled', {
          scheduledEventId: activity.scheduledEventId,
          startedEventId: 0,
          latestCancelRequestedEventId: requestedId,
        });
        core.scheduleDecision(execution);
      }
      return;
    }
    case 'RecordMarker': {
      const a = need(decision.recordMarkerDecisionAttributes);
      core.addEvent(execution, 'MarkerRecorded', { markerName: a.markerName, details: a.details, ...base });
      return;
    }
    case 'StartTimer': {
      const a = need(decision.startTimerDecisionAttributes);
      if (timerOf(execution, a.timerId))
        return failed('StartTimerFailed', { timerId: a.timerId, cause: 'TIMER_ID_ALREADY_IN_USE' });
      if (Object.keys(execution.timers).length >= MAX_OPEN_TIMERS) {
        return failed('StartTimerFailed', { timerId: a.timerId, cause: 'OPEN_TIMERS_LIMIT_EXCEEDED' });
      }
      const fireSeconds = seconds(a.startToFireTimeout) as number;
      const startedEventId = core.addEvent(execution, 'TimerStarted', {
        timerId: a.timerId,
        control: a.control,
        startToFireTimeout: a.startToFireTimeout,
        ...base,
      });
      core.runs.putTimer(execution, {
        timerId: a.timerId,
        startedEventId,
        fireAt: core.clock.now() + fireSeconds * 1000,
      });
      return;
    }
    case 'CancelTimer': {
      const { timerId } = need(decision.cancelTimerDecisionAttributes);
      const timer = timerOf(execution, timerId);
      if (!timer) return failed('CancelTimerFailed', { timerId, cause: 'TIMER_ID_UNKNOWN' });
      core.runs.deleteTimer(execution, timerId);
      core.addEvent(execution, 'TimerCanceled', { timerId, startedEventId: timer.startedEventId, ...base });
      return;
    }
    case 'CompleteWorkflowExecution': {
      const result = decision.completeWorkflowExecutionDecisionAttributes?.result;
      core.addEvent(execution, 'WorkflowExecutionCompleted', { result, ...base });
      return closeExecution(core, execution, 'COMPLETED', { result });
    }
    case 'FailWorkflowExecution': {
      const { reason, details } = need(decision.failWorkflowExecutionDecisionAttributes);
      core.addEvent(execution, 'WorkflowExecutionFailed', { reason, details, ...base });
      return closeExecution(core, execution, 'FAILED', { reason, details });
    }
    case 'CancelWorkflowExecution': {
      const details = decision.cancelWorkflowExecutionDecisionAttributes?.details;
      core.addEvent(execution, 'WorkflowExecutionCanceled', { details, ...base });
      return closeExecution(core, execution, 'CANCELED', { details });
    }
    case 'ContinueAsNewWorkflowExecution':
      return continueAsNew(
        core,
        execution,
        decision.continueAsNewWorkflowExecutionDecisionAttributes ?? {},
        base,
        failed,
      );
    case 'SignalExternalWorkflowExecution':
      return signalExternal(
        core,
        execution,
        need(decision.signalExternalWorkflowExecutionDecisionAttributes),
        base,
      );
    case 'RequestCancelExternalWorkflowExecution':
      return cancelExternal(
        core,
        execution,
        need(decision.requestCancelExternalWorkflowExecutionDecisionAttributes),
        base,
      );
    case 'StartChildWorkflowExecution':
      return startChild(
        core,
        execution,
        need(decision.startChildWorkflowExecutionDecisionAttributes),
        base,
        failed,
      );
    case 'ScheduleLambdaFunction': {
      const { id, name } = need(decision.scheduleLambdaFunctionDecisionAttributes);
      // swf-local runs no Lambda functions: say so in the history instead of hanging.
      return failed('ScheduleLambdaFunctionFailed', {
        id,
        name,
        cause: 'LAMBDA_SERVICE_NOT_AVAILABLE_IN_REGION',
      });
    }
    default:
      throw validation(`Unknown decisionType ${type}`);
  }
}

function scheduleActivity(
  core: Core,
  execution: ExecutionRecord,
  a: Checked<Swf.ScheduleActivityTaskDecisionAttributes>,
  base: Input,
  failed: Failed,
) {
  const fail = (cause: string) =>
    failed('ScheduleActivityTaskFailed', { activityType: a.activityType, activityId: a.activityId, cause });
  const type = core.type(execution.domain, 'activity', a.activityType.name, a.activityType.version);
  if (!type) return fail('ACTIVITY_TYPE_DOES_NOT_EXIST');
  if (type.status === 'DEPRECATED') return fail('ACTIVITY_TYPE_DEPRECATED');
  if (Object.values(execution.activities).some((x) => x.activityId === a.activityId))
    return fail('ACTIVITY_ID_ALREADY_IN_USE');
  if (Object.keys(execution.activities).length >= MAX_OPEN_ACTIVITIES)
    return fail('OPEN_ACTIVITIES_LIMIT_EXCEEDED');
  const defaults = type.configuration as Input;
  const taskList: string | undefined = a.taskList?.name ?? defaults.defaultTaskList?.name;
  if (!taskList) return fail('DEFAULT_TASK_LIST_UNDEFINED');
  const timeouts: Record<string, string | undefined> = {
    scheduleToStartTimeout: a.scheduleToStartTimeout ?? defaults.defaultTaskScheduleToStartTimeout,
    scheduleToCloseTimeout: a.scheduleToCloseTimeout ?? defaults.defaultTaskScheduleToCloseTimeout,
    startToCloseTimeout: a.startToCloseTimeout ?? defaults.defaultTaskStartToCloseTimeout,
    heartbeatTimeout: a.heartbeatTimeout ?? defaults.defaultTaskHeartbeatTimeout,
  };
  const causes: Record<string, string> = {
    scheduleToStartTimeout: 'DEFAULT_SCHEDULE_TO_START_TIMEOUT_UNDEFINED',
    scheduleToCloseTimeout: 'DEFAULT_SCHEDULE_TO_CLOSE_TIMEOUT_UNDEFINED',
    startToCloseTimeout: 'DEFAULT_START_TO_CLOSE_TIMEOUT_UNDEFINED',
    heartbeatTimeout: 'DEFAULT_HEARTBEAT_TIMEOUT_UNDEFINED',
  };
  for (const [member, value] of Object.entries(timeouts)) {
    if (value === undefined) return fail(causes[member] as string);
  }
  const scheduledEventId = core.addEvent(execution, 'ActivityTaskScheduled', {
    activityType: a.activityType,
    activityId: a.activityId,
    input: a.input,
    control: a.control,
    ...timeouts,
    taskList: { name: taskList },
    taskPriority: a.taskPriority ?? defaults.defaultTaskPriority,
    ...base,
  });
  const activity: ActivityTaskRecord = {
    scheduledEventId,
    activityId: a.activityId,
    activityType: a.activityType,
    input: a.input,
    control: a.control,
    taskList,
    taskPriority: a.taskPriority ?? defaults.defaultTaskPriority,
    scheduleToStartTimeout: timeouts.scheduleToStartTimeout as string,
    scheduleToCloseTimeout: timeouts.scheduleToCloseTimeout as string,
    startToCloseTimeout: timeouts.startToCloseTimeout as string,
    heartbeatTimeout: timeouts.heartbeatTimeout as string,
    status: 'scheduled',
    scheduledAt: core.clock.now(),
    queuedOrder: core.nextOrder(),
    cancelRequested: false,
    nonce: '',
  };
  core.runs.putActivity(execution, activity);
  // "The time when the last activity task was scheduled for this workflow execution."
  execution.latestActivityTaskTimestamp = activity.scheduledAt;
  core.enqueue(
    'activity',
    execution.domain,
    taskList,
    { runId: execution.runId, scheduledEventId },
    activity.taskPriority,
  );
}
