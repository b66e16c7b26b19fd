import * as S from '@aws-sdk/client-swf';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createSwfClient } from '../../lambda/worker/swf-client.js';
import { defineCatalog, loadConfig } from '../../lambda/workflow/index.js';
import { buildCatalog } from '../../lambda/workflow/modules.js';
import { orderWorkflowV1 } from '../../lambda/workflow/order/workflow.js';
import type { RunningServer } from '../../local/server/server.js';
import { startLocal } from '../support/swf-local.js';

let server: RunningServer;
let swf: S.SWFClient;
let registration: typeof import('../../lambda/handlers/registration.js');
let monitor: typeof import('../../lambda/handlers/monitor.js');

beforeAll(async () => {
  vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'SILENT');
  vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'true');
  ({ server } = await startLocal());
  swf = createSwfClient({ endpoint: server.endpoint });
  registration = await import('../../lambda/handlers/registration.js');
  monitor = await import('../../lambda/handlers/monitor.js');
});
afterAll(() => server.close());

const config = loadConfig({ SWF_DOMAIN: 'cr-domain', SWF_WORKFLOW_VERSION: '1' });
const catalog = buildCatalog(config);
const domainStatus = async () =>
  (await swf.send(new S.DescribeDomainCommand({ name: 'cr-domain' }))).domainInfo?.status;

describe('the registration custom resource handler, against swf-local', () => {
  it('creates the catalog, and a second create changes nothing', async () => {
    const first = await registration.onEvent({ RequestType: 'Create' }, swf, catalog);
    expect(first).toMatchObject({
      PhysicalResourceId: 'cr-domain',
      Data: { DomainAction: 'created' },
    });
    expect(first.Data?.ActivityTypes).toContain('ProcessData@1:created');
    const again = await registration.onEvent({ RequestType: 'Create' }, swf, catalog);
    expect(again.Data).toMatchObject({
      DomainAction: 'existing',
      WorkflowTypes:
        'OrderProcessing@1:existing,OrderProcessing@2:existing,OrderProcessing@3:existing,SubscriptionRenewal@1:existing',
    });
  });

  it('undeprecates a deprecated domain', async () => {
    await swf.send(new S.DeprecateDomainCommand({ name: 'cr-domain' }));
    const result = await registration.onEvent(
      { RequestType: 'Update', PhysicalResourceId: 'cr-domain' },
      swf,
      catalog,
    );
    expect(result.Data?.DomainAction).toBe('undeprecated');
    expect(await domainStatus()).toBe('REGISTERED');
  });

  it('registers a new workflow version on update', async () => {
    const both = defineCatalog({
      domain: { name: 'cr-domain', retentionDays: 30 },
      workflows: [orderWorkflowV1(config), { ...orderWorkflowV1(config), version: '7' }],
    });
    const result = await registration.onEvent(
      { RequestType: 'Update', PhysicalResourceId: 'cr-domain' },
      swf,
      both,
    );
    expect(result.Data?.WorkflowTypes).toBe('OrderProcessing@1:existing,OrderProcessing@7:created');
    const v7 = await swf.send(
      new S.DescribeWorkflowTypeCommand({
        domain: 'cr-domain',
        workflowType: { name: 'OrderProcessing', version: '7' },
      }),
    );
    expect(v7.typeInfo?.status).toBe('REGISTERED');
  });

  it('fails a deploy whose catalog changes a default of a registered type, or the domain retention', async () => {
    const changed = defineCatalog({
      domain: { name: 'cr-domain', retentionDays: 30 },
      workflows: [
        {
          ...orderWorkflowV1(config),
          steps: orderWorkflowV1(config).steps.map((step) =>
            'name' in step && step.name === 'EnrichData'
              ? { ...step, activity: { ...step.activity, timeouts: { startToClose: '3m' } } }
              : step,
          ),
        },
      ],
    });
    await expect(
      registration.onEvent({ RequestType: 'Update', PhysicalResourceId: 'cr-domain' }, swf, changed),
    ).rejects.toThrow(
      'Deploy refused: Activity type EnrichData@1 is registered with other defaults (defaultTaskStartToCloseTimeout is "120", the catalog says "180"); SWF types are immutable, so give it a new version',
    );
    const longer = defineCatalog({
      domain: { name: 'cr-domain', retentionDays: 60 },
      workflows: [orderWorkflowV1(config)],
    });
    await expect(
      registration.onEvent({ RequestType: 'Update', PhysicalResourceId: 'cr-domain' }, swf, longer),
    ).rejects.toThrow(
      "domain cr-domain keeps 30 days of retention: SWF cannot change an existing domain's retention (the catalog says 60); set it back to 30, or use a new domain (a new stage)",
    );
  });

  it('keeps the domain on delete by default, and deprecates it when retainDomain is false', async () => {
    await registration.onEvent(
      {
        RequestType: 'Delete',
        PhysicalResourceId: 'cr-domain',
        ResourceProperties: { RetainDomain: 'true' },
      },
      swf,
      catalog,
    );
    expect(await domainStatus()).toBe('REGISTERED');
    const deleted = await registration.onEvent(
      {
        RequestType: 'Delete',
        PhysicalResourceId: 'cr-domain',
        ResourceProperties: { RetainDomain: 'false' },
      },
      swf,
      catalog,
    );
    expect(deleted).toEqual({ PhysicalResourceId: 'cr-domain' });
    expect(await domainStatus()).toBe('DEPRECATED');
    // A repeated delete (CloudFormation retries) or a domain already gone is not an error.
    await registration.onEvent(
      {
        RequestType: 'Delete',
        PhysicalResourceId: 'cr-domain',
        ResourceProperties: { RetainDomain: 'false' },
      },
      swf,
      catalog,
    );
    await registration.onEvent(
      { RequestType: 'Delete', PhysicalResourceId: 'gone', ResourceProperties: { RetainDomain: 'false' } },
      swf,
      catalog,
    );
  });
});

describe('the backlog monitor', () => {
  it('counts open runs and pending tasks, and shapes them as CloudWatch gauges', async () => {
    await registration.onEvent({ RequestType: 'Create' }, swf, catalog);
    await swf.send(
      new S.StartWorkflowExecutionCommand({
        domain: 'cr-domain',
        workflowId: 'm-1',
        workflowType: { name: 'OrderProcessing', version: '1' },
      }),
    );
    const backlog = await monitor.collectBacklog(swf, config);
    expect(backlog).toEqual({ openExecutions: 1, pendingDecisionTasks: 1, pendingActivityTasks: 0 });
    const command = monitor.backlogMetrics(backlog, 'cr-domain', 'SwfOrders');
    expect(command.input).toEqual({
      Namespace: 'SwfOrders',
      MetricData: [
        {
          MetricName: 'OpenExecutions',
          Dimensions: [{ Name: 'Domain', Value: 'cr-domain' }],
          Value: 1,
          Unit: 'Count',
        },
        {
          MetricName: 'PendingDecisionTasks',
          Dimensions: [{ Name: 'Domain', Value: 'cr-domain' }],
          Value: 1,
          Unit: 'Count',
        },
        {
          MetricName: 'PendingActivityTasks',
          Dimensions: [{ Name: 'Domain', Value: 'cr-domain' }],
          Value: 0,
          Unit: 'Count',
        },
      ],
    });
  });
});
