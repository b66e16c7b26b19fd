import type { RetryPolicy } from '../workflow/types.js';

/** Whole seconds to wait after `failedAttempts` failures: initial × coefficient^(n−1), capped. */
export function retryDelaySeconds(policy: RetryPolicy, failedAttempts: number): number {
  const exponent = Math.max(0, failedAttempts - 1);
  const delay = policy.initialIntervalSeconds * policy.backoffCoefficient ** exponent;
  return Math.ceil(Math.min(delay, policy.maximumIntervalSeconds));
}
