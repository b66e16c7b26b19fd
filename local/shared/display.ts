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

/**
 * Characters a terminal acts on instead of showing: C0 controls (ESC starts every escape sequence, CR redraws a
 * line, BEL), DEL, C1 controls (0x9B is an 8-bit CSI), and the bidi controls that reorder what is shown (U+202E
 * writes the rest backwards). Line and paragraph separators too, since some terminals break lines at them.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]/g;
const SHORT: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/**
 * Text that came from SWF or a caller, made safe to print: every control character written as an escape (`\n`,
 * `\u001b`), so it is shown and never acted on. With `keepNewlines`, line breaks stay: for a whole output whose
 * layout is ours (each value in it is escaped as a single line already). Escapes are JSON's, so JSON text stays
 * valid and means the same.
 */
export function safeText(text: string, options: { keepNewlines?: boolean } = {}): string {
  return text.replace(CONTROL, (char) =>
    options.keepNewlines && char === '\n'
      ? char
      : (SHORT[char] ?? `\\u${(char.codePointAt(0) ?? 0).toString(16).padStart(4, '0')}`),
  );
}
