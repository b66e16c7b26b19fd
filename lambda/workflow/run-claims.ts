/*
 * The port that keeps starts and resumes to one new run each. SWF gives one open run per workflowId, but
 * not "no new run after a completed one" nor "one resume per source run": two callers that looked at the
 * same history both start, one after the other. So each caller first claims the run that follows the newest
 * closed run it saw, with a conditional write in the effects store; the first claim of a key wins.
 */

/** Which run a claim is for: the run of `workflowId` that follows `predecessor`. */
export interface RunClaimKey {
  workflowId: string;
  /** The newest closed run the caller saw: `none` for a first start, the source run for a resume. */
  predecessor: string;
}

/** A caller's claim on the run that follows its predecessor. */
export interface RunClaim extends RunClaimKey {
  /** The claimant's own random token: only it may record or give back the claim. */
  token: string;
  /** What the claimant does with it: `start` or `resume` (told to the losers). */
  action: 'start' | 'resume';
  /** The run the claimant started (or found started), once known. */
  runId?: string;
  at: string;
  /** A claim with no run lapses then: a claimant that died between its claim and its start blocks no one for good. */
  claimedUntil: string;
}

/** No run follows nothing yet: the predecessor of a workflowId's first run. */
export const NO_PREDECESSOR = 'none';

/** Claims on new runs, kept by the effects store (SQLite locally, DynamoDB on AWS, memory in unit tests). */
export interface RunClaims {
  /**
   * Takes the key unless another claim holds it, with a run or within its lease; then returns that claim.
   * `replacing` takes over the claim of that token too (its run is gone from SWF: past the retention).
   * A claim taken over returns the one it replaced (`previous`): its claimant may have started a run after all.
   */
  claimRun(
    claim: RunClaim,
    options: { nowIso: string; replacing?: string },
  ): Promise<{ claimed: true; previous?: RunClaim } | { claimed: false; holder: RunClaim }>;
  /** Records the run the holder of `token` started; false when the claim is no longer that token's. */
  recordRun(key: RunClaimKey, token: string, runId: string): Promise<boolean>;
  /** Gives a claim with no run back (its start failed), so the next caller may start at once. */
  releaseRun(key: RunClaimKey, token: string): Promise<void>;
}

/** Whether a key held by `holder` may be claimed now: free, lapsed without a run, or the one being replaced. */
export function claimIsFree(
  holder: Pick<RunClaim, 'token' | 'runId' | 'claimedUntil'> | undefined,
  options: { nowIso: string; replacing?: string },
): boolean {
  if (!holder) return true;
  if (options.replacing !== undefined && holder.token === options.replacing) return true;
  return holder.runId === undefined && holder.claimedUntil <= options.nowIso;
}
