import { durationSeconds, type SwfDuration } from '../workflow/durations.js';
import { errorName, isGone } from './errors.js';
import type { WorkerTelemetry } from './telemetry.js';

/** SWF's limit on a heartbeat's details. */
export const HEARTBEAT_DETAILS_LIMIT = 2_048;

/**
 * Records one heartbeat with the service and returns its answer; throws what the service threw (an
 * `UnknownResourceFault` when the task timed out or its run closed). On SWF: RecordActivityTaskHeartbeat.
 */
export type HeartbeatSender = (details: string | undefined) => Promise<{ cancelRequested?: boolean }>;

/** The error an attempt's signal fires with: named AbortError, as `fetch` and the SDKs name theirs. */
export class CancelRequested extends Error {
  override name = 'AbortError';
}

/** Heartbeats and cancellation for one attempt: what the activity's context is built from. */
export interface AttemptControl {
  /** Records a heartbeat (details kept for the automatic beats); resolves even when the service is unreachable. */
  heartbeat(details?: string): Promise<void>;
  /** Fires when cancellation is requested, or when the task is no longer ours. */
  readonly signal: AbortSignal;
  /** Whether a heartbeat's answer asked for cancellation. */
  readonly cancelRequested: boolean;
  /** Whether the service said the task is no longer ours (it timed out, or its run closed). */
  readonly lost: boolean;
  /** Ends the automatic heartbeats. */
  stop(): void;
}

export interface AttemptControlOptions {
  /** How heartbeats reach the service; without one (a Lambda task) `heartbeat` does nothing and nothing fires. */
  send?: HeartbeatSender;
  /** The type's heartbeat timeout: when it is not NONE, a beat goes out every third of it on its own. */
  heartbeatTimeout: SwfDuration;
  telemetry: WorkerTelemetry;
}

/** A text cut to `limit` characters, saying so at its end. */
export function truncateText(text: string, limit: number): string {
  return text.length <= limit ? text : `${text.slice(0, limit - 14)}…[truncated]`;
}

/** Starts an attempt's heartbeats: a beat's answer may request cancellation, or say the task is lost. */
export function startAttemptControl(options: AttemptControlOptions): AttemptControl {
  const { send, telemetry } = options;
  const controller = new AbortController();
  let cancelRequested = false;
  let lost = false;
  let lastDetails: string | undefined;
  // Logged once per change of state, not on every failed beat.
  let failing = false;
  const heartbeat = async (details?: string): Promise<void> => {
    if (details !== undefined) lastDetails = truncateText(details, HEARTBEAT_DETAILS_LIMIT);
    if (!send || lost) return;
    try {
      const answer = await send(lastDetails);
      if (failing) {
        failing = false;
        telemetry.info('heartbeats recovered');
      }
      if (answer.cancelRequested && !cancelRequested) {
        cancelRequested = true;
        controller.abort(new CancelRequested('cancellation was requested'));
      }
    } catch (error) {
      if (isGone(error)) {
        lost = true;
        controller.abort(new CancelRequested('the task timed out or its run closed'));
        return;
      }
      if (!failing) telemetry.warn('heartbeat failed; will keep trying', { error: errorName(error) });
      failing = true;
    }
  };
  const seconds = durationSeconds(options.heartbeatTimeout);
  const ticker =
    send && Number.isFinite(seconds)
      ? setInterval(() => void heartbeat(), Math.max(250, (seconds * 1000) / 3))
      : undefined;
  return {
    heartbeat,
    signal: controller.signal,
    get cancelRequested() {
      return cancelRequested;
    },
    get lost() {
      return lost;
    },
    stop: () => {
      if (ticker) clearInterval(ticker);
    },
  };
}

/** Waits `ms`, waking early with the signal's reason when it fires. */
export function abortableSleep(signal: AbortSignal, ms: number): Promise<void> {
  return new Promise((resolve, reject) => {
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
  });
}

/** Whether a failure is the function giving up because of the abort (the reason itself, or an AbortError). */
export function stoppedByAbort(failure: unknown, signal: AbortSignal): boolean {
  return signal.aborted && (failure === signal.reason || (failure as Error)?.name === 'AbortError');
}
