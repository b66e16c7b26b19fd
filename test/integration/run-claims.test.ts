import * as S from '@aws-sdk/client-swf';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InMemoryRunClaims } from '../../lambda/adapters/memory-run-claims.js';
import { claimNewRun } from '../../lambda/worker/new-run-claim.js';
import type { RunningServer } from '../../local/server/server.js';
import { setupDomain, startLocal, W } from '../support/swf-local.js';

/**
 * The claim protocol against swf-local, for the claimants that die: between their claim and their start, or
 * between their start and recording it, and for claims whose run SWF has forgotten. A fake clock advances only
 * when a caller waits, so a lease lapses without the test waiting for it.
 */
let server: RunningServer;
let swf: S.SWFClient;
let domain: string;

beforeAll(async () => {
  ({ server, swf } = await startLocal());
  domain = await setupDomain(swf, 'claims-domain');
});
afterAll(() => server.close());

function caller(claims: InMemoryRunClaims, clock: { now: number }) {
  const context = { swf, config: { domain }, claims };
  let starts = 0;
  const start = (workflowId: string) => async () => {
    starts++;
    const { runId } = await swf.send(
      new S.StartWorkflowExecutionCommand({ domain, workflowId, workflowType: W, input: '{}' }),
    );
    return { runId: runId ?? '', result: 'mine' };
  };
  const timing = {
    leaseMs: 10_000,
    now: () => clock.now,
    sleep: async (ms: number) => {
      clock.now += ms;
    },
  };
  return {
    claim: (workflowId: string, predecessor = 'none') =>
      claimNewRun(context, { workflowId, predecessor, action: 'start' }, start(workflowId), timing),
    get starts() {
      return starts;
    },
  };
}

async function runsOf(workflowId: string) {
  const filter = { domain, startTimeFilter: { oldestDate: new Date(0) }, executionFilter: { workflowId } };
  const open = await swf.send(new S.ListOpenWorkflowExecutionsCommand(filter));
  const closed = await swf.send(new S.ListClosedWorkflowExecutionsCommand(filter));
  return [...(open.executionInfos ?? []), ...(closed.executionInfos ?? [])].map((i) => i.execution?.runId);
}

describe('the new-run claim', () => {
  it('waits out a claimant that died before starting, then takes over and starts the one run', async () => {
    const claims = new InMemoryRunClaims();
    const clock = { now: Date.now() };
    // The dead claimant: its claim is there, its start never came.
    await claims.claimRun(
      {
        workflowId: 'wf-dead-before',
        predecessor: 'none',
        token: 'dead',
        action: 'start',
        at: new Date(clock.now).toISOString(),
        claimedUntil: new Date(clock.now + 10_000).toISOString(),
      },
      { nowIso: new Date(clock.now).toISOString() },
    );
    const live = caller(claims, clock);
    const outcome = await live.claim('wf-dead-before');
    expect(outcome).toMatchObject({ won: true, result: 'mine' });
    expect(live.starts).toBe(1);
    expect(await runsOf('wf-dead-before')).toEqual([outcome.runId]);
  });

  it('reports the run of a claimant that died after starting it, and starts none', async () => {
    const claims = new InMemoryRunClaims();
    const clock = { now: Date.now() };
    const key = { workflowId: 'wf-dead-after', predecessor: 'none' };
    await claims.claimRun(
      {
        ...key,
        token: 'dead',
        action: 'start',
        at: new Date(clock.now).toISOString(),
        claimedUntil: new Date(clock.now + 10_000).toISOString(),
      },
      { nowIso: new Date(clock.now).toISOString() },
    );
    const { runId } = await swf.send(
      new S.StartWorkflowExecutionCommand({ domain, ...key, workflowType: W, input: '{}' }),
    );
    const live = caller(claims, clock);
    expect(await live.claim('wf-dead-after')).toMatchObject({ won: false, runId, by: 'start' });
    // Past its lease too: the caller that takes the claim over finds that run, and adopts it.
    clock.now += 60_000;
    expect(await caller(claims, clock).claim('wf-dead-after')).toMatchObject({
      won: false,
      runId,
      by: 'found',
    });
    expect(live.starts).toBe(0);
    expect(await runsOf('wf-dead-after')).toEqual([runId]);
  });

  it('replaces a claim whose run SWF no longer knows (past the retention)', async () => {
    const claims = new InMemoryRunClaims();
    const clock = { now: Date.now() };
    const key = { workflowId: 'wf-forgotten', predecessor: 'none' };
    await claims.claimRun(
      {
        ...key,
        token: 'old',
        action: 'start',
        at: new Date(clock.now).toISOString(),
        claimedUntil: new Date(clock.now + 10_000).toISOString(),
      },
      { nowIso: new Date(clock.now).toISOString() },
    );
    await claims.recordRun(key, 'old', 'a-run-long-gone');
    const outcome = await caller(claims, clock).claim('wf-forgotten');
    expect(outcome).toMatchObject({ won: true });
    expect(claims.claims.get(JSON.stringify(['wf-forgotten', 'none']))?.runId).toBe(outcome.runId);
  });

  it('adopts a run started around the claims (a raw StartWorkflowExecution) instead of a raw fault', async () => {
    const claims = new InMemoryRunClaims();
    const { runId } = await swf.send(
      new S.StartWorkflowExecutionCommand({ domain, workflowId: 'wf-raw', workflowType: W, input: '{}' }),
    );
    const live = caller(claims, { now: Date.now() });
    expect(await live.claim('wf-raw')).toMatchObject({ won: false, runId, by: 'found' });
    expect(await live.claim('wf-raw')).toMatchObject({ won: false, runId, by: 'start' });
  });

  it('refuses to start without claims, rather than start unguarded', async () => {
    await expect(
      claimNewRun(
        { swf, config: { domain } },
        { workflowId: 'wf-unclaimed', predecessor: 'none', action: 'start' },
        async () => ({ runId: 'never', result: undefined }),
      ),
    ).rejects.toMatchObject({ name: 'ConfigError' });
    expect(await runsOf('wf-unclaimed')).toEqual([]);
  });
});
