import { OperationError } from '../worker/operations.js';
import { ValidationError } from '../workflow/errors.js';

/**
 * A refusal the caller caused (invalid input, an unknown command, no such run, a run still open), as the functions
 * answer it: a value, not a thrown error. Lambda counts a thrown error as the function's failure, and its alarm
 * would page someone for a caller's typo. `code` is stable for scripts; `message` says what to do.
 */
export interface Refusal {
  ok: false;
  error: { code: string; message: string; problems?: string[] };
}

export function refusal(code: string, message: string, problems?: readonly string[]): Refusal {
  return { ok: false, error: { code, message, ...(problems ? { problems: [...problems] } : {}) } };
}

/** The refusal for an error the caller caused; undefined for any other error, which stays the function's failure. */
export function refusalOf(error: unknown): Refusal | undefined {
  if (error instanceof ValidationError) return refusal('InvalidInput', error.message, error.problems);
  if (error instanceof OperationError) return refusal(error.code, error.message);
  return undefined;
}
