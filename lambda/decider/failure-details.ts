import { jsonOrUndefined } from '../workflow/bounded-json.js';

/**
 * How an activity failure travels from the worker to the decider. SWF's RespondActivityTaskFailed carries only
 * a `reason` and free-text `details`, so the worker sends details as a small JSON envelope:
 * `{"message": "...", "nonRetryable": true}`. The decider reads the class from the flag, whatever the error's
 * name; histories written before the envelope (plain-text details) are read as they are, without a flag.
 */
export interface FailureDetails {
  message: string;
  /** Set by the worker on every failure it reports; undefined for old histories and for other writers. */
  nonRetryable?: boolean;
}

const MARK = '{"message":';

/** The details string for a failure, within `limit` characters (the message is shortened, never the flag). */
export function encodeFailureDetails(message: string, nonRetryable: boolean, limit = 32_768): string {
  let text = message;
  for (;;) {
    const encoded = JSON.stringify({ message: text, nonRetryable });
    if (encoded.length <= limit) return encoded;
    // Escapes may make the JSON longer than the text: cut by the overflow, plus room for the marker.
    text = `${text.slice(0, Math.max(0, text.length - (encoded.length - limit) - 16))}…[truncated]`;
  }
}

/** Reads failure details: the envelope when it is one, else the plain text of an older writer. */
export function decodeFailureDetails(details: string | undefined): FailureDetails | undefined {
  if (details === undefined) return undefined;
  if (details.startsWith(MARK)) {
    // Not our envelope after all (not JSON, or nested past the bound): plain text.
    const parsed = jsonOrUndefined(details) as { message?: unknown; nonRetryable?: unknown } | undefined;
    if (typeof parsed?.message === 'string')
      return {
        message: parsed.message,
        ...(typeof parsed.nonRetryable === 'boolean' ? { nonRetryable: parsed.nonRetryable } : {}),
      };
  }
  return { message: details };
}
