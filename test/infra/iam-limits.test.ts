import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import type { Catalog } from '../../lambda/workflow/module.js';
import { buildCatalog } from '../../lambda/workflow/modules.js';
import type { ActivityType } from '../../lambda/workflow/types.js';
import { Pollers } from '../../lib/constructs/pollers.js';
import { checkIamLimits, IAM_LIMITS, policyCharacters } from '../../lib/iam-limits.js';
import { stageNames } from '../../lib/stage.js';

const { config } = stageNames('dev');
const catalog = buildCatalog(config);

/** The shipped catalog plus `extra` activity types, each at its own version (the worst case for grouping). */
function grownCatalog(extra: number): Catalog {
  const base = catalog.activityTypes()[0] as ActivityType;
  const added = Array.from({ length: extra }, (_, i) => ({
    ...base,
    name: `AddedActivityWithAFairlyLongName${i}`,
    version: `v${i}`,
  }));
  const grown = Object.create(catalog) as Catalog;
  grown.activityTypes = () => [...catalog.activityTypes(), ...added];
  return grown;
}

function pollersWith(grown: Catalog) {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new Stack(app, 'Limits', { env: { account: '123456789012', region: 'us-east-1' } });
  new Pollers(stack, 'Pollers', {
    catalog: grown,
    config,
    environment: {},
    concurrency: 1,
    timeoutMinutes: 15,
    reservedConcurrency: 0,
  });
  return { stack, template: Template.fromStack(stack) };
}

const inlineSizeOfDecider = (template: Template) =>
  Object.values(template.findResources('AWS::IAM::Policy'))
    .filter((p) => JSON.stringify(p.Properties.Roles).includes('PollersDeciderRole'))
    .reduce((sum, p) => sum + policyCharacters(p.Properties.PolicyDocument), 0);

describe("IAM's quotas on the roles' policies", () => {
  it('keeps the decider’s inline policy the same size however large the catalog: its grants are managed policies', () => {
    const shipped = pollersWith(catalog);
    const grown = pollersWith(grownCatalog(60));
    // Today's catalog plus 60 types: 330 characters a type inline would be far past 10,240.
    expect(inlineSizeOfDecider(grown.template)).toBe(inlineSizeOfDecider(shipped.template));
    expect(inlineSizeOfDecider(grown.template)).toBeLessThan(IAM_LIMITS.inlineCharactersPerRole);
    const managed = Object.values(grown.template.findResources('AWS::IAM::ManagedPolicy'));
    expect(managed.length).toBeGreaterThan(1);
    for (const policy of managed)
      expect(policyCharacters(policy.Properties.PolicyDocument)).toBeLessThanOrEqual(
        IAM_LIMITS.managedPolicyCharacters,
      );
    expect(checkIamLimits(grown.stack)).toEqual([]);
  });

  it('refuses at synth a catalog whose grants IAM would refuse at deploy, naming the quota', () => {
    const { stack } = pollersWith(grownCatalog(600));
    const problems = checkIamLimits(stack);
    expect(problems.join('\n')).toMatch(
      /role \S*PollersDeciderRole\S* has \d+ managed policies; IAM allows 10 by default \("Managed policies attached to an IAM role"/,
    );
  });

  it('counts a policy as IAM does: without white space, and deploy-time values at their longest', () => {
    const document = {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Action: 's3:GetObject',
          Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':s3:::b/*']] },
        },
      ],
    };
    expect(policyCharacters(document)).toBe(
      JSON.stringify({
        ...document,
        Statement: [{ ...document.Statement[0], Resource: 'arn:aws-us-gov:s3:::b/*' }],
      }).length,
    );
  });
});
