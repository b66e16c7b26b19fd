import type { Core } from './core.js';
import {
  type CheckedStart,
  checkStart,
  closeExecution,
  createRun,
  StartFailure,
  type StartRequest,
  startExecution,
} from './executions.js';
import type { Checked, Input, Swf } from './input.js';
import type { ExecutionRecord } from './records.js';

export type Failed = (eventType: string, attributes: Input) => void;

const MAX_OPEN_CHILDREN = 1000;

/** ContinueAsNewWorkflowExecution: start the next run first (all checks happen before any change), then close this one. */
export function continueAsNew(
  core: Core,
  execution: ExecutionRecord,
  a: Checked<Swf.ContinueAsNewWorkflowExecutionDecisionAttributes>,
  base: Input,
  failed: Failed,
) {
  const workflowType = {
    name: execution.workflowType.name,
    version: a.workflowTypeVersion ?? execution.workflowType.version,
  };
  const defaults = (core.type(execution.domain, 'workflow', workflowType.name, workflowType.version)
    ?.configuration ?? {}) as Input;
  // Unset members fall back to the type's defaults, then to the current run's settings.
  const inherit = <T>(given: T | undefined, typeDefault: unknown, current: T): T | undefined =>
    given ?? (typeDefault === undefined ? current : undefined);
  let next: ExecutionRecord;
  try {
    next = startExecution(
      core,
      {
        domain: execution.domain,
        workflowId: execution.workflowId,
        workflowType,
        taskList: inherit(a.taskList, defaults.defaultTaskList, { name: execution.taskList }),
        taskPriority: a.taskPriority,
        input: a.input,
        executionStartToCloseTimeout: inherit(
          a.executionStartToCloseTimeout,
          defaults.defaultExecutionStartToCloseTimeout,
          execution.executionStartToCloseTimeout,
        ),
        taskStartToCloseTimeout: inherit(
          a.taskStartToCloseTimeout,
          defaults.defaultTaskStartToCloseTimeout,
          execution.taskStartToCloseTimeout,
        ),
        childPolicy: inherit(
          a.childPolicy,
          defaults.defaultChildPolicy,
          execution.childPolicy as Swf.ChildPolicy,
        ),
        tagList: a.tagList,
        lambdaRole: a.lambdaRole,
      },
      { parent: execution.parent, continuedExecutionRunId: execution.runId, replacing: execution.runId },
    );
  } catch (error) {
    if (error instanceof StartFailure)
      return failed('ContinueAsNewWorkflowExecutionFailed', { cause: error.failureCause });
    throw error;
  }
  core.addEvent(execution, 'WorkflowExecutionContinuedAsNew', {
    input: a.input,
    newExecutionRunId: next.runId,
    executionStartToCloseTimeout: next.executionStartToCloseTimeout,
    taskList: { name: next.taskList },
    taskPriority: next.taskPriority,
    taskStartToCloseTimeout: next.taskStartToCloseTimeout,
    childPolicy: next.childPolicy,
    tagList: next.tagList.length > 0 ? next.tagList : undefined,
    workflowType: next.workflowType,
    lambdaRole: next.lambdaRole,
    ...base,
  });
  closeExecution(core, execution, 'CONTINUED_AS_NEW');
  if (execution.parent) {
    const parent = core.runs.get(execution.parent.runId);
    const record = parent?.children[String(execution.parent.initiatedEventId)];
    if (parent && record) core.runs.putChild(parent, { ...record, runId: next.runId });
  }
}

/** The open run an external decision targets, or undefined (then the decision fails with UNKNOWN_EXTERNAL_WORKFLOW_EXECUTION). */
function externalTarget(
  core: Core,
  execution: ExecutionRecord,
  a: { workflowId: string; runId?: string },
): ExecutionRecord | undefined {
  const target = a.runId ? core.runs.get(a.runId) : core.openExecution(execution.domain, a.workflowId);
  const valid =
    target &&
    target.status === 'OPEN' &&
    target.domain === execution.domain &&
    target.workflowId === a.workflowId;
  return valid ? target : undefined;
}

/**
 * SignalExternalWorkflowExecution and RequestCancelExternalWorkflowExecution: record the initiation, deliver to
 * the target (`deliver`), then record the outcome on the source; both outcomes schedule a decision task.
 */
function actOnExternal(
  core: Core,
  execution: ExecutionRecord,
  a: Checked<Swf.RequestCancelExternalWorkflowExecutionDecisionAttributes> & {
    signalName?: string;
    input?: string;
  },
  base: Input,
  kind: 'Signal' | 'RequestCancel',
  deliver: (target: ExecutionRecord, initiatedEventId: number) => void,
) {
  const initiatedEventId = core.addEvent(execution, `${kind}ExternalWorkflowExecutionInitiated`, {
    workflowId: a.workflowId,
    runId: a.runId,
    ...(kind === 'Signal' ? { signalName: a.signalName, input: a.input } : {}),
    control: a.control,
    ...base,
  });
  const target = externalTarget(core, execution, a);
  if (!target) {
    core.addEvent(execution, `${kind}ExternalWorkflowExecutionFailed`, {
      workflowId: a.workflowId,
      runId: a.runId,
      cause: 'UNKNOWN_EXTERNAL_WORKFLOW_EXECUTION',
      initiatedEventId,
      control: a.control,
      ...base,
    });
  } else {
    deliver(target, initiatedEventId);
    core.addEvent(
      execution,
      kind === 'Signal' ? 'ExternalWorkflowExecutionSignaled' : 'ExternalWorkflowExecutionCancelRequested',
      {
        workflowExecution: { workflowId: target.workflowId, runId: target.runId },
        initiatedEventId,
      },
    );
  }
  core.scheduleDecision(execution);
}

export function signalExternal(
  core: Core,
  execution: ExecutionRecord,
  a: Checked<Swf.SignalExternalWorkflowExecutionDecisionAttributes>,
  base: Input,
): void {
  actOnExternal(core, execution, a, base, 'Signal', (target, initiatedEventId) => {
    core.addEvent(target, 'WorkflowExecutionSignaled', {
      signalName: a.signalName,
      input: a.input,
      externalWorkflowExecution: { workflowId: execution.workflowId, runId: execution.runId },
      externalInitiatedEventId: initiatedEventId,
    });
    core.scheduleDecision(target);
  });
}

export function cancelExternal(
  core: Core,
  execution: ExecutionRecord,
  a: Checked<Swf.RequestCancelExternalWorkflowExecutionDecisionAttributes>,
  base: Input,
): void {
  actOnExternal(core, execution, a, base, 'RequestCancel', (target, initiatedEventId) => {
    if (target.cancelRequested) return;
    target.cancelRequested = true;
    core.addEvent(target, 'WorkflowExecutionCancelRequested', {
      externalWorkflowExecution: { workflowId: execution.workflowId, runId: execution.runId },
      externalInitiatedEventId: initiatedEventId,
    });
    core.scheduleDecision(target);
  });
}

export function startChild(
  core: Core,
  execution: ExecutionRecord,
  a: Checked<Swf.StartChildWorkflowExecutionDecisionAttributes>,
  base: Input,
  failed: Failed,
) {
  const failure = (cause: string, initiatedEventId: number) =>
    failed('StartChildWorkflowExecutionFailed', {
      workflowType: a.workflowType,
      cause,
      workflowId: a.workflowId,
      initiatedEventId,
      control: a.control,
    });
  if (Object.keys(execution.children).length >= MAX_OPEN_CHILDREN)
    return failure('OPEN_CHILDREN_LIMIT_EXCEEDED', 0);
  const request = { ...a, domain: execution.domain } as StartRequest;
  let checked: CheckedStart | undefined;
  let refused: StartFailure | undefined;
  try {
    checked = checkStart(core, request);
  } catch (error) {
    if (!(error instanceof StartFailure)) throw error;
    refused = error;
  }
  // "When the cause isn't WORKFLOW_ALREADY_RUNNING, initiatedEventId is set to 0 because the
  // StartChildWorkflowExecutionInitiated event doesn't exist." (StartChildWorkflowExecutionFailedEventAttributes)
  if (refused && refused.failureCause !== 'WORKFLOW_ALREADY_RUNNING') return failure(refused.failureCause, 0);
  const initiatedEventId = core.addEvent(execution, 'StartChildWorkflowExecutionInitiated', {
    workflowId: a.workflowId,
    workflowType: a.workflowType,
    control: a.control,
    input: a.input,
    executionStartToCloseTimeout: a.executionStartToCloseTimeout,
    taskList: a.taskList,
    taskPriority: a.taskPriority,
    taskStartToCloseTimeout: a.taskStartToCloseTimeout,
    childPolicy: a.childPolicy,
    tagList: a.tagList,
    lambdaRole: a.lambdaRole,
    ...base,
  });
  if (!checked) return failure('WORKFLOW_ALREADY_RUNNING', initiatedEventId);
  const child = createRun(core, request, checked, {
    parent: { workflowId: execution.workflowId, runId: execution.runId, initiatedEventId },
  });
  const startedEventId = core.addEvent(execution, 'ChildWorkflowExecutionStarted', {
    workflowExecution: { workflowId: child.workflowId, runId: child.runId },
    workflowType: child.workflowType,
    initiatedEventId,
  });
  core.runs.putChild(execution, {
    initiatedEventId,
    workflowId: child.workflowId,
    workflowType: child.workflowType,
    runId: child.runId,
    startedEventId,
    control: a.control,
  });
  core.scheduleDecision(execution);
}
