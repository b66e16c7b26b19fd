import { keyedLogging, type WorkerTelemetry } from '../../lambda/worker/telemetry.js';
import { safeText } from '../shared/display.js';

const LEVELS = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 } as const;
export type ConsoleLevel = keyof typeof LEVELS;

/** Worker telemetry for a terminal: one readable line per event on stderr; metrics are kept as counts. */
export function consoleTelemetry(level: ConsoleLevel = 'info', prefix = '') {
  const counts = new Map<string, number>();
  const telemetry: WorkerTelemetry = {
    ...keyedLogging((at, message, fields) => {
      if (LEVELS[at] < LEVELS[level]) return;
      const detail = Object.entries(fields)
        .filter(([, value]) => value !== undefined)
        .map(([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`)
        .join(' ');
      // One line per event: what a task carried (an error's message, a workflowId) never drives the terminal.
      const line = `${new Date().toISOString().slice(11, 23)} ${at.padEnd(5)} ${prefix}${message}${detail ? `  ${detail}` : ''}`;
      process.stderr.write(`${safeText(line)}\n`);
    }),
    count: (metric, value = 1) => {
      counts.set(metric, (counts.get(metric) ?? 0) + value);
    },
    timing: () => {},
    flush: () => {},
  };
  return { telemetry, counts };
}
