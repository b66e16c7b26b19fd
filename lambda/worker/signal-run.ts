import * as S from '@aws-sdk/client-swf';
import {
  buildTimeline,
  decide,
  type HistoryEvent,
  scanHistory,
  type WorkflowState,
} from '../decider/index.js';
import { payloadProblem, signalPayload } from '../decider/signals.js';
import { checkCallerInput } from '../workflow/caller-input.js';
import type { FlowNode, WorkflowDefinition } from '../workflow/types.js';
import { readEvents } from './history-pages.js';
import { OperationError, type OperationsContext, openRunOrFail, type RunRef } from './operations.js';

/*
 * Sending a signal is a question to a run, so the answer says what the run did with it: a signal the run is not
 * waiting for, or whose payload its wait would ignore, is refused before anything is sent (`force` sends it
 * raw); one that is sent is reported taken only once the run's next decision took it.
 */

type SignalWait = Extract<FlowNode, { kind: 'signal' }>;

/** What became of a signal: taken by a wait, kept for a wait ahead, ignored (why), or not yet decided on. */
export interface SignalOutcome extends RunRef {
  signalName: string;
  status: 'taken' | 'kept' | 'ignored' | 'pending' | 'sent';
  /** The wait that took it (taken), or will (kept). */
  wait?: string;
  /** Why the run ignored it, or why it is not known yet. */
  why?: string;
}

const waitsFor = (workflow: WorkflowDefinition, signalName: string) =>
  workflow.flow.filter(
    (node): node is SignalWait => node.kind === 'signal' && Object.hasOwn(node.signals, signalName),
  );

/** Why a run would not take this signal now, or the wait that will take (or keep) it. */
function judge(
  workflow: WorkflowDefinition,
  state: WorkflowState,
  signalName: string,
  input: string | undefined,
): { wait: string; kept: boolean } | { refusal: string } {
  const type = `${workflow.name}@${workflow.version}`;
  const waits = waitsFor(workflow, signalName);
  if (waits.length === 0) {
    const named = [
      ...new Set(workflow.flow.flatMap((n) => (n.kind === 'signal' ? Object.keys(n.signals) : []))),
    ];
    return {
      refusal: `${type} has no wait that takes ${signalName}; ${named.length > 0 ? `it takes ${named.join(', ')}` : 'it waits for no signal'}`,
    };
  }
  if (state.phase !== 'running')
    return {
      refusal: `the run is ${state.phase} (at ${state.currentStep ?? 'its end'}): it takes no signal now`,
    };
  const payload = signalPayload(input);
  const problems: string[] = [];
  const current = workflow.flow.findIndex((node) => node.name === state.currentStep);
  for (const wait of waits) {
    try {
      wait.signals[signalName]?.parse?.(payload);
    } catch (error) {
      problems.push(`${wait.name} would ignore it: invalid payload (${payloadProblem(error)})`);
      continue;
    }
    if (state.waitingFor?.node === wait.name) return { wait: wait.name, kept: false };
    const ahead = workflow.flow.indexOf(wait) > current && !state.skippedSteps.includes(wait.name);
    if (ahead && wait.earlySignals === 'keep') return { wait: wait.name, kept: true };
    problems.push(
      ahead
        ? `the run has not reached ${wait.name} (it is at ${state.currentStep ?? 'its start'}), and ${wait.name} takes only signals sent while it waits`
        : `${wait.name} is over (answered, timed out or skipped); the run is at ${state.currentStep ?? 'its end'}`,
    );
  }
  return { refusal: problems.join('; ') };
}

const DECIDED_POLL_MS = 100;

/**
 * Sends a signal to an open run, after checking the run would take it (a wait for it is reached, or ahead and
 * keeping early signals, and the payload is valid for it); then waits up to `waitMs` for the run's next
 * decision and reports whether a wait took it. `force` sends without the checks and reports `sent`.
 */
export async function signalRun(
  context: OperationsContext,
  request: {
    workflowId: string;
    signalName: string;
    input?: string;
    runId?: string;
    force?: boolean;
    /** How long to wait for the run's next decision (default 10 s; 0 sends and returns `pending`). */
    waitMs?: number;
  },
): Promise<SignalOutcome> {
  // The entry check first, even with force: a card number or poison is never sent.
  checkCallerInput({ signalName: request.signalName, signalInput: request.input });
  const run = await openRunOrFail(context, request.workflowId, request.runId);
  const described = await context.swf.send(
    new S.DescribeWorkflowExecutionCommand({ domain: context.config.domain, execution: run }),
  );
  const type = described.executionInfo?.workflowType;
  const workflow = context.catalog.workflow(type?.name ?? '', type?.version ?? '');
  const base = { ...run, signalName: request.signalName };
  let before = 0;
  let expected: { wait: string; kept: boolean } | undefined;
  if (!request.force) {
    if (!workflow)
      throw new OperationError(
        'NotWaiting',
        `This catalog does not know ${type?.name}@${type?.version}, so it cannot tell whether the run takes ${request.signalName}; --force sends it anyway`,
      );
    const events = (await readEvents(context, run)) as HistoryEvent[];
    before = events.at(-1)?.eventId ?? 0;
    const verdict = judge(workflow, decide(events, context.catalog).state, request.signalName, request.input);
    if ('refusal' in verdict)
      throw new OperationError(
        'NotWaiting',
        `Not sent: ${verdict.refusal}. Nothing was sent (--force sends it anyway)`,
      );
    expected = verdict;
  }
  await context.swf.send(
    new S.SignalWorkflowExecutionCommand({
      domain: context.config.domain,
      ...run,
      signalName: request.signalName,
      input: request.input,
    }),
  );
  if (request.force || !workflow) return { ...base, status: 'sent', why: 'sent with --force, unchecked' };
  return awaitDecision(context, run, workflow, {
    ...base,
    before,
    expected,
    waitMs: request.waitMs ?? 10_000,
  });
}

/** Waits for the decision after the signal, then reads from the timeline whether a wait took it. */
async function awaitDecision(
  context: OperationsContext,
  run: RunRef,
  workflow: WorkflowDefinition,
  sent: {
    signalName: string;
    before: number;
    expected?: { wait: string; kept: boolean };
    waitMs: number;
  },
): Promise<SignalOutcome> {
  const base = { ...run, signalName: sent.signalName };
  const until = Date.now() + sent.waitMs;
  for (;;) {
    const events = await readEvents(context, run);
    // Ours is the first signal of that name after what we read before sending.
    const signaled = scanHistory(events as HistoryEvent[], false).signals.find(
      (signal) => signal.eventId > sent.before && signal.name === sent.signalName,
    );
    // A decision that started after the signal has seen it (or the run closed meanwhile).
    const decided =
      signaled &&
      events.some(
        (e) =>
          (e.eventType === 'DecisionTaskCompleted' &&
            (e.decisionTaskCompletedEventAttributes?.startedEventId ?? 0) > signaled.eventId) ||
          ((e.eventId ?? 0) > signaled.eventId && e.eventType === 'WorkflowExecutionTerminated'),
      );
    if (signaled && decided) {
      const seen = buildTimeline(events as HistoryEvent[], workflow).signals.find(
        (s) => s.eventId === signaled.eventId,
      );
      if (seen?.takenBy) return { ...base, status: 'taken', wait: seen.takenBy };
      if (seen?.ignored) return { ...base, status: 'ignored', why: seen.ignored };
      return { ...base, status: 'kept', ...(sent.expected ? { wait: sent.expected.wait } : {}) };
    }
    if (Date.now() >= until)
      return {
        ...base,
        status: 'pending',
        why: 'sent; the run has not decided on it yet (is a decider running?): "swfctl describe" shows whether it took it',
      };
    await new Promise((resolve) => setTimeout(resolve, DECIDED_POLL_MS));
  }
}
