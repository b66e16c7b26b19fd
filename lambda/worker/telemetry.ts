import { redactCardNumbers } from '../workflow/card-data.js';
import { redact } from './redact.js';

/** The metrics the poll loops publish (EMF through Powertools in Lambda). */
export type WorkerMetric =
  | 'TasksHandled'
  | 'EmptyPolls'
  | 'PollErrors'
  | 'ActivityFailures'
  | 'Retries'
  | 'CompensationsRun'
  | 'CompensationsFailed'
  | 'DecisionErrors'
  | 'LoopExits'
  | 'DecisionLatency';

/**
 * What the loops need to log and count, without depending on how: the handlers plug in Powertools' Logger
 * and Metrics, the CLI a console logger, the tests a recorder.
 */
export interface WorkerTelemetry {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
  /** Keys added to every log line until `resetKeys` (workflowId, runId, activityId, attempt). */
  appendKeys(keys: Record<string, unknown>): void;
  resetKeys(): void;
  /** Counts a metric; `dimensions` (e.g. `{ reason: 'deadline' }`) publish it on its own with them. */
  count(metric: WorkerMetric, value?: number, dimensions?: Record<string, string>): void;
  /** Milliseconds. */
  timing(metric: WorkerMetric, milliseconds: number): void;
  /** Publishes what was counted so far (called after each task, not only at the end). */
  flush(): void;
}

export const silentTelemetry: WorkerTelemetry = {
  debug() {},
  info() {},
  warn() {},
  error() {},
  appendKeys() {},
  resetKeys() {},
  count() {},
  timing() {},
  flush() {},
};

/**
 * The logging half of a telemetry: per-task keys merged into every line, redacted, handed to `write`. Shared by the
 * recording and console telemetries.
 */
export function keyedLogging(
  write: (
    level: 'debug' | 'info' | 'warn' | 'error',
    message: string,
    fields: Record<string, unknown>,
  ) => void,
) {
  let keys: Record<string, unknown> = {};
  const log =
    (level: 'debug' | 'info' | 'warn' | 'error') =>
    (message: string, fields: Record<string, unknown> = {}) =>
      write(level, redactCardNumbers(message), redact({ ...keys, ...fields }) as Record<string, unknown>);
  return {
    debug: log('debug'),
    info: log('info'),
    warn: log('warn'),
    error: log('error'),
    appendKeys: (more: Record<string, unknown>) => {
      keys = { ...keys, ...more };
    },
    resetKeys: () => {
      keys = {};
    },
  };
}

/** A telemetry that remembers everything, for tests and for summaries. */
export function recordingTelemetry() {
  const logs: { level: string; message: string; fields: Record<string, unknown> }[] = [];
  const counts = new Map<WorkerMetric, number>();
  const telemetry: WorkerTelemetry = {
    ...keyedLogging((level, message, fields) => logs.push({ level, message, fields })),
    count: (metric, value = 1, dimensions) => {
      counts.set(metric, (counts.get(metric) ?? 0) + value);
      for (const [name, dimension] of Object.entries(dimensions ?? {})) {
        const key = `${metric}:${name}=${dimension}` as WorkerMetric;
        counts.set(key, (counts.get(key) ?? 0) + value);
      }
    },
    timing: (metric) => {
      counts.set(metric, (counts.get(metric) ?? 0) + 1);
    },
    flush() {},
  };
  return { telemetry, logs, counts };
}
