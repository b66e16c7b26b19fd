/** How much time the current invocation has left. */
export interface Deadline {
  remainingMs(): number;
}

/** A worker process with no end (the CLI's `swfctl worker`). */
export const NO_DEADLINE: Deadline = { remainingMs: () => Number.POSITIVE_INFINITY };

/** A Lambda invocation's deadline, read from its context on every check. */
export function lambdaDeadline(context: { getRemainingTimeInMillis(): number }): Deadline {
  return { remainingMs: () => context.getRemainingTimeInMillis() };
}

export interface PollBudget {
  /** How long the service may hold the poll (SWF: 60 s). */
  pollHoldMs: number;
  /** The longest a task from this task list may take once received. */
  taskBudgetMs: number;
  /** Room for responding and flushing logs and metrics. */
  marginMs: number;
}

/**
 * A poll may start only if a task it returns can still be finished: the hold, the task and a margin must all
 * fit in the time left. Otherwise Lambda would freeze the sandbox with a task in hand, lost until it times out.
 */
export function canStartPoll(deadline: Deadline, budget: PollBudget): boolean {
  return deadline.remainingMs() > budget.pollHoldMs + budget.taskBudgetMs + budget.marginMs;
}
