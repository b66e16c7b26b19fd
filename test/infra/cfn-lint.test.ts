import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { buildStack } from './stack-fixture.js';

/**
 * cfn-lint (Python, on every machine of this kind) on the synthesized templates: no error, and no warning
 * beyond the accepted ones. Mandatory in CI (SWF_REQUIRE_PYTHON_PEERS=1), like moto.
 */
const installed = await promisify(execFile)('cfn-lint', ['--version'], { timeout: 30_000 }).then(
  () => true,
  () => false,
);
if (!installed && process.env.SWF_REQUIRE_PYTHON_PEERS === '1')
  throw new Error('cfn-lint is required in CI but is not installed (pip install cfn-lint)');
if (!installed) console.warn('skipping cfn-lint: it is not installed here (pip install cfn-lint)');

/**
 * W3005: CDK declares a function's DependsOn its role's default policy and the role itself, so the policy
 * exists before the function can run; the role is also referenced by GetAtt, which cfn-lint calls redundant.
 * The DependsOn is CDK's, and harmless.
 */
const ACCEPTED = new Set(['W3005']);
const directory = mkdtempSync(join(tmpdir(), 'cfn-lint-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

describe.skipIf(!installed)('cfn-lint', () => {
  for (const [name, context] of [
    ['dev', {}],
    [
      'prod with every option',
      {
        stage: 'prod',
        alertEmail: 'oncall@example.com',
        alertPhone: '+5511999998888',
        notificationEmail: 'orders@example.com',
        retainDomain: 'false',
        pollerConcurrency: '3',
        reservedConcurrency: '48',
      },
    ],
  ] as const) {
    it(`passes the ${name} template with no error and only accepted warnings`, () => {
      const file = join(directory, `${name.replace(/\W+/g, '-')}.template.json`);
      writeFileSync(file, JSON.stringify(buildStack(context).template.toJSON()));
      const run = spawnSync('cfn-lint', ['--format', 'json', file], { encoding: 'utf8' });
      const findings = JSON.parse(run.stdout || '[]') as {
        Rule: { Id: string };
        Message: string;
        Level: string;
      }[];
      // cfn-lint's exit code is a bit mask: 2 means errors; 4 (warnings) is what the accepted ones give.
      expect(run.error).toBeUndefined();
      expect((run.status ?? 2) & 2, run.stderr).toBe(0);
      expect(
        findings.filter((f) => !ACCEPTED.has(f.Rule.Id)).map((f) => `${f.Rule.Id} ${f.Message}`),
      ).toEqual([]);
    }, 120_000);
  }
});
