import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { loadPayloadSettings } from '../../lambda/adapters/payload-config.js';
import { durationSeconds } from '../../lambda/workflow/durations.js';
import { buildCatalog } from '../../lambda/workflow/modules.js';
import { PAYLOAD_GRACE_DAYS, payloadLifetimeDays } from '../../lambda/workflow/payloads.js';
import { PayloadBucket } from '../../lib/constructs/payload-bucket.js';
import { stageNames } from '../../lib/stage.js';
import { buildStack } from './stack-fixture.js';

const DAY = 86_400;
const expirationOf = (template: Template) => {
  const bucket = Object.values(template.findResources('AWS::S3::Bucket'))[0];
  const rules = bucket?.Properties.LifecycleConfiguration.Rules as {
    Prefix: string;
    ExpirationInDays: number;
  }[];
  return rules.find((r) => r.Prefix === 'payloads/')?.ExpirationInDays ?? 0;
};

/**
 * A run's history stays visible (history, describe, resume read its payloads) until its close plus the domain's
 * retention, and a run closes at most its executionStartToCloseTimeout after it started: its input, stored before
 * it started, must outlive both, plus a grace period. S3 counts the days from the object's creation.
 */
describe('payload expiry', () => {
  const catalog = buildCatalog(stageNames('dev').config);
  const longest = Math.max(...catalog.workflows.map((w) => durationSeconds(w.executionStartToCloseTimeout)));

  it('outlives the longest run of the catalog plus the retention and a grace period', () => {
    // SubscriptionRenewal may run 35 days: 30 days of retention + 35 + 7.
    expect(longest).toBe(35 * DAY);
    const needed = catalog.domain.retentionDays + Math.ceil(longest / DAY) + PAYLOAD_GRACE_DAYS;
    expect(expirationOf(buildStack().template)).toBeGreaterThanOrEqual(needed);
    expect(payloadLifetimeDays(catalog)).toBe(72);
    // The local payload directory keeps bodies as long as the bucket does, for the processes that know the catalog.
    expect(loadPayloadSettings({}, { catalog })).toMatchObject({ backend: 'file', expireAfterDays: 72 });
  });

  it('moves with a catalog that holds a longer workflow, and with the retention', () => {
    const template = (workflows: typeof catalog.workflows, retentionDays = catalog.domain.retentionDays) => {
      const stack = new Stack(new App(), 'Expiry');
      new PayloadBucket(stack, 'Payloads', {
        stage: 'dev',
        catalog: { domain: { ...catalog.domain, retentionDays }, workflows },
      });
      return Template.fromStack(stack);
    };
    const longer = { ...(catalog.workflows[0] as (typeof catalog.workflows)[0]), name: 'Longer' };
    longer.executionStartToCloseTimeout = String(100 * DAY + 1);
    expect(expirationOf(template([...catalog.workflows, longer]))).toBe(30 + 101 + PAYLOAD_GRACE_DAYS);
    expect(expirationOf(template(catalog.workflows, 90))).toBe(90 + 35 + PAYLOAD_GRACE_DAYS);
  });

  it('refuses a run with no execution timeout, naming it, since nothing could say when its payloads are unread', () => {
    const unbounded = { ...(catalog.workflows[0] as (typeof catalog.workflows)[0]), name: 'Forever' };
    unbounded.executionStartToCloseTimeout = 'NONE';
    expect(() => payloadLifetimeDays({ ...catalog, workflows: [unbounded] })).toThrow(
      /Forever@1 has no executionStartToCloseTimeout \("NONE"\).*give it one/,
    );
  });
});
