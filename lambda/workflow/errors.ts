/** An activity failure that retries cannot fix; the decider skips the remaining attempts. */
export class NonRetryableError extends Error {
  override name = 'NonRetryableError';
}

/** Invalid order input: never retried. The message lists every problem found. */
export class ValidationError extends NonRetryableError {
  override name = 'ValidationError';
  constructor(readonly problems: readonly string[]) {
    super(`Invalid order: ${problems.join('; ')}`);
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

/** Error names that every retry policy treats as non-retryable. */
export const ALWAYS_NON_RETRYABLE = ['ValidationError', 'NonRetryableError'] as const;
