import type { JsonObject, Step, WorkflowDefinition } from '../workflow/types.js';
import { parseResult, progressOf } from './attempt-progress.js';
import {
  type DecideResult,
  type DecisionContext,
  type EndingCause,
  type RunEnding,
  UNSCHEDULABLE,
  type WorkflowState,
} from './decision-state.js';
import { ordered } from './flow.js';
import type { HistoryFacts, RejectedDecision } from './history.js';
import { advance, schedulable, stepAttempts } from './scheduling.js';
import { type Decision, SWF_LIMITS } from './swf-types.js';

/*
 * Ending a run: compensations newest first, then complete, fail or cancel, within the close limit.
 */
/**
 * Runs the compensations of the steps this run completed, newest first, one at a time, each under its own
 * retry policy; then fails or cancels the workflow. An exhausted compensation is recorded and the rest still run.
 */
export function compensate(
  context: DecisionContext,
  ranSteps: readonly Step[],
  outcome: 'fail' | 'cancel',
  leading: Decision[],
): DecideResult {
  const { state, facts } = context;
  state.phase = outcome === 'cancel' ? 'canceling' : 'compensating';
  state.ending = endingOf(state, outcome);
  const toCompensate = ranSteps.filter((step) => step.compensation).reverse();
  for (const step of toCompensate) {
    const policy = step.compensation?.retry;
    if (!policy) continue;
    const progress = schedulable(
      context,
      'compensation',
      step,
      progressOf(
        { kind: 'compensation', step: step.name },
        stepAttempts(facts, 'compensation', step),
        policy,
        facts.timers,
      ),
      state.results,
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
    const details = fitData(context.closeLimit, {
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
  const reason =
    state.compensationFailures.length > 0 ? 'CompensationFailed' : (state.failureReason ?? 'StepFailed');
  const result = failWorkflow(context.closeLimit, state, reason, {
    failedStep: failure?.failedStep ?? null,
    attempts: failure?.attempts ?? 0,
    lastError: failure ? { ...failure.lastError } : null,
    ...summary,
  });
  return { decisions: [...leading, ...result.decisions], state };
}

export function endingOf(state: WorkflowState, outcome: 'fail' | 'cancel'): RunEnding {
  if (outcome === 'cancel')
    return { cause: 'CancelRequested', ...(state.currentStep ? { node: state.currentStep } : {}) };
  const reason = state.failureReason ?? state.failure?.lastError.reason;
  const cause: EndingCause =
    reason &&
    (UNSCHEDULABLE.has(reason) ||
      reason === 'PredicateError' ||
      reason === 'RuleReadPayload' ||
      reason === 'InvalidInput' ||
      reason === 'InvalidResume')
      ? (reason as EndingCause)
      : state.failureReason
        ? 'SignalFailed'
        : 'StepFailed';
  return { cause, ...(state.failure ? { node: state.failure.failedStep } : {}) };
}

/**
 * A run whose input cannot be read (poison sent through the raw API, a resume block that names no step, a bound
 * tightened under runs in flight): the steps it completed are compensated, newest first, with the input left
 * out (`{}`), then it fails with the reason. Never a decision task that throws again and again.
 */
export function invalidInput(
  workflow: WorkflowDefinition,
  facts: HistoryFacts,
  state: WorkflowState,
  refused: ReadonlyMap<string, RejectedDecision>,
  parsed: { error: string; reason: 'InvalidInput' | 'InvalidResume' },
  closeLimit: number,
): DecideResult {
  const completions: { step: Step; eventId: number }[] = [];
  for (const step of workflow.steps) {
    const last = stepAttempts(facts, 'step', step)?.at(-1);
    if (last?.status !== 'completed') continue;
    completions.push({ step, eventId: last.closedEventId ?? 0 });
    state.completedSteps.push(step.name);
    state.results[step.name] = parseResult(last.result);
  }
  state.failureReason = parsed.reason;
  if (completions.length === 0) {
    state.ending = { cause: parsed.reason };
    return failWorkflow(closeLimit, state, parsed.reason, { message: parsed.error });
  }
  state.failure = {
    failedStep: 'input',
    attempts: 0,
    lastError: { reason: parsed.reason, details: parsed.error },
  };
  const context: DecisionContext = { workflow, facts, input: {}, state, refused, closeLimit };
  return compensate(context, ordered(completions), 'fail', []);
}

export function complete(state: WorkflowState, limit: number): DecideResult {
  state.phase = 'closing';
  let result = JSON.stringify({ results: state.results });
  if (result.length > limit) {
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

export function failWorkflow(
  limit: number,
  state: WorkflowState,
  reason: string,
  details: object,
): DecideResult {
  state.phase = 'closing';
  return {
    decisions: [
      {
        decisionType: 'FailWorkflowExecution',
        failWorkflowExecutionDecisionAttributes: {
          reason: reason.slice(0, SWF_LIMITS.reason),
          details: fitData(limit, details),
        },
      },
    ],
    state,
  };
}

export function stuck(state: WorkflowState, reason: string): DecideResult {
  return { decisions: [], state: { ...state, phase: 'stuck', stuckReason: reason } };
}

/** Serialises details, dropping error details first if the whole would exceed SWF's data limit. */
export function fitData(limit: number, details: object): string {
  const text = JSON.stringify(details);
  if (text.length <= limit) return text;
  const slim = JSON.parse(text, (key, value) => (key === 'details' ? undefined : value)) as JsonObject;
  const slimText = JSON.stringify(slim);
  return slimText.length <= limit ? slimText : JSON.stringify({ truncated: true });
}
