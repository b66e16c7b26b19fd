export type TaskKind = 'decision' | 'activity';

/** A task waiting in a task list: a decision task of an execution, or one activity task. */
export interface QueuedTask {
  runId: string;
  scheduledEventId: number;
}

/** What a long poll did with the task it was offered. */
export type Offer = 'taken' | 'stale' | 'failed';

/** A long poll waiting for a task. `offer` tries to start the task (in its own transaction). */
export interface Waiter {
  isGone(): boolean;
  offer(task: QueuedTask): Offer;
}

export const queueKey = (kind: TaskKind, domain: string, taskList: string) => `${kind}|${domain}|${taskList}`;
export const taskKey = (task: QueuedTask) => `${task.runId}|${task.scheduledEventId}`;

/** SWF's task priority: an integer string, higher first; none given is 0. */
export function priorityOf(taskPriority: string | undefined): number {
  const value = taskPriority === undefined ? 0 : Number(taskPriority);
  return Number.isFinite(value) ? value : 0;
}

/**
 * One task list: tasks by priority (higher first, "Setting Task Priority" in the SWF guide), first in, first out
 * within a priority.
 */
class TaskList {
  /** Priorities present, highest first. */
  private priorities: number[] = [];
  private readonly byPriority = new Map<number, Map<string, QueuedTask>>();
  private readonly priorityOfTask = new Map<string, number>();

  get size(): number {
    return this.priorityOfTask.size;
  }

  add(task: QueuedTask, priority: number): void {
    const key = taskKey(task);
    if (this.priorityOfTask.has(key)) return;
    let tasks = this.byPriority.get(priority);
    if (!tasks) {
      tasks = new Map();
      this.byPriority.set(priority, tasks);
      const at = this.priorities.findIndex((p) => p < priority);
      this.priorities.splice(at < 0 ? this.priorities.length : at, 0, priority);
    }
    tasks.set(key, task);
    this.priorityOfTask.set(key, priority);
  }

  remove(task: QueuedTask): void {
    const key = taskKey(task);
    const priority = this.priorityOfTask.get(key);
    if (priority === undefined) return;
    this.priorityOfTask.delete(key);
    const tasks = this.byPriority.get(priority) as Map<string, QueuedTask>;
    tasks.delete(key);
    if (tasks.size === 0) {
      this.byPriority.delete(priority);
      this.priorities = this.priorities.filter((p) => p !== priority);
    }
  }

  first(): QueuedTask | undefined {
    const top = this.priorities[0];
    if (top === undefined) return undefined;
    return (this.byPriority.get(top) as Map<string, QueuedTask>).values().next().value;
  }

  /** Every task in delivery order (a copy: the caller may remove while it walks). */
  ordered(): QueuedTask[] {
    return this.priorities.flatMap((p) => [...(this.byPriority.get(p) as Map<string, QueuedTask>).values()]);
  }
}

/** The task lists of every domain, and the long polls waiting on them. */
export class TaskQueues {
  private readonly lists = new Map<string, TaskList>();
  private readonly waiters = new Map<string, Waiter[]>();

  private list(key: string): TaskList {
    let list = this.lists.get(key);
    if (!list) {
      list = new TaskList();
      this.lists.set(key, list);
    }
    return list;
  }

  /** Puts a task on its list, then offers it to the long polls waiting there. */
  add(key: string, task: QueuedTask, priority: number): void {
    this.list(key).add(task, priority);
    this.dispatch(key);
  }

  remove(key: string, task: QueuedTask): void {
    this.lists.get(key)?.remove(task);
  }

  size(key: string): number {
    return this.lists.get(key)?.size ?? 0;
  }

  /** The task a poll of this list gets next. */
  first(key: string): QueuedTask | undefined {
    return this.lists.get(key)?.first();
  }

  /** Every non-empty task list's tasks in delivery order, by list (for checks and tests). */
  snapshot(): Record<string, string[]> {
    const out: Record<string, string[]> = {};
    for (const [key, list] of [...this.lists].sort(([a], [b]) => (a < b ? -1 : 1))) {
      if (list.size > 0) out[key] = list.ordered().map(taskKey);
    }
    return out;
  }

  wait(key: string, waiter: Waiter): void {
    let list = this.waiters.get(key);
    if (!list) {
      list = [];
      this.waiters.set(key, list);
    }
    list.push(waiter);
  }

  stopWaiting(key: string, waiter: Waiter): void {
    const list = this.waiters.get(key);
    const index = list?.indexOf(waiter) ?? -1;
    if (list && index >= 0) list.splice(index, 1);
    if (list?.length === 0) this.waiters.delete(key);
  }

  /**
   * Hands queued tasks to waiting polls, best task to the longest waiter. A task that went stale is dropped; one
   * that could not be started (the store failed) stays queued for the next poll.
   */
  dispatch(key: string): void {
    const waiting = this.waiters.get(key);
    const list = this.lists.get(key);
    while (waiting && waiting.length > 0 && list && list.size > 0) {
      const waiter = waiting.shift() as Waiter;
      if (waiter.isGone()) continue;
      const task = list.first() as QueuedTask;
      const outcome = waiter.offer(task);
      if (outcome === 'failed') {
        waiting.unshift(waiter);
        return;
      }
      list.remove(task);
      if (outcome === 'stale') waiting.unshift(waiter);
    }
  }
}
