/** SWF duration strings: whole seconds as a decimal string, or "NONE" where SWF allows it. */
export type SwfDuration = string;

const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400 };
/** SWF accepts at most 8 characters for a duration; a year is the longest any timeout may be. */
const MAX_SECONDS = 365 * 86_400;

/**
 * Parses `300`, `"300"`, `"90s"`, `"5m"`, `"2h"`, `"1d"` or `"NONE"` into an SWF duration string.
 * Returns an error message instead of throwing so callers can name the entry that holds the value.
 */
export function parseDuration(
  value: unknown,
  options: { allowNone: boolean },
): { ok: true; value: SwfDuration } | { ok: false; error: string } {
  if (value === 'NONE') {
    return options.allowNone
      ? { ok: true, value: 'NONE' }
      : { ok: false, error: '"NONE" is not allowed here' };
  }
  let seconds: number | undefined;
  if (typeof value === 'number' && Number.isInteger(value)) seconds = value;
  if (typeof value === 'string') {
    const match = /^(\d+)\s*([smhd]?)$/.exec(value.trim());
    if (match?.[1] !== undefined) seconds = Number(match[1]) * (UNIT_SECONDS[match[2] || 's'] ?? 1);
  }
  if (seconds === undefined) {
    return {
      ok: false,
      error: `cannot parse ${JSON.stringify(value)} as a duration (use seconds, "5m", "1h" or "NONE")`,
    };
  }
  if (seconds < 0 || seconds > MAX_SECONDS) {
    return { ok: false, error: `${JSON.stringify(value)} is outside 0..${MAX_SECONDS} seconds` };
  }
  return { ok: true, value: String(seconds) };
}

/** Seconds of an SWF duration string; `Infinity` for "NONE". */
export function durationSeconds(duration: SwfDuration): number {
  return duration === 'NONE' ? Number.POSITIVE_INFINITY : Number(duration);
}
