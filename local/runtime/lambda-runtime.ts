import { randomUUID } from 'node:crypto';

/** The Lambda context the handlers read, plus the local runtime's stop signal. */
export interface LocalLambdaContext {
  functionName: string;
  awsRequestId: string;
  getRemainingTimeInMillis(): number;
  abortSignal?: AbortSignal;
}

export interface ScheduledFunction {
  functionName: string;
  handler: (event: unknown, context: LocalLambdaContext) => Promise<unknown>;
  /** The function's timeout: each invocation's deadline. */
  timeoutMs: number;
  /** How many invocations may run at once (reserved concurrency). */
  concurrency: number;
}

export interface ScheduleOptions {
  /** EventBridge's rate: a tick starts invocations up to the concurrency. */
  rateMs: number;
  signal: AbortSignal;
  onInvocationEnd?: (
    functionName: string,
    outcome: { result?: unknown; error?: unknown; ms: number },
  ) => void;
}

/**
 * Runs a handler as an EventBridge schedule and Lambda would: on every tick, new invocations up to the
 * concurrency, each with its own request id and a deadline `timeoutMs` away. Resolves when `signal` fires and
 * every invocation has finished its in-flight task.
 */
export function runOnSchedule(fn: ScheduledFunction, options: ScheduleOptions): Promise<void> {
  const running = new Set<Promise<void>>();
  const invoke = () => {
    const started = Date.now();
    const deadline = started + fn.timeoutMs;
    const context: LocalLambdaContext = {
      functionName: fn.functionName,
      awsRequestId: randomUUID(),
      getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
      abortSignal: options.signal,
    };
    const event = {
      source: 'aws.events',
      'detail-type': 'Scheduled Event',
      time: new Date(started).toISOString(),
    };
    const invocation: Promise<void> = fn
      .handler(event, context)
      .then(
        (result) => options.onInvocationEnd?.(fn.functionName, { result, ms: Date.now() - started }),
        (error) => options.onInvocationEnd?.(fn.functionName, { error, ms: Date.now() - started }),
      )
      .finally(() => running.delete(invocation));
    running.add(invocation);
  };
  const tick = () => {
    if (options.signal.aborted) return;
    while (running.size < fn.concurrency) invoke();
  };
  tick();
  const timer = setInterval(tick, options.rateMs);
  return new Promise((resolve) => {
    const finish = async () => {
      clearInterval(timer);
      while (running.size > 0) await Promise.allSettled([...running]);
      resolve();
    };
    if (options.signal.aborted) void finish();
    else options.signal.addEventListener('abort', () => void finish(), { once: true });
  });
}
