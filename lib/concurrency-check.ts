/** The settings that decide how many poller invocations run at once. */
export interface PollerSizing {
  /** Invocations of each poller per schedule tick (-c pollerConcurrency). */
  pollerConcurrency: number;
  /** Each invocation's timeout, in whole minutes (-c pollerTimeoutMinutes). */
  pollerTimeoutMinutes: number;
}

/** The shortest poller timeout the settings accept (lib/settings.ts). */
const MIN_TIMEOUT_MINUTES = 2;

/**
 * How many invocations of each poller can run at once. Ticks come a minute apart and each invocation polls until
 * near its timeout of T minutes, so the ticks of the last T minutes all still run; one more, because a tick's
 * invocation may start late (EventBridge delivers within the minute, and a throttled event waits in Lambda's
 * async queue up to the 60 s event age) and so still be running when the tick T minutes later fires.
 */
export function overlappingPollers(sizing: PollerSizing): number {
  return sizing.pollerConcurrency * (sizing.pollerTimeoutMinutes + 1);
}

/**
 * Why a reservation is too small for the ticks' overlap, or undefined when it fits (0 reserves none: it always
 * fits). A throttled tick is dropped after the 60 s event age and trips the Throttles alarms.
 */
export function reservedConcurrencyProblem(
  sizing: PollerSizing & { reservedConcurrency: number },
): string | undefined {
  const reserved = sizing.reservedConcurrency;
  const needed = overlappingPollers(sizing);
  if (reserved === 0 || reserved >= needed) return undefined;
  // The longest timeout whose overlap fits the reservation, if any the settings accept.
  const fitting = Math.min(15, Math.floor(reserved / sizing.pollerConcurrency) - 1);
  const shorter =
    fitting >= MIN_TIMEOUT_MINUTES
      ? `-c pollerTimeoutMinutes=${fitting} fits ${reserved}`
      : `no -c pollerTimeoutMinutes (${MIN_TIMEOUT_MINUTES} at least) fits ${reserved} with -c pollerConcurrency=${sizing.pollerConcurrency}`;
  return `${reserved} is below the ${needed} invocations of each poller that can run at once (${sizing.pollerConcurrency} per tick × (${sizing.pollerTimeoutMinutes} min timeout + 1)), so ticks would be throttled and dropped: reserve at least ${needed}, or 0 for none; or shorten the overlap: ${shorter}`;
}
