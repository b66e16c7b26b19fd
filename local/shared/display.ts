/**
 * How every view (swfctl, the console, the demo) writes times and durations, so one run reads the same
 * everywhere: `2026-11-26 03:09:29.123 UTC` (always UTC, always marked) and `850ms` / `2.3s` / `4m05s`.
 */

/** An instant as `YYYY-MM-DD HH:MM:SS.mmm UTC`; `–` when there is none. Accepts epoch ms or a Date. */
export function formatTime(at: number | Date | undefined): string {
  const ms = at instanceof Date ? at.getTime() : at;
  if (ms === undefined || !Number.isFinite(ms)) return '–';
  return `${new Date(ms).toISOString().replace('T', ' ').replace('Z', '')} UTC`;
}

/** Milliseconds as "850ms", "2.3s", "4m05s" or "3h07m". */
export function duration(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms)) return '–';
  if (ms < 1000) return `${Math.max(0, Math.round(ms))}ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  if (ms < 3_600_000) {
    const seconds = Math.floor(ms / 1000);
    return `${Math.floor(seconds / 60)}m${String(seconds % 60).padStart(2, '0')}s`;
  }
  const minutes = Math.floor(ms / 60_000);
  return `${Math.floor(minutes / 60)}h${String(minutes % 60).padStart(2, '0')}m`;
}
