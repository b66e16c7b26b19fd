import { jsonForView } from '../workflow/bounded-json.js';
import type { FlowNode, Json, WorkflowDefinition } from '../workflow/types.js';
import { decodeFailureDetails } from './failure-details.js';
import { type ActivityAttempt, type ActivityStatus, scanHistory } from './history.js';
import { type ActivityKind, parseTimerId, sleepTimerIdFor, waitTimerIdFor } from './ids.js';
import { takeSignal, type WaitStanding, whyIgnored, whyNotTaken } from './signals.js';
import type { HistoryEvent } from './swf-types.js';

export type AttemptOutcome =
  | 'scheduled'
  | 'running'
  | 'completed'
  | 'failed'
  | 'timedOut'
  | 'canceled'
  /** Still open when the run closed (terminated, timed out): it never closed itself. */
  | 'abandoned';

export interface AttemptView {
  attempt: number;
  activityId: string;
  scheduledEventId: number;
  scheduledAt: number;
  startedAt?: number;
  closedAt?: number;
  outcome: AttemptOutcome;
  reason?: string;
  details?: string;
  timeoutType?: string;
  /** The failure's class as the worker reported it (absent in older histories). */
  nonRetryable?: boolean;
  result?: Json;
  /** Event ids of this attempt (scheduled, started, closed), to link to the raw history. */
  eventIds: number[];
}

export interface RetryWait {
  timerId: string;
  seconds: number;
  startedAt: number;
  /** The TimerStarted event's id. */
  startedEventId: number;
  firedAt?: number;
  /** The TimerFired event's id. */
  firedEventId?: number;
  canceledAt?: number;
}

export interface StepView {
  step: string;
  /** An activity step, its compensation, a signal wait or a durable sleep. */
  kind: ActivityKind | 'wait' | 'sleep';
  status:
    | 'pending'
    | 'carried'
    | 'scheduled'
    | 'running'
    | 'retrying'
    | 'waiting'
    | 'completed'
    | 'failed'
    | 'skipped'
    | 'abandoned';
  attempts: AttemptView[];
  /** Retry timers of a step; the one timer of a wait (its timeout) or a sleep. */
  waits: RetryWait[];
  /** The parallel group a step runs in. */
  group?: string;
  /** For a wait: the signals it accepts, and the one it took (with its payload). */
  accepts?: string[];
  answer?: { signal: string; payload: Json; at: number };
}

export type RunStatus =
  | 'running'
  | 'completed'
  | 'failed'
  | 'canceled'
  | 'terminated'
  | 'timedOut'
  | 'continuedAsNew';

const RUN_STATUS_WORDS: Record<RunStatus, string> = {
  running: 'running',
  completed: 'completed',
  failed: 'failed',
  canceled: 'canceled',
  terminated: 'terminated',
  timedOut: 'timed out',
  continuedAsNew: 'continued as new',
};

/** A readable account of a run: what each step did, attempt by attempt, with times (epoch ms). */
export interface Timeline {
  workflowType?: { name?: string; version?: string };
  status: RunStatus;
  startedAt?: number;
  closedAt?: number;
  durationMs?: number;
  input?: Json;
  result?: Json;
  failure?: { reason?: string; details?: Json; cause?: string };
  resumedFrom?: { fromStep?: string; sourceRunId?: string };
  continuedFromRunId?: string;
  continuedAsRunId?: string;
  cancelRequestedAt?: number;
  /** Signals the run received, in order, with their input (parsed when it is JSON). */
  signals: { name?: string; at: number; input?: Json; eventId: number; takenBy?: string; ignored?: string }[];
  steps: StepView[];
  /** Payloads stored outside SWF that the view resolved for display (set by the operations, not the decider). */
  payloads?: { where: string; address: string; size: number; resolved: boolean; problem?: string }[];
}

const CLOSED: Record<string, RunStatus> = {
  WorkflowExecutionCompleted: 'completed',
  WorkflowExecutionFailed: 'failed',
  WorkflowExecutionCanceled: 'canceled',
  WorkflowExecutionTerminated: 'terminated',
  WorkflowExecutionTimedOut: 'timedOut',
  WorkflowExecutionContinuedAsNew: 'continuedAsNew',
};

const OUTCOME: Record<ActivityStatus, AttemptOutcome> = {
  scheduled: 'scheduled',
  started: 'running',
  completed: 'completed',
  failed: 'failed',
  timedOut: 'timedOut',
  canceled: 'canceled',
};

/** A history's text as a view shows it: its JSON, plain text as it is, a value too deep or long as `$unreadable`. */
const parseJson = (text: unknown): Json | undefined =>
  typeof text === 'string' ? jsonForView(text) : undefined;

/** An attempt as the views show it, from the attempt the history reader read. */
function attemptView(attempt: ActivityAttempt): AttemptView {
  const view: AttemptView = {
    attempt: attempt.attempt,
    activityId: attempt.activityId,
    scheduledEventId: attempt.scheduledEventId,
    scheduledAt: attempt.scheduledAt,
    outcome: OUTCOME[attempt.status],
    eventIds: [attempt.scheduledEventId],
  };
  if (attempt.startedEventId !== undefined) {
    view.startedAt = attempt.startedAt;
    view.eventIds.push(attempt.startedEventId);
  }
  if (attempt.closedEventId !== undefined) {
    view.closedAt = attempt.closedAt;
    view.eventIds.push(attempt.closedEventId);
  }
  if (attempt.result !== undefined) view.result = parseJson(attempt.result);
  if (attempt.reason !== undefined) view.reason = attempt.reason;
  // Failed attempts' details are decoded by the reader; timed-out and canceled ones carry their own text.
  if (attempt.details !== undefined)
    view.details =
      attempt.status === 'failed' ? attempt.details : decodeFailureDetails(attempt.details)?.message;
  if (attempt.nonRetryable !== undefined) view.nonRetryable = attempt.nonRetryable;
  if (attempt.timeoutType !== undefined) view.timeoutType = attempt.timeoutType;
  return view;
}

/** The row a timer belongs to: a step's retry, a wait's timeout or a sleep. */
function timerRow(timerId: string): { kind: StepView['kind']; name: string } | undefined {
  const purpose = parseTimerId(timerId);
  if (!purpose) return undefined;
  if (purpose.kind === 'retry') return { kind: purpose.key.kind, name: purpose.key.step };
  return { kind: purpose.kind === 'wait' ? 'wait' : 'sleep', name: purpose.node };
}

/** Waits and sleeps: which signal each wait took (as the decider decides it), and where each stands. */
function flowStatuses(
  timeline: Timeline,
  views: Map<string, StepView>,
  workflow: WorkflowDefinition | undefined,
  signals: { name: string; input: string | undefined; eventId: number }[],
  refusedTimers: ReadonlySet<string>,
): void {
  const consumed = new Set<number>();
  for (const node of workflow?.flow ?? []) {
    if (node.kind !== 'signal' && node.kind !== 'sleep') continue;
    const row = views.get(`${node.kind === 'signal' ? 'wait' : 'sleep'}:${node.name}`);
    if (!row || row.status === 'carried') continue;
    // SWF refused its timer: the decider failed the node there (nothing after it counts).
    if (refusedTimers.has(node.kind === 'signal' ? waitTimerIdFor(node.name) : sleepTimerIdFor(node.name))) {
      row.status = 'failed';
      continue;
    }
    const timer = row.waits[0];
    if (node.kind === 'signal') {
      const match = takeSignal(node, signals, consumed, {
        endedAt: timer?.firedEventId,
        since: timer?.startedEventId,
      });
      const seen = match ? timeline.signals.find((s) => s.eventId === match.eventId) : undefined;
      if (match && seen) {
        seen.takenBy = node.name;
        row.answer = { signal: match.name, payload: match.payload, at: seen.at };
        row.status = match.choice.fails ? 'failed' : 'completed';
        continue;
      }
    }
    if (!timer) continue;
    if (timer.firedAt !== undefined)
      row.status = node.kind === 'signal' && node.onTimeout !== 'continue' ? 'failed' : 'completed';
    else if (timer.canceledAt !== undefined || timeline.closedAt !== undefined) row.status = 'abandoned';
    else row.status = 'waiting';
  }
  const flow = workflow?.flow ?? [];
  const standingOf = (node: FlowNode): WaitStanding => {
    const row = views.get(`wait:${node.name}`);
    const since = row?.waits[0]?.startedEventId;
    if (!row || row.status === 'pending') return { standing: 'ahead', since };
    return { standing: row.status === 'waiting' ? 'waiting' : 'ended', since };
  };
  for (const signal of timeline.signals) {
    if (signal.takenBy) continue;
    const named = {
      name: signal.name ?? '',
      input: rawInput(signals, signal.eventId),
      eventId: signal.eventId,
    };
    const why = whyIgnored(named, flow) ?? whyNotTaken(named, flow, standingOf);
    if (why) signal.ignored = why;
  }
}

const rawInput = (signals: { input: string | undefined; eventId: number }[], eventId: number) =>
  signals.find((s) => s.eventId === eventId)?.input;

/** A node never reached while a later node ran was skipped by its rule. */
function markSkipped(timeline: Timeline): void {
  const forward = timeline.steps.filter((s) => s.kind !== 'compensation');
  forward.forEach((row, index) => {
    if (row.status !== 'pending') return;
    // A completed run ran every node it reached, so any it did not reach was skipped.
    if (
      timeline.status === 'completed' ||
      forward.slice(index + 1).some((later) => later.status !== 'pending' && later.status !== 'carried')
    )
      row.status = 'skipped';
  });
}

/** Builds the timeline of one run from its events. With the workflow's definition, steps not yet run are listed too. */
export function buildTimeline(events: readonly HistoryEvent[], workflow?: WorkflowDefinition): Timeline {
  const facts = scanHistory(events);
  const timeline: Timeline = { status: 'running', signals: [], steps: [] };
  const views = new Map<string, StepView>();
  const view = (kind: StepView['kind'], step: string): StepView => {
    const key = `${kind}:${step}`;
    let found = views.get(key);
    if (!found) {
      found = { step, kind, status: 'pending', attempts: [], waits: [] };
      views.set(key, found);
    }
    return found;
  };
  for (const node of workflow?.flow ?? []) {
    if (node.kind === 'step') view('step', node.name);
    if (node.kind === 'parallel') for (const step of node.steps) view('step', step.name).group = node.name;
    if (node.kind === 'signal') view('wait', node.name).accepts = Object.keys(node.signals);
    if (node.kind === 'sleep') view('sleep', node.name);
  }

  timeline.startedAt = facts.startedAt;
  if (facts.startedAt !== undefined) timeline.workflowType = facts.workflowType;
  const input = parseJson(facts.input);
  if (input && typeof input === 'object' && !Array.isArray(input) && 'resume' in input) {
    const { resume, ...rest } = input as Record<string, Json>;
    timeline.input = rest;
    const r = (resume ?? {}) as { fromStep?: string; sourceRunId?: string };
    timeline.resumedFrom = { fromStep: r.fromStep, sourceRunId: r.sourceRunId };
    const fromIndex = workflow?.steps.findIndex((s) => s.name === r.fromStep) ?? -1;
    for (const step of workflow?.steps.slice(0, Math.max(0, fromIndex)) ?? [])
      view('step', step.name).status = 'carried';
  } else {
    timeline.input = input;
  }
  if (facts.continuedFromRunId !== undefined) timeline.continuedFromRunId = facts.continuedFromRunId;

  // Attempts in the order they were scheduled, under their step's row.
  const attempts = [...facts.attempts.values()]
    .flat()
    .sort((a, b) => a.scheduledEventId - b.scheduledEventId);
  for (const attempt of attempts) view(attempt.kind, attempt.step).attempts.push(attemptView(attempt));
  for (const timer of facts.timerLog) {
    const row = timerRow(timer.timerId);
    if (!row) continue;
    const { status: _, ...wait } = timer;
    view(row.kind, row.name).waits.push(wait);
  }
  timeline.signals = facts.signals.map((signal) => ({
    name: signal.name || undefined,
    at: signal.at,
    input: parseJson(signal.input),
    eventId: signal.eventId,
  }));
  if (facts.cancelRequestedAt !== undefined) timeline.cancelRequestedAt = facts.cancelRequestedAt;

  const close = facts.close;
  const status = close ? CLOSED[close.eventType] : undefined;
  if (close && status) {
    timeline.status = status;
    timeline.closedAt = close.at;
    if (status === 'completed') timeline.result = parseJson(close.result);
    if (status === 'failed' || status === 'terminated' || status === 'canceled' || status === 'timedOut') {
      timeline.failure = {
        reason: close.reason ?? close.timeoutType,
        details: parseJson(close.details),
        ...(close.cause !== undefined ? { cause: close.cause } : {}),
      };
    }
    if (status === 'continuedAsNew') timeline.continuedAsRunId = close.newExecutionRunId;
  }
  if (timeline.startedAt !== undefined) {
    timeline.durationMs = (timeline.closedAt ?? facts.lastEventAt ?? 0) - timeline.startedAt;
  }
  const closedAt = timeline.closedAt;
  const refusedTimers = new Set(facts.rejectedDecisions.flatMap((r) => (r.timerId ? [r.timerId] : [])));
  flowStatuses(timeline, views, workflow, facts.signals, refusedTimers);
  for (const step of views.values()) {
    if (step.kind === 'wait' || step.kind === 'sleep') continue;
    if (step.status === 'carried' || step.attempts.length === 0) continue;
    const last = step.attempts[step.attempts.length - 1] as AttemptView;
    // A run that closed while an attempt was open (terminated, timed out) left that attempt behind for good.
    if (closedAt !== undefined && (last.outcome === 'running' || last.outcome === 'scheduled')) {
      Object.assign(last, {
        outcome: 'abandoned',
        closedAt,
        reason: `run ${RUN_STATUS_WORDS[timeline.status]}`,
      });
      step.status = 'abandoned';
      continue;
    }
    const waiting = step.waits.some((w) => w.firedAt === undefined && w.canceledAt === undefined);
    step.status =
      last.outcome === 'completed'
        ? 'completed'
        : last.outcome === 'running'
          ? 'running'
          : last.outcome === 'scheduled'
            ? 'scheduled'
            : waiting
              ? 'retrying'
              : 'failed';
  }
  // Steps, waits and sleeps in flow order; then compensations, in the order they ran.
  const order = (workflow?.flow ?? []).flatMap((node) =>
    node.kind === 'parallel' ? node.steps.map((step) => step.name) : [node.name],
  );
  const forward = (v: StepView) => v.kind !== 'compensation';
  timeline.steps = [...views.values()].sort((a, b) => {
    if (forward(a) !== forward(b)) return forward(a) ? -1 : 1;
    if (forward(a)) return order.indexOf(a.step) - order.indexOf(b.step);
    return (a.attempts[0]?.scheduledAt ?? 0) - (b.attempts[0]?.scheduledAt ?? 0);
  });
  markSkipped(timeline);
  return timeline;
}
