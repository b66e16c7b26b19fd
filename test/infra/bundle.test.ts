import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildStack } from './stack-fixture.js';

const outdir = mkdtempSync(join(tmpdir(), 'cdk-bundle-'));
afterAll(() => rmSync(outdir, { recursive: true, force: true }));

describe('bundling, for real, with the local esbuild', () => {
  it('bundles the decider with the AWS SDK and the catalog inside', () => {
    const { app, template } = buildStack({}, { bundle: true, outdir });
    app.synth();
    const decider = Object.values(template.findResources('AWS::Lambda::Function')).find((f) =>
      String(f.Properties.Description).includes('decision tasks'),
    );
    const key = String(decider?.Properties.Code.S3Key).replace(/\.zip$/, '');
    const bundle = join(outdir, `asset.${key}`, 'index.js');
    expect(existsSync(bundle)).toBe(true);
    const code = readFileSync(bundle, 'utf8');
    expect(code).toContain('PollForDecisionTask');
    expect(code).toContain('SimpleWorkflowService');
    expect(code).toContain('OrderProcessing');
    // The SDK is inside the bundle, not left to whatever version the Lambda runtime ships.
    expect(code).not.toMatch(/require\("@aws-sdk\/client-swf"\)/);
    expect(existsSync(`${bundle}.map`)).toBe(true);
    expect(statSync(bundle).size).toBeGreaterThan(100_000);
  }, 120_000);

  it('builds lean production bundles: under 400 KB, no source maps, the effect clients left to the runtime', () => {
    const production = join(outdir, 'production');
    const { app, template } = buildStack({ production: 'true' }, { bundle: true, outdir: production });
    app.synth();
    const functions = Object.values(template.findResources('AWS::Lambda::Function'));
    const bundleOf = (description: string) => {
      const fn = functions.find((f) => String(f.Properties.Description).includes(description));
      return join(production, `asset.${String(fn?.Properties.Code.S3Key).replace(/\.zip$/, '')}`, 'index.js');
    };
    for (const description of ['decision tasks', 'activity tasks']) {
      const bundle = bundleOf(description);
      expect(statSync(bundle).size, description).toBeLessThan(400 * 1024);
      expect(existsSync(`${bundle}.map`)).toBe(false);
      // Role credentials come from the environment: the default chain's SSO provider is not bundled.
      expect(readFileSync(bundle, 'utf8')).not.toContain('sso_start_url');
    }
    expect(readFileSync(bundleOf('activity tasks'), 'utf8')).toMatch(
      /require\("@aws-sdk\/client-dynamodb"\)/,
    );
    // Ours, not CDK's auto-delete provider for the dev bucket (no environment).
    for (const fn of functions.filter((f) => f.Properties.Environment?.Variables?.SWF_DOMAIN))
      expect(fn.Properties.Environment.Variables.NODE_OPTIONS).toBeUndefined();
  }, 180_000);
});
