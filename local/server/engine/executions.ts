import { SwfFault, unknownExecution, unknownType, validation } from '../protocol/faults.js';
import type { Core } from './core.js';
import { seconds } from './core.js';
import type { Checked, Input, Swf } from './input.js';
import { type ExecutionRecord, noTimers } from './records.js';

/** A start as StartWorkflowExecution takes it (child workflows and continue-as-new build one too). */
export type StartRequest = Checked<Swf.StartWorkflowExecutionInput>;

/** Why a start could not happen, as an SWF cause (for decisions) and as a fault (for the API). */
export class StartFailure extends Error {
  constructor(
    readonly failureCause: string,
    readonly fault: SwfFault,
  ) {
    super(fault.message);
  }
}

const ONE_YEAR_SECONDS = 365 * 24 * 3600;

/**
 * Starts a run: checks the type and its defaults, the workflowId, records WorkflowExecutionStarted and
 * schedules the first decision task. Shared by StartWorkflowExecution, child workflows and continue-as-new.
 */
export function startExecution(core: Core, request: StartRequest, extra: StartExtra = {}): ExecutionRecord {
  return createRun(core, request, checkStart(core, request, extra), extra);
}

export interface StartExtra {
  parent?: ExecutionRecord['parent'];
  continuedExecutionRunId?: string;
  replacing?: string;
}

/** A start that passed every check: the settings the new run gets. */
export interface CheckedStart {
  domain: string;
  executionStartToCloseTimeout: string;
  taskList: string;
  taskStartToCloseTimeout: string;
  childPolicy: string;
  defaults: Input;
}

/** Every check a start makes, before anything changes; throws `StartFailure` with SWF's cause. */
export function checkStart(core: Core, request: StartRequest, extra: StartExtra = {}): CheckedStart {
  const domain = core.domain(request.domain);
  if (domain.status === 'DEPRECATED' && !extra.continuedExecutionRunId) {
    throw new StartFailure(
      'OPERATION_NOT_PERMITTED',
      new SwfFault('OperationNotPermittedFault', `Domain is deprecated: ${domain.name}`),
    );
  }
  const { name, version } = request.workflowType;
  const type = core.type(domain.name, 'workflow', name, version);
  if (!type)
    throw new StartFailure('WORKFLOW_TYPE_DOES_NOT_EXIST', unknownType('WorkflowType', name, version));
  if (type.status === 'DEPRECATED') {
    throw new StartFailure(
      'WORKFLOW_TYPE_DEPRECATED',
      new SwfFault('TypeDeprecatedFault', `WorkflowType=[name=${name}, version=${version}]`),
    );
  }
  const defaults = type.configuration as Input;
  const pick = (given: string | undefined, fallback: unknown, member: string, cause: string): string => {
    const value = given ?? (fallback as string | undefined);
    if (value === undefined) {
      throw new StartFailure(
        cause,
        new SwfFault('DefaultUndefinedFault', `${member} was not given and the workflow type has no default`),
      );
    }
    return value;
  };
  const executionStartToCloseTimeout = pick(
    request.executionStartToCloseTimeout,
    defaults.defaultExecutionStartToCloseTimeout,
    'executionStartToCloseTimeout',
    'DEFAULT_EXECUTION_START_TO_CLOSE_TIMEOUT_UNDEFINED',
  );
  const executionSeconds = seconds(executionStartToCloseTimeout);
  if (executionSeconds === undefined || executionSeconds <= 0 || executionSeconds > ONE_YEAR_SECONDS) {
    throw new StartFailure(
      'OPERATION_NOT_PERMITTED',
      validation(
        `executionStartToCloseTimeout must be a number of seconds from 1 to ${ONE_YEAR_SECONDS} (got ${executionStartToCloseTimeout})`,
      ),
    );
  }
  const taskList = pick(
    request.taskList?.name,
    defaults.defaultTaskList?.name,
    'taskList',
    'DEFAULT_TASK_LIST_UNDEFINED',
  );
  const taskStartToCloseTimeout = pick(
    request.taskStartToCloseTimeout,
    defaults.defaultTaskStartToCloseTimeout,
    'taskStartToCloseTimeout',
    'DEFAULT_TASK_START_TO_CLOSE_TIMEOUT_UNDEFINED',
  );
  const childPolicy = pick(
    request.childPolicy,
    defaults.defaultChildPolicy,
    'childPolicy',
    'DEFAULT_CHILD_POLICY_UNDEFINED',
  );
  if (taskStartToCloseTimeout !== 'NONE' && seconds(taskStartToCloseTimeout) === undefined) {
    throw new StartFailure(
      'OPERATION_NOT_PERMITTED',
      validation(`taskStartToCloseTimeout must be seconds or NONE (got ${taskStartToCloseTimeout})`),
    );
  }
  const open = core.openExecution(domain.name, request.workflowId);
  if (open && open.runId !== extra.replacing) {
    throw new StartFailure(
      'WORKFLOW_ALREADY_RUNNING',
      new SwfFault(
        'WorkflowExecutionAlreadyStartedFault',
        `Already Started: workflowId = ${request.workflowId}`,
      ),
    );
  }
  if ((request.tagList?.length ?? 0) > 5) {
    throw new StartFailure('OPERATION_NOT_PERMITTED', validation('tagList may hold at most 5 tags'));
  }
  return {
    domain: domain.name,
    executionStartToCloseTimeout,
    taskList,
    taskStartToCloseTimeout,
    childPolicy,
    defaults,
  };
}

/** Records a checked start: the run, its WorkflowExecutionStarted event and its first decision task. */
export function createRun(
  core: Core,
  request: StartRequest,
  checked: CheckedStart,
  extra: StartExtra = {},
): ExecutionRecord {
  const { executionStartToCloseTimeout, taskList, taskStartToCloseTimeout, childPolicy, defaults } = checked;
  const { name, version } = request.workflowType;
  const now = core.clock.now();
  const execution: ExecutionRecord = {
    domain: checked.domain,
    workflowId: request.workflowId,
    runId: core.newRunId(),
    workflowType: { name, version },
    status: 'OPEN',
    startTimestamp: now,
    tagList: request.tagList ?? [],
    taskList,
    taskPriority: request.taskPriority ?? defaults.defaultTaskPriority,
    executionStartToCloseTimeout,
    taskStartToCloseTimeout,
    childPolicy,
    lambdaRole: request.lambdaRole ?? defaults.defaultLambdaRole,
    cancelRequested: false,
    parent: extra.parent,
    eventCount: 0,
    previousStartedEventId: 0,
    decision: {
      state: 'none',
      scheduledEventId: 0,
      scheduledAt: 0,
      startedEventId: 0,
      startedAt: 0,
      needsAnother: false,
      nonce: '',
      taskList,
    },
    activities: {},
    timers: noTimers(),
    children: {},
  };
  core.runs.add(execution);
  core.addEvent(execution, 'WorkflowExecutionStarted', {
    input: request.input,
    executionStartToCloseTimeout,
    taskStartToCloseTimeout,
    childPolicy,
    taskList: { name: taskList },
    taskPriority: execution.taskPriority,
    workflowType: { name, version },
    tagList: execution.tagList.length > 0 ? execution.tagList : undefined,
    continuedExecutionRunId: extra.continuedExecutionRunId,
    parentWorkflowExecution: extra.parent
      ? { workflowId: extra.parent.workflowId, runId: extra.parent.runId }
      : undefined,
    parentInitiatedEventId: extra.parent?.initiatedEventId,
    lambdaRole: execution.lambdaRole,
  });
  core.scheduleDecision(execution);
  return execution;
}

export type CloseStatus = NonNullable<ExecutionRecord['closeStatus']>;

/**
 * Closes a run: drops its pending tasks and timers, applies its child policy, and tells its parent.
 * The caller has already recorded the closing event.
 */
export function closeExecution(
  core: Core,
  execution: ExecutionRecord,
  closeStatus: CloseStatus,
  outcome: Input = {},
): void {
  execution.status = 'CLOSED';
  execution.closeStatus = closeStatus;
  execution.closeTimestamp = core.clock.now();
  core.runs.release(execution);
  if (execution.decision.state === 'scheduled') {
    core.dequeue('decision', execution.domain, execution.decision.taskList, {
      runId: execution.runId,
      scheduledEventId: execution.decision.scheduledEventId,
    });
  }
  execution.decision = { ...execution.decision, state: 'none', needsAnother: false };
  for (const activity of Object.values(execution.activities)) {
    if (activity.status === 'scheduled') {
      core.dequeue('activity', execution.domain, activity.taskList, {
        runId: execution.runId,
        scheduledEventId: activity.scheduledEventId,
      });
    }
  }
  core.runs.clearOpenItems(execution, false);

  if (closeStatus !== 'CONTINUED_AS_NEW') {
    for (const child of Object.values(execution.children)) {
      const run = child.runId ? core.runs.get(child.runId) : undefined;
      if (run?.status !== 'OPEN') continue;
      if (execution.childPolicy === 'TERMINATE') {
        core.addEvent(run, 'WorkflowExecutionTerminated', {
          childPolicy: run.childPolicy,
          cause: 'CHILD_POLICY_APPLIED',
        });
        closeExecution(core, run, 'TERMINATED');
      } else if (execution.childPolicy === 'REQUEST_CANCEL' && !run.cancelRequested) {
        run.cancelRequested = true;
        core.addEvent(run, 'WorkflowExecutionCancelRequested', { cause: 'CHILD_POLICY_APPLIED' });
        core.scheduleDecision(run);
      }
    }
    core.runs.clearOpenItems(execution, true);
    notifyParent(core, execution, closeStatus, outcome);
  }
}

const CHILD_EVENTS: Partial<Record<CloseStatus, string>> = {
  COMPLETED: 'ChildWorkflowExecutionCompleted',
  FAILED: 'ChildWorkflowExecutionFailed',
  CANCELED: 'ChildWorkflowExecutionCanceled',
  TERMINATED: 'ChildWorkflowExecutionTerminated',
  TIMED_OUT: 'ChildWorkflowExecutionTimedOut',
};

function notifyParent(core: Core, child: ExecutionRecord, closeStatus: CloseStatus, outcome: Input): void {
  if (!child.parent) return;
  const parent = core.runs.get(child.parent.runId);
  if (parent?.status !== 'OPEN') return;
  const record = parent.children[String(child.parent.initiatedEventId)];
  const eventType = CHILD_EVENTS[closeStatus];
  if (!record || !eventType) return;
  core.addEvent(parent, eventType, {
    workflowExecution: { workflowId: child.workflowId, runId: child.runId },
    workflowType: child.workflowType,
    initiatedEventId: record.initiatedEventId,
    startedEventId: record.startedEventId,
    ...outcome,
  });
  core.runs.deleteChild(parent, record.initiatedEventId);
  core.scheduleDecision(parent);
}

/** The run a request names: by runId, or the open run of the workflowId. */
export function findExecution(
  core: Core,
  domain: string,
  workflowId: string,
  runId?: string,
): ExecutionRecord {
  core.domain(domain);
  if (runId) {
    const execution = core.runs.find(runId);
    if (!execution || execution.domain !== domain || execution.workflowId !== workflowId) {
      throw unknownExecution(workflowId, runId);
    }
    return execution;
  }
  const open = core.openExecution(domain, workflowId);
  if (!open) throw unknownExecution(workflowId);
  return open;
}

/** Like `findExecution`, but only an open run will do (signal, cancel, terminate). */
export function findOpenExecution(
  core: Core,
  domain: string,
  workflowId: string,
  runId?: string,
): ExecutionRecord {
  const execution = findExecution(core, domain, workflowId, runId);
  if (execution.status !== 'OPEN') throw unknownExecution(workflowId, runId ?? execution.runId);
  return execution;
}

export function signalExecution(core: Core, input: Checked<Swf.SignalWorkflowExecutionInput>): void {
  const execution = findOpenExecution(core, input.domain, input.workflowId, input.runId);
  core.addEvent(execution, 'WorkflowExecutionSignaled', { signalName: input.signalName, input: input.input });
  core.scheduleDecision(execution);
}

export function requestCancel(core: Core, input: Checked<Swf.RequestCancelWorkflowExecutionInput>): void {
  const execution = findOpenExecution(core, input.domain, input.workflowId, input.runId);
  // SWF records one request; repeating it changes nothing.
  if (execution.cancelRequested) return;
  execution.cancelRequested = true;
  core.addEvent(execution, 'WorkflowExecutionCancelRequested', {});
  core.scheduleDecision(execution);
}

export function terminate(core: Core, input: Checked<Swf.TerminateWorkflowExecutionInput>): void {
  const execution = findOpenExecution(core, input.domain, input.workflowId, input.runId);
  const childPolicy = input.childPolicy ?? execution.childPolicy;
  core.addEvent(execution, 'WorkflowExecutionTerminated', {
    reason: input.reason,
    details: input.details,
    childPolicy,
  });
  execution.childPolicy = childPolicy;
  closeExecution(core, execution, 'TERMINATED');
}
