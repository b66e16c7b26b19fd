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
});
