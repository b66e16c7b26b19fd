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
}

export type TimerStatus = 'started' | 'fired' | 'canceled';

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
  /** Signals received, in order: a signal that arrives before its wait is reached is kept for it. */
  signals: { name: string; input: string | undefined; eventId: number }[];
  /** Decisions SWF refused; the workflow cannot make progress past them. */
  rejectedDecisions: { decision: string; id: string; cause: string }[];
  /** The latest close decision SWF refused, if the history ends with one. */
  lastCloseFailure?: { decision: string; cause: string };
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

/** Reads an execution's events (in any batching, oldest first) into the facts the decider works from. */
export function readHistory(events: readonly HistoryEvent[]): HistoryFacts {
  const start = events.find((event) => event.eventType === 'WorkflowExecutionStarted');
  const startAttributes = start?.workflowExecutionStartedEventAttributes;
  if (!startAttributes?.workflowType?.name || startAttributes.workflowType.version === undefined) {
    throw new MalformedHistoryError('The history has no WorkflowExecutionStarted event with a workflow type');
  }
  const facts: HistoryFacts = {
    workflowType: { name: startAttributes.workflowType.name, version: startAttributes.workflowType.version },
    input: startAttributes.input,
    cancelRequested: false,
    closed: false,
    attempts: new Map(),
    timers: new Map(),
    timersFiredAt: new Map(),
    signals: [],
    rejectedDecisions: [],
  };
  const byScheduledId = new Map<number, ActivityAttempt>();
  const byActivityId = new Map<string, ActivityAttempt>();
  // Attempt records get one fixed shape and are updated in place: histories reach 25,000 events.
  let eventId = 0;
  const closing = (
    scheduledEventId: number | undefined,
    status: ActivityStatus,
  ): ActivityAttempt | undefined => {
    const attempt = scheduledEventId === undefined ? undefined : byScheduledId.get(scheduledEventId);
    if (attempt) {
      attempt.status = status;
      attempt.closedEventId = eventId;
    }
    return attempt;
  };

  for (const event of events) {
    eventId = event.eventId ?? eventId + 1;
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
        if (attempt?.status === 'scheduled') attempt.status = 'started';
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
        });
        break;
      }
      case 'TimerStarted':
        setTimer(facts, event.timerStartedEventAttributes?.timerId, 'started');
        break;
      case 'TimerFired': {
        const timerId = event.timerFiredEventAttributes?.timerId;
        setTimer(facts, timerId, 'fired');
        if (timerId !== undefined) facts.timersFiredAt.set(timerId, eventId);
        break;
      }
      case 'TimerCanceled':
        setTimer(facts, event.timerCanceledEventAttributes?.timerId, 'canceled');
        break;
      case 'StartTimerFailed': {
        const attributes = event.startTimerFailedEventAttributes;
        facts.rejectedDecisions.push({
          decision: 'StartTimer',
          id: attributes?.timerId ?? '?',
          cause: attributes?.cause ?? 'UNKNOWN',
        });
        break;
      }
      case 'WorkflowExecutionCancelRequested':
        facts.cancelRequested = true;
        break;
      case 'WorkflowExecutionSignaled': {
        const attributes = event.workflowExecutionSignaledEventAttributes;
        facts.signals.push({ name: attributes?.signalName ?? '', input: attributes?.input, eventId });
        break;
      }
      case 'DecisionTaskCompleted':
        facts.lastCloseFailure = undefined;
        break;
      default:
        if (event.eventType && CLOSE_EVENTS.has(event.eventType)) facts.closed = true;
        if (event.eventType && event.eventType in CLOSE_FAILURES) {
          const decision = event.eventType as keyof typeof CLOSE_FAILURES;
          const cause =
            (event[CLOSE_FAILURES[decision]] as { cause?: string } | undefined)?.cause ?? 'UNKNOWN';
          facts.lastCloseFailure = { decision: decision.replace(/Failed$/, ''), cause };
        }
    }
  }
  return facts;
}

function setTimer(facts: HistoryFacts, timerId: string | undefined, status: TimerStatus): void {
  if (timerId !== undefined) facts.timers.set(timerId, status);
}
