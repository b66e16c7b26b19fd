import * as S from '@aws-sdk/client-swf';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerCatalog } from '../../lambda/worker/registration.js';
import { createSwfClient } from '../../lambda/worker/swf-client.js';
import { loadConfig } from '../../lambda/workflow/index.js';
import { buildCatalog } from '../../lambda/workflow/modules.js';
import type { RunningServer } from '../../local/server/server.js';
import { startLocal } from '../support/swf-local.js';

let server: RunningServer;
let swf: S.SWFClient;
beforeAll(async () => {
  ({ server } = await startLocal());
  swf = createSwfClient({ endpoint: server.endpoint });
});
afterAll(() => server.close());

describe('registerCatalog', () => {
  const catalog = buildCatalog(loadConfig({ SWF_DOMAIN: 'reg-domain' }));

  it('creates everything the first time and finds it all the second time', async () => {
    const first = await registerCatalog(swf, catalog);
    expect(first.domain).toEqual({ name: 'reg-domain', action: 'created' });
    expect(first.workflowTypes).toEqual([
      { name: 'OrderProcessing', version: '1', action: 'created' },
      { name: 'OrderProcessing', version: '2', action: 'created' },
      { name: 'OrderProcessing', version: '3', action: 'created' },
      { name: 'SubscriptionRenewal', version: '1', action: 'created' },
    ]);
    expect(first.activityTypes.map((t) => t.action)).toEqual(Array(13).fill('created'));
    const second = await registerCatalog(swf, catalog);
    expect(second.domain.action).toBe('existing');
    expect([...second.workflowTypes, ...second.activityTypes].every((t) => t.action === 'existing')).toBe(
      true,
    );
    expect(second.warnings).toEqual([]);
    const type = await swf.send(
      new S.DescribeActivityTypeCommand({
        domain: 'reg-domain',
        activityType: { name: 'ProcessData', version: '1' },
      }),
    );
    expect(type.configuration).toEqual({
      defaultTaskList: { name: 'order-activities' },
      defaultTaskScheduleToStartTimeout: '300',
      defaultTaskScheduleToCloseTimeout: '600',
      defaultTaskStartToCloseTimeout: '300',
      defaultTaskHeartbeatTimeout: '30',
    });
  });

  it('undeprecates a deprecated domain and type instead of silently succeeding', async () => {
    // Deprecating a domain also deprecates its types (as the API reference says).
    await swf.send(new S.DeprecateDomainCommand({ name: 'reg-domain' }));
    const saveResults = { domain: 'reg-domain', activityType: { name: 'SaveResults', version: '1' } };
    expect((await swf.send(new S.DescribeActivityTypeCommand(saveResults))).typeInfo?.status).toBe(
      'DEPRECATED',
    );
    const report = await registerCatalog(swf, catalog);
    expect(report.domain.action).toBe('undeprecated');
    expect(new Set(report.activityTypes.map((t) => t.action))).toEqual(new Set(['undeprecated']));
    expect(new Set(report.workflowTypes.map((t) => t.action))).toEqual(new Set(['undeprecated']));
    expect((await swf.send(new S.DescribeActivityTypeCommand(saveResults))).typeInfo?.status).toBe(
      'REGISTERED',
    );
    expect((await swf.send(new S.DescribeDomainCommand({ name: 'reg-domain' }))).domainInfo?.status).toBe(
      'REGISTERED',
    );
  });

  it('warns when a version is registered with other defaults (types are immutable)', async () => {
    const changed = buildCatalog(
      loadConfig({ SWF_DOMAIN: 'reg-domain', SWF_ACTIVITY_TASK_LIST: 'elsewhere' }),
    );
    const report = await registerCatalog(swf, changed);
    expect(report.warnings[0]).toMatch(
      /Activity type ValidateInput@1 is registered with other defaults \(defaultTaskList is \{"name":"order-activities"\}.*give it a new version/,
    );
  });
});
