import { backoffDelay, sleep } from './backoff.js';
import { canStartPoll, type Deadline, type PollBudget } from './deadline.js';
import { errorName, isTransient } from './errors.js';
import type { WorkerTelemetry } from './telemetry.js';

/** What both pollers are configured with. */
export interface PollerOptions {
  swf: import('@aws-sdk/client-swf').SWFClient;
  catalog: import('../workflow/module.js').Catalog;
  domain: string;
  taskList: string;
  identity: string;
  deadline: Deadline;
  telemetry: WorkerTelemetry;
  signal?: AbortSignal;
  /** The service's long-poll hold (60 s on SWF; swf-local's --poll-hold). */
  pollHoldMs?: number;
  marginMs?: number;
  maxTasks?: number;
  /** See `PollLoopOptions.pollWindowMs`. */
  pollWindowMs?: number;
}

export type ExitReason = 'deadline' | 'window' | 'stopped' | 'maxTasks';

export interface LoopResult {
  exitReason: ExitReason;
  tasksHandled: number;
  emptyPolls: number;
  pollErrors: number;
}

export interface PollLoopOptions<Task> {
  /** What the loop polls for, used in logs. */
  kind: 'decision' | 'activity';
  deadline: Deadline;
  budget: PollBudget;
  telemetry: WorkerTelemetry;
  /** Fires to stop: the in-flight task is finished, no new poll starts, and a held poll is abandoned. */
  signal?: AbortSignal;
  /** Stop after this many tasks (tests, one-shot runs). */
  maxTasks?: number;
  /**
   * Start new polls only during this long after the loop began (the schedule's period). Invocations started
   * every minute then overlap only while finishing a task, so the schedule's targets set how many poll at once
   * even without reserved concurrency.
   */
  pollWindowMs?: number;
  /** Returns a task, or undefined for an empty poll. */
  poll(signal: AbortSignal): Promise<Task | undefined>;
  handle(task: Task): Promise<void>;
}

/**
 * The loop both pollers share: start a poll only when a task it returns can still be finished before the
 * deadline; back off with jitter on network and throttling errors; never let one bad task crash the loop.
 */
export async function runPollLoop<Task>(options: PollLoopOptions<Task>): Promise<LoopResult> {
  const { telemetry, signal } = options;
  const result: LoopResult = { exitReason: 'stopped', tasksHandled: 0, emptyPolls: 0, pollErrors: 0 };
  // Aborting a held poll on stop: swf-local never hands a task to a closed poll; on SWF a task handed out at
  // that instant is redelivered after its timeout. Lambda invocations stop by deadline, never by abort.
  const pollAbort = new AbortController();
  const onStop = () => pollAbort.abort();
  signal?.addEventListener('abort', onStop, { once: true });
  let consecutiveErrors = 0;
  const loopStarted = Date.now();
  try {
    for (;;) {
      if (signal?.aborted) {
        result.exitReason = 'stopped';
        break;
      }
      if (options.maxTasks !== undefined && result.tasksHandled >= options.maxTasks) {
        result.exitReason = 'maxTasks';
        break;
      }
      if (!canStartPoll(options.deadline, options.budget)) {
        result.exitReason = 'deadline';
        break;
      }
      if (options.pollWindowMs !== undefined && Date.now() - loopStarted >= options.pollWindowMs) {
        result.exitReason = 'window';
        break;
      }
      let task: Task | undefined;
      try {
        task = await options.poll(pollAbort.signal);
        consecutiveErrors = 0;
      } catch (error) {
        if (signal?.aborted) continue;
        result.pollErrors++;
        telemetry.count('PollErrors');
        const wait = backoffDelay(consecutiveErrors++, { baseMs: 250, maxMs: 20_000 });
        const log = isTransient(error) ? telemetry.warn : telemetry.error;
        log(`${options.kind} poll failed; retrying`, {
          error: errorName(error),
          message: (error as Error)?.message,
          retryInMs: wait,
        });
        await sleep(wait, signal);
        continue;
      }
      if (task === undefined) {
        result.emptyPolls++;
        telemetry.count('EmptyPolls');
        telemetry.flush();
        continue;
      }
      try {
        await options.handle(task);
      } catch (error) {
        // handle() reports its own failures; anything that still escapes must not end the loop.
        telemetry.error(`unexpected error handling a ${options.kind} task`, {
          error: errorName(error),
          message: (error as Error)?.message,
        });
      } finally {
        telemetry.resetKeys();
      }
      result.tasksHandled++;
      telemetry.count('TasksHandled');
      telemetry.flush();
    }
  } finally {
    signal?.removeEventListener('abort', onStop);
  }
  telemetry.count('LoopExits', 1, { reason: result.exitReason });
  telemetry.info(`${options.kind} loop stopped`, { ...result });
  telemetry.flush();
  return result;
}

/**
 * Calls `send` until it succeeds, is refused for good, or time runs out: used for responses, which must not be
 * lost to a network blip. Returns 'gone' when SWF no longer knows the task.
 */
export async function respondWithRetry(
  send: () => Promise<unknown>,
  options: { deadline: Deadline; telemetry: WorkerTelemetry; what: string; marginMs?: number },
): Promise<'sent' | 'gone' | 'failed'> {
  for (let attempt = 0; ; attempt++) {
    try {
      await send();
      return 'sent';
    } catch (error) {
      const name = errorName(error);
      if (name === 'UnknownResourceFault') {
        options.telemetry.warn(
          `${options.what}: the task is no longer ours (it timed out or the run closed)`,
          {
            error: name,
            message: (error as Error)?.message,
          },
        );
        return 'gone';
      }
      const wait = backoffDelay(attempt, { baseMs: 200, maxMs: 5_000 });
      if (
        !isTransient(error) ||
        attempt >= 8 ||
        options.deadline.remainingMs() < wait + (options.marginMs ?? 2_000)
      ) {
        options.telemetry.error(`${options.what} failed`, {
          error: name,
          message: (error as Error)?.message,
          attempts: attempt + 1,
        });
        return 'failed';
      }
      await sleep(wait);
    }
  }
}
