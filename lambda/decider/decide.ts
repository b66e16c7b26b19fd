import type { Catalog } from '../workflow/module.js';
import type { FlowNode, Step } from '../workflow/types.js';
import { progressOf } from './attempt-progress.js';
import { compensate, complete, invalidInput, stuck } from './closing.js';
import type { DecideOptions, DecideResult, DecisionContext, WorkflowState } from './decision-state.js';
import { UnknownWorkflowTypeError } from './errors.js';
import { type Current, cancelTimer, failureAt, isWait, nodeSteps, ordered, stopActivities } from './flow.js';
import { type RejectedDecision, readHistory } from './history.js';
import { sleepTimerIdFor, waitTimerIdFor } from './ids.js';
import { recordedVerdict, verdictMarker } from './resume-verdict.js';
import { RuleReadPayload, ruleView } from './rule-view.js';
import { advance, attemptNumber, refusal, schedulable, stepAttempts } from './scheduling.js';
import { takeSignal, type WaitStanding, whyIgnored, whyNotTaken } from './signals.js';
import { type Decision, type HistoryEvent, SWF_LIMITS } from './swf-types.js';
import { parseWorkflowInput } from './workflow-input.js';

export type {
  CompensationFailure,
  DecideOptions,
  DecideResult,
  EndingCause,
  RunEnding,
  StepFailure,
  WorkflowState,
} from './decision-state.js';

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
    takenSignals: [],
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
  // A resume block is a claim: the worker's verdict on it is recorded once, then read back from the history.
  const recorded = resume ? recordedVerdict(facts) : undefined;
  const verdict = recorded ?? (resume ? options.resumeVerdict : undefined);
  const leading: Decision[] = verdict && !recorded ? [verdictMarker(verdict)] : [];
  if (verdict && !verdict.trusted) {
    const refusedResume = invalidInput(
      workflow,
      facts,
      state,
      refused,
      {
        reason: 'InvalidResume',
        error: `The resume block cannot be trusted: ${verdict.reason}. Only "swfctl resume" (or the operations function's resume) builds one, from the source run's history`,
      },
      closeLimit,
    );
    return { ...refusedResume, decisions: [...leading, ...refusedResume.decisions] };
  }
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
  const context: DecisionContext = {
    workflow,
    facts,
    input,
    state,
    // A verified claim's lineage; without a verdict (the views), the block as written.
    lineageId: verdict?.trusted ? verdict.lineageId : resume?.lineageId,
    refused,
    closeLimit,
  };
  // A rule that throws, or reads a stored payload, fails the run at its node (compensating): never a silent skip.
  const ruleFailed = (node: FlowNode, error: unknown): DecideResult => {
    state.currentStep = node.name;
    const readPayload = error instanceof RuleReadPayload;
    if (readPayload) state.failureReason = 'RuleReadPayload';
    state.failure = {
      failedStep: node.name,
      attempts: 0,
      lastError: {
        reason: readPayload ? 'RuleReadPayload' : 'PredicateError',
        details: (error as Error)?.message ?? String(error),
      },
    };
    return compensate(context, ordered(completions), 'fail', leading);
  };
  const ruleInput = () => [ruleView(input, 'input'), ruleView(state.results, 'results')] as const;
  let current: Current | undefined;
  for (const node of flow.slice(startNode)) {
    if (node.when) {
      let applies: boolean;
      try {
        applies = node.when(...ruleInput());
      } catch (error) {
        return ruleFailed(node, error);
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
    const match = takeSignal(node, facts.signals, consumed, {
      endedAt: facts.timersFiredAt.get(timerId),
      since: facts.timersStartedAt.get(timerId),
    });
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
  // Waits before the current node are over, the current one is waiting (or about to), later ones are ahead.
  const currentIndex = current ? flow.indexOf(current.node) : flow.length;
  const standingOf = (node: FlowNode): WaitStanding => {
    const index = flow.indexOf(node);
    const since = facts.timersStartedAt.get(waitTimerIdFor(node.name));
    if (index < currentIndex) return { standing: 'ended', since };
    return { standing: index === currentIndex ? 'waiting' : 'ahead', since };
  };
  state.ignoredSignals = facts.signals
    .filter((signal) => !consumed.has(signal.eventId))
    .map((signal) => ({
      name: signal.name,
      eventId: signal.eventId,
      why: whyIgnored(signal, flow) ?? whyNotTaken(signal, flow, standingOf),
    }))
    .filter((signal) => signal.why !== undefined) as WorkflowState['ignoredSignals'];
  state.takenSignals = [...consumed];

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
  let seconds: number;
  try {
    seconds =
      current.kind === 'sleep'
        ? Math.max(0, Math.round(current.node.seconds(...ruleInput())))
        : current.node.timeoutSeconds;
  } catch (error) {
    return ruleFailed(current.node, error);
  }
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
