import * as S from '@aws-sdk/client-swf';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../local/server/server.js';
import { expectFault, startLocal } from '../support/swf-local.js';

let server: RunningServer;
let swf: S.SWFClient;

beforeAll(async () => {
  ({ server, swf } = await startLocal());
});
afterAll(() => server.close());

describe('domains', () => {
  it('registers, describes, lists, deprecates and undeprecates a domain', async () => {
    await swf.send(
      new S.RegisterDomainCommand({
        name: 'orders',
        description: 'Orders',
        workflowExecutionRetentionPeriodInDays: '30',
      }),
    );
    await expectFault(
      swf.send(new S.RegisterDomainCommand({ name: 'orders', workflowExecutionRetentionPeriodInDays: '30' })),
      'DomainAlreadyExistsFault',
    );
    const described = await swf.send(new S.DescribeDomainCommand({ name: 'orders' }));
    expect(described.domainInfo).toEqual({
      name: 'orders',
      status: 'REGISTERED',
      description: 'Orders',
      arn: 'arn:aws:swf:us-east-1:000000000000:/domain/orders',
    });
    expect(described.configuration?.workflowExecutionRetentionPeriodInDays).toBe('30');

    await swf.send(new S.DeprecateDomainCommand({ name: 'orders' }));
    await expectFault(swf.send(new S.DeprecateDomainCommand({ name: 'orders' })), 'DomainDeprecatedFault');
    // Registering a deprecated domain fails too: registration code must undeprecate instead.
    await expectFault(
      swf.send(new S.RegisterDomainCommand({ name: 'orders', workflowExecutionRetentionPeriodInDays: '30' })),
      'DomainAlreadyExistsFault',
    );
    const deprecated = await swf.send(new S.ListDomainsCommand({ registrationStatus: 'DEPRECATED' }));
    expect(deprecated.domainInfos?.map((d) => d.name)).toContain('orders');
    await swf.send(new S.UndeprecateDomainCommand({ name: 'orders' }));
    await expectFault(
      swf.send(new S.UndeprecateDomainCommand({ name: 'orders' })),
      'DomainAlreadyExistsFault',
    );
    await expectFault(
      swf.send(new S.DescribeDomainCommand({ name: 'nope' })),
      'UnknownResourceFault',
      'Unknown domain: nope',
    );
  });

  it('lists domains by name with paging and reverse order', async () => {
    for (const name of ['p-a', 'p-b', 'p-c']) {
      await swf.send(new S.RegisterDomainCommand({ name, workflowExecutionRetentionPeriodInDays: 'NONE' }));
    }
    const first = await swf.send(
      new S.ListDomainsCommand({ registrationStatus: 'REGISTERED', maximumPageSize: 2 }),
    );
    const rest = await swf.send(
      new S.ListDomainsCommand({
        registrationStatus: 'REGISTERED',
        maximumPageSize: 2,
        nextPageToken: first.nextPageToken,
      }),
    );
    const names = [...(first.domainInfos ?? []), ...(rest.domainInfos ?? [])].map((d) => d.name);
    expect(names).toEqual([...names].sort());
    expect(names).toEqual(expect.arrayContaining(['p-a', 'p-b', 'p-c']));
    const reversed = await swf.send(
      new S.ListDomainsCommand({ registrationStatus: 'REGISTERED', reverseOrder: true }),
    );
    expect(reversed.domainInfos?.map((d) => d.name)).toEqual([...names].reverse());
    await expectFault(
      swf.send(
        new S.ListDomainsCommand({ registrationStatus: 'DEPRECATED', nextPageToken: first.nextPageToken }),
      ),
      'ValidationException',
      /another request/,
    );
  });

  it('rejects a bad retention period', async () => {
    await expectFault(
      swf.send(new S.RegisterDomainCommand({ name: 'bad', workflowExecutionRetentionPeriodInDays: '91' })),
      'ValidationException',
      /0 to 90 or NONE/,
    );
  });
});

describe('types', () => {
  const domain = 'types-domain';
  beforeAll(async () => {
    await swf.send(
      new S.RegisterDomainCommand({ name: domain, workflowExecutionRetentionPeriodInDays: '1' }),
    );
  });

  it('registers activity and workflow types with their defaults, and refuses duplicates', async () => {
    await swf.send(
      new S.RegisterActivityTypeCommand({
        domain,
        name: 'Charge',
        version: '1',
        description: 'charges',
        defaultTaskList: { name: 'payments' },
        defaultTaskStartToCloseTimeout: '60',
        defaultTaskHeartbeatTimeout: 'NONE',
        defaultTaskPriority: '5',
      }),
    );
    await expectFault(
      swf.send(new S.RegisterActivityTypeCommand({ domain, name: 'Charge', version: '1' })),
      'TypeAlreadyExistsFault',
      'ActivityType=[name=Charge, version=1]',
    );
    const described = await swf.send(
      new S.DescribeActivityTypeCommand({ domain, activityType: { name: 'Charge', version: '1' } }),
    );
    expect(described.typeInfo).toMatchObject({
      activityType: { name: 'Charge', version: '1' },
      status: 'REGISTERED',
      description: 'charges',
    });
    expect(described.typeInfo?.creationDate).toBeInstanceOf(Date);
    expect(described.configuration).toEqual({
      defaultTaskList: { name: 'payments' },
      defaultTaskStartToCloseTimeout: '60',
      defaultTaskHeartbeatTimeout: 'NONE',
      defaultTaskPriority: '5',
    });
    await swf.send(
      new S.RegisterWorkflowTypeCommand({
        domain,
        name: 'Flow',
        version: '1',
        defaultChildPolicy: 'ABANDON',
        defaultExecutionStartToCloseTimeout: '60',
      }),
    );
    const workflow = await swf.send(
      new S.DescribeWorkflowTypeCommand({ domain, workflowType: { name: 'Flow', version: '1' } }),
    );
    expect(workflow.configuration).toEqual({
      defaultChildPolicy: 'ABANDON',
      defaultExecutionStartToCloseTimeout: '60',
    });
    await expectFault(
      swf.send(
        new S.RegisterWorkflowTypeCommand({
          domain,
          name: 'Bad',
          version: '1',
          defaultExecutionStartToCloseTimeout: 'NONE',
        }),
      ),
      'ValidationException',
    );
    await expectFault(
      swf.send(
        new S.RegisterActivityTypeCommand({
          domain,
          name: 'Bad',
          version: '1',
          defaultTaskStartToCloseTimeout: '5 min',
        }),
      ),
      'ValidationException',
      /defaultTaskStartToCloseTimeout/,
    );
  });

  it('deprecates, undeprecates, deletes and lists types', async () => {
    const ref = { domain, activityType: { name: 'Charge', version: '1' } };
    await expectFault(swf.send(new S.DeleteActivityTypeCommand(ref)), 'TypeNotDeprecatedFault');
    await expectFault(swf.send(new S.UndeprecateActivityTypeCommand(ref)), 'TypeAlreadyExistsFault');
    await swf.send(new S.DeprecateActivityTypeCommand(ref));
    await expectFault(swf.send(new S.DeprecateActivityTypeCommand(ref)), 'TypeDeprecatedFault');
    const deprecated = await swf.send(
      new S.ListActivityTypesCommand({ domain, registrationStatus: 'DEPRECATED' }),
    );
    expect(deprecated.typeInfos?.map((t) => t.activityType?.name)).toEqual(['Charge']);
    expect(deprecated.typeInfos?.[0]?.deprecationDate).toBeInstanceOf(Date);
    await swf.send(new S.UndeprecateActivityTypeCommand(ref));
    await swf.send(new S.DeprecateActivityTypeCommand(ref));
    await swf.send(new S.DeleteActivityTypeCommand(ref));
    await expectFault(
      swf.send(new S.DescribeActivityTypeCommand(ref)),
      'UnknownResourceFault',
      'Unknown type: ActivityType=[name=Charge, version=1]',
    );

    const flow = { domain, workflowType: { name: 'Flow', version: '1' } };
    await swf.send(new S.DeprecateWorkflowTypeCommand(flow));
    await swf.send(new S.UndeprecateWorkflowTypeCommand(flow));
    await swf.send(new S.RegisterWorkflowTypeCommand({ domain, name: 'Flow', version: '2' }));
    const listed = await swf.send(
      new S.ListWorkflowTypesCommand({ domain, name: 'Flow', registrationStatus: 'REGISTERED' }),
    );
    expect(listed.typeInfos?.map((t) => t.workflowType?.version)).toEqual(['1', '2']);
    await swf.send(
      new S.DeprecateWorkflowTypeCommand({ domain, workflowType: { name: 'Flow', version: '2' } }),
    );
    await swf.send(new S.DeleteWorkflowTypeCommand({ domain, workflowType: { name: 'Flow', version: '2' } }));
    await expectFault(
      swf.send(new S.DescribeWorkflowTypeCommand({ domain, workflowType: { name: 'Flow', version: '2' } })),
      'UnknownResourceFault',
    );
  });

  it('refuses types in a deprecated domain and in an unknown one', async () => {
    await swf.send(new S.RegisterDomainCommand({ name: 'old', workflowExecutionRetentionPeriodInDays: '1' }));
    await swf.send(new S.DeprecateDomainCommand({ name: 'old' }));
    await expectFault(
      swf.send(new S.RegisterActivityTypeCommand({ domain: 'old', name: 'X', version: '1' })),
      'OperationNotPermittedFault',
    );
    await expectFault(
      swf.send(new S.RegisterActivityTypeCommand({ domain: 'ghost', name: 'X', version: '1' })),
      'UnknownResourceFault',
    );
  });
});

describe('tags', () => {
  it('tags, lists and untags a domain by its ARN', async () => {
    await swf.send(
      new S.RegisterDomainCommand({
        name: 'tagged',
        workflowExecutionRetentionPeriodInDays: '1',
        tags: [{ key: 'team', value: 'a' }],
      }),
    );
    const resourceArn = 'arn:aws:swf:us-east-1:000000000000:/domain/tagged';
    await swf.send(
      new S.TagResourceCommand({
        resourceArn,
        tags: [
          { key: 'env', value: 'dev' },
          { key: 'team', value: 'b' },
        ],
      }),
    );
    expect((await swf.send(new S.ListTagsForResourceCommand({ resourceArn }))).tags).toEqual([
      { key: 'team', value: 'b' },
      { key: 'env', value: 'dev' },
    ]);
    await swf.send(new S.UntagResourceCommand({ resourceArn, tagKeys: ['team'] }));
    expect((await swf.send(new S.ListTagsForResourceCommand({ resourceArn }))).tags).toEqual([
      { key: 'env', value: 'dev' },
    ]);
    await expectFault(
      swf.send(new S.ListTagsForResourceCommand({ resourceArn: 'arn:aws:swf:us-east-1:1:/domain/none' })),
      'UnknownResourceFault',
    );
    const many = Array.from({ length: 51 }, (_, i) => ({ key: `k${i}`, value: 'v' }));
    await expectFault(swf.send(new S.TagResourceCommand({ resourceArn, tags: many })), 'TooManyTagsFault');
  });
});
