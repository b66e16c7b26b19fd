import { randomBytes } from 'node:crypto';
import { type Clock, DeadlineScheduler } from '../clock.js';
import { SwfFault } from '../protocol/faults.js';
import type { ChangeSet, Store } from '../store/store.js';
import { nextDeadline } from './deadlines.js';
import type {
  ActivityTaskRecord,
  DomainRecord,
  EventRecord,
  ExecutionRecord,
  TypeKind,
  TypeRecord,
} from './records.js';
import { RegistryState } from './registry-state.js';
import { Runs } from './runs.js';
import { priorityOf, type QueuedTask, queueKey, type TaskKind, TaskQueues } from './task-queues.js';
import { TokenSigner } from './tokens.js';

export { seconds } from './deadlines.js';
export type { QueuedTask, TaskKind } from './task-queues.js';

const lcFirst = (text: string) => text.charAt(0).toLowerCase() + text.slice(1);

/** How long a deadline waits before it is tried again when the store could not take its changes. */
export const DEADLINE_RETRY_MS = 1_000;

/**
 * The server's state and the one way to change it: `transaction`. Work runs against memory while every change
 * is noted (rows of runs, registry entries, task-list moves); then the store commits it in one transaction, and
 * only then are task lists, long polls and deadlines told. If anything throws, before or during the commit,
 * the registry changes are undone and every run the work touched is read back from the store: memory and disk
 * agree, nothing was published, and a task token used by the failed request still works.
 */
export class Core {
  readonly registry = new RegistryState();
  readonly runs: Runs;
  readonly queues = new TaskQueues();
  readonly scheduler: DeadlineScheduler;
  private readonly tokens: TokenSigner;
  private active = false;
  /** The last `queuedOrder` given out. It starts at the clock's reading, so it also grows across restarts. */
  private order = 0;
  private after: (() => void)[] = [];
  /** Set by the engine: processes an execution's due timeouts. */
  onDeadline: (execution: ExecutionRecord) => void = () => {};
  /** Set by the server: hears about a deadline whose changes the store refused (it is retried). */
  onDeadlineFault: (error: unknown) => void = () => {};

  constructor(
    readonly clock: Clock,
    readonly store: Store,
    readonly region = 'us-east-1',
    readonly accountId = '000000000000',
  ) {
    this.runs = new Runs(store);
    this.scheduler = new DeadlineScheduler(clock, (runId) => this.fireDeadline(runId));
    const state = store.load();
    const secret = state.secret ? Buffer.from(state.secret, 'base64') : randomBytes(32);
    if (!state.secret) store.saveSecret(secret.toString('base64'));
    this.tokens = new TokenSigner(secret);
    this.registry.load(state.domains, state.types);
    this.runs.load(state.openExecutions);
    // Rebuild task lists in the order tasks were scheduled (priority first), then re-arm every deadline.
    const pending: { at: number; key: string; task: QueuedTask; priority: number }[] = [];
    for (const execution of state.openExecutions) {
      if (execution.decision.state === 'scheduled') {
        pending.push({
          at: execution.decision.queuedOrder ?? execution.decision.scheduledAt,
          key: queueKey('decision', execution.domain, execution.decision.taskList),
          task: { runId: execution.runId, scheduledEventId: execution.decision.scheduledEventId },
          priority: priorityOf(execution.taskPriority),
        });
      }
      for (const activity of Object.values(execution.activities)) {
        if (activity.status !== 'scheduled') continue;
        pending.push({
          at: activity.queuedOrder ?? activity.scheduledAt,
          key: queueKey('activity', execution.domain, activity.taskList),
          task: { runId: execution.runId, scheduledEventId: activity.scheduledEventId },
          priority: priorityOf(activity.taskPriority),
        });
      }
    }
    pending.sort((a, b) => a.at - b.at);
    for (const p of pending) this.queues.add(p.key, p.task, p.priority);
    this.order = pending.reduce((max, p) => Math.max(max, p.at), this.clock.now());
  }

  /** Re-arms every open execution's deadline; timeouts that fell due while the server was down fire now. */
  armDeadlines(): void {
    for (const execution of this.runs.values()) this.refreshDeadline(execution);
  }

  /** A deadline fell due: its changes are one transaction; if the store refuses them, it is tried again later. */
  private fireDeadline(runId: string): void {
    try {
      const events = this.runs.get(runId)?.eventCount;
      this.transaction(() => {
        const execution = this.runs.get(runId);
        if (execution) this.onDeadline(execution);
      });
      // Woken early (a heartbeat moved the deadline later without saying so), nothing fired and the commit
      // re-armed nothing: sleep until the real deadline. (When something fired, the commit re-armed it.)
      const execution = this.runs.get(runId);
      if (execution && execution.eventCount === events) this.refreshDeadline(execution);
    } catch (error) {
      this.onDeadlineFault(error);
      this.scheduler.set(runId, this.clock.now() + DEADLINE_RETRY_MS);
    }
  }

  /** Runs `work` as one transaction (see the class comment). Nested calls join the outer one. */
  transaction<T>(work: () => T): T {
    if (this.active) return work();
    this.active = true;
    this.registry.begin();
    this.runs.begin();
    let result: T;
    try {
      result = work();
      const changes: ChangeSet = { ...this.registry.pending(), ...this.runs.pending() };
      // Reads and empty polls change nothing: no transaction at all.
      if (
        changes.domains.length + changes.types.length + changes.deletedTypes.length + changes.runs.length >
        0
      ) {
        this.store.commit(changes);
      }
    } catch (error) {
      try {
        this.registry.rollback();
        this.runs.rollback();
      } finally {
        this.after = [];
        this.active = false;
      }
      throw error;
    }
    const after = this.after;
    this.after = [];
    this.active = false;
    this.registry.committed();
    for (const { execution, isNew, row } of this.runs.committed()) {
      if (execution.status !== 'OPEN') this.scheduler.set(execution.runId, undefined);
      // A change to an activity alone (a heartbeat) only moves deadlines later: an early wake-up is harmless,
      // and skipping the walk over every open activity keeps a heartbeat's cost flat.
      else if (isNew || row) this.refreshDeadline(execution);
    }
    for (const publish of after) publish();
    return result;
  }

  /** Runs `action` once the transaction committed (task lists and long polls only learn committed facts). */
  afterCommit(action: () => void): void {
    if (!this.active) action();
    else this.after.push(action);
  }

  /**
   * Forgets closed runs older than their domain's retention period, as SWF does ("NONE" keeps them;
   * 0 days means as soon as they close). Returns how many were purged.
   */
  purgeExpired(): number {
    const retention = new Map<string, number>();
    for (const domain of this.registry.domains()) {
      if (domain.retentionDays !== 'NONE')
        retention.set(domain.name, Number(domain.retentionDays) * 86_400_000);
    }
    return this.store.purge(this.clock.now(), retention);
  }

  touch(execution: ExecutionRecord): void {
    this.runs.touch(execution);
  }

  /** A registered domain (deprecated ones too); UnknownResourceFault otherwise. */
  domain(name: string): DomainRecord {
    return this.registry.domain(name);
  }

  type(domain: string, kind: TypeKind, name: string, version: string): TypeRecord | undefined {
    return this.registry.type(domain, kind, name, version);
  }

  domainArn(name: string): string {
    return `arn:aws:swf:${this.region}:${this.accountId}:/domain/${name}`;
  }

  openExecution(domain: string, workflowId: string): ExecutionRecord | undefined {
    return this.runs.openFor(domain, workflowId);
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
    this.runs.appendEvent(execution, event);
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
      queuedOrder: this.nextOrder(),
      startedEventId: 0,
      startedAt: 0,
      needsAnother: false,
      nonce: '',
      taskList: execution.taskList,
    };
    this.enqueue(
      'decision',
      execution.domain,
      execution.taskList,
      { runId: execution.runId, scheduledEventId },
      execution.taskPriority,
    );
  }

  /** The next place in the server-wide order of scheduled tasks. */
  nextOrder(): number {
    this.order += 1;
    return this.order;
  }

  /** Puts a task on its task list once the transaction commits (a waiting long poll gets it then). */
  enqueue(kind: TaskKind, domain: string, taskList: string, task: QueuedTask, priority?: string): void {
    this.afterCommit(() => this.queues.add(queueKey(kind, domain, taskList), task, priorityOf(priority)));
  }

  dequeue(kind: TaskKind, domain: string, taskList: string, task: QueuedTask): void {
    this.afterCommit(() => this.queues.remove(queueKey(kind, domain, taskList), task));
  }

  /** Forgets an activity task: off its task list if not yet handed out, and out of the run's open activities. */
  dropActivity(execution: ExecutionRecord, activity: ActivityTaskRecord): void {
    if (activity.status === 'scheduled') {
      this.dequeue('activity', execution.domain, activity.taskList, {
        runId: execution.runId,
        scheduledEventId: activity.scheduledEventId,
      });
    }
    this.runs.deleteActivity(execution, activity.scheduledEventId);
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

function dropUndefined(attributes: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(attributes)) if (value !== undefined) out[key] = value;
  return out;
}

export { SwfFault };
