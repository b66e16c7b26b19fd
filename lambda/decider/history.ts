import { MalformedHistoryError } from './errors.js';
import { decodeFailureDetails } from './failure-details.js';
import { type ActivityKey, type ActivityKind, parseActivityId } from './ids.js';
import type { HistoryEvent } from './swf-types.js';

export type ActivityStatus = 'scheduled' | 'started' | 'completed' | 'failed' | 'timedOut' | 'canceled';

/** One scheduled activity attempt, as the history tells it. */
export interface ActivityAttempt extends ActivityKey {
  activityId: string;
  scheduledEventId: number;
  status: ActivityStatus;
  result: string | undefined;
  reason: string | undefined;
  details: string | undefined;
  timeoutType: string | undefined;
  /** The failure's class as the worker reported it; undefined when the history does not say (older writers). */
  nonRetryable: boolean | undefined;
  /** The event that closed the attempt (completion order decides the order of compensations). */
  closedEventId: number | undefined;
  /** A RequestCancelActivityTask decision for it was recorded (or failed because it had closed). */
  cancelRequested: boolean;
  /** When it was scheduled, started and closed (epoch ms), and the started event, for the views. */
  scheduledAt: number;
  startedAt: number | undefined;
  startedEventId: number | undefined;
  closedAt: number | undefined;
}

export type TimerStatus = 'started' | 'fired' | 'canceled';

/** A decision SWF refused (ScheduleActivityTaskFailed, StartTimerFailed). */
export interface RejectedDecision {
  decision: 'ScheduleActivityTask' | 'StartTimer';
  id: string;
  cause: string;
  activityId?: string;
  timerId?: string;
}

/** One timer as it ran (a timer id may be started again after it fired: each start is its own record). */
export interface TimerRecord {
  timerId: string;
  seconds: number;
  startedAt: number;
  /** The TimerStarted event's id. */
  startedEventId: number;
  status: TimerStatus;
  firedAt?: number;
  firedEventId?: number;
  canceledAt?: number;
}

/** How the run closed, when it has. */
export interface RunClose {
  eventType: string;
  eventId: number;
  at: number;
  result?: string;
  reason?: string;
  details?: string;
  cause?: string;
  timeoutType?: string;
  newExecutionRunId?: string;
}

/** What a decision needs to know about an execution, read in one pass over its events. */
export interface HistoryFacts {
  workflowType: { name: string; version: string };
  input: string | undefined;
  cancelRequested: boolean;
  closed: boolean;
  /** Our attempts, keyed `kind:step`, in attempt order. */
  attempts: Map<string, ActivityAttempt[]>;
  timers: Map<string, TimerStatus>;
  /** The event at which each fired timer fired (a signal wait's answer must come before its timeout). */
  timersFiredAt: Map<string, number>;
  /** The event at which each timer last started (a wait that takes no early signal counts only later ones). */
  timersStartedAt: Map<string, number>;
  /** Markers the decider recorded, by name: the first one's details (a verdict recorded once stays). */
  markers: Map<string, string | undefined>;
  /** Signals received, in order: a signal that arrives before its wait is reached is kept for it. */
  signals: { name: string; input: string | undefined; eventId: number; at: number }[];
  /** Decisions SWF refused, in order: `id` for people, `activityId` or `timerId` for the decider. */
  rejectedDecisions: RejectedDecision[];
  /** The latest close decision SWF refused, if the history ends with one. */
  lastCloseFailure?: { decision: string; cause: string };
  // What the views (the timeline, describe) add to the decider's needs: times, lineage, the close.
  /** Every timer started, in order. */
  timerLog: TimerRecord[];
  startedAt: number | undefined;
  continuedFromRunId: string | undefined;
  cancelRequestedAt: number | undefined;
  lastEventAt: number | undefined;
  close: RunClose | undefined;
}

/** An event's time in epoch ms, whatever form it comes in (a Date from the SDK, seconds or text in JSON). */
export function eventTime(event: HistoryEvent): number {
  const value = event.eventTimestamp as unknown;
  if (value instanceof Date) return value.getTime();
  if (typeof value === 'number') return value < 1e11 ? value * 1000 : value;
  return typeof value === 'string' ? Date.parse(value) : 0;
}

const CLOSE_EVENTS = new Set([
  'WorkflowExecutionCompleted',
  'WorkflowExecutionFailed',
  'WorkflowExecutionCanceled',
  'WorkflowExecutionTerminated',
  'WorkflowExecutionTimedOut',
  'WorkflowExecutionContinuedAsNew',
]);

const CLOSE_FAILURES = {
  CompleteWorkflowExecutionFailed: 'completeWorkflowExecutionFailedEventAttributes',
  FailWorkflowExecutionFailed: 'failWorkflowExecutionFailedEventAttributes',
  CancelWorkflowExecutionFailed: 'cancelWorkflowExecutionFailedEventAttributes',
} as const;

export const attemptsKey = (kind: ActivityKind, step: string) => `${kind}:${step}`;

/**
 * Reads an execution's events (in any batching, oldest first) into the facts the decider works from. This is
 * the one reader of histories: the timeline and describe build on the same facts (`scanHistory`).
 */
export function readHistory(events: readonly HistoryEvent[]): HistoryFacts {
  // The decider never looks at times: it skips reading them (a date per event, 25,000 in the longest history).
  const facts = scanHistory(events, false);
  if (!facts.workflowType.name || facts.workflowType.version === undefined) {
    throw new MalformedHistoryError('The history has no WorkflowExecutionStarted event with a workflow type');
  }
  return facts;
}

/**
 * `readHistory` for views: a history without its start event gives facts with an empty workflow type. Without
 * `withTimes`, every time in the facts is 0 or undefined (what the decider asks for).
 */
export function scanHistory(events: readonly HistoryEvent[], withTimes = true): HistoryFacts {
  const start = events.find((event) => event.eventType === 'WorkflowExecutionStarted');
  const startAttributes = start?.workflowExecutionStartedEventAttributes;
  const facts: HistoryFacts = {
    workflowType: {
      name: startAttributes?.workflowType?.name ?? '',
      version: startAttributes?.workflowType?.version as string,
    },
    input: startAttributes?.input,
    cancelRequested: false,
    closed: false,
    attempts: new Map(),
    timers: new Map(),
    timersFiredAt: new Map(),
    timersStartedAt: new Map(),
    markers: new Map(),
    signals: [],
    rejectedDecisions: [],
    timerLog: [],
    startedAt: start && withTimes ? eventTime(start) : undefined,
    continuedFromRunId: startAttributes?.continuedExecutionRunId,
    cancelRequestedAt: undefined,
    lastEventAt: undefined,
    close: undefined,
  };
  const runningTimers = new Map<string, TimerRecord>();
  const byScheduledId = new Map<number, ActivityAttempt>();
  const byActivityId = new Map<string, ActivityAttempt>();
  // Attempt records get one fixed shape and are updated in place: histories reach 25,000 events.
  let eventId = 0;
  let at = 0;
  const closing = (
    scheduledEventId: number | undefined,
    status: ActivityStatus,
  ): ActivityAttempt | undefined => {
    const attempt = scheduledEventId === undefined ? undefined : byScheduledId.get(scheduledEventId);
    if (attempt) {
      attempt.status = status;
      attempt.closedEventId = eventId;
      attempt.closedAt = at;
    }
    return attempt;
  };

  for (const event of events) {
    eventId = event.eventId ?? eventId + 1;
    if (withTimes) at = eventTime(event);
    switch (event.eventType) {
      case 'ActivityTaskScheduled': {
        const activityId = event.activityTaskScheduledEventAttributes?.activityId;
        const key = parseActivityId(activityId);
        if (!key || activityId === undefined || event.eventId === undefined) break;
        const attempt: ActivityAttempt = {
          kind: key.kind,
          step: key.step,
          attempt: key.attempt,
          activityId,
          scheduledEventId: event.eventId,
          status: 'scheduled',
          result: undefined,
          reason: undefined,
          details: undefined,
          timeoutType: undefined,
          nonRetryable: undefined,
          closedEventId: undefined,
          cancelRequested: false,
          scheduledAt: at,
          startedAt: undefined,
          startedEventId: undefined,
          closedAt: undefined,
        };
        byScheduledId.set(event.eventId, attempt);
        byActivityId.set(activityId, attempt);
        const listKey = attemptsKey(key.kind, key.step);
        const list = facts.attempts.get(listKey);
        if (!list) {
          facts.attempts.set(listKey, [attempt]);
        } else {
          list.push(attempt);
          if ((list[list.length - 2]?.attempt ?? 0) > key.attempt) list.sort((a, b) => a.attempt - b.attempt);
        }
        break;
      }
      case 'ActivityTaskStarted': {
        const attempt = byScheduledId.get(event.activityTaskStartedEventAttributes?.scheduledEventId ?? -1);
        if (attempt?.status === 'scheduled') {
          attempt.status = 'started';
          attempt.startedAt = at;
          attempt.startedEventId = eventId;
        }
        break;
      }
      case 'ActivityTaskCompleted': {
        const attributes = event.activityTaskCompletedEventAttributes;
        const attempt = closing(attributes?.scheduledEventId, 'completed');
        if (attempt) attempt.result = attributes?.result;
        break;
      }
      case 'ActivityTaskFailed': {
        const attributes = event.activityTaskFailedEventAttributes;
        const attempt = closing(attributes?.scheduledEventId, 'failed');
        if (attempt) {
          const details = decodeFailureDetails(attributes?.details);
          attempt.reason = attributes?.reason;
          attempt.details = details?.message;
          attempt.nonRetryable = details?.nonRetryable;
        }
        break;
      }
      case 'ActivityTaskTimedOut': {
        const attributes = event.activityTaskTimedOutEventAttributes;
        const attempt = closing(attributes?.scheduledEventId, 'timedOut');
        if (attempt) {
          attempt.timeoutType = attributes?.timeoutType;
          attempt.details = attributes?.details;
        }
        break;
      }
      case 'ActivityTaskCanceled': {
        const attributes = event.activityTaskCanceledEventAttributes;
        const attempt = closing(attributes?.scheduledEventId, 'canceled');
        if (attempt) attempt.details = attributes?.details;
        break;
      }
      case 'ActivityTaskCancelRequested':
      case 'RequestCancelActivityTaskFailed': {
        const activityId =
          event.activityTaskCancelRequestedEventAttributes?.activityId ??
          event.requestCancelActivityTaskFailedEventAttributes?.activityId;
        const attempt = activityId === undefined ? undefined : byActivityId.get(activityId);
        if (attempt) attempt.cancelRequested = true;
        break;
      }
      case 'ScheduleActivityTaskFailed': {
        const attributes = event.scheduleActivityTaskFailedEventAttributes;
        const type = attributes?.activityType;
        facts.rejectedDecisions.push({
          decision: 'ScheduleActivityTask',
          id: `${attributes?.activityId ?? '?'} (${type?.name ?? '?'}@${type?.version ?? '?'})`,
          cause: attributes?.cause ?? 'UNKNOWN',
          activityId: attributes?.activityId,
        });
        break;
      }
      case 'TimerStarted': {
        const attributes = event.timerStartedEventAttributes;
        const timerId = attributes?.timerId;
        if (timerId === undefined) break;
        facts.timers.set(timerId, 'started');
        facts.timersStartedAt.set(timerId, eventId);
        const record: TimerRecord = {
          timerId,
          seconds: Number(attributes?.startToFireTimeout),
          startedAt: at,
          startedEventId: eventId,
          status: 'started',
        };
        facts.timerLog.push(record);
        runningTimers.set(timerId, record);
        break;
      }
      case 'TimerFired': {
        const timerId = event.timerFiredEventAttributes?.timerId;
        if (timerId === undefined) break;
        facts.timers.set(timerId, 'fired');
        facts.timersFiredAt.set(timerId, eventId);
        const record = runningTimers.get(timerId);
        if (record) Object.assign(record, { status: 'fired', firedAt: at, firedEventId: eventId });
        runningTimers.delete(timerId);
        break;
      }
      case 'TimerCanceled': {
        const timerId = event.timerCanceledEventAttributes?.timerId;
        if (timerId === undefined) break;
        facts.timers.set(timerId, 'canceled');
        const record = runningTimers.get(timerId);
        if (record) Object.assign(record, { status: 'canceled', canceledAt: at });
        runningTimers.delete(timerId);
        break;
      }
      case 'StartTimerFailed': {
        const attributes = event.startTimerFailedEventAttributes;
        facts.rejectedDecisions.push({
          decision: 'StartTimer',
          id: attributes?.timerId ?? '?',
          cause: attributes?.cause ?? 'UNKNOWN',
          timerId: attributes?.timerId,
        });
        break;
      }
      case 'MarkerRecorded': {
        const attributes = event.markerRecordedEventAttributes;
        const name = attributes?.markerName;
        if (name !== undefined && !facts.markers.has(name)) facts.markers.set(name, attributes?.details);
        break;
      }
      case 'WorkflowExecutionCancelRequested':
        facts.cancelRequested = true;
        facts.cancelRequestedAt ??= at;
        break;
      case 'WorkflowExecutionSignaled': {
        const attributes = event.workflowExecutionSignaledEventAttributes;
        facts.signals.push({ name: attributes?.signalName ?? '', input: attributes?.input, eventId, at });
        break;
      }
      case 'DecisionTaskCompleted':
        facts.lastCloseFailure = undefined;
        break;
      default:
        if (event.eventType && CLOSE_EVENTS.has(event.eventType)) {
          facts.closed = true;
          facts.close = readClose(event, eventId, at);
        }
        if (event.eventType && event.eventType in CLOSE_FAILURES) {
          const decision = event.eventType as keyof typeof CLOSE_FAILURES;
          const cause =
            (event[CLOSE_FAILURES[decision]] as { cause?: string } | undefined)?.cause ?? 'UNKNOWN';
          facts.lastCloseFailure = { decision: decision.replace(/Failed$/, ''), cause };
        }
    }
  }
  facts.lastEventAt = events.length > 0 && withTimes ? at : undefined;
  return facts;
}

function readClose(event: HistoryEvent, eventId: number, at: number): RunClose {
  const type = event.eventType ?? '';
  const a = ((event as Record<string, unknown>)[
    `${type.charAt(0).toLowerCase()}${type.slice(1)}EventAttributes`
  ] ?? {}) as Record<string, unknown>;
  const text = (key: string) => (typeof a[key] === 'string' ? (a[key] as string) : undefined);
  return {
    eventType: type,
    eventId,
    at,
    result: text('result'),
    reason: text('reason'),
    details: text('details'),
    cause: text('cause'),
    timeoutType: text('timeoutType'),
    newExecutionRunId: text('newExecutionRunId'),
  };
}
