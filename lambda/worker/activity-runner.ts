/**
 * Runs one attempt of a step, whoever delivered it: decode -> resolve payloads -> run (with heartbeats and
 * cancellation) -> outcome. Every stage returns a value, and nothing here reports to SWF: the activity poller
 * sends the outcome as a Respond call (activity-report.ts); a function SWF invokes as a Lambda task can run the
 * same pipeline with no heartbeat sender and answer with the outcome instead.
 */
import { jsonOrUndefined } from '../workflow/bounded-json.js';
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
import {
  type AttemptControl,
  abortableSleep,
  type HeartbeatSender,
  startAttemptControl,
  stoppedByAbort,
} from './activity-heartbeats.js';
import { ACTIVITY_PAYLOAD_BUDGET_CHARS, offloadValue, PayloadResolver } from './payload-codec.js';
import type { WorkerTelemetry } from './telemetry.js';

/** SWF's limit on an activity's result (and a Lambda task's), in characters. */
export const RESULT_LIMIT = 32_768;

/** How an attempt ended, for whoever reports it. */
export type ActivityOutcome =
  /** `result`: the JSON text to record (≤ RESULT_LIMIT), with large values stored and referenced. */
  | { kind: 'completed'; result: string }
  | ActivityFailed
  | { kind: 'canceled'; details: string }
  /** The task timed out or its run closed while it ran: nobody is listening, so nothing is reported. */
  | { kind: 'lost'; why: string };

/**
 * A failed attempt. `reason` is the error's name (what retry policies match), `details` says what went wrong
 * for people, and `nonRetryable` whether another attempt can help; the reporter fits them to its service.
 */
export interface ActivityFailed {
  kind: 'failed';
  reason: string;
  details: string;
  nonRetryable: boolean;
}

/** One attempt as delivered: a polled SWF activity task has this shape, and so can a Lambda task's event. */
export interface AttemptTask {
  activityType?: { name?: string; version?: string };
  activityId?: string;
  workflowExecution?: { workflowId?: string; runId?: string };
  /** The decider's JSON `{ input, previousResults, attempt }`, its large values as references. */
  input?: string;
}

export interface ActivityRunnerOptions {
  catalog: Catalog;
  ports: ActivityPorts;
  allowFailureInjection: boolean;
  telemetry: WorkerTelemetry;
  /** Where large payloads are: references are resolved from it, and a large result is stored in it. */
  payloads?: PayloadStore;
  offloadThreshold?: number;
  /** How heartbeats reach the service; absent where the attempt cannot heartbeat (a Lambda task). */
  heartbeat?: HeartbeatSender;
}

/** A stage's value, or the failure that ends the attempt there. */
type Staged<T> = { ok: true; value: T } | { ok: false; outcome: ActivityFailed };

/** How the activity function ended. */
type RunEnd = { returned: Json } | { threw: unknown };

/** A failed outcome. */
export function failed(failure: Omit<ActivityFailed, 'kind'>): ActivityFailed {
  return { kind: 'failed', ...failure };
}

/** Ends the attempt at this stage. */
const stopped = (failure: Omit<ActivityFailed, 'kind'>) => ({ ok: false, outcome: failed(failure) }) as const;

/** Finds the attempt's activity in the catalog and parses its input. */
export function decodeAttempt(
  task: AttemptTask,
  catalog: Catalog,
): Staged<{ type: ActivityType; payload: ActivityPayload }> {
  const type = catalog.activity(task.activityType?.name ?? '', task.activityType?.version ?? '');
  if (!type)
    return stopped({
      reason: 'UnknownActivityType',
      details: `This worker's catalog has no activity ${task.activityType?.name}@${task.activityType?.version}; deploy a worker that has it.`,
      // During a deploy another worker may have it: a retry can land there.
      nonRetryable: false,
    });
  const payload = jsonOrUndefined(task.input) as ActivityPayload | undefined;
  if (!payload || typeof payload !== 'object' || typeof payload.input !== 'object')
    return stopped({
      reason: 'InvalidActivityInput',
      details: 'The activity input is not the JSON { input, previousResults, attempt } the decider sends.',
      nonRetryable: true,
    });
  return { ok: true, value: { type, payload } };
}

/**
 * The payload with its references resolved (sizes and hashes checked), each body read once however often it is
 * referenced, and no more of them than an activity task's budget.
 */
export async function resolvePayloads(
  payload: ActivityPayload,
  store: PayloadStore | undefined,
): Promise<Staged<ActivityPayload>> {
  const resolver = new PayloadResolver(store, ACTIVITY_PAYLOAD_BUDGET_CHARS);
  try {
    const previous = Object.entries(payload.previousResults ?? {});
    const input = (await resolver.resolve(payload.input)) as ActivityPayload['input'];
    const previousResults = Object.fromEntries(
      await Promise.all(
        previous.map(async ([step, value]) => [step, await resolver.resolve(value)] as const),
      ),
    );
    return { ok: true, value: { ...payload, input, previousResults } };
  } catch (error) {
    // A missing, changed or foreign body stays so; a store that could not be reached may answer next time.
    const known = isNonRetryable(error);
    return stopped({
      reason: known ? (error as Error).name : 'PayloadUnreadable',
      details: (error as Error).message,
      nonRetryable: known,
    });
  }
}

/** The activity's context: who it runs for, its ports, and the attempt's heartbeats and cancellation. */
function contextFor(
  task: AttemptTask,
  payload: ActivityPayload,
  control: AttemptControl,
  options: ActivityRunnerOptions,
): ActivityContext {
  const execution = task.workflowExecution ?? {};
  return {
    attempt: payload.attempt,
    workflowId: execution.workflowId ?? '',
    runId: execution.runId ?? '',
    activityId: task.activityId ?? '',
    lineageId: typeof payload.lineageId === 'string' ? payload.lineageId : (execution.runId ?? ''),
    heartbeat: control.heartbeat,
    signal: control.signal,
    sleep: (ms) => abortableSleep(control.signal, ms),
    ports: options.ports,
    allowFailureInjection: options.allowFailureInjection,
  };
}

/** Runs the activity function, catching what it throws. */
async function runActivity(
  type: ActivityType,
  payload: ActivityPayload,
  context: ActivityContext,
): Promise<RunEnd> {
  try {
    return { returned: (await type.run(payload, context)) ?? null };
  } catch (error) {
    return { threw: error };
  }
}

/** The completed outcome: the result stored when it is large, refused when even its reference cannot fit. */
export async function storeResult(
  result: Json,
  options: { payloads?: PayloadStore; offloadThreshold?: number },
): Promise<ActivityOutcome> {
  let text: string;
  try {
    text = JSON.stringify(await offloadValue(options.payloads, result, options.offloadThreshold));
  } catch (error) {
    return failed({
      reason: 'PayloadStoreUnavailable',
      details: `Storing the result failed: ${(error as Error).message}`,
      nonRetryable: false,
    });
  }
  if (text.length > RESULT_LIMIT)
    return failed({
      reason: 'ResultTooLarge',
      details: `The result is ${text.length} characters; SWF accepts ${RESULT_LIMIT}. Store large data elsewhere and return a reference.`,
      nonRetryable: true,
    });
  return { kind: 'completed', result: text };
}

/** What the attempt's end means: lost, canceled, failed, or completed (its result stored if large). */
function outcomeOf(
  end: RunEnd,
  control: AttemptControl,
  options: ActivityRunnerOptions,
): Promise<ActivityOutcome> | ActivityOutcome {
  if (control.lost) return { kind: 'lost', why: 'the task timed out or its run closed while it ran' };
  if ('returned' in end) return storeResult(end.returned, options);
  // A function that returned did its work, cancel requested or not: it completes so the decider compensates
  // it. Only a function that stopped because of the abort is canceled.
  if (control.cancelRequested && stoppedByAbort(end.threw, control.signal))
    return { kind: 'canceled', details: 'canceled by request' };
  const error = end.threw;
  return failed({
    reason: error instanceof Error ? error.name : 'Error',
    details: error instanceof Error ? error.message : String(error),
    nonRetryable: isNonRetryable(error),
  });
}

/** Runs one attempt through the pipeline and returns how it ended; reporting it is the caller's step. */
export async function runAttempt(
  task: AttemptTask,
  options: ActivityRunnerOptions,
): Promise<ActivityOutcome> {
  const { telemetry } = options;
  telemetry.appendKeys({
    workflowId: task.workflowExecution?.workflowId,
    runId: task.workflowExecution?.runId,
    activityId: task.activityId,
  });
  const decoded = decodeAttempt(task, options.catalog);
  if (!decoded.ok) return decoded.outcome;
  const { type } = decoded.value;
  telemetry.appendKeys({ attempt: decoded.value.payload.attempt, activity: type.name });
  const resolved = await resolvePayloads(decoded.value.payload, options.payloads);
  if (!resolved.ok) return resolved.outcome;
  const control = startAttemptControl({
    send: options.heartbeat,
    heartbeatTimeout: type.timeouts.heartbeat,
    telemetry,
  });
  let end: RunEnd;
  try {
    end = await runActivity(type, resolved.value, contextFor(task, resolved.value, control, options));
  } finally {
    control.stop();
  }
  return outcomeOf(end, control, options);
}
