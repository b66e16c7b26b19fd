import type { Json, WorkflowDefinition } from '../workflow/types.js';
import { decodeFailureDetails } from './failure-details.js';
import { type ActivityKind, parseActivityId } from './ids.js';
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
  firedAt?: number;
  canceledAt?: number;
}

export interface StepView {
  step: string;
  kind: ActivityKind;
  status: 'pending' | 'carried' | 'scheduled' | 'running' | 'retrying' | 'completed' | 'failed' | 'abandoned';
  attempts: AttemptView[];
  waits: RetryWait[];
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
  signals: { name?: string; at: number; input?: Json; eventId: number }[];
  steps: StepView[];
}

const CLOSED: Record<string, RunStatus> = {
  WorkflowExecutionCompleted: 'completed',
  WorkflowExecutionFailed: 'failed',
  WorkflowExecutionCanceled: 'canceled',
  WorkflowExecutionTerminated: 'terminated',
  WorkflowExecutionTimedOut: 'timedOut',
  WorkflowExecutionContinuedAsNew: 'continuedAsNew',
};

type Loose = Record<string, unknown>;
const attributes = (event: HistoryEvent): Loose => {
  const type = event.eventType ?? '';
  return ((event as Loose)[`${type.charAt(0).toLowerCase()}${type.slice(1)}EventAttributes`] ?? {}) as Loose;
};
const time = (event: HistoryEvent): number => {
  const value = event.eventTimestamp;
  if (value instanceof Date) return value.getTime();
  if (typeof value === 'number') return value < 1e11 ? value * 1000 : value;
  return typeof value === 'string' ? Date.parse(value) : 0;
};
const parseJson = (text: unknown): Json | undefined => {
  if (typeof text !== 'string') return undefined;
  try {
    return JSON.parse(text) as Json;
  } catch {
    return text;
  }
};

/** Builds the timeline of one run from its events. With the workflow's definition, steps not yet run are listed too. */
export function buildTimeline(events: readonly HistoryEvent[], workflow?: WorkflowDefinition): Timeline {
  const timeline: Timeline = { status: 'running', signals: [], steps: [] };
  const views = new Map<string, StepView>();
  const byScheduledId = new Map<number, AttemptView>();
  const view = (kind: ActivityKind, step: string): StepView => {
    const key = `${kind}:${step}`;
    let found = views.get(key);
    if (!found) {
      found = { step, kind, status: 'pending', attempts: [], waits: [] };
      views.set(key, found);
    }
    return found;
  };
  for (const step of workflow?.steps ?? []) view('step', step.name);

  for (const event of events) {
    const a = attributes(event);
    const at = time(event);
    const id = event.eventId ?? 0;
    switch (event.eventType) {
      case 'WorkflowExecutionStarted': {
        timeline.startedAt = at;
        timeline.workflowType = a.workflowType as Timeline['workflowType'];
        const input = parseJson(a.input);
        if (input && typeof input === 'object' && !Array.isArray(input) && 'resume' in input) {
          const { resume, ...rest } = input as Record<string, Json>;
          timeline.input = rest;
          const r = (resume ?? {}) as {
            fromStep?: string;
            sourceRunId?: string;
            previousResults?: Record<string, Json>;
          };
          timeline.resumedFrom = { fromStep: r.fromStep, sourceRunId: r.sourceRunId };
          const fromIndex = workflow?.steps.findIndex((s) => s.name === r.fromStep) ?? -1;
          for (const step of workflow?.steps.slice(0, Math.max(0, fromIndex)) ?? [])
            view('step', step.name).status = 'carried';
        } else {
          timeline.input = input;
        }
        if (typeof a.continuedExecutionRunId === 'string')
          timeline.continuedFromRunId = a.continuedExecutionRunId;
        break;
      }
      case 'ActivityTaskScheduled': {
        const key = parseActivityId(a.activityId as string);
        if (!key) break;
        const attempt: AttemptView = {
          attempt: key.attempt,
          activityId: a.activityId as string,
          scheduledEventId: id,
          scheduledAt: at,
          outcome: 'scheduled',
          eventIds: [id],
        };
        byScheduledId.set(id, attempt);
        view(key.kind, key.step).attempts.push(attempt);
        break;
      }
      case 'ActivityTaskStarted': {
        const attempt = byScheduledId.get(a.scheduledEventId as number);
        if (attempt)
          Object.assign(attempt, { startedAt: at, outcome: 'running', eventIds: [...attempt.eventIds, id] });
        break;
      }
      case 'ActivityTaskCompleted':
      case 'ActivityTaskFailed':
      case 'ActivityTaskTimedOut':
      case 'ActivityTaskCanceled': {
        const attempt = byScheduledId.get(a.scheduledEventId as number);
        if (!attempt) break;
        attempt.closedAt = at;
        attempt.eventIds.push(id);
        attempt.outcome = (
          {
            ActivityTaskCompleted: 'completed',
            ActivityTaskFailed: 'failed',
            ActivityTaskTimedOut: 'timedOut',
            ActivityTaskCanceled: 'canceled',
          } as const
        )[event.eventType];
        if (a.result !== undefined) attempt.result = parseJson(a.result);
        if (typeof a.reason === 'string') attempt.reason = a.reason;
        if (typeof a.details === 'string') {
          const details = decodeFailureDetails(a.details);
          attempt.details = details?.message;
          if (details?.nonRetryable !== undefined) attempt.nonRetryable = details.nonRetryable;
        }
        if (typeof a.timeoutType === 'string') attempt.timeoutType = a.timeoutType;
        break;
      }
      case 'TimerStarted': {
        const timerId = a.timerId as string;
        const key = parseActivityId(timerId.replace(/^retry\./, ''));
        if (key)
          view(key.kind, key.step).waits.push({
            timerId,
            seconds: Number(a.startToFireTimeout),
            startedAt: at,
          });
        break;
      }
      case 'TimerFired':
      case 'TimerCanceled': {
        const timerId = a.timerId as string;
        const key = parseActivityId(timerId.replace(/^retry\./, ''));
        const wait = key ? view(key.kind, key.step).waits.find((w) => w.timerId === timerId) : undefined;
        if (wait && event.eventType === 'TimerFired') wait.firedAt = at;
        if (wait && event.eventType === 'TimerCanceled') wait.canceledAt = at;
        break;
      }
      case 'WorkflowExecutionSignaled':
        timeline.signals.push({
          name: a.signalName as string | undefined,
          at,
          input: parseJson(a.input),
          eventId: id,
        });
        break;
      case 'WorkflowExecutionCancelRequested':
        timeline.cancelRequestedAt ??= at;
        break;
      default: {
        const status = event.eventType ? CLOSED[event.eventType] : undefined;
        if (!status) break;
        timeline.status = status;
        timeline.closedAt = at;
        if (status === 'completed') timeline.result = parseJson(a.result);
        if (
          status === 'failed' ||
          status === 'terminated' ||
          status === 'canceled' ||
          status === 'timedOut'
        ) {
          timeline.failure = {
            reason: (a.reason ?? a.timeoutType) as string | undefined,
            details: parseJson(a.details),
            ...(typeof a.cause === 'string' ? { cause: a.cause } : {}),
          };
        }
        if (status === 'continuedAsNew') timeline.continuedAsRunId = a.newExecutionRunId as string;
      }
    }
  }
  if (timeline.startedAt !== undefined) {
    timeline.durationMs = (timeline.closedAt ?? time(events[events.length - 1] ?? {})) - timeline.startedAt;
  }
  const closedAt = timeline.closedAt;
  for (const step of views.values()) {
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
  const order = workflow?.steps.map((s) => s.name) ?? [];
  timeline.steps = [...views.values()].sort((a, b) => {
    if (a.kind !== b.kind) return a.kind === 'step' ? -1 : 1;
    if (a.kind === 'step') return order.indexOf(a.step) - order.indexOf(b.step);
    return (a.attempts[0]?.scheduledAt ?? 0) - (b.attempts[0]?.scheduledAt ?? 0);
  });
  return timeline;
}
