/** An activity failure that retries cannot fix; the decider skips the remaining attempts. */
export class NonRetryableError extends Error {
  override name = 'NonRetryableError';
}

/**
 * Input refused (a start input, a signal's input, a reason): never retried. The message names what was refused
 * (`Invalid order: …`, `Invalid signal input: …`; `Invalid input: …` when unsaid) and lists every problem found.
 */
export class ValidationError extends NonRetryableError {
  override name = 'ValidationError';
  /** What was refused, in the message's heading: "order", "signal input", "reason". */
  readonly subject: string;
  constructor(
    readonly problems: readonly string[],
    options: { subject?: string } = {},
  ) {
    const subject = options.subject ?? 'input';
    super(`Invalid ${subject}: ${problems.join('; ')}`);
    this.subject = subject;
  }
}

/** The catalog contradicts itself; the message names the offending entry. */
export class CatalogError extends Error {
  override name = 'CatalogError';
}

/** Configuration from the environment failed validation; the message names each variable. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

/**
 * Whether a thrown error is one retries cannot fix: a `NonRetryableError` or any subclass, whatever its name,
 * or any error that says so itself with `nonRetryable: true` (for errors from code that cannot extend ours).
 */
export function isNonRetryable(error: unknown): boolean {
  return (
    error instanceof NonRetryableError ||
    (typeof error === 'object' &&
      error !== null &&
      (error as { nonRetryable?: unknown }).nonRetryable === true)
  );
}

/** Error names that every retry policy treats as non-retryable. */
export const ALWAYS_NON_RETRYABLE = ['ValidationError', 'NonRetryableError'] as const;
