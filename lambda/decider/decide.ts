import type { Catalog } from '../workflow/module.js';
import type { Json, JsonObject, Step, WorkflowDefinition } from '../workflow/types.js';
import { type AttemptError, type Progress, progressOf } from './attempt-progress.js';
import { UnknownWorkflowTypeError } from './errors.js';
import { attemptsKey, type HistoryFacts, readHistory } from './history.js';
import { type ActivityKey, activityIdFor } from './ids.js';
import { type Decision, type HistoryEvent, SWF_LIMITS } from './swf-types.js';
import { parseWorkflowInput } from './workflow-input.js';

/** Where the execution stands after replay; what `swfctl history` and the console summarise. */
export interface WorkflowState {
  workflow: { name: string; version: string };
  phase: 'running' | 'compensating' | 'canceling' | 'closing' | 'closed' | 'stuck';
  /** The step in progress (or the one that failed). */
  currentStep?: string;
  /** Steps whose results are known, in order; carried ones came from the resumed run. */
  completedSteps: string[];
  carriedSteps: string[];
  results: Record<string, Json>;
  attempts: Record<string, number>;
  cancelRequested: boolean;
  failure?: StepFailure;
  compensated: string[];
  compensationFailures: CompensationFailure[];
  /** Why the decider cannot go on, when `phase` is `stuck`. */
  stuckReason?: string;
}

export interface StepFailure {
  failedStep: string;
  attempts: number;
  lastError: AttemptError;
}

export interface CompensationFailure {
  step: string;
  attempts: number;
  lastError: AttemptError;
}

export interface DecideResult {
  decisions: Decision[];
  state: WorkflowState;
}

/**
 * Turns an execution's event history into the next decisions. Pure and deterministic: no clock, no I/O,
 * no randomness; the same events always give the same decisions, and replaying any prefix never schedules
 * an attempt twice, because every decision is derived from what the history already records.
 */
export function decide(events: readonly HistoryEvent[], catalog: Catalog): DecideResult {
  const facts = readHistory(events);
  const { name, version } = facts.workflowType;
  const workflow = catalog.workflow(name, version);
  if (!workflow) {
    const known = catalog.workflows.filter((w) => w.name === name).map((w) => w.version);
    throw new UnknownWorkflowTypeError(name, version, known);
  }
  const state: WorkflowState = {
    workflow: { name, version },
    phase: 'running',
    completedSteps: [],
    carriedSteps: [],
    results: {},
    attempts: {},
    cancelRequested: facts.cancelRequested,
    compensated: [],
    compensationFailures: [],
  };
  if (facts.closed) return { decisions: [], state: { ...state, phase: 'closed' } };
  if (facts.lastCloseFailure && facts.lastCloseFailure.cause !== 'UNHANDLED_DECISION') {
    const { decision, cause } = facts.lastCloseFailure;
    return stuck(state, `SWF refused ${decision} with cause ${cause}; fix the decider's permissions`);
  }
  const rejected = facts.rejectedDecisions[0];
  if (rejected) {
    return failWorkflow(state, `${rejected.decision}Failed`, {
      message: `SWF refused ${rejected.decision} for ${rejected.id}: ${rejected.cause}. ${hintFor(rejected.cause)}`,
      cause: rejected.cause,
      uncompensatedSteps: [],
    });
  }

  const parsedInput = parseWorkflowInput(facts.input, workflow);
  if ('error' in parsedInput) {
    return failWorkflow(state, parsedInput.reason, { message: parsedInput.error });
  }
  const { input, resume } = parsedInput;
  const startIndex = resume ? workflow.steps.findIndex((step) => step.name === resume.fromStep) : 0;
  for (const step of workflow.steps.slice(0, startIndex)) {
    state.carriedSteps.push(step.name);
    state.results[step.name] = resume?.previousResults[step.name] ?? null;
  }

  // Walk the steps forward until the first one that is not complete.
  const ranSteps: Step[] = [];
  let current: { step: Step; progress: Progress } | undefined;
  for (const step of workflow.steps.slice(startIndex)) {
    const progress = progressOf(
      { kind: 'step', step: step.name },
      stepAttempts(facts, 'step', step),
      step.retry,
      facts.timers,
    );
    if ('attempts' in progress) state.attempts[step.name] = progress.attempts;
    if (progress.kind === 'running' || 'next' in progress)
      state.attempts[step.name] = attemptNumber(progress);
    if (progress.kind !== 'completed') {
      current = { step, progress };
      break;
    }
    state.completedSteps.push(step.name);
    state.results[step.name] = progress.result;
    ranSteps.push(step);
  }
  state.currentStep = current?.step.name;
  const context: DecisionContext = { workflow, facts, input, state, lineageId: resume?.lineageId };

  if (!current) {
    return complete(state);
  }
  const { step, progress } = current;
  if (progress.kind === 'exhausted') {
    state.failure = { failedStep: step.name, attempts: progress.attempts, lastError: progress.lastError };
    return compensate(context, ranSteps, 'fail', []);
  }
  if (facts.cancelRequested) {
    state.phase = 'canceling';
    if (progress.kind === 'running') {
      // Wait for the running attempt to close: if it completes anyway, it must be compensated too.
      if (progress.attempt.cancelRequested) return { decisions: [], state };
      return {
        decisions: [
          {
            decisionType: 'RequestCancelActivityTask',
            requestCancelActivityTaskDecisionAttributes: { activityId: progress.attempt.activityId },
          },
        ],
        state,
      };
    }
    const leading: Decision[] = [];
    if (progress.kind === 'waitingRetry' && facts.timers.get(progress.timerId) === 'started') {
      leading.push({
        decisionType: 'CancelTimer',
        cancelTimerDecisionAttributes: { timerId: progress.timerId },
      });
    }
    return compensate(context, ranSteps, 'cancel', leading);
  }
  return { decisions: advance(context, step, progress, state.results), state };
}

interface DecisionContext {
  workflow: WorkflowDefinition;
  facts: HistoryFacts;
  input: JsonObject;
  state: WorkflowState;
  /** A resumed run's lineage, passed to every activity so its effects belong to the first run of the chain. */
  lineageId?: string;
}

function stepAttempts(facts: HistoryFacts, kind: ActivityKey['kind'], step: Step) {
  return facts.attempts.get(attemptsKey(kind, step.name));
}

function attemptNumber(progress: Progress): number {
  if (progress.kind === 'running') return progress.attempt.attempt;
  if ('next' in progress) return progress.next.attempt - 1;
  return 0;
}

/** The decisions that move one activity forward: schedule it, start its retry timer, or wait. */
function advance(
  context: DecisionContext,
  step: Step,
  progress: Progress,
  previousResults: Record<string, Json>,
  compensating = false,
): Decision[] {
  const kind = compensating ? 'compensation' : 'step';
  switch (progress.kind) {
    case 'notStarted':
      return [scheduleActivity(context, step, { kind, step: step.name, attempt: 1 }, previousResults)];
    case 'retryDue':
      return [scheduleActivity(context, step, progress.next, previousResults)];
    case 'needsTimer':
      return [
        {
          decisionType: 'StartTimer',
          startTimerDecisionAttributes: {
            timerId: progress.timerId,
            startToFireTimeout: String(progress.delaySeconds),
            control: JSON.stringify({
              retryOf: activityIdFor(progress.next),
              delaySeconds: progress.delaySeconds,
            }),
          },
        },
      ];
    default:
      return [];
  }
}

function scheduleActivity(
  context: DecisionContext,
  step: Step,
  key: ActivityKey,
  previousResults: Record<string, Json>,
): Decision {
  const activity =
    key.kind === 'compensation' && step.compensation ? step.compensation.activity : step.activity;
  const payload: JsonObject = { input: context.input, previousResults, attempt: key.attempt };
  if (context.lineageId) payload.lineageId = context.lineageId;
  if (key.kind === 'compensation') payload.compensation = { step: step.name };
  const input = JSON.stringify(payload);
  if (input.length > SWF_LIMITS.data) {
    return failWorkflow(context.state, 'PayloadTooLarge', {
      message: `The input of ${activityIdFor(key)} is ${input.length} characters, above SWF's ${SWF_LIMITS.data}; keep step results small and store large data elsewhere`,
    }).decisions[0] as Decision;
  }
  return {
    decisionType: 'ScheduleActivityTask',
    scheduleActivityTaskDecisionAttributes: {
      activityType: { name: activity.name, version: activity.version },
      activityId: activityIdFor(key),
      input,
      control: JSON.stringify({ step: step.name, kind: key.kind, attempt: key.attempt }),
      taskList: { name: activity.taskList },
      scheduleToStartTimeout: activity.timeouts.scheduleToStart,
      scheduleToCloseTimeout: activity.timeouts.scheduleToClose,
      startToCloseTimeout: activity.timeouts.startToClose,
      heartbeatTimeout: activity.timeouts.heartbeat,
    },
  };
}

/**
 * Runs the compensations of the steps this run completed, newest first, one at a time, each under its own
 * retry policy; then fails or cancels the workflow. An exhausted compensation is recorded and the rest still run.
 */
function compensate(
  context: DecisionContext,
  ranSteps: readonly Step[],
  outcome: 'fail' | 'cancel',
  leading: Decision[],
): DecideResult {
  const { state, facts } = context;
  state.phase = outcome === 'cancel' ? 'canceling' : 'compensating';
  const toCompensate = ranSteps.filter((step) => step.compensation).reverse();
  for (const step of toCompensate) {
    const policy = step.compensation?.retry;
    if (!policy) continue;
    const progress = progressOf(
      { kind: 'compensation', step: step.name },
      stepAttempts(facts, 'compensation', step),
      policy,
      facts.timers,
    );
    if (progress.kind === 'completed') {
      state.compensated.push(step.name);
      continue;
    }
    if (progress.kind === 'exhausted') {
      state.compensationFailures.push({
        step: step.name,
        attempts: progress.attempts,
        lastError: progress.lastError,
      });
      continue;
    }
    return { decisions: [...leading, ...advance(context, step, progress, state.results, true)], state };
  }

  const summary = {
    compensated: state.compensated,
    compensationFailures: state.compensationFailures,
  };
  if (outcome === 'cancel') {
    state.phase = 'closing';
    const details = fitData({
      reason: 'CancelRequested',
      canceledAtStep: state.currentStep ?? null,
      ...summary,
    });
    return {
      decisions: [
        ...leading,
        { decisionType: 'CancelWorkflowExecution', cancelWorkflowExecutionDecisionAttributes: { details } },
      ],
      state,
    };
  }
  const failure = state.failure;
  const reason = state.compensationFailures.length > 0 ? 'CompensationFailed' : 'StepFailed';
  const result = failWorkflow(state, reason, {
    failedStep: failure?.failedStep ?? null,
    attempts: failure?.attempts ?? 0,
    lastError: failure ? { ...failure.lastError } : null,
    ...summary,
  });
  return { decisions: [...leading, ...result.decisions], state };
}

function complete(state: WorkflowState): DecideResult {
  state.phase = 'closing';
  let result = JSON.stringify({ results: state.results });
  if (result.length > SWF_LIMITS.data) {
    result = JSON.stringify({
      results: null,
      truncated: `the results are ${result.length} characters, above SWF's ${SWF_LIMITS.data}; read each step's result from the history`,
      steps: Object.keys(state.results),
    });
  }
  return {
    decisions: [
      { decisionType: 'CompleteWorkflowExecution', completeWorkflowExecutionDecisionAttributes: { result } },
    ],
    state,
  };
}

function failWorkflow(state: WorkflowState, reason: string, details: object): DecideResult {
  state.phase = 'closing';
  return {
    decisions: [
      {
        decisionType: 'FailWorkflowExecution',
        failWorkflowExecutionDecisionAttributes: {
          reason: reason.slice(0, SWF_LIMITS.reason),
          details: fitData(details),
        },
      },
    ],
    state,
  };
}

function stuck(state: WorkflowState, reason: string): DecideResult {
  return { decisions: [], state: { ...state, phase: 'stuck', stuckReason: reason } };
}

/** Serialises details, dropping error details first if the whole would exceed SWF's data limit. */
function fitData(details: object): string {
  const text = JSON.stringify(details);
  if (text.length <= SWF_LIMITS.data) return text;
  const slim = JSON.parse(text, (key, value) => (key === 'details' ? undefined : value)) as JsonObject;
  const slimText = JSON.stringify(slim);
  return slimText.length <= SWF_LIMITS.data ? slimText : JSON.stringify({ truncated: true });
}

function hintFor(cause: string): string {
  if (cause.endsWith('DOES_NOT_EXIST'))
    return 'Register the catalog (swfctl register, or deploy the stack) and start the order again.';
  if (cause.endsWith('DEPRECATED')) return 'The type is deprecated; run swfctl register to undeprecate it.';
  if (cause === 'OPERATION_NOT_PERMITTED')
    return "The decider's IAM role lacks the permission for this decision.";
  return 'See the SWF documentation for this cause.';
}
