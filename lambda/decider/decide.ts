import type { Catalog } from '../workflow/module.js';
import type { Json, JsonObject, Step, WorkflowDefinition } from '../workflow/types.js';
import { type AttemptError, type Progress, progressOf } from './attempt-progress.js';
import { UnknownWorkflowTypeError } from './errors.js';
import { type Current, cancelTimer, failureAt, isWait, nodeSteps, ordered, stopActivities } from './flow.js';
import { attemptsKey, type HistoryFacts, type RejectedDecision, readHistory } from './history.js';
import { type ActivityKey, activityIdFor, sleepTimerIdFor, waitTimerIdFor } from './ids.js';
import { takeSignal, whyIgnored } from './signals.js';
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
  /** Nodes a `when` rule skipped. */
  skippedSteps: string[];
  /** The signal wait the run is in, and the signals it accepts. */
  waitingFor?: { node: string; signals: string[] };
  /** Signals no wait took: unknown names or invalid payloads (recorded, reported, never fatal). */
  ignoredSignals: { name: string; eventId: number; why: string }[];
  /** The run's failure reason when a node other than an exhausted step failed it (a rejection, say). */
  failureReason?: string;
  /** Why the run is ending, once it is: every ending runs the compensations of the completed steps first. */
  ending?: RunEnding;
}

/**
 * Every way a run ends other than completing. Each goes through the same compensation (completed compensable
 * steps undone newest first, each once) before the run fails or is canceled.
 */
export type EndingCause =
  | 'StepFailed'
  | 'SignalFailed'
  | 'PredicateError'
  | 'PayloadTooLarge'
  | 'PayloadInvalid'
  | 'ScheduleActivityTaskFailed'
  | 'StartTimerFailed'
  | 'InvalidInput'
  | 'InvalidResume'
  | 'CancelRequested';

export interface RunEnding {
  cause: EndingCause;
  /** The node it happened at, when there is one. */
  node?: string;
}

/** The causes an attempt never ran for: the decider could not schedule it (or its retry timer). */
const UNSCHEDULABLE = new Set<string>([
  'PayloadTooLarge',
  'PayloadInvalid',
  'ScheduleActivityTaskFailed',
  'StartTimerFailed',
]);

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

export interface DecideOptions {
  /**
   * The longest close result or details to write whole (default SWF's 32,768 characters; longer ones are cut
   * down). A decider worker that stores large payloads passes more, and stores what exceeds its threshold.
   */
  closeLimit?: number;
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
export function decide(
  events: readonly HistoryEvent[],
  catalog: Catalog,
  options: DecideOptions = {},
): DecideResult {
  const closeLimit = options.closeLimit ?? SWF_LIMITS.data;
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
    skippedSteps: [],
    ignoredSignals: [],
  };
  if (facts.closed) return { decisions: [], state: { ...state, phase: 'closed' } };
  if (facts.lastCloseFailure && facts.lastCloseFailure.cause !== 'UNHANDLED_DECISION') {
    const { decision, cause } = facts.lastCloseFailure;
    return stuck(state, `SWF refused ${decision} with cause ${cause}; fix the decider's permissions`);
  }
  // A refused decision fails the node it was for (below), never the run outright: completed steps are undone.
  const refused = new Map<string, RejectedDecision>();
  for (const rejection of facts.rejectedDecisions)
    refused.set(rejection.activityId ?? rejection.timerId ?? rejection.id, rejection);

  const parsedInput = parseWorkflowInput(facts.input, workflow);
  if ('error' in parsedInput) return invalidInput(workflow, facts, state, refused, parsedInput, closeLimit);
  const { input, resume } = parsedInput;
  const flow = workflow.flow;
  // A resumed run carries every node before the one holding its first step.
  const startNode = resume
    ? Math.max(
        0,
        flow.findIndex((node) => nodeSteps(node).some((step) => step.name === resume.fromStep)),
      )
    : 0;
  for (const node of flow.slice(0, startNode)) {
    for (const name of [...nodeSteps(node).map((step) => step.name), ...(isWait(node) ? [node.name] : [])]) {
      if (!(name in (resume?.previousResults ?? {})) && isWait(node)) continue;
      state.carriedSteps.push(name);
      state.results[name] = resume?.previousResults[name] ?? null;
    }
  }

  // Walk the flow forward until the first node that is not done. Everything is derived from the history.
  const completions: { step: Step; eventId: number }[] = [];
  const consumed = new Set<number>();
  const leading: Decision[] = [];
  const context: DecisionContext = {
    workflow,
    facts,
    input,
    state,
    lineageId: resume?.lineageId,
    refused,
    closeLimit,
  };
  let current: Current | undefined;
  for (const node of flow.slice(startNode)) {
    if (node.when) {
      let applies: boolean;
      try {
        applies = node.when(input, state.results);
      } catch (error) {
        state.currentStep = node.name;
        state.failure = {
          failedStep: node.name,
          attempts: 0,
          lastError: { reason: 'PredicateError', details: (error as Error)?.message ?? String(error) },
        };
        return compensate(context, ordered(completions), 'fail', leading);
      }
      if (!applies) {
        state.skippedSteps.push(node.name);
        continue;
      }
    }
    if (node.kind === 'step' || node.kind === 'parallel') {
      const branches = nodeSteps(node).map((step) => {
        const attempts = stepAttempts(facts, 'step', step);
        const progress = progressOf({ kind: 'step', step: step.name }, attempts, step.retry, facts.timers);
        if ('attempts' in progress) state.attempts[step.name] = progress.attempts;
        if (progress.kind === 'running' || 'next' in progress)
          state.attempts[step.name] = attemptNumber(progress);
        if (progress.kind === 'completed') {
          state.results[step.name] = progress.result;
          completions.push({ step, eventId: attempts?.at(-1)?.closedEventId ?? 0 });
        }
        return { step, progress };
      });
      if (branches.every((b) => b.progress.kind === 'completed')) {
        for (const b of branches) state.completedSteps.push(b.step.name);
        continue;
      }
      for (const b of branches) if (b.progress.kind === 'completed') state.completedSteps.push(b.step.name);
      // An attempt that cannot be scheduled (too large, refused by SWF) ends its step like an exhausted one.
      const judged = branches.map((b) => ({
        step: b.step,
        progress: schedulable(context, 'step', b.step, b.progress, state.results),
      }));
      current = { kind: 'activities', node, branches: judged };
      break;
    }
    if (node.kind === 'sleep') {
      const timer = facts.timers.get(sleepTimerIdFor(node.name));
      if (timer === 'fired') {
        state.completedSteps.push(node.name);
        continue;
      }
      current = { kind: 'sleep', node, timer, refused: refusal(refused, sleepTimerIdFor(node.name)) };
      break;
    }
    // A signal wait: the first valid signal it names, in arrival order, not taken by an earlier wait.
    const timerId = waitTimerIdFor(node.name);
    const timer = facts.timers.get(timerId);
    // SWF refused the wait's timer: the wait failed then, whatever arrives after (see failureAt).
    const refusedTimer = refusal(refused, timerId);
    if (refusedTimer) {
      current = { kind: 'signal', node, timer, match: undefined, refused: refusedTimer };
      break;
    }
    const match = takeSignal(node, facts.signals, consumed, facts.timersFiredAt.get(timerId));
    if (match && !match.choice.fails) {
      state.results[node.name] = { signal: match.name, payload: match.payload };
      state.completedSteps.push(node.name);
      if (timer === 'started') leading.push(cancelTimer(timerId));
      continue;
    }
    if (!match && timer === 'fired' && node.onTimeout === 'continue') {
      state.results[node.name] = { signal: null, timedOut: true };
      state.completedSteps.push(node.name);
      continue;
    }
    current = { kind: 'signal', node, timer, match };
    break;
  }
  state.ignoredSignals = facts.signals
    .filter((signal) => !consumed.has(signal.eventId))
    .map((signal) => ({ name: signal.name, eventId: signal.eventId, why: whyIgnored(signal, flow) }))
    .filter((signal) => signal.why !== undefined) as WorkflowState['ignoredSignals'];

  if (!current) {
    const result = complete(state, closeLimit);
    return { ...result, decisions: [...leading, ...result.decisions] };
  }
  state.currentStep = current.node.name;
  const ran = () => ordered(completions);

  // Failure at the current node: an exhausted step, a failing signal, a wait with no answer in time.
  const failure = failureAt(current);
  if (failure) {
    state.failure = failure.failure;
    state.failureReason = failure.reason;
    if (current.kind === 'signal' && current.timer === 'started')
      leading.push(cancelTimer(waitTimerIdFor(current.node.name)));
    if (current.kind === 'activities') {
      // Siblings still running are canceled first; whatever they complete meanwhile is compensated too.
      const stop = stopActivities(current, facts);
      if (stop.running)
        return { decisions: [...leading, ...stop.decisions], state: { ...state, phase: 'compensating' } };
      leading.push(...stop.decisions);
    }
    return compensate(context, ran(), 'fail', leading);
  }
  if (facts.cancelRequested) {
    state.phase = 'canceling';
    if (current.kind === 'activities') {
      const stop = stopActivities(current, facts);
      // Wait for running attempts to close: if they complete anyway, they must be compensated too.
      if (stop.running) return { decisions: [...leading, ...stop.decisions], state };
      leading.push(...stop.decisions);
    } else if (current.timer === 'started') {
      leading.push(
        cancelTimer(
          current.kind === 'sleep' ? sleepTimerIdFor(current.node.name) : waitTimerIdFor(current.node.name),
        ),
      );
    }
    return compensate(context, ran(), 'cancel', leading);
  }
  if (current.kind === 'activities') {
    const decisions = current.branches.flatMap((b) => advance(context, b.step, b.progress, state.results));
    return { decisions: [...leading, ...decisions], state };
  }
  if (current.timer !== undefined) {
    if (current.kind === 'signal')
      state.waitingFor = { node: current.node.name, signals: Object.keys(current.node.signals) };
    return { decisions: leading, state };
  }
  const seconds =
    current.kind === 'sleep'
      ? Math.max(0, Math.round(current.node.seconds(input, state.results)))
      : current.node.timeoutSeconds;
  if (current.kind === 'signal')
    state.waitingFor = { node: current.node.name, signals: Object.keys(current.node.signals) };
  return {
    decisions: [
      ...leading,
      {
        decisionType: 'StartTimer',
        startTimerDecisionAttributes: {
          timerId:
            current.kind === 'sleep' ? sleepTimerIdFor(current.node.name) : waitTimerIdFor(current.node.name),
          startToFireTimeout: String(seconds),
          control: JSON.stringify({
            [current.kind === 'sleep' ? 'sleep' : 'waitFor']: current.node.name,
            seconds,
          }),
        },
      },
    ],
    state,
  };
}

interface DecisionContext {
  workflow: WorkflowDefinition;
  facts: HistoryFacts;
  input: JsonObject;
  state: WorkflowState;
  /** A resumed run's lineage, passed to every activity so its effects belong to the first run of the chain. */
  lineageId?: string;
  /** Decisions SWF refused, by activity or timer id. */
  refused: ReadonlyMap<string, RejectedDecision>;
  /** The longest close result or details written whole (see DecideOptions). */
  closeLimit: number;
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
      return scheduleActivity(context, step, { kind, step: step.name, attempt: 1 }, previousResults);
    case 'retryDue':
      return scheduleActivity(context, step, progress.next, previousResults);
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

/** The input an attempt is scheduled with, or why it cannot be (too large for SWF, or not serialisable). */
function activityInput(
  context: DecisionContext,
  step: Step,
  key: ActivityKey,
  previousResults: Record<string, Json>,
): { input: string } | { error: AttemptError } {
  const payload: JsonObject = { input: context.input, previousResults, attempt: key.attempt };
  if (context.lineageId) payload.lineageId = context.lineageId;
  if (key.kind === 'compensation') payload.compensation = { step: step.name };
  let input: string;
  try {
    input = JSON.stringify(payload);
    // A compensation needs its own step's result above all: when everything does not fit, that is what it gets.
    if (input.length > SWF_LIMITS.data && key.kind === 'compensation')
      input = JSON.stringify({
        ...payload,
        previousResults: { [step.name]: previousResults[step.name] ?? null },
      });
  } catch (error) {
    // A result nested past any reader's stack (written through the raw API): the attempt cannot be built.
    return {
      error: {
        reason: 'PayloadInvalid',
        details: `The input of ${activityIdFor(key)} cannot be serialised (${(error as Error).message.slice(0, 200)})`,
      },
    };
  }
  if (input.length > SWF_LIMITS.data) {
    return {
      error: {
        reason: 'PayloadTooLarge',
        details: `The input of ${activityIdFor(key)} is ${input.length} characters, above SWF's ${SWF_LIMITS.data}; keep step results small and store large data elsewhere`,
      },
    };
  }
  return { input };
}

/**
 * The progress of an activity as far as the decider can take it: an attempt that cannot be built or that SWF
 * refused to schedule, or a retry timer SWF refused, ends the activity as exhausted, so the node fails and
 * the completed steps are compensated (for a compensation: it is recorded as failed and the next one runs).
 */
function schedulable(
  context: DecisionContext,
  kind: ActivityKey['kind'],
  step: Step,
  progress: Progress,
  previousResults: Record<string, Json>,
): Progress {
  if (progress.kind === 'needsTimer') {
    const rejection = context.refused.get(progress.timerId);
    if (rejection)
      return { kind: 'exhausted', attempts: progress.next.attempt - 1, lastError: refusedError(rejection) };
    return progress;
  }
  if (progress.kind !== 'notStarted' && progress.kind !== 'retryDue') return progress;
  const next: ActivityKey =
    progress.kind === 'notStarted' ? { kind, step: step.name, attempt: 1 } : progress.next;
  const rejection = context.refused.get(activityIdFor(next));
  if (rejection) return { kind: 'exhausted', attempts: next.attempt - 1, lastError: refusedError(rejection) };
  const built = activityInput(context, step, next, previousResults);
  if ('error' in built) return { kind: 'exhausted', attempts: next.attempt - 1, lastError: built.error };
  return progress;
}

const refusedError = (rejection: RejectedDecision): AttemptError => ({
  reason: `${rejection.decision}Failed`,
  details: `SWF refused ${rejection.decision} for ${rejection.id}: ${rejection.cause}. ${hintFor(rejection.cause)}`,
});

/** The error of a refused timer of a wait or a sleep, if SWF refused it. */
function refusal(refused: ReadonlyMap<string, RejectedDecision>, timerId: string): AttemptError | undefined {
  const rejection = refused.get(timerId);
  return rejection ? refusedError(rejection) : undefined;
}

function scheduleActivity(
  context: DecisionContext,
  step: Step,
  key: ActivityKey,
  previousResults: Record<string, Json>,
): Decision[] {
  const activity =
    key.kind === 'compensation' && step.compensation ? step.compensation.activity : step.activity;
  const built = activityInput(context, step, key, previousResults);
  // `schedulable` has judged every attempt before it gets here; a payload it refused is never scheduled.
  if ('error' in built) return [];
  return [
    {
      decisionType: 'ScheduleActivityTask',
      scheduleActivityTaskDecisionAttributes: {
        activityType: { name: activity.name, version: activity.version },
        activityId: activityIdFor(key),
        input: built.input,
        control: JSON.stringify({ step: step.name, kind: key.kind, attempt: key.attempt }),
        taskList: { name: activity.taskList },
        scheduleToStartTimeout: activity.timeouts.scheduleToStart,
        scheduleToCloseTimeout: activity.timeouts.scheduleToClose,
        startToCloseTimeout: activity.timeouts.startToClose,
        heartbeatTimeout: activity.timeouts.heartbeat,
      },
    },
  ];
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

function endingOf(state: WorkflowState, outcome: 'fail' | 'cancel'): RunEnding {
  if (outcome === 'cancel')
    return { cause: 'CancelRequested', ...(state.currentStep ? { node: state.currentStep } : {}) };
  const reason = state.failureReason ?? state.failure?.lastError.reason;
  const cause: EndingCause =
    reason &&
    (UNSCHEDULABLE.has(reason) ||
      reason === 'PredicateError' ||
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
function invalidInput(
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
    try {
      state.results[step.name] = last.result === undefined ? null : (JSON.parse(last.result) as Json);
    } catch {
      state.results[step.name] = last.result ?? null;
    }
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

function complete(state: WorkflowState, limit: number): DecideResult {
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

function failWorkflow(limit: number, state: WorkflowState, reason: string, details: object): DecideResult {
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

function stuck(state: WorkflowState, reason: string): DecideResult {
  return { decisions: [], state: { ...state, phase: 'stuck', stuckReason: reason } };
}

/** Serialises details, dropping error details first if the whole would exceed SWF's data limit. */
function fitData(limit: number, details: object): string {
  const text = JSON.stringify(details);
  if (text.length <= limit) return text;
  const slim = JSON.parse(text, (key, value) => (key === 'details' ? undefined : value)) as JsonObject;
  const slimText = JSON.stringify(slim);
  return slimText.length <= limit ? slimText : JSON.stringify({ truncated: true });
}

function hintFor(cause: string): string {
  if (cause.endsWith('DOES_NOT_EXIST'))
    return 'Register the catalog (swfctl register, or deploy the stack) and start the order again.';
  if (cause.endsWith('DEPRECATED')) return 'The type is deprecated; run swfctl register to undeprecate it.';
  if (cause === 'OPERATION_NOT_PERMITTED')
    return "The decider's IAM role lacks the permission for this decision.";
  return 'See the SWF documentation for this cause.';
}
