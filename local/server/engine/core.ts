import { randomBytes } from 'node:crypto';
import { type Clock, DeadlineScheduler } from '../clock.js';
import { SwfFault, unknownDomain } from '../protocol/faults.js';
import type { ChangeSet, Store } from '../store/store.js';
import { nextDeadline } from './deadlines.js';

export { seconds } from './deadlines.js';

import type {
  ActivityTaskRecord,
  DomainRecord,
  EventRecord,
  ExecutionRecord,
  TypeKind,
  TypeRecord,
} from './records.js';
import { TokenSigner } from './tokens.js';

export type TaskKind = 'decision' | 'activity';

/** A task waiting in a task list: a decision task of an execution, or one activity task. */
export interface QueuedTask {
  runId: string;
  scheduledEventId: number;
}

/** A long poll waiting for a task. `take` hands it one; `isGone` tells if its connection already closed. */
export interface Waiter {
  isGone(): boolean;
  take(task: QueuedTask): void;
}

const lcFirst = (text: string) => text.charAt(0).toLowerCase() + text.slice(1);

/**
 * The server's state and the mechanics every operation shares: change tracking (one store transaction per
 * request), history events, decision-task scheduling, task queues, long-poll waiters, deadlines and tokens.
 */
export class Core {
  readonly domains = new Map<string, DomainRecord>();
  readonly types = new Map<string, TypeRecord>();
  readonly executions = new Map<string, ExecutionRecord>();
  /** Open executions by `domain|workflowId`. */
  readonly openByWorkflowId = new Map<string, string>();
  readonly events = new Map<string, EventRecord[]>();
  readonly queues = new Map<string, Map<string, QueuedTask>>();
  readonly waiters = new Map<string, Waiter[]>();
  readonly scheduler: DeadlineScheduler;
  private readonly tokens: TokenSigner;
  private changes: ChangeSet | undefined;
  private dirtyExecutions = new Set<ExecutionRecord>();
  /** Set by the engine: processes an execution's due timeouts. */
  onDeadline: (execution: ExecutionRecord) => void = () => {};

  constructor(
    readonly clock: Clock,
    readonly store: Store,
    readonly region = 'us-east-1',
    readonly accountId = '000000000000',
  ) {
    this.scheduler = new DeadlineScheduler(clock, (runId) => {
      const execution = this.executions.get(runId);
      if (execution?.status !== 'OPEN') return;
      this.transaction(() => this.onDeadline(execution));
    });
    const state = store.load();
    const secret = state.secret ? Buffer.from(state.secret, 'base64') : randomBytes(32);
    if (!state.secret) store.saveSecret(secret.toString('base64'));
    this.tokens = new TokenSigner(secret);
    for (const domain of state.domains) this.domains.set(domain.name, domain);
    for (const type of state.types)
      this.types.set(typeKey(type.domain, type.kind, type.name, type.version), type);
    for (const [runId, list] of state.events) this.events.set(runId, list);
    for (const execution of state.executions) {
      this.executions.set(execution.runId, execution);
      if (execution.status === 'OPEN')
        this.openByWorkflowId.set(`${execution.domain}|${execution.workflowId}`, execution.runId);
    }
    // Rebuild task lists in the order tasks were scheduled, then re-arm every deadline.
    const pending: { at: number; kind: TaskKind; domain: string; taskList: string; task: QueuedTask }[] = [];
    for (const execution of this.executions.values()) {
      if (execution.status !== 'OPEN') continue;
      if (execution.decision.state === 'scheduled') {
        pending.push({
          at: execution.decision.scheduledAt,
          kind: 'decision',
          domain: execution.domain,
          taskList: execution.decision.taskList,
          task: { runId: execution.runId, scheduledEventId: execution.decision.scheduledEventId },
        });
      }
      for (const activity of Object.values(execution.activities)) {
        if (activity.status !== 'scheduled') continue;
        pending.push({
          at: activity.scheduledAt,
          kind: 'activity',
          domain: execution.domain,
          taskList: activity.taskList,
          task: { runId: execution.runId, scheduledEventId: activity.scheduledEventId },
        });
      }
    }
    pending.sort((a, b) => a.at - b.at);
    for (const p of pending) this.queueFor(p.kind, p.domain, p.taskList).set(taskKey(p.task), p.task);
  }

  /** Re-arms every open execution's deadline; timeouts that fell due while the server was down fire now. */
  armDeadlines(): void {
    for (const execution of this.executions.values()) {
      if (execution.status === 'OPEN') this.refreshDeadline(execution);
    }
  }

  /** Runs `work` with change tracking; commits everything it changed in one store transaction. */
  transaction<T>(work: () => T): T {
    if (this.changes) return work();
    this.changes = { domains: [], types: [], deletedTypes: [], executions: [], events: [], purgedRuns: [] };
    try {
      const result = work();
      for (const execution of this.dirtyExecutions) {
        this.changes.executions.push(execution);
        if (execution.status === 'OPEN') this.refreshDeadline(execution);
        else this.scheduler.set(execution.runId, undefined);
      }
      const c = this.changes;
      // Reads and empty polls change nothing: no transaction at all.
      if (
        c.domains.length +
          c.types.length +
          c.deletedTypes.length +
          c.executions.length +
          c.events.length +
          c.purgedRuns.length >
        0
      ) {
        this.store.commit(c);
      }
      return result;
    } finally {
      this.changes = undefined;
      this.dirtyExecutions = new Set();
    }
  }

  private get tx(): ChangeSet {
    if (!this.changes) throw new Error('state changed outside a transaction');
    return this.changes;
  }

  saveDomain(domain: DomainRecord): void {
    this.domains.set(domain.name, domain);
    this.tx.domains.push(domain);
  }

  saveType(type: TypeRecord): void {
    this.types.set(typeKey(type.domain, type.kind, type.name, type.version), type);
    this.tx.types.push(type);
  }

  deleteType(type: TypeRecord): void {
    this.types.delete(typeKey(type.domain, type.kind, type.name, type.version));
    this.tx.deletedTypes.push(type);
  }

  /**
   * Forgets closed runs older than their domain's retention period, as SWF does ("NONE" keeps them;
   * 0 days means as soon as they close). Returns how many were purged.
   */
  purgeExpired(): number {
    const now = this.clock.now();
    const purged: string[] = [];
    for (const execution of this.executions.values()) {
      if (execution.status !== 'CLOSED' || execution.closeTimestamp === undefined) continue;
      const retention = this.domains.get(execution.domain)?.retentionDays;
      if (retention === undefined || retention === 'NONE') continue;
      if (now - execution.closeTimestamp >= Number(retention) * 86_400_000) purged.push(execution.runId);
    }
    if (purged.length === 0) return 0;
    this.transaction(() => {
      for (const runId of purged) {
        this.executions.delete(runId);
        this.events.delete(runId);
        this.tx.purgedRuns.push(runId);
      }
    });
    return purged.length;
  }

  touch(execution: ExecutionRecord): void {
    this.dirtyExecutions.add(execution);
  }

  /** A registered domain (deprecated ones too); UnknownResourceFault otherwise. */
  domain(name: string): DomainRecord {
    const domain = this.domains.get(name);
    if (!domain) throw unknownDomain(name);
    return domain;
  }

  type(domain: string, kind: TypeKind, name: string, version: string): TypeRecord | undefined {
    return this.types.get(typeKey(domain, kind, name, version));
  }

  domainArn(name: string): string {
    return `arn:aws:swf:${this.region}:${this.accountId}:/domain/${name}`;
  }

  openExecution(domain: string, workflowId: string): ExecutionRecord | undefined {
    const runId = this.openByWorkflowId.get(`${domain}|${workflowId}`);
    return runId === undefined ? undefined : this.executions.get(runId);
  }

  /** Appends a history event and returns its id. */
  addEvent(execution: ExecutionRecord, eventType: string, attributes: Record<string, unknown>): number {
    execution.eventCount += 1;
    const event: EventRecord = {
      eventId: execution.eventCount,
      eventType,
      eventTimestamp: this.clock.now() / 1000,
      [`${lcFirst(eventType)}EventAttributes`]: dropUndefined(attributes),
    };
    let list = this.events.get(execution.runId);
    if (!list) {
      list = [];
      this.events.set(execution.runId, list);
    }
    list.push(event);
    this.tx.events.push({ runId: execution.runId, event });
    this.touch(execution);
    return event.eventId;
  }

  /**
   * Makes sure a decision task will see the latest events: schedules one if none is pending, or, while one
   * is running, marks that another is due when it completes (SWF keeps at most one open decision task).
   */
  scheduleDecision(execution: ExecutionRecord): void {
    if (execution.status !== 'OPEN') return;
    const decision = execution.decision;
    if (decision.state === 'scheduled') return;
    if (decision.state === 'started') {
      decision.needsAnother = true;
      this.touch(execution);
      return;
    }
    const scheduledEventId = this.addEvent(execution, 'DecisionTaskScheduled', {
      taskList: { name: execution.taskList },
      taskPriority: execution.taskPriority,
      startToCloseTimeout: execution.taskStartToCloseTimeout,
    });
    execution.decision = {
      state: 'scheduled',
      scheduledEventId,
      scheduledAt: this.clock.now(),
      startedEventId: 0,
      startedAt: 0,
      needsAnother: false,
      nonce: '',
      taskList: execution.taskList,
    };
    this.enqueue('decision', execution.domain, execution.taskList, {
      runId: execution.runId,
      scheduledEventId,
    });
  }

  /** Puts a task on its task list, or hands it straight to a waiting long poll. */
  enqueue(kind: TaskKind, domain: string, taskList: string, task: QueuedTask): void {
    const key = queueKey(kind, domain, taskList);
    const waiting = this.waiters.get(key);
    while (waiting && waiting.length > 0) {
      const waiter = waiting.shift() as Waiter;
      if (waiter.isGone()) continue;
      // Queue first so the waiter's take() finds it through the normal path.
      this.queueFor(kind, domain, taskList).set(taskKey(task), task);
      waiter.take(task);
      return;
    }
    this.queueFor(kind, domain, taskList).set(taskKey(task), task);
  }

  /** Forgets an activity task: off its task list if not yet handed out, and out of the run's open activities. */
  dropActivity(execution: ExecutionRecord, activity: ActivityTaskRecord): void {
    if (activity.status === 'scheduled') {
      this.dequeue('activity', execution.domain, activity.taskList, {
        runId: execution.runId,
        scheduledEventId: activity.scheduledEventId,
      });
    }
    delete execution.activities[String(activity.scheduledEventId)];
    this.touch(execution);
  }

  dequeue(kind: TaskKind, domain: string, taskList: string, task: QueuedTask): void {
    this.queues.get(queueKey(kind, domain, taskList))?.delete(taskKey(task));
  }

  queueFor(kind: TaskKind, domain: string, taskList: string): Map<string, QueuedTask> {
    const key = queueKey(kind, domain, taskList);
    let queue = this.queues.get(key);
    if (!queue) {
      queue = new Map();
      this.queues.set(key, queue);
    }
    return queue;
  }

  /** Re-computes when this execution next needs attention (its earliest timeout or timer). */
  refreshDeadline(execution: ExecutionRecord): void {
    this.scheduler.set(execution.runId, nextDeadline(execution));
  }

  newRunId(): string {
    return randomBytes(32).toString('base64url');
  }

  newNonce(): string {
    return randomBytes(9).toString('base64url');
  }

  /** An opaque, signed task token naming the execution, the task and its current hand-out. */
  taskToken(kind: TaskKind, runId: string, scheduledEventId: number, nonce: string): string {
    return this.tokens.taskToken(kind, runId, scheduledEventId, nonce);
  }

  readTaskToken(token: string) {
    return this.tokens.readTaskToken(token);
  }

  /** A signed page token that expires after 24 hours, as SWF's do. */
  pageToken(scope: string, payload: Record<string, unknown>): string {
    return this.tokens.pageToken(scope, payload, this.clock.now());
  }

  readPageToken(token: string, scope: string): Record<string, unknown> {
    return this.tokens.readPageToken(token, scope, this.clock.now());
  }
}

export const typeKey = (domain: string, kind: TypeKind, name: string, version: string) =>
  `${domain}|${kind}|${name}|${version}`;
export const queueKey = (kind: TaskKind, domain: string, taskList: string) => `${kind}|${domain}|${taskList}`;
export const taskKey = (task: QueuedTask) => `${task.runId}|${task.scheduledEventId}`;

function dropUndefined(attributes: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(attributes)) if (value !== undefined) out[key] = value;
  return out;
}

export { SwfFault };
