import type Database from 'better-sqlite3';
import { claimIsFree, type RunClaim, type RunClaimKey, type RunClaims } from '../workflow/run-claims.js';
import { openEffectsDatabase } from './sqlite-effects.js';

type ClaimRow = {
  workflow_id: string;
  predecessor: string;
  token: string;
  action: RunClaim['action'];
  run_id: string | null;
  at: string;
  claimed_until: string;
};

/**
 * Run claims in the local effects file, beside the effects: every swfctl, the console and the local
 * functions share it, so concurrent processes on this machine start one run per key. Each claim is one
 * IMMEDIATE transaction (read, then write), so two processes never both see the key free.
 */
export class SqliteRunClaims implements RunClaims {
  private readonly db: Database.Database;

  constructor(path: string) {
    this.db = openEffectsDatabase(path);
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS run_claims (workflow_id TEXT NOT NULL, predecessor TEXT NOT NULL,
        token TEXT NOT NULL, action TEXT NOT NULL, run_id TEXT, at TEXT NOT NULL, claimed_until TEXT NOT NULL,
        PRIMARY KEY (workflow_id, predecessor));
    `);
  }

  async claimRun(claim: RunClaim, options: { nowIso: string; replacing?: string }) {
    return this.db
      .transaction(() => {
        const holder = this.holder(claim);
        if (holder && !claimIsFree(holder, options)) return { claimed: false as const, holder };
        this.db
          .prepare(
            `INSERT OR REPLACE INTO run_claims (workflow_id, predecessor, token, action, run_id, at, claimed_until)
             VALUES (?, ?, ?, ?, ?, ?, ?)`,
          )
          .run(
            claim.workflowId,
            claim.predecessor,
            claim.token,
            claim.action,
            claim.runId ?? null,
            claim.at,
            claim.claimedUntil,
          );
        return { claimed: true as const, ...(holder ? { previous: holder } : {}) };
      })
      .immediate();
  }

  async recordRun(key: RunClaimKey, token: string, runId: string): Promise<boolean> {
    const { changes } = this.db
      .prepare('UPDATE run_claims SET run_id = ? WHERE workflow_id = ? AND predecessor = ? AND token = ?')
      .run(runId, key.workflowId, key.predecessor, token);
    return changes === 1;
  }

  async releaseRun(key: RunClaimKey, token: string): Promise<void> {
    this.db
      .prepare(
        'DELETE FROM run_claims WHERE workflow_id = ? AND predecessor = ? AND token = ? AND run_id IS NULL',
      )
      .run(key.workflowId, key.predecessor, token);
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  private holder(key: RunClaimKey): RunClaim | undefined {
    const row = this.db
      .prepare('SELECT * FROM run_claims WHERE workflow_id = ? AND predecessor = ?')
      .get(key.workflowId, key.predecessor) as ClaimRow | undefined;
    return (
      row && {
        workflowId: row.workflow_id,
        predecessor: row.predecessor,
        token: row.token,
        action: row.action,
        ...(row.run_id === null ? {} : { runId: row.run_id }),
        at: row.at,
        claimedUntil: row.claimed_until,
      }
    );
  }
}
