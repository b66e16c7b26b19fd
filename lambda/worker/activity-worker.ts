import * as S from '@aws-sdk/client-swf';
import { encodeFailureDetails } from '../decider/failure-details.js';
import { jsonOrUndefined } from '../workflow/bounded-json.js';
import { durationSeconds } from '../workflow/durations.js';
import { isNonRetryable } from '../workflow/errors.js';
import type { Catalog } from '../workflow/module.js';
import type { PayloadStore } from '../workflow/payloads.js';
import type {
  ActivityContext,
  ActivityPayload,
  ActivityPorts,
  ActivityType,
  Json,
} from '../workflow/types.js';
import { errorName, isGone } from './errors.js';
import { ACTIVITY_PAYLOAD_BUDGET_CHARS, offloadValue, PayloadResolver } from './payload-codec.js';
import { type LoopResult, type PollerOptions, respondWithRetry, runPollLoop } from './poll-loop.js';

export interface ActivityWorkerOptions extends PollerOptions {
  ports: ActivityPorts;
  allowFailureInjection: boolean;
  /**
   * Where payloads above the threshold are stored: references in an attempt's input are resolved before the
   * activity runs, and a larger result is stored and sent as a reference. Without one, nothing is offloaded.
   */
  payloads?: PayloadStore;
  offloadThreshold?: number;
}

type ActivityTask = S.PollForActivityTaskCommandOutput & { taskToken: string };

/** SWF's limits on a failure's reason and details, a result, and heartbeat details. */
const LIMITS = { reason: 256, details: 32_768, result: 32_768, heartbeat: 2_048 } as const;
/** Used when an activity's start-to-close timeout is "NONE": the longest a Lambda invocation may run. */
const UNBOUNDED_TASK_MS = 15 * 60_000;

/** The longest an activity task on this task list may run once received. */
export function activityBudgetMs(catalog: Catalog, taskList: string): number {
  const seconds = catalog
    .activityTypes()
    .filter((type) => type.taskList === taskList)
    .map((type) => durationSeconds(type.timeouts.startToClose));
  if (seconds.length === 0) return UNBOUNDED_TASK_MS;
  const longest = Math.max(...seconds);
  return Number.isFinite(longest) ? longest * 1000 : UNBOUNDED_TASK_MS;
}

class CancelRequested extends Error {
  override name = 'AbortError';
}

/** Whether a failure is the function giving up because of the abort (the reason itself, or an AbortError). */
function stoppedByAbort(failure: unknown, signal: AbortSignal): boolean {
  return signal.aborted && (failure === signal.reason || (failure as Error)?.name === 'AbortError');
}

function truncate(text: string, limit: number): string {
  return text.length <= limit ? text : `${text.slice(0, limit - 14)}…[truncated]`;
}

/**
 * Runs one activity task: finds its function in the catalog, runs it with heartbeats (automatic when the type
 * has a heartbeat timeout) and a cancellation signal, and responds completed, failed or canceled.
 */
export async function handleActivityTask(task: ActivityTask, options: ActivityWorkerOptions): Promise<void> {
  const { telemetry, swf } = options;
  const execution: Partial<S.WorkflowExecution> = task.workflowExecution ?? {};
  telemetry.appendKeys({
    workflowId: execution.workflowId,
    runId: execution.runId,
    activityId: task.activityId,
  });
  const respond = (send: () => Promise<unknown>, what: string) =>
    respondWithRetry(send, { deadline: options.deadline, telemetry, what });
  const fail = async (reason: string, message: string, nonRetryable = true) => {
    // Every failure says whether retrying can help; the worker's own refusals (unknown type, bad input) cannot.
    const details = encodeFailureDetails(message, nonRetryable, LIMITS.details);
    telemetry.count('ActivityFailures');
    telemetry.warn('activity failed', { reason });
    await respond(
      () =>
        swf.send(
          new S.RespondActivityTaskFailedCommand({
            taskToken: task.taskToken,
            reason: truncate(reason, LIMITS.reason),
            details,
          }),
        ),
      'RespondActivityTaskFailed',
    );
  };

  const type: ActivityType | undefined = options.catalog.activity(
    task.activityType?.name ?? '',
    task.activityType?.version ?? '',
  );
  if (!type) {
    return fail(
      'UnknownActivityType',
      `This worker's catalog has no activity ${task.activityType?.name}@${task.activityType?.version}; deploy a worker that has it.`,
      // During a deploy another worker may have it: a retry can land there.
      false,
    );
  }
  let payload: ActivityPayload;
  try {
    payload = jsonOrUndefined(task.input) as ActivityPayload;
    if (!payload || typeof payload !== 'object' || typeof payload.input !== 'object')
      throw new Error('not an activity payload');
  } catch {
    return fail(
      'InvalidActivityInput',
      'The activity input is not the JSON { input, previousResults, attempt } the decider sends.',
    );
  }
  telemetry.appendKeys({ attempt: payload.attempt, activity: type.name });
  try {
    // The decider passes references on; the activity sees the values (sizes and hashes checked), each body read
    // once however often it is referenced, and no more of them than the task's budget.
    const resolver = new PayloadResolver(options.payloads, ACTIVITY_PAYLOAD_BUDGET_CHARS);
    payload = {
      ...payload,
      input: (await resolver.resolve(payload.input)) as ActivityPayload['input'],
      previousResults: Object.fromEntries(
        await Promise.all(
          Object.entries(payload.previousResults ?? {}).map(
            async ([step, value]) => [step, await resolver.resolve(value)] as const,
          ),
        ),
      ),
    };
  } catch (error) {
    const known = isNonRetryable(error);
    return fail(
      known ? (error as Error).name : 'PayloadUnreadable',
      (error as Error).message,
      // A missing, changed or foreign body stays so; a store that could not be reached may answer next time.
      known,
    );
  }

  const controller = new AbortController();
  let cancelRequested = false;
  let gone = false;
  let lastDetails: string | undefined;
  // Logged once per change of state, not on every failed beat.
  let heartbeatFailing = false;
  const heartbeat = async (details?: string) => {
    if (details !== undefined) lastDetails = truncate(details, LIMITS.heartbeat);
    if (gone) return;
    try {
      const answer = await swf.send(
        new S.RecordActivityTaskHeartbeatCommand({ taskToken: task.taskToken, details: lastDetails }),
      );
      if (heartbeatFailing) {
        heartbeatFailing = false;
        telemetry.info('heartbeats recovered');
      }
      if (answer.cancelRequested && !cancelRequested) {
        cancelRequested = true;
        controller.abort(new CancelRequested('cancellation was requested'));
      }
    } catch (error) {
      if (isGone(error)) {
        gone = true;
        controller.abort(new CancelRequested('the task timed out or its run closed'));
      } else {
        if (!heartbeatFailing)
          telemetry.warn('heartbeat failed; will keep trying', { error: errorName(error) });
        heartbeatFailing = true;
      }
    }
  };
  const heartbeatSeconds = durationSeconds(type.timeouts.heartbeat);
  const ticker = Number.isFinite(heartbeatSeconds)
    ? setInterval(() => void heartbeat(), Math.max(250, (heartbeatSeconds * 1000) / 3))
    : undefined;
  const context: ActivityContext = {
    attempt: payload.attempt,
    workflowId: execution.workflowId ?? '',
    runId: execution.runId ?? '',
    activityId: task.activityId ?? '',
    lineageId: typeof payload.lineageId === 'string' ? payload.lineageId : (execution.runId ?? ''),
    heartbeat,
    signal: controller.signal,
    sleep: (ms) =>
      new Promise((resolve, reject) => {
        const signal = controller.signal;
        if (signal.aborted) return reject(signal.reason);
        const onAbort = () => {
          clearTimeout(timer);
          reject(signal.reason);
        };
        // A sleep that ends takes its listener with it: a long activity sleeps thousands of times.
        const timer = setTimeout(() => {
          signal.removeEventListener('abort', onAbort);
          resolve();
        }, ms);
        signal.addEventListener('abort', onAbort, { once: true });
      }),
    ports: options.ports,
    allowFailureInjection: options.allowFailureInjection,
  };

  let result: Json | undefined;
  let failure: unknown;
  try {
    result = (await type.run(payload, context)) ?? null;
  } catch (error) {
    failure = error;
  } finally {
    if (ticker) clearInterval(ticker);
  }

  if (gone) {
    telemetry.warn('the task was lost while it ran (timed out or its run closed); dropping its result');
    return;
  }
  // A function that returned did its work, cancel requested or not: report it completed so the decider
  // compensates it. Only a function that stopped because of the abort reports Canceled.
  if (failure !== undefined && cancelRequested && stoppedByAbort(failure, controller.signal)) {
    await respond(
      () =>
        swf.send(
          new S.RespondActivityTaskCanceledCommand({
            taskToken: task.taskToken,
            details: 'canceled by request',
          }),
        ),
      'RespondActivityTaskCanceled',
    );
    telemetry.info('activity canceled');
    return;
  }
  if (failure !== undefined) {
    const error = failure as Error;
    return fail(
      error instanceof Error ? error.name : 'Error',
      error instanceof Error ? error.message : String(failure),
      isNonRetryable(failure),
    );
  }
  let text: string;
  try {
    text = JSON.stringify(await offloadValue(options.payloads, result ?? null, options.offloadThreshold));
  } catch (error) {
    return fail('PayloadStoreUnavailable', `Storing the result failed: ${(error as Error).message}`, false);
  }
  if (text.length > LIMITS.result) {
    return fail(
      'ResultTooLarge',
      `The result is ${text.length} characters; SWF accepts ${LIMITS.result}. Store large data elsewhere and return a reference.`,
    );
  }
  await respond(
    () => swf.send(new S.RespondActivityTaskCompletedCommand({ taskToken: task.taskToken, result: text })),
    'RespondActivityTaskCompleted',
  );
  telemetry.info('activity completed');
}

/** The activity worker's poll loop, shared by the Lambda handler, `swfctl worker activity` and the local runtime. */
/** The ports some registered workflow module declares that the worker was not given. */
export function missingPorts(catalog: Catalog, ports: object): string[] {
  const needed = new Set(catalog.modules.flatMap((module) => module.ports));
  return [...needed].filter((name) => !(name in ports));
}

/**
 * Polls and runs activity tasks until the deadline or the stop signal. Refuses to start when a registered
 * workflow module needs a port the worker was not given (a misconfigured SWF_EFFECTS, say).
 */
export function runActivityWorker(options: ActivityWorkerOptions): Promise<LoopResult> {
  const missing = missingPorts(options.catalog, options.ports);
  if (missing.length > 0) {
    return Promise.reject(
      new Error(
        `The activity worker has no ${missing.join(', ')} port(s), which ${options.catalog.modules
          .filter((m) => m.ports.some((p) => missing.includes(p)))
          .map((m) => m.name)
          .join(', ')} need(s): check the effects configuration (SWF_EFFECTS)`,
      ),
    );
  }
  return runPollLoop<ActivityTask>({
    kind: 'activity',
    deadline: options.deadline,
    budget: {
      pollHoldMs: options.pollHoldMs ?? 60_000,
      taskBudgetMs: activityBudgetMs(options.catalog, options.taskList),
      marginMs: options.marginMs ?? 5_000,
    },
    telemetry: options.telemetry,
    signal: options.signal,
    maxTasks: options.maxTasks,
    pollWindowMs: options.pollWindowMs,
    poll: async (signal) => {
      const task = await options.swf.send(
        new S.PollForActivityTaskCommand({
          domain: options.domain,
          taskList: { name: options.taskList },
          identity: options.identity,
        }),
        { abortSignal: signal },
      );
      return task.taskToken ? (task as ActivityTask) : undefined;
    },
    handle: (task) => handleActivityTask(task, options),
  });
}
