import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { rehearse } from '../../local/rehearse/rehearse.js';
import { motoForTests } from '../support/moto.js';

/**
 * A reduced deploy rehearsal (`npm run rehearse` sends 20 orders): the synthesized bundles against swf-local and
 * moto_server, one order of each path. Mandatory in CI, where moto is.
 */
const hasMoto = await motoForTests('the deploy rehearsal');
const outdir = mkdtempSync(join(tmpdir(), 'rehearsal-'));
afterAll(() => rmSync(outdir, { recursive: true, force: true }));

describe.skipIf(!hasMoto)('npm run rehearse, reduced', () => {
  it('runs every path through the real bundles and finds each order’s effects exactly as expected', async () => {
    // The production profile: the bundles load the AWS SDK from outside, as the Node.js runtime provides it.
    const result = await rehearse({ orders: 8, outdir, rateMs: 2_000, production: true });
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
});
