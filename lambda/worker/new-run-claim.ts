import { randomUUID } from 'node:crypto';
import * as S from '@aws-sdk/client-swf';
import { ConfigError } from '../workflow/errors.js';
import type { RunClaim, RunClaimKey, RunClaims } from '../workflow/run-claims.js';
import { errorName } from './errors.js';

/** What the claim protocol needs of an operations context: SWF to check on claimants, and the claims. */
export interface ClaimingContext {
  swf: S.SWFClient;
  config: { domain: string };
  claims?: RunClaims;
}

export interface ClaimTiming {
  /** How long a claim with no run holds: longer than one StartWorkflowExecution (with its retries) takes. */
  leaseMs?: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  newToken?: () => string;
}

/** The run that followed the predecessor: the caller's own (`won`), or another's, with its status. */
export type NewRunOutcome<T> =
  | { won: true; runId: string; result: T }
  | {
      won: false;
      runId: string;
      /** What made it: another caller's start or resume, or a run found in SWF that no claim names. */
      by: RunClaim['action'] | 'found';
      info: S.WorkflowExecutionInfo;
    };

const DEFAULT_LEASE_MS = 15_000;
/** How often a caller that lost to a claimant still starting looks again. */
const POLL_MS = 100;
/** Clocks differ between the claimant's machine and SWF: a run this much older than the claim may be its run. */
const CLOCK_SKEW_MS = 5_000;

/**
 * Starts the one run that follows `key.predecessor`, or tells what did. The first caller to claim the key runs
 * `start` and records the run; every other caller gets that run and its status. A claimant that died between
 * its claim and its start blocks the key only until its lease lapses, and one whose run SWF no longer knows
 * (past the retention) is replaced. When SWF refuses the start because a run is open, that run follows.
 */
export async function claimNewRun<T>(
  context: ClaimingContext,
  request: RunClaimKey & { action: RunClaim['action'] },
  start: () => Promise<{ runId: string; result: T }>,
  timing: ClaimTiming = {},
): Promise<NewRunOutcome<T>> {
  const claims = context.claims;
  // Fail closed: without claims, concurrent callers could start a run each.
  if (!claims)
    throw new ConfigError(
      'This operations context has no run claims (claims): build it with lazyRunClaims(effects settings), as swfctl and the functions do',
    );
  const claiming = { ...context, claims };
  const leaseMs = timing.leaseMs ?? DEFAULT_LEASE_MS;
  const now = timing.now ?? Date.now;
  const sleep = timing.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const key = { workflowId: request.workflowId, predecessor: request.predecessor };
  const token = (timing.newToken ?? randomUUID)();
  let replacing: string | undefined;
  for (;;) {
    const at = now();
    const outcome = await claims.claimRun(
      {
        ...key,
        token,
        action: request.action,
        at: new Date(at).toISOString(),
        claimedUntil: new Date(at + leaseMs).toISOString(),
      },
      { nowIso: new Date(at).toISOString(), replacing },
    );
    if (outcome.claimed) {
      // A claim taken over: its claimant may have started its run after all, and that run counts.
      const found = outcome.previous && (await successor(context, key, outcome.previous.at));
      if (found) return adopt(claiming, key, token, found);
      return startClaimed(claiming, key, token, start);
    }
    const holder = outcome.holder;
    if (holder.runId !== undefined) {
      const info = await describe(context, key.workflowId, holder.runId);
      if (info) return { won: false, runId: holder.runId, by: holder.action, info };
      replacing = holder.token;
      continue;
    }
    // Its claimant is starting the run right now (or died doing so: then its lease lapses and we take over).
    const found = await successor(context, key, holder.at);
    if (found) return { won: false, runId: found.execution?.runId ?? '', by: holder.action, info: found };
    await sleep(POLL_MS);
  }
}

type Claiming = ClaimingContext & { claims: RunClaims };

async function startClaimed<T>(
  context: Claiming,
  key: RunClaimKey,
  token: string,
  start: () => Promise<{ runId: string; result: T }>,
): Promise<NewRunOutcome<T>> {
  try {
    const started = await start();
    // False only when we were slower than the lease and were taken over: our run stands all the same, and the
    // caller that took over finds it open.
    await context.claims.recordRun(key, token, started.runId);
    return { won: true, ...started };
  } catch (error) {
    if (errorName(error) === 'WorkflowExecutionAlreadyStartedFault') {
      // A run no claim names (a raw StartWorkflowExecution): it is the one that followed.
      const found = await successor(context, key);
      if (found) return adopt(context, key, token, found);
    }
    await context.claims.releaseRun(key, token).catch(() => undefined);
    throw error;
  }
}

async function adopt(
  context: Claiming,
  key: RunClaimKey,
  token: string,
  found: S.WorkflowExecutionInfo,
): Promise<NewRunOutcome<never>> {
  const runId = found.execution?.runId ?? '';
  await context.claims.recordRun(key, token, runId);
  return { won: false, runId, by: 'found', info: found };
}

/** The run that followed `key.predecessor` in SWF, if one did: the open run, or a newer closed one. */
async function successor(
  context: ClaimingContext,
  key: RunClaimKey,
  sinceIso?: string,
): Promise<S.WorkflowExecutionInfo | undefined> {
  const filter = {
    domain: context.config.domain,
    startTimeFilter: { oldestDate: new Date(0) },
    executionFilter: { workflowId: key.workflowId },
  };
  const open = await context.swf.send(new S.ListOpenWorkflowExecutionsCommand(filter));
  const running = open.executionInfos?.find((info) => info.execution?.workflowId === key.workflowId);
  if (running) return running;
  const closed = await context.swf.send(
    new S.ListClosedWorkflowExecutionsCommand({ ...filter, maximumPageSize: 1 }),
  );
  const newest = closed.executionInfos?.find((info) => info.execution?.workflowId === key.workflowId);
  if (!newest || newest.execution?.runId === key.predecessor) return undefined;
  const since = sinceIso === undefined ? 0 : Date.parse(sinceIso) - CLOCK_SKEW_MS;
  return (newest.startTimestamp?.getTime() ?? 0) >= since ? newest : undefined;
}

async function describe(
  context: ClaimingContext,
  workflowId: string,
  runId: string,
): Promise<S.WorkflowExecutionInfo | undefined> {
  try {
    const described = await context.swf.send(
      new S.DescribeWorkflowExecutionCommand({
        domain: context.config.domain,
        execution: { workflowId, runId },
      }),
    );
    return described.executionInfo;
  } catch (error) {
    if (errorName(error) === 'UnknownResourceFault') return undefined;
    throw error;
  }
}
