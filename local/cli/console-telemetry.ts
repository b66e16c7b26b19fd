import type { WorkerTelemetry } from '../../lambda/worker/telemetry.js';

const LEVELS = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 } as const;
export type ConsoleLevel = keyof typeof LEVELS;

/** Worker telemetry for a terminal: one readable line per event on stderr; metrics are kept as counts. */
export function consoleTelemetry(level: ConsoleLevel = 'info', prefix = '') {
  const counts = new Map<string, number>();
  let keys: Record<string, unknown> = {};
  const log =
    (at: Exclude<ConsoleLevel, 'silent'>) =>
    (message: string, fields: Record<string, unknown> = {}) => {
      if (LEVELS[at] < LEVELS[level]) return;
      const context = { ...keys, ...fields };
      const detail = Object.entries(context)
        .filter(([, value]) => value !== undefined)
        .map(([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`)
        .join(' ');
      process.stderr.write(
        `${new Date().toISOString().slice(11, 23)} ${at.padEnd(5)} ${prefix}${message}${detail ? `  ${detail}` : ''}\n`,
      );
    };
  const telemetry: WorkerTelemetry = {
    debug: log('debug'),
    info: log('info'),
    warn: log('warn'),
    error: log('error'),
    appendKeys: (more) => {
      keys = { ...keys, ...more };
    },
    resetKeys: () => {
      keys = {};
    },
    count: (metric, value = 1) => {
      counts.set(metric, (counts.get(metric) ?? 0) + value);
    },
    timing: () => {},
    flush: () => {},
  };
  return { telemetry, counts };
}
