/** The name an SDK error carries (`UnknownResourceFault`, `ThrottlingException`...), or the system error code. */
export function errorName(error: unknown): string {
  const e = error as { name?: string; code?: string } | undefined;
  return e?.name && e.name !== 'Error' ? e.name : (e?.code ?? 'Error');
}

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'ENOTFOUND',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'ECONNABORTED',
  'UND_ERR_SOCKET',
]);
const THROTTLING = new Set([
  'ThrottlingException',
  'Throttling',
  'ThrottledException',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'LimitExceededFault',
  'RequestTimeout',
  'RequestTimeoutException',
  'TimeoutError',
  'InternalFailure',
  'ServiceUnavailable',
  'ServiceUnavailableException',
]);

/** Network trouble, throttling or a server-side failure: retry later, never report it as the task's failure. */
export function isTransient(error: unknown): boolean {
  const e = error as {
    code?: string;
    name?: string;
    message?: string;
    $metadata?: { httpStatusCode?: number };
    cause?: unknown;
  };
  if (!e) return false;
  if (e.code && NETWORK_CODES.has(e.code)) return true;
  if (e.name && THROTTLING.has(e.name)) return true;
  if ((e.$metadata?.httpStatusCode ?? 0) >= 500) return true;
  if (/socket hang up|ECONNRESET|ECONNREFUSED|network|timed? ?out/i.test(e.message ?? '')) return true;
  return e.cause !== undefined && e.cause !== error && isTransient(e.cause);
}

/** The task is no longer ours (it timed out, or the run closed): log it and move on. */
export function isGone(error: unknown): boolean {
  return errorName(error) === 'UnknownResourceFault';
}
