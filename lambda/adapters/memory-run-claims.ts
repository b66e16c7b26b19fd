import { claimIsFree, type RunClaim, type RunClaimKey, type RunClaims } from '../workflow/run-claims.js';

const keyOf = (key: RunClaimKey) => JSON.stringify([key.workflowId, key.predecessor]);

/** Run claims in memory, for unit tests and the in-memory ports: one process only. */
export class InMemoryRunClaims implements RunClaims {
  readonly claims = new Map<string, RunClaim>();

  async claimRun(claim: RunClaim, options: { nowIso: string; replacing?: string }) {
    const holder = this.claims.get(keyOf(claim));
    if (holder && !claimIsFree(holder, options)) return { claimed: false as const, holder: { ...holder } };
    this.claims.set(keyOf(claim), { ...claim });
    return { claimed: true as const, ...(holder ? { previous: { ...holder } } : {}) };
  }

  async recordRun(key: RunClaimKey, token: string, runId: string): Promise<boolean> {
    const holder = this.claims.get(keyOf(key));
    if (holder?.token !== token) return false;
    holder.runId = runId;
    return true;
  }

  async releaseRun(key: RunClaimKey, token: string): Promise<void> {
    const holder = this.claims.get(keyOf(key));
    if (holder?.token === token && holder.runId === undefined) this.claims.delete(keyOf(key));
  }
}
