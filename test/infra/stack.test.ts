import { spawnSync } from 'node:child_process';
import { Match } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../lambda/workflow/index.js';
import { buildCatalog } from '../../lambda/workflow/modules.js';
import { checkTimeoutsFit, DECIDER_DECISIONS } from '../../lib/constructs/pollers.js';
import { readSettings } from '../../lib/settings.js';
import { stageNames } from '../../lib/stage.js';
import { actionsOf, buildStack, statementsOf } from './stack-fixture.js';

const { stack, template } = buildStack({ alertEmail: 'oncall@example.com', alertPhone: '+5511999998888' });

describe('settings and naming', () => {
  it('names the stack, domain and task lists after the stage', () => {
    const prod = stageNames('prod');
    expect(prod.stackName).toBe('SwfOrders-prod');
    expect(prod.config).toMatchObject({
      domain: 'order-processing-prod',
      decisionTaskList: 'order-decisions-prod',
    });
    expect(() => stageNames('Prod/1')).toThrow(/Invalid stage "Prod\/1": use 1-16 lower-case letters/);
  });

  it('validates the context settings with clear errors', () => {
    expect(readSettings({})).toMatchObject({
      stage: 'dev',
      pollerConcurrency: 1,
      pollerTimeoutMinutes: 15,
      reservedConcurrency: 0,
      retainDomain: true,
    });
    expect(readSettings({ retainDomain: 'false', pollerConcurrency: '3' })).toMatchObject({
      retainDomain: false,
      pollerConcurrency: 3,
    });
    expect(() => readSettings({ alertEmail: 'nope', alertPhone: '123', pollerConcurrency: 9 })).toThrow(
      /-c alertEmail: must be an email address.*; -c alertPhone: must be an E\.164 phone number.*; -c pollerConcurrency: must be a whole number from 1 to 5$/,
    );
    // The stage is in the same one error, in plain words.
    expect(() => readSettings({ stage: 'Prod/1', retainDomain: 'maybe', pollerTimeoutMinutes: 'x' })).toThrow(
      'Invalid stack settings: -c stage: use 1-16 lower-case letters and digits, starting with a letter (e.g. -c stage=prod); -c pollerTimeoutMinutes: must be a number; -c retainDomain: must be true or false',
    );
  });

  it('prints bad -c values as one line, with no stack trace, when the app is synthesized', () => {
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'bin/app.ts'], {
      env: { ...process.env, CDK_CONTEXT_JSON: JSON.stringify({ stage: 'Prod/1', pollerConcurrency: '9' }) },
      encoding: 'utf8',
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toBe(
      'Invalid stack settings: -c stage: use 1-16 lower-case letters and digits, starting with a letter (e.g. -c stage=prod); -c pollerConcurrency: must be a whole number from 1 to 5\n',
    );
    const badSetting = spawnSync(process.execPath, ['--import', 'tsx', 'bin/app.ts'], {
      env: {
        ...process.env,
        CDK_CONTEXT_JSON: JSON.stringify({ workflowSettings: 'SubscriptionRenewal.grace=1d' }),
      },
      encoding: 'utf8',
    });
    expect(badSetting.status).toBe(1);
    expect(badSetting.stderr).toBe(
      'Invalid workflow settings: SubscriptionRenewal has no setting grace (it reads none)\n',
    );
  }, 30_000);

  it('refuses poller timeouts that an activity, the 60 s poll and a margin do not fit', () => {
    const catalog = buildCatalog(loadConfig({}));
    expect(() => checkTimeoutsFit(catalog, 15)).not.toThrow();
    expect(() => checkTimeoutsFit(catalog, 5)).toThrow(
      /Poller timeout of 5 min is too short: activity ProcessData@1 needs 300s \+ 60s poll \+ 10s margin\. Raise -c pollerTimeoutMinutes/,
    );
    expect(() => buildStack({ pollerTimeoutMinutes: 5 })).toThrow(/too short/);
  });
});

describe('the payload bucket', () => {
  const { template } = buildStack();
  const bucketId = Object.keys(template.findResources('AWS::S3::Bucket'))[0] as string;

  it('is encrypted, private, HTTPS-only, owned by the account, and expires payloads after the retention', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
      },
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
      // The longest run (SubscriptionRenewal, 35 days), 30 days of retention, plus a week: no history still
      // points at an expired payload (test/infra/payload-expiry.test.ts).
      LifecycleConfiguration: {
        Rules: [
          Match.objectLike({
            Prefix: 'payloads/',
            ExpirationInDays: 72,
            AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 },
            Status: 'Enabled',
          }),
        ],
      },
    });
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
    buildStack({ stage: 'prod' }).template.hasResource('AWS::S3::Bucket', { DeletionPolicy: 'Retain' });
    template.hasResource('AWS::S3::Bucket', { DeletionPolicy: 'Delete' });
  });

  it('lets the starter and the decider put, the activity worker and operations put and get, each under payloads/ only, and the readers list', () => {
    const objects = { 'Fn::Join': ['', [{ 'Fn::GetAtt': [bucketId, 'Arn'] }, '/payloads/*']] };
    const s3 = (role: string) =>
      statementsOf(template, role)
        .filter((s) => JSON.stringify(s.Action).includes('s3:'))
        .map((s) => [s.Action, s.Resource]);
    expect(s3('ApiStarterRole')).toEqual([['s3:PutObject', objects]]);
    // Readers may list the bucket: a missing key then answers 404, not 403 (test/integration/payload-reads.test.ts).
    const bucket = { 'Fn::GetAtt': [bucketId, 'Arn'] };
    expect(s3('PollersActivityWorkerRole')).toEqual([
      ['s3:PutObject', objects],
      ['s3:GetObject', objects],
      ['s3:ListBucket', bucket],
    ]);
    // Operations stores again the bodies a resume carries (test/integration/large-payloads.test.ts).
    expect(s3('ApiOperationsRole')).toEqual([
      ['s3:GetObject', objects],
      ['s3:ListBucket', bucket],
      ['s3:PutObject', objects],
    ]);
    // The decider stores close results and details too large for SWF; it never reads payloads.
    expect(s3('PollersDeciderRole')).toEqual([['s3:PutObject', objects]]);
    for (const role of ['ApiMonitorRole', 'RegistrationHandlerRole']) expect(s3(role)).toEqual([]);
    const functions = Object.values(template.findResources('AWS::Lambda::Function'))
      .map((f) => f.Properties.Environment?.Variables as Record<string, unknown> | undefined)
      .filter((v) => v?.SWF_DOMAIN);
    for (const variables of functions) expect(variables?.PAYLOAD_BUCKET).toEqual({ Ref: bucketId });
  });
});

describe('least-privilege IAM', () => {
  const swfResources = (statement: { Resource: unknown }) => JSON.stringify(statement.Resource);

  it('gives the decider polling on its task list, responding, and exactly the decisions it emits', () => {
    const statements = statementsOf(template, 'PollersDeciderRole');
    expect([...new Set(actionsOf(statements))]).toEqual(
      [
        'logs:CreateLogStream',
        'logs:PutLogEvents',
        // Close results and details too large for SWF (see the payload bucket's tests).
        's3:PutObject',
        // A resumed run's source, read to check its resume block.
        'swf:DescribeWorkflowExecution',
        'swf:GetWorkflowExecutionHistory',
        'swf:PollForDecisionTask',
        'swf:RespondDecisionTaskCompleted',
        'swf:ScheduleActivityTask',
        ...DECIDER_DECISIONS,
      ].sort(),
    );
    // ScheduleActivityTask for exactly the catalog's types, versions and task lists: each statement allows the
    // names it lists at one version on one task list.
    const schedule = statements.filter((s) => s.Action === 'swf:ScheduleActivityTask');
    const catalog = buildCatalog(stageNames('dev').config);
    const allowed = schedule.flatMap((s) => {
      const c = (s.Condition as { StringEquals: Record<string, string | string[]> }).StringEquals;
      return [c['swf:activityType.name'] ?? []]
        .flat()
        .map((name) => `${name}@${c['swf:activityType.version']}:${c['swf:taskList.name']}`);
    });
    expect(allowed.sort()).toEqual(
      catalog
        .activityTypes()
        .map((a) => `${a.name}@${a.version}:${a.taskList}`)
        .sort(),
    );
    const poll = statements.find((s) => s.Action === 'swf:PollForDecisionTask');
    expect(poll?.Condition).toEqual({ StringEquals: { 'swf:taskList.name': 'order-decisions-dev' } });
    expect(swfResources(poll ?? { Resource: '' })).toMatch(
      /:swf:",\{"Ref":"AWS::Region"\},":",\{"Ref":"AWS::AccountId"\},":\/domain\/order-processing-dev/,
    );
    expect(swfResources(poll ?? { Resource: '' })).toMatch(
      /:swf::",\{"Ref":"AWS::AccountId"\},":\/domain\/order-processing-dev/,
    );
  });

  it('gives the activity worker polling, responding, heartbeats and the effects it applies only', () => {
    // No Query and no ConditionCheckItem: the adapter never makes them (the rehearsal's IAM evaluation proves
    // each grant needed; see test/integration/rehearse.test.ts).
    expect(actionsOf(statementsOf(template, 'PollersActivityWorkerRole'))).toEqual([
      'dynamodb:DeleteItem',
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:UpdateItem',
      'kms:Decrypt',
      'kms:GenerateDataKey',
      'logs:CreateLogStream',
      'logs:PutLogEvents',
      's3:GetObject',
      's3:ListBucket',
      's3:PutObject',
      'sns:Publish',
      'swf:PollForActivityTask',
      'swf:RecordActivityTaskHeartbeat',
      'swf:RespondActivityTaskCanceled',
      'swf:RespondActivityTaskCompleted',
      'swf:RespondActivityTaskFailed',
    ]);
  });

  it("lets the starter start only the catalog's workflow types", () => {
    const statements = statementsOf(template, 'ApiStarterRole');
    expect(actionsOf(statements)).toEqual([
      // Claims of new runs, on the claim partitions only (see the effects tests).
      'dynamodb:DeleteItem',
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:UpdateItem',
      'logs:CreateLogStream',
      'logs:PutLogEvents',
      's3:PutObject',
      // The winner's run, for a start that lost its claim.
      'swf:DescribeWorkflowExecution',
      'swf:ListClosedWorkflowExecutions',
      'swf:ListOpenWorkflowExecutions',
      'swf:StartWorkflowExecution',
    ]);
    expect(statements.find((s) => s.Action === 'swf:StartWorkflowExecution')?.Condition).toEqual({
      StringEquals: { 'swf:workflowType.name': ['OrderProcessing', 'SubscriptionRenewal'] },
    });
  });

  it('gives registration RegisterDomain on * (it cannot be scoped), the rest on the domain, types by catalog name', () => {
    const statements = statementsOf(template, 'RegistrationHandlerRole');
    const register = statements.find((s) => s.Sid === 'RegisterDomainCannotBeScoped');
    expect(register).toMatchObject({ Action: 'swf:RegisterDomain', Resource: '*' });
    const rest = statements.find((s) => s.Sid === 'RegisterTheDomain');
    expect(JSON.stringify(rest?.Resource)).toContain(':/domain/order-processing-dev');
    const workflows = statements.find((s) => s.Sid === 'RegisterCatalogWorkflowTypes');
    expect(workflows?.Condition).toEqual({
      StringEquals: { 'swf:name': ['OrderProcessing', 'SubscriptionRenewal'] },
    });
    const activities = statements.find((s) => s.Sid === 'RegisterCatalogActivityTypesRead');
    expect(activities?.Action).toEqual(['swf:DescribeActivityType', 'swf:UndeprecateActivityType']);
    expect(JSON.stringify(activities?.Condition)).toContain('"swf:activityType.name":["');
    expect(actionsOf(statements)).toEqual(
      [
        'logs:CreateLogStream',
        'logs:PutLogEvents',
        'swf:DescribeActivityType',
        'swf:DescribeDomain',
        'swf:DescribeWorkflowType',
        'swf:RegisterActivityType',
        'swf:RegisterDomain',
        'swf:RegisterWorkflowType',
        'swf:UndeprecateActivityType',
        'swf:UndeprecateDomain',
        'swf:UndeprecateWorkflowType',
      ].sort(),
    );
  });

  it('grants DeprecateDomain only when the domain is not retained', () => {
    const released = buildStack({ retainDomain: 'false' }).template;
    expect(actionsOf(statementsOf(released, 'RegistrationHandlerRole'))).toContain('swf:DeprecateDomain');
    expect(actionsOf(statementsOf(template, 'RegistrationHandlerRole'))).not.toContain('swf:DeprecateDomain');
  });

  it('scopes the operations and monitor roles, and never grants swf:* anywhere', () => {
    expect(actionsOf(statementsOf(template, 'ApiOperationsRole'))).toContain(
      'swf:GetWorkflowExecutionHistory',
    );
    expect(actionsOf(statementsOf(template, 'ApiMonitorRole'))).toEqual([
      'cloudwatch:PutMetricData',
      'logs:CreateLogStream',
      'logs:PutLogEvents',
      'swf:CountOpenWorkflowExecutions',
      'swf:CountPendingActivityTasks',
      'swf:CountPendingDecisionTasks',
    ]);
    const everything = JSON.stringify(template.toJSON());
    expect(everything).not.toMatch(/"swf:\*"/);
    // One role per function: six functions, six roles of our own, and the Provider framework's (ours too, so
    // it carries no managed policy with logs:* on every group); on dev, CDK's bucket auto-delete provider's.
    const roles = Object.keys(template.findResources('AWS::IAM::Role'));
    expect(
      roles
        .filter((id) => !id.startsWith('CustomS3AutoDeleteObjects'))
        .map((id) => id.replace(/Role[0-9A-F]{8}$/, '')),
    ).toEqual([
      'RegistrationHandler',
      'RegistrationProvider',
      'PollersDecider',
      'PollersActivityWorker',
      'ApiStarter',
      'ApiOperations',
      'ApiMonitor',
    ]);
  });
});

describe('order effects', () => {
  const refs = (resourceType: string) => Object.keys(template.findResources(resourceType));
  const [tableId] = refs('AWS::DynamoDB::Table');
  const [topicId] = Object.keys(
    template.findResources('AWS::SNS::Topic', { Properties: { DisplayName: 'Order events' } }),
  );

  it('keeps orders in an on-demand, encrypted, point-in-time-recoverable table', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      BillingMode: 'PAY_PER_REQUEST',
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      SSESpecification: { SSEEnabled: true },
      DeletionProtectionEnabled: false,
    });
    // dev may be destroyed with the stack; every other stage retains the table, with deletion protection.
    template.hasResource('AWS::DynamoDB::Table', { DeletionPolicy: 'Delete' });
    const prod = buildStack({ stage: 'prod' }).template;
    prod.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: Match.objectLike({ DeletionProtectionEnabled: true }),
    });
  });

  it('publishes order events to a KMS-encrypted, SSL-only topic, with an optional email subscription', () => {
    const topic = template.findResources('AWS::SNS::Topic')[topicId as string];
    expect(topic?.Properties.KmsMasterKeyId).toMatchObject({
      'Fn::GetAtt': [expect.stringMatching(/^EffectsTopicKey/), 'Arn'],
    });
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      Topics: [{ Ref: topicId }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
    expect(
      template.findResources('AWS::SNS::Subscription', { Properties: { TopicArn: { Ref: topicId } } }),
    ).toEqual({});
    buildStack({ notificationEmail: 'orders@example.com' }).template.hasResourceProperties(
      'AWS::SNS::Subscription',
      {
        Protocol: 'email',
        Endpoint: 'orders@example.com',
        TopicArn: { Ref: topicId },
      },
    );
    expect(() => buildStack({ notificationEmail: 'nope' })).toThrow(
      /-c notificationEmail: must be an email address/,
    );
  });

  it('tells every function where effects go, and lets only the activity worker write and publish', () => {
    const functions = template.findResources('AWS::Lambda::Function', {
      Properties: { Environment: { Variables: { SWF_EFFECTS: 'aws' } } },
    });
    expect(Object.keys(functions)).toHaveLength(6);
    for (const fn of Object.values(functions)) {
      expect(fn.Properties.Environment.Variables).toMatchObject({
        ORDERS_TABLE: { Ref: tableId },
        ORDER_EVENTS_TOPIC_ARN: { Ref: topicId },
      });
    }
    const tableArn = { 'Fn::GetAtt': [tableId, 'Arn'] };
    const write = statementsOf(template, 'PollersActivityWorkerRole').find((s) =>
      JSON.stringify(s.Action).includes('dynamodb:PutItem'),
    );
    expect(write?.Resource).toEqual([tableArn]);
    const publish = statementsOf(template, 'PollersActivityWorkerRole').find(
      (s) => s.Action === 'sns:Publish',
    );
    expect(publish?.Resource).toEqual({ Ref: topicId });
    // Reads every subject's effects; writes only run claims (see the next test).
    expect(
      statementsOf(template, 'ApiOperationsRole')
        .filter((s) => JSON.stringify(s.Action).includes('dynamodb:') && !s.Condition)
        .flatMap((s) => s.Action),
    ).toEqual(['dynamodb:Query']);
    for (const role of ['PollersDeciderRole', 'ApiMonitorRole', 'RegistrationHandlerRole']) {
      expect(actionsOf(statementsOf(template, role)).filter((a) => /^(dynamodb|sns|kms):/.test(a))).toEqual(
        [],
      );
    }
    // (A KMS key policy's root statement delegates to IAM; the grants themselves never use wildcards.)
    const policies = JSON.stringify(template.findResources('AWS::IAM::Policy'));
    expect(policies).not.toMatch(/"dynamodb:\*"|"sns:\*"|"kms:\*"|"kms:GenerateDataKey\*"/);
  });

  it('lets the starter and the operations function claim new runs, on the claim partitions of the table only', () => {
    const tableArn = { 'Fn::GetAtt': [tableId, 'Arn'] };
    for (const role of ['ApiStarterRole', 'ApiOperationsRole']) {
      const claims = statementsOf(template, role).filter((s) =>
        JSON.stringify(s.Action).includes('dynamodb:PutItem'),
      );
      expect(claims, role).toEqual([
        {
          Effect: 'Allow',
          Action: ['dynamodb:DeleteItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
          Resource: tableArn,
          Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['RUNS#*'] } },
        },
      ]);
    }
    // The starter touches nothing else of the table, nor the topic.
    expect(
      actionsOf(statementsOf(template, 'ApiStarterRole')).filter((a) => /^(dynamodb|sns|kms):/.test(a)),
    ).toEqual(['dynamodb:DeleteItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem']);
  });

  it('alarms on the table’s throttled requests and system errors, and draws a row for it', () => {
    for (const metricName of ['ThrottledRequests', 'SystemErrors']) {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Metrics: Match.arrayWith([
          Match.objectLike({
            MetricStat: Match.objectLike({
              Metric: Match.objectLike({
                MetricName: metricName,
                Namespace: 'AWS/DynamoDB',
                Dimensions: Match.arrayWith([{ Name: 'Operation', Value: 'TransactWriteItems' }]),
              }),
            }),
          }),
        ]),
        AlarmActions: [{ Ref: Match.stringLikeRegexp('^AlertsTopic') }],
      });
    }
    const body = JSON.stringify(template.findResources('AWS::CloudWatch::Dashboard'));
    expect(body).toContain('## Orders table');
    expect(body).toContain('SuccessfulRequestLatency');
  });

  it('logs at INFO without source maps in production, DEBUG with them elsewhere', () => {
    const variables = (t: typeof template) =>
      Object.values(t.findResources('AWS::Lambda::Function'))
        // Ours, not CDK's auto-delete provider for the dev bucket.
        .filter((f) => f.Properties.Environment?.Variables?.SWF_DOMAIN)
        .map((f) => f.Properties.Environment.Variables);
    for (const v of variables(buildStack({ stage: 'prod' }).template))
      expect([v.POWERTOOLS_LOG_LEVEL, v.NODE_OPTIONS]).toEqual(['INFO', undefined]);
    for (const v of variables(buildStack({ stage: 'staging', production: 'true' }).template))
      expect(v.POWERTOOLS_LOG_LEVEL).toBe('INFO');
    for (const v of variables(template))
      expect([v.POWERTOOLS_LOG_LEVEL, v.NODE_OPTIONS]).toEqual(['DEBUG', '--enable-source-maps']);
  });

  it('refuses failure injection on the prod stage', () => {
    expect(() => buildStack({ stage: 'prod', allowFailureInjection: 'true' })).toThrow(
      /-c allowFailureInjection: failure injection is never allowed on the prod stage/,
    );
    expect(JSON.stringify(buildStack({ allowFailureInjection: 'true' }).template.toJSON())).toContain(
      '"SWF_ALLOW_FAILURE_INJECTION":"true"',
    );
    expect(JSON.stringify(template.toJSON())).not.toContain('SWF_ALLOW_FAILURE_INJECTION');
  });
});

describe('alarm delivery', () => {
  type Statement = {
    Effect: string;
    Principal?: Record<string, unknown>;
    Action: unknown;
    Condition?: unknown;
  };
  const topicPolicies = template.findResources('AWS::SNS::TopicPolicy');
  const policyOf = (topicRef: string): Statement[] =>
    Object.values(topicPolicies)
      .filter((p) => JSON.stringify(p.Properties.Topics).includes(`"${topicRef}"`))
      .flatMap((p) => p.Properties.PolicyDocument.Statement as Statement[]);
  const ownAlarms = {
    StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
    ArnLike: {
      'aws:SourceArn': {
        'Fn::Join': [
          '',
          [
            'arn:',
            { Ref: 'AWS::Partition' },
            ':cloudwatch:',
            { Ref: 'AWS::Region' },
            ':',
            { Ref: 'AWS::AccountId' },
            ':alarm:SwfOrders-dev-*',
          ],
        ],
      },
    },
  };

  it('names every alarm after the stack, in ASCII, so the conditions can match it', () => {
    const names = Object.values(template.findResources('AWS::CloudWatch::Alarm')).map(
      (a) => a.Properties.AlarmName as string,
    );
    expect(names.length).toBeGreaterThan(0);
    for (const name of names) expect(name).toMatch(/^SwfOrders-dev-[\x21-\x7e]{1,240}$/);
    expect(new Set(names).size).toBe(names.length);
  });

  it("lets every alarm's action topic, and its key, take CloudWatch's publish from this stack's alarms only", () => {
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm'));
    const topics = new Set(
      alarms.flatMap((a) => (a.Properties.AlarmActions as { Ref: string }[]).map((r) => r.Ref)),
    );
    expect(alarms.length).toBeGreaterThan(40);
    expect(topics.size).toBe(1);
    for (const topic of topics) {
      const allow = policyOf(topic).find(
        (s) =>
          s.Effect === 'Allow' && JSON.stringify(s.Principal) === '{"Service":"cloudwatch.amazonaws.com"}',
      );
      expect(allow?.Action).toBe('sns:Publish');
      expect(allow?.Condition).toEqual(ownAlarms);
      const keyId = (
        (template.findResources('AWS::SNS::Topic')[topic] ?? { Properties: {} }).Properties
          .KmsMasterKeyId as {
          'Fn::GetAtt': [string];
        }
      )['Fn::GetAtt'][0];
      const keyPolicy = template.findResources('AWS::KMS::Key')[keyId]?.Properties.KeyPolicy
        .Statement as Statement[];
      const keyGrant = keyPolicy.find(
        (s) => JSON.stringify(s.Principal) === '{"Service":"cloudwatch.amazonaws.com"}',
      );
      expect(keyGrant?.Action).toEqual(['kms:Decrypt', 'kms:GenerateDataKey*']);
      expect(keyGrant?.Condition).toEqual(ownAlarms);
    }
  });

  it('lets the order-events topic policy only deny publishing without TLS: the publisher is in the account', () => {
    const [topicId] = Object.keys(
      template.findResources('AWS::SNS::Topic', { Properties: { DisplayName: 'Order events' } }),
    );
    // A same-account publisher needs its identity policy or the topic's, not both: the rehearsal's IAM
    // evaluation found the topic's Allow redundant, and proves the identity grant suffices.
    expect(policyOf(topicId as string).map((s) => s.Effect)).toEqual(['Deny']);
  });
});

describe('pollers', () => {
  it('runs every scheduled function once per tick: no EventBridge retries, no Lambda async retries', () => {
    const configs = Object.values(template.findResources('AWS::Lambda::EventInvokeConfig'));
    const targets = new Set(
      Object.values(template.findResources('AWS::Events::Rule')).flatMap((r) =>
        (r.Properties.Targets as { Arn: { 'Fn::GetAtt': [string] } }[]).map((t) => t.Arn['Fn::GetAtt'][0]),
      ),
    );
    expect(targets.size).toBe(3);
    for (const fn of targets) {
      const config = configs.find((c) => c.Properties.FunctionName.Ref === fn);
      expect(config?.Properties, fn).toMatchObject({
        MaximumRetryAttempts: 0,
        MaximumEventAgeInSeconds: 60,
        Qualifier: '$LATEST',
      });
    }
  });

  it('runs both pollers every minute, with no retries and a short event age', () => {
    template.resourcePropertiesCountIs('AWS::Events::Rule', { ScheduleExpression: 'rate(1 minute)' }, 3);
    template.hasResourceProperties('AWS::Events::Rule', {
      Description: 'Invokes 1 Decider poller(s) every minute',
      Targets: [Match.objectLike({ RetryPolicy: { MaximumRetryAttempts: 0, MaximumEventAgeInSeconds: 60 } })],
    });
  });

  it('invokes pollerConcurrency pollers per tick and reserves concurrency only when asked', () => {
    // 3 per tick × (15 min + 1): the overlap (test/infra/reserved-concurrency.test.ts).
    const scaled = buildStack({ pollerConcurrency: 3, reservedConcurrency: 48 }).template;
    scaled.hasResourceProperties('AWS::Events::Rule', {
      Description: 'Invokes 3 ActivityWorker poller(s) every minute',
      Targets: Match.arrayWith([Match.objectLike({ Id: 'Target2' })]),
    });
    scaled.hasResourceProperties('AWS::Lambda::Function', {
      Handler: 'index.handler',
      ReservedConcurrentExecutions: 48,
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('decision tasks'),
      ReservedConcurrentExecutions: Match.absent(),
    });
  });

  it('runs arm64 Node.js 22 with explicit memory, timeout, environment and log group', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('decision tasks'),
      Runtime: 'nodejs22.x',
      Architectures: ['arm64'],
      MemorySize: 256,
      Timeout: 900,
      LoggingConfig: { LogGroup: Match.anyValue() },
      Environment: {
        Variables: {
          SWF_DOMAIN: 'order-processing-dev',
          SWF_DECISION_TASK_LIST: 'order-decisions-dev',
          SWF_ACTIVITY_TASK_LIST: 'order-activities-dev',
          SWF_WORKFLOW_VERSION: '3',
          SWF_POLL_HOLD_SECONDS: '60',
          SWF_POLL_WINDOW_SECONDS: '60',
          POWERTOOLS_SERVICE_NAME: 'swf-orders-dev',
          POWERTOOLS_METRICS_NAMESPACE: 'SwfOrders',
          POWERTOOLS_LOG_LEVEL: 'DEBUG',
          NODE_OPTIONS: '--enable-source-maps',
        },
      },
    });
    // Six functions and the registration provider framework.
    template.resourcePropertiesCountIs('AWS::Logs::LogGroup', { RetentionInDays: 30 }, 7);
  });
});

describe('registration custom resource', () => {
  it('passes every version, default and the retention to the handler, so any change is an update', () => {
    template.hasResourceProperties('Custom::SwfCatalog', {
      Domain: 'order-processing-dev',
      DomainRetentionDays: '30',
      RetainDomain: 'true',
      WorkflowTypes:
        'OrderProcessing@1:order-decisions-dev:3600/30:TERMINATE,OrderProcessing@2:order-decisions-dev:3600/30:TERMINATE,OrderProcessing@3:order-decisions-dev:3600/30:TERMINATE,SubscriptionRenewal@1:order-decisions-dev:3024000/30:TERMINATE',
      ActivityTypes: Match.stringLikeRegexp(
        '^ValidateInput@1:order-activities-dev:300/600/30/NONE,ProcessData@1',
      ),
    });
    buildStack({ retainDomain: 'false', workflowVersion: '2' }).template.hasResourceProperties(
      'Custom::SwfCatalog',
      {
        RetainDomain: 'false',
        WorkflowTypes: Match.stringLikeRegexp('OrderProcessing@2:'),
      },
    );
  });

  it('hands per-workflow versions and settings to every function, and refuses ones no module reads', () => {
    const { template: custom } = buildStack({
      workflowVersions: 'OrderProcessing=1',
      workflowSettings: 'OrderProcessing.approvalTimeout=48h',
    });
    const environments = Object.values(custom.findResources('AWS::Lambda::Function'))
      .map((f) => f.Properties.Environment?.Variables as Record<string, string> | undefined)
      .filter((variables) => variables?.SWF_DOMAIN);
    expect(environments.length).toBeGreaterThan(3);
    for (const variables of environments)
      expect(variables).toMatchObject({
        SWF_WORKFLOW_VERSIONS: 'OrderProcessing=1',
        SWF_WORKFLOW_SETTINGS: 'OrderProcessing.approvalTimeout=48h',
      });
    expect(() => buildStack({ workflowSettings: 'OrderProcessing.threshold=10' })).toThrow(
      /Invalid workflow settings: OrderProcessing has no setting threshold \(it reads approvalTimeout/,
    );
    expect(() => buildStack({ workflowVersions: 'OrderProcesing=1' })).toThrow(
      /names OrderProcesing, which is not a workflow/,
    );
    expect(() => buildStack({ workflowSettings: 'approvalTimeout' })).toThrow(
      /-c workflowSettings: must read Name\.key=value/,
    );
  });

  it("keeps the provider framework's logs a month, and deletes them with the stack", () => {
    const provider = Object.values(template.findResources('AWS::Lambda::Function')).find((f) =>
      String(f.Properties.Handler).startsWith('framework.'),
    );
    const logGroupRef = provider?.Properties.LoggingConfig?.LogGroup?.Ref as string;
    expect(logGroupRef).toMatch(/^RegistrationProviderLogs/);
    template.hasResource('AWS::Logs::LogGroup', {
      Properties: { RetentionInDays: 30 },
      DeletionPolicy: 'Delete',
    });
    expect(template.findResources('AWS::Logs::LogGroup')[logGroupRef]?.Properties.RetentionInDays).toBe(30);
  });
});

describe('alerts and monitoring', () => {
  it('encrypts the topic with a key CloudWatch may use, requires TLS, and subscribes email and SMS', () => {
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
    template.hasResourceProperties('AWS::KMS::Key', {
      EnableKeyRotation: true,
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
          }),
        ]),
      },
    });
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'oncall@example.com',
    });
    template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'sms', Endpoint: '+5511999998888' });
    template.resourceCountIs('AWS::SNS::Subscription', 2);
    buildStack().template.resourceCountIs('AWS::SNS::Subscription', 0);
  });

  it('alarms on the SWF metrics per workflow and activity type, to the topic', () => {
    const toTopic = [{ Ref: Match.stringLikeRegexp('^AlertsTopic') }];
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/SWF',
      MetricName: 'WorkflowsFailed',
      Dimensions: Match.arrayWith([
        { Name: 'Domain', Value: 'order-processing-dev' },
        { Name: 'WorkflowTypeName', Value: 'OrderProcessing' },
        { Name: 'WorkflowTypeVersion', Value: '1' },
      ]),
      Statistic: 'Sum',
      Threshold: 1,
      AlarmActions: toTopic,
    });
    for (const metric of [
      'ActivityTasksFailed',
      'ScheduledActivityTasksTimedOutOnStart',
      'StartedActivityTasksTimedOutOnClose',
    ]) {
      template.resourcePropertiesCountIs(
        'AWS::CloudWatch::Alarm',
        { Namespace: 'AWS/SWF', MetricName: metric },
        13,
      );
    }
    // SWF times a type out on heartbeats only when it has a heartbeat timeout: ProcessData alone here.
    template.resourcePropertiesCountIs(
      'AWS::CloudWatch::Alarm',
      { Namespace: 'AWS/SWF', MetricName: 'StartedActivityTasksTimedOutOnHeartbeat' },
      1,
    );
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'StartedActivityTasksTimedOutOnHeartbeat',
      Dimensions: Match.arrayWith([{ Name: 'ActivityTypeName', Value: 'ProcessData' }]),
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ActivityTaskScheduleToStartTime',
      Statistic: 'Maximum',
      Threshold: 90_000,
      Dimensions: Match.arrayWith([{ Name: 'ActivityTypeName', Value: 'ProcessData' }]),
    });
    for (const metric of [
      'WorkflowsTimedOut',
      'StartedDecisionTasksTimedOutOnClose',
      'DecisionTaskScheduleToStartTime',
    ]) {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'AWS/SWF',
        MetricName: metric,
        AlarmActions: toTopic,
      });
    }
  });

  it('alarms on Lambda errors and throttles, on silent pollers, and on our own metrics', () => {
    template.resourcePropertiesCountIs(
      'AWS::CloudWatch::Alarm',
      { Namespace: 'AWS/Lambda', MetricName: 'Errors' },
      6,
    );
    template.resourcePropertiesCountIs(
      'AWS::CloudWatch::Alarm',
      { Namespace: 'AWS/Lambda', MetricName: 'Throttles' },
      6,
    );
    template.resourcePropertiesCountIs(
      'AWS::CloudWatch::Alarm',
      {
        MetricName: 'Invocations',
        ComparisonOperator: 'LessThanThreshold',
        Threshold: 1,
        TreatMissingData: 'breaching',
        Period: 300,
      },
      2,
    );
    for (const metric of ['CompensationsFailed', 'DecisionErrors']) {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'SwfOrders',
        MetricName: metric,
        Dimensions: [{ Name: 'service', Value: 'swf-orders-dev' }],
      });
    }
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'SwfOrders',
      MetricName: 'OpenExecutions',
      Dimensions: [{ Name: 'Domain', Value: 'order-processing-dev' }],
      Threshold: 1000,
    });
  });

  it('takes alarm thresholds as named props', async () => {
    const { App } = await import('aws-cdk-lib');
    const { Template } = await import('aws-cdk-lib/assertions');
    const { OrderWorkflowStack } = await import('../../lib/order-workflow-stack.js');
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    const tuned = new OrderWorkflowStack(app, 'Tuned', {
      names: stageNames('dev'),
      settings: readSettings({}),
      thresholds: { openExecutions: 50, activityTasksFailed: 20 },
    });
    const tunedTemplate = Template.fromStack(tuned);
    tunedTemplate.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'OpenExecutions',
      Threshold: 50,
    });
    tunedTemplate.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ActivityTasksFailed',
      Threshold: 20,
    });
  });

  it('builds one dashboard with a row per concern, and a backlog monitor every minute', () => {
    template.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
    const body = JSON.stringify(
      Object.values(template.findResources('AWS::CloudWatch::Dashboard'))[0]?.Properties.DashboardBody,
    );
    for (const row of [
      '## Workflows',
      '## Decisions',
      '## Activities',
      '## Backlog',
      '## Pollers',
      '## Errors and throttling',
    ]) {
      expect(body).toContain(row);
    }
    expect(body).toContain('ThrottledEvents');
    template.hasResourceProperties('AWS::Events::Rule', {
      Description: 'Publishes the SWF backlog every minute',
    });
  });

  it('outputs the starter and operations function names', () => {
    const outputs = template.toJSON().Outputs;
    expect(outputs.StarterFunctionName.Description).toMatch(/aws lambda invoke --function-name/);
    expect(Object.keys(outputs)).toEqual(
      expect.arrayContaining([
        'StarterFunctionName',
        'OperationsFunctionName',
        'SwfDomain',
        'AlarmTopicArn',
        'DashboardName',
      ]),
    );
  });
});

describe('cdk-nag', () => {
  it('finds no unacknowledged AwsSolutions findings', () => {
    const report = new AwsSolutionsChecks(stack).validateScope(stack);
    const findings = report.violations.map(
      (v) => `${v.ruleName}: ${v.violatingResources.map((r) => r.resourceLogicalId).join(', ')}`,
    );
    expect(findings).toEqual([]);
    expect(report.success).toBe(true);
  });
});

describe('template snapshot', () => {
  it('matches, with asset hashes masked', () => {
    const masked = JSON.parse(
      JSON.stringify(template.toJSON())
        .replace(/[0-9a-f]{64}(\.zip)?/g, '[asset-hash]')
        .replace(/"S3Bucket":\{"Fn::Sub":"[^"]*"\}/g, '"S3Bucket":"[asset-bucket]"'),
    );
    expect(masked).toMatchSnapshot();
  });
});
