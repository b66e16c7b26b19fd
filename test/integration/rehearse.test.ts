import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { auditPermissions } from '../../local/rehearse/permission-audit.js';
import { permissionChecks, UNEXERCISED_GRANTS } from '../../local/rehearse/rehearsal-permissions.js';
import { type RehearsalResult, rehearse } from '../../local/rehearse/rehearse.js';
import { motoForTests } from '../support/moto.js';

/**
 * A reduced deploy rehearsal (`npm run rehearse` sends 20 orders): the synthesized bundles against swf-local and
 * moto_server, one order of each path. Mandatory in CI, where moto is.
 */
const hasMoto = await motoForTests('the deploy rehearsal');
const outdir = mkdtempSync(join(tmpdir(), 'rehearsal-'));
afterAll(() => rmSync(outdir, { recursive: true, force: true }));

let rehearsed: RehearsalResult | undefined;

describe.skipIf(!hasMoto)('npm run rehearse, reduced', () => {
  it('runs every path through the real bundles and finds each order’s effects exactly as expected', async () => {
    // The production profile: the bundles load the AWS SDK from outside, as the Node.js runtime provides it.
    const result = await rehearse({ orders: 8, outdir, rateMs: 2_000, production: true });
    rehearsed = result;
    expect(
      result.rows.map((r) => [r.actual, r.problems]),
      result.report,
    ).toEqual(result.rows.map((r) => [r.expected, []]));
    expect(result.rows.map((r) => r.expected).sort()).toEqual(
      [
        'CANCELED',
        'COMPLETED',
        'COMPLETED',
        'COMPLETED',
        'COMPLETED',
        'COMPLETED',
        'COMPLETED',
        'COMPLETED',
        'COMPLETED',
        'FAILED',
        'REJECTED',
      ].sort(),
    );
    expect(result.checks.filter((c) => !c.ok)).toEqual([]);
    expect(result.rows.find((r) => r.orderId.endsWith('-broken'))?.ledger).toBe(
      'reserve,save,delete,release,reserve,save',
    );
    // Version 2's approval, answered through the operations function, and the second workflow, deployed alike.
    expect(result.rows.find((r) => r.orderId.endsWith('-approve'))).toMatchObject({
      actual: 'COMPLETED',
      messages: 1,
    });
    expect(result.rows.find((r) => r.orderId.endsWith('-renewal'))).toMatchObject({
      actual: 'COMPLETED',
      messages: 2,
    });
    expect(result.ok).toBe(true);
  }, 300_000);

  it('evaluates every call against the template with a real IAM evaluator, and fails on a removed or widened grant', async () => {
    const result = rehearsed;
    if (!result) throw new Error('the rehearsal above did not finish');
    const { audit, requests, stack } = result.permissions;
    // Every function's calls were recorded and evaluated: SWF, DynamoDB, S3, SNS (and its KMS key), CloudWatch.
    const services = new Set(audit.evaluated.map((e) => e.request.action.split(':')[0]));
    expect([...services].sort()).toEqual([
      'cloudwatch',
      'dynamodb',
      'kms',
      'lambda',
      'logs',
      's3',
      'sns',
      'swf',
    ]);
    expect(audit.evaluated.map((e) => e.request.action)).toContain('swf:ScheduleActivityTask');
    const rerun = (changed: typeof stack) =>
      auditPermissions(requests, changed, {
        stage: 'rehearsal',
        alarmDeliveries: [],
        unexercised: UNEXERCISED_GRANTS,
      });
    const withPolicies = (
      caller: string,
      edit: (statements: Record<string, unknown>[]) => Record<string, unknown>[],
    ) => {
      const roles = new Map(stack.roles);
      const [id, role] = [...roles].find(([id]) => id.startsWith(caller)) ?? [];
      if (!id || !role) throw new Error(`no role for ${caller}`);
      roles.set(id, {
        ...role,
        policies: role.policies.map((p) => ({
          ...p,
          policy: { ...p.policy, Statement: edit(p.policy.Statement as never) as never },
        })),
      });
      return { ...stack, roles };
    };

    // The decider's poll grant removed: its poll is denied, and the check names the call and the grant it needs.
    const removed = await rerun(
      withPolicies('PollersDecider', (statements) => statements.filter((s) => s.Sid !== 'PollItsTaskList')),
    );
    const [callCheck] = permissionChecks(removed, { requests, calls: 1, deliveries: 1 });
    expect(callCheck?.ok).toBe(false);
    expect(callCheck?.detail).toMatch(
      /ImplicitlyDenied: PollersDecider\w+ swf:PollForDecisionTask on arn:aws:swf:us-east-1:123456789012:\/domain\/order-processing-rehearsal .*it needs a grant of swf:PollForDecisionTask on .* where swf:taskList.name = "order-decisions-rehearsal"/,
    );

    // The activity worker's poll widened to every task list: the must-deny case "another task list" is allowed.
    const widened = await rerun(
      withPolicies('PollersActivityWorker', (statements) =>
        statements.map((s) => (s.Sid === 'PollItsTaskList' ? { ...s, Condition: undefined } : s)),
      ),
    );
    expect(widened.leaks.map((e) => e.request.source)).toContainEqual(
      expect.stringMatching(/^another task list: swf PollForActivityTask/),
    );

    // A grant no request needs is reported: the operations role given PutMetricData it never uses.
    const extra = await rerun(
      withPolicies('ApiOperations', (statements) => [
        ...statements,
        { Sid: 'Unneeded', Effect: 'Allow', Action: 'cloudwatch:PutMetricData', Resource: '*' },
      ]),
    );
    expect(extra.unused).toContainEqual(
      expect.stringMatching(/^ApiOperations\w+: Unneeded cloudwatch:PutMetricData$/),
    );
  });
});
