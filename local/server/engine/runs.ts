import type { RunChange, Store } from '../store/store.js';
import type {
  ActivityTaskRecord,
  ChildRecord,
  EventRecord,
  ExecutionRecord,
  TimerRecord,
} from './records.js';
import { noTimers, setTimer } from './records.js';

/** What the current transaction did to runs: row-grained changes, new events, and how to take them back. */
interface RunTransaction {
  changes: Map<string, RunChange>;
  events: { runId: string; event: EventRecord }[];
  /** Every open run this transaction looked at: on failure each is read back as committed. */
  accessed: Set<string>;
  /** History lengths before the transaction appended to them. */
  lengths: Map<string, number>;
}

const openKey = (domain: string, workflowId: string) => `${domain}|${workflowId}`;

/**
 * The execution store: open runs in memory (whole), closed runs on disk, histories of open runs cached. Every
 * change goes through its methods, so a transaction knows which rows to write and, if it fails, which runs to
 * read back from the store: a failed request leaves memory equal to what is on disk.
 */
export class Runs {
  private readonly open = new Map<string, ExecutionRecord>();
  private readonly byWorkflowId = new Map<string, string>();
  private readonly histories = new Map<string, EventRecord[]>();
  private tx: RunTransaction | undefined;

  constructor(private readonly store: Store) {}

  /** Open runs as loaded at startup. */
  load(executions: readonly ExecutionRecord[]): void {
    for (const execution of executions) this.publish(execution);
  }

  begin(): void {
    this.tx = { changes: new Map(), events: [], accessed: new Set(), lengths: new Map() };
  }

  /** The transaction's writes, for the store. */
  pending(): { runs: RunChange[]; events: { runId: string; event: EventRecord }[] } {
    const tx = this.current;
    return { runs: [...tx.changes.values()], events: tx.events };
  }

  /** After the commit: closed runs leave memory (queries read them from disk). Returns the runs that changed. */
  committed(): RunChange[] {
    const changes = [...this.current.changes.values()];
    this.tx = undefined;
    for (const { execution } of changes) {
      if (execution.status !== 'CLOSED') continue;
      this.open.delete(execution.runId);
      this.histories.delete(execution.runId);
    }
    return changes;
  }

  /** After a failure: every run the transaction touched is read back as committed; new runs vanish. */
  rollback(): void {
    const tx = this.current;
    this.tx = undefined;
    // Read everything back first: if the disk cannot be read either, memory is left as it was, not half swapped.
    const stored = [...tx.accessed].map((runId) => [runId, this.store.loadRun(runId)] as const);
    for (const [runId, length] of tx.lengths) {
      const history = this.histories.get(runId);
      if (history) history.length = length;
    }
    for (const [runId] of stored) {
      const execution = this.open.get(runId);
      if (execution && this.byWorkflowId.get(openKey(execution.domain, execution.workflowId)) === runId)
        this.byWorkflowId.delete(openKey(execution.domain, execution.workflowId));
      this.open.delete(runId);
    }
    for (const [runId, execution] of stored) {
      if (execution?.status === 'OPEN') this.publish(execution);
      else this.histories.delete(runId);
    }
  }

  private publish(execution: ExecutionRecord): void {
    this.open.set(execution.runId, execution);
    this.byWorkflowId.set(openKey(execution.domain, execution.workflowId), execution.runId);
  }

  private get current(): RunTransaction {
    if (!this.tx) throw new Error('state changed outside a transaction');
    return this.tx;
  }

  private seen(execution: ExecutionRecord): ExecutionRecord {
    this.tx?.accessed.add(execution.runId);
    return execution;
  }

  /** An open run. */
  get(runId: string): ExecutionRecord | undefined {
    const execution = this.open.get(runId);
    return execution && this.seen(execution);
  }

  /** The open run of a workflowId. */
  openFor(domain: string, workflowId: string): ExecutionRecord | undefined {
    const runId = this.byWorkflowId.get(openKey(domain, workflowId));
    return runId === undefined ? undefined : this.get(runId);
  }

  /** Any run, open (live) or closed (a read-only copy from disk). */
  find(runId: string): ExecutionRecord | undefined {
    return this.get(runId) ?? this.store.loadRun(runId);
  }

  /** Open runs (for queries: do not change them). */
  values(): IterableIterator<ExecutionRecord> {
    return this.open.values();
  }

  get openCount(): number {
    return this.open.size;
  }

  /** A run's history: cached while the run is open, read from disk once it closed. */
  history(runId: string): EventRecord[] {
    const cached = this.histories.get(runId);
    if (cached) return cached;
    const events = this.store.events(runId);
    if (this.open.has(runId)) this.histories.set(runId, events);
    return events;
  }

  add(execution: ExecutionRecord): void {
    this.seen(execution);
    this.publish(execution);
    this.histories.set(execution.runId, []);
    this.change(execution).isNew = true;
  }

  appendEvent(execution: ExecutionRecord, event: EventRecord): void {
    const history = this.history(execution.runId);
    const tx = this.current;
    if (!tx.lengths.has(execution.runId)) tx.lengths.set(execution.runId, history.length);
    history.push(event);
    tx.events.push({ runId: execution.runId, event });
    this.touch(execution);
  }

  /** The run's own fields changed. */
  touch(execution: ExecutionRecord): void {
    this.change(execution).row = true;
  }

  /** The run no longer holds its workflowId (it closed). */
  release(execution: ExecutionRecord): void {
    const key = openKey(execution.domain, execution.workflowId);
    if (this.byWorkflowId.get(key) === execution.runId) this.byWorkflowId.delete(key);
    this.touch(execution);
  }

  putActivity(execution: ExecutionRecord, activity: ActivityTaskRecord): void {
    execution.activities[String(activity.scheduledEventId)] = activity;
    this.activityChanged(execution, activity);
  }

  /** An activity's own state changed (started, heartbeat, cancel requested): its row only. */
  activityChanged(execution: ExecutionRecord, activity: ActivityTaskRecord): void {
    this.change(execution).activities.add(String(activity.scheduledEventId));
  }

  deleteActivity(execution: ExecutionRecord, scheduledEventId: number): void {
    delete execution.activities[String(scheduledEventId)];
    this.change(execution).activities.add(String(scheduledEventId));
  }

  putTimer(execution: ExecutionRecord, timer: TimerRecord): void {
    setTimer(execution, timer);
    this.change(execution).timers.add(timer.timerId);
  }

  deleteTimer(execution: ExecutionRecord, timerId: string): void {
    delete execution.timers[timerId];
    this.change(execution).timers.add(timerId);
  }

  putChild(execution: ExecutionRecord, child: ChildRecord): void {
    execution.children[String(child.initiatedEventId)] = child;
    this.change(execution).children.add(String(child.initiatedEventId));
  }

  deleteChild(execution: ExecutionRecord, initiatedEventId: number): void {
    delete execution.children[String(initiatedEventId)];
    this.change(execution).children.add(String(initiatedEventId));
  }

  /** A closing run lets go of every activity, timer and child row it had. */
  clearOpenItems(execution: ExecutionRecord, children: boolean): void {
    const change = this.change(execution);
    for (const key of Object.keys(execution.activities)) change.activities.add(key);
    for (const key of Object.keys(execution.timers)) change.timers.add(key);
    execution.activities = {};
    execution.timers = noTimers();
    if (children) {
      for (const key of Object.keys(execution.children)) change.children.add(key);
      execution.children = {};
    }
  }

  private change(execution: ExecutionRecord): RunChange {
    this.seen(execution);
    const changes = this.current.changes;
    let change = changes.get(execution.runId);
    if (!change) {
      change = {
        execution,
        isNew: false,
        row: false,
        activities: new Set(),
        timers: new Set(),
        children: new Set(),
      };
      changes.set(execution.runId, change);
    }
    return change;
  }
}
