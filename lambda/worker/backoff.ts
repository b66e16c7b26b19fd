/** Full-jitter exponential backoff: a random wait up to min(max, base × 2^attempt). */
export function backoffDelay(
  attempt: number,
  options: { baseMs?: number; maxMs?: number } = {},
  random = Math.random,
): number {
  const cap = Math.min(options.maxMs ?? 10_000, (options.baseMs ?? 200) * 2 ** Math.min(attempt, 20));
  return Math.floor(random() * cap);
}

/** Waits `ms`, or less if `signal` fires (then it resolves, it does not throw). */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
