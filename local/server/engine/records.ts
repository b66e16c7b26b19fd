/** The server's state, as persisted. Timestamps are epoch milliseconds; durations are SWF strings. */

export type RegistrationStatus = 'REGISTERED' | 'DEPRECATED';

export interface Tag {
  key: string;
  value?: string;
}

export interface DomainRecord {
  name: string;
  description?: string;
  status: RegistrationStatus;
  retentionDays: string;
  tags: Tag[];
}

export type TypeKind = 'activity' | 'workflow';

export interface TypeRecord {
  domain: string;
  kind: TypeKind;
  name: string;
  version: string;
  status: RegistrationStatus;
  description?: string;
  creationDate: number;
  deprecationDate?: number;
  /** The registered defaults, with SWF's member names (`defaultTaskList`, `defaultTaskStartToCloseTimeout`...). */
  configuration: Record<string, unknown>;
}

export interface ActivityTaskRecord {
  scheduledEventId: number;
  activityId: string;
  activityType: { name: string; version: string };
  input?: string;
  control?: string;
  taskList: string;
  taskPriority?: string;
  scheduleToStartTimeout: string;
  scheduleToCloseTimeout: string;
  startToCloseTimeout: string;
  heartbeatTimeout: string;
  status: 'scheduled' | 'started';
  scheduledAt: number;
  /** Server-wide order of scheduling: task lists hand out equal priorities first in, first out, across restarts. */
  queuedOrder?: number;
  startedAt?: number;
  startedEventId?: number;
  lastHeartbeatAt?: number;
  heartbeatDetails?: string;
  cancelRequested: boolean;
  latestCancelRequestedEventId?: number;
  /** Changes every time the task is handed out, so a stale token can never act on a newer attempt. */
  nonce: string;
}

export interface TimerRecord {
  timerId: string;
  startedEventId: number;
  fireAt: number;
}

export interface ChildRecord {
  initiatedEventId: number;
  workflowId: string;
  workflowType: { name: string; version: string };
  runId?: string;
  startedEventId?: number;
  control?: string;
}

export interface DecisionTaskState {
  state: 'none' | 'scheduled' | 'started';
  scheduledEventId: number;
  scheduledAt: number;
  /** As `ActivityTaskRecord.queuedOrder`. */
  queuedOrder?: number;
  startedEventId: number;
  startedAt: number;
  /** Events arrived while the task was started: one more decision task is due when it completes. */
  needsAnother: boolean;
  nonce: string;
  /** Set by a poll with a task-list override (not used by our deciders, kept for fidelity). */
  taskList: string;
}

export interface ExecutionRecord {
  domain: string;
  workflowId: string;
  runId: string;
  workflowType: { name: string; version: string };
  status: 'OPEN' | 'CLOSED';
  closeStatus?: 'COMPLETED' | 'FAILED' | 'CANCELED' | 'TERMINATED' | 'CONTINUED_AS_NEW' | 'TIMED_OUT';
  startTimestamp: number;
  closeTimestamp?: number;
  tagList: string[];
  input?: string;
  taskList: string;
  taskPriority?: string;
  executionStartToCloseTimeout: string;
  taskStartToCloseTimeout: string;
  childPolicy: string;
  lambdaRole?: string;
  cancelRequested: boolean;
  parent?: { workflowId: string; runId: string; initiatedEventId: number };
  latestActivityTaskTimestamp?: number;
  latestExecutionContext?: string;
  eventCount: number;
  previousStartedEventId: number;
  decision: DecisionTaskState;
  activities: Record<string, ActivityTaskRecord>;
  timers: Record<string, TimerRecord>;
  children: Record<string, ChildRecord>;
}

/** One history event in its wire form (timestamps in epoch seconds). */
export interface EventRecord {
  eventId: number;
  eventType: string;
  eventTimestamp: number;
  [attributes: string]: unknown;
}

/** A run's timers by id: an object without a prototype, so no user-chosen id can name an inherited member. */
export const noTimers = (): Record<string, TimerRecord> => Object.create(null);

/**
 * A run's open timer by the id the decider chose. Timer ids are user strings: `constructor`, `toString` or
 * `__proto__` must name a timer, never something on Object.prototype (reads check own properties, writes define one).
 */
export function timerOf(execution: ExecutionRecord, timerId: string): TimerRecord | undefined {
  return Object.hasOwn(execution.timers, timerId) ? execution.timers[timerId] : undefined;
}

export function setTimer(execution: ExecutionRecord, timer: TimerRecord): void {
  Object.defineProperty(execution.timers, timer.timerId, {
    value: timer,
    enumerable: true,
    writable: true,
    configurable: true,
  });
}
