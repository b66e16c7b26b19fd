import { type Assembly, type Physical, resolve } from './assembly.js';
import type { RecordedCall } from './call-recorder.js';
import { type ServiceRequest, type StackPolicies, stackPolicies } from './iam-evaluation.js';
import { type AuthorizationRequest, authorizationRequests } from './iam-requests.js';
import {
  auditPermissions,
  describeRequest,
  type PermissionAudit,
  type UnexercisedGrant,
} from './permission-audit.js';

/**
 * Grants the rehearsal's orders do not exercise, each with the path that needs it. A listed grant that some
 * request does need is still fine; one missing from here and from every request is reported unused.
 */
export const UNEXERCISED_GRANTS: UnexercisedGrant[] = [
  {
    caller: 'RegistrationHandler',
    action: 'swf:UndeprecateDomain',
    why: 'a deploy onto a deprecated domain',
  },
  {
    caller: 'RegistrationHandler',
    action: 'swf:UndeprecateWorkflowType',
    why: 'a deprecated type registered again',
  },
  {
    caller: 'RegistrationHandler',
    action: 'swf:UndeprecateActivityType',
    why: 'a deprecated type registered again',
  },
  {
    caller: 'RegistrationProviderframeworkonEvent',
    action: 'lambda:GetFunction',
    why: 'the CDK provider framework waits with GetFunction while Lambda reports the handler not yet active',
  },
  {
    caller: 'PollersDecider',
    action: 's3:PutObject',
    why: 'a close result or failure detail above SWF’s limits, stored by the decider',
  },
  {
    caller: 'PollersActivityWorker',
    action: 'dynamodb:GetItem',
    why: 'an effect whose condition failed: the item is read to tell a retry of this run from another run',
  },
  {
    caller: 'ApiStarter',
    action: 'swf:ListOpenWorkflowExecutions',
    why: 'a second start while the first run is open answers with that run',
  },
  {
    caller: 'ApiStarter',
    action: 'swf:DescribeWorkflowExecution',
    why: 'a second start while the first run is open answers with that run',
  },
  { caller: 'ApiStarter', action: 'dynamodb:GetItem', why: 'a claim held by a concurrent start is read' },
  { caller: 'ApiStarter', action: 'dynamodb:DeleteItem', why: 'a claim released after a start SWF refused' },
  { caller: 'ApiOperations', action: 'dynamodb:GetItem', why: 'a claim held by a concurrent resume is read' },
  {
    caller: 'ApiOperations',
    action: 'dynamodb:DeleteItem',
    why: 'a claim released after a resume SWF refused',
  },
  { caller: 'ApiOperations', action: 'swf:TerminateWorkflowExecution', why: 'swfctl terminate' },
  {
    caller: 'ApiOperations',
    action: 's3:PutObject',
    why: 'a resume of a run whose input or results are stored stores those bodies again',
  },
];

export interface RehearsalPermissions {
  audit: PermissionAudit;
  requests: AuthorizationRequest[];
  stack: StackPolicies;
  checks: { check: string; ok: boolean; detail: string }[];
}

/**
 * Evaluates every AWS call the rehearsal's functions made (and the ones AWS makes under their roles: their
 * logs, an encrypted topic's KMS calls, the custom resource's invocation), plus every alarm's delivery, against
 * the synthesized template's policies.
 */
export async function rehearsalPermissions(
  assembly: Assembly,
  names: { physical: Map<string, Physical>; pseudo: Record<string, string> },
  recorded: { calls: RecordedCall[]; callerOf: (accessKeyId: string) => string | undefined; stage: string },
): Promise<RehearsalPermissions> {
  const { physical, pseudo } = names;
  const account = pseudo['AWS::AccountId'] as string;
  const region = pseudo['AWS::Region'] as string;
  const resolved = (value: unknown) => resolve(value, physical, pseudo);
  const roleArns = new Map<string, string>();
  const partitionKeys = new Map<string, string>();
  const topicKeys = new Map<string, string>();
  for (const [id, resource] of Object.entries(assembly.resources)) {
    const p = resource.Properties ?? {};
    if (resource.Type === 'AWS::IAM::Role') roleArns.set(id, physical.get(id)?.arn as string);
    if (resource.Type === 'AWS::DynamoDB::Table') {
      const hash = (p.KeySchema as { AttributeName: string; KeyType: string }[]).find(
        (k) => k.KeyType === 'HASH',
      );
      if (hash) partitionKeys.set(physical.get(id)?.ref as string, hash.AttributeName);
    }
    if (resource.Type === 'AWS::SNS::Topic' && p.KmsMasterKeyId)
      topicKeys.set(physical.get(id)?.ref as string, String(resolved(p.KmsMasterKeyId)));
  }
  const stack = stackPolicies(assembly.resources, resolved, { account, region, roleArns });
  const requests = [
    ...authorizationRequests(recorded.calls, {
      account,
      region,
      callerOf: recorded.callerOf,
      partitionKeys,
      topicKeys,
    }),
    ...platformRequests(assembly, resolved, { account, region }),
  ];
  const alarmDeliveries = alarmRequests(assembly, resolved, { account, region, topicKeys, physical });
  const audit = await auditPermissions(requests, stack, {
    stage: recorded.stage,
    alarmDeliveries,
    unexercised: UNEXERCISED_GRANTS,
  });
  const checks = permissionChecks(audit, {
    requests,
    calls: recorded.calls.length,
    deliveries: alarmDeliveries.length,
  });
  return { audit, requests, stack, checks };
}

/** The rehearsal's four permission checks, from an audit. */
export function permissionChecks(
  audit: PermissionAudit,
  counts: { requests: AuthorizationRequest[]; calls: number; deliveries: number },
): { check: string; ok: boolean; detail: string }[] {
  const sample = (list: string[]) =>
    list.slice(0, 4).join('; ') + (list.length > 4 ? `; … ${list.length - 4} more` : '');
  return [
    {
      check: 'IAM: every call allowed',
      ok: audit.denied.length === 0 && counts.requests.length > 0,
      detail: audit.denied.length
        ? sample(audit.denied.map(deniedLine))
        : `${audit.evaluated.length} distinct requests of ${new Set(counts.requests.map((r) => r.caller)).size} functions (${counts.calls} calls recorded)`,
    },
    {
      check: 'IAM: must-deny cases denied',
      ok: audit.leaks.length === 0 && audit.untested.length === 0,
      detail: audit.leaks.length
        ? sample(audit.leaks.map((e) => `allowed: ${describeRequest(e.request)}`))
        : audit.untested.length
          ? `no request to derive a case from: ${audit.untested.join(', ')}`
          : 'other stage, domain, task list, types, table, topic, bucket and prefix: all denied',
    },
    {
      check: 'IAM: every grant needed',
      ok: audit.unused.length === 0 && audit.staleExcuses.length === 0,
      detail: audit.staleExcuses.length
        ? `UNEXERCISED_GRANTS names grants the template lacks: ${sample(audit.staleExcuses)}`
        : audit.unused.length
          ? `unused: ${sample(audit.unused)}`
          : 'each allowed action of each role is needed by a request',
    },
    {
      check: 'IAM: alarm delivery',
      ok: audit.delivery.length === 0 && counts.deliveries > 0,
      detail: audit.delivery.length
        ? sample(audit.delivery)
        : `${counts.deliveries} deliveries allowed for this stack's alarms, refused for another account's and for another alarm of this account`,
    },
  ];
}

/** A denied request, and the grant it needs (or why it could not be evaluated). */
function deniedLine(e: PermissionAudit['denied'][number]): string {
  if (e.problem) return `${e.decision}: ${describeRequest(e.request)} (${e.problem})`;
  const keys = Object.entries(e.request.context)
    .map(([k, v]) => `${k} = ${JSON.stringify(v)}`)
    .join(', ');
  return `${e.decision}: ${describeRequest(e.request)}; it needs a grant of ${e.request.action} on ${e.request.resource}${keys ? ` where ${keys}` : ''} in the role of ${e.request.caller}`;
}

/**
 * Requests AWS makes under a function's role without the function's code: the Lambda runtime writing its logs
 * (Lambda Developer Guide, "Sending Lambda function logs to CloudWatch Logs": the execution role needs
 * logs:CreateLogStream and logs:PutLogEvents), and a custom resource provider invoking its onEvent handler.
 */
function platformRequests(
  assembly: Assembly,
  resolved: (value: unknown) => unknown,
  at: { account: string; region: string },
): AuthorizationRequest[] {
  const requests: AuthorizationRequest[] = [];
  for (const [id, resource] of Object.entries(assembly.resources)) {
    const p = resource.Properties ?? {};
    if (resource.Type === 'AWS::Lambda::Function') {
      const logGroup = (p.LoggingConfig as { LogGroup?: unknown } | undefined)?.LogGroup;
      const group = logGroup ? String(resolved(logGroup)) : `/aws/lambda/${resolved({ Ref: id })}`;
      const stream = `arn:aws:logs:${at.region}:${at.account}:log-group:${group}:log-stream:2026/01/01/[$LATEST]0`;
      for (const action of ['logs:CreateLogStream', 'logs:PutLogEvents'])
        requests.push({
          caller: id,
          action,
          resource: stream,
          context: {},
          source: 'the Lambda runtime writing the function’s logs',
        });
    }
    if (resource.Type.startsWith('Custom::')) {
      const provider = (p.ServiceToken as { 'Fn::GetAtt'?: [string, string] })?.['Fn::GetAtt']?.[0] as string;
      const handler = assembly.functions.get(provider)?.environment.USER_ON_EVENT_FUNCTION_ARN;
      if (handler)
        requests.push({
          caller: provider,
          action: 'lambda:InvokeFunction',
          resource: String(resolved(handler)),
          context: {},
          source: `the custom resource provider of ${id} invoking its onEvent handler`,
        });
    }
  }
  return requests;
}

/** Each alarm action's delivery: CloudWatch publishing to the topic, and SNS using the topic's key for it. */
function alarmRequests(
  assembly: Assembly,
  resolved: (value: unknown) => unknown,
  at: { account: string; region: string; topicKeys: Map<string, string>; physical: Map<string, Physical> },
): ServiceRequest[] {
  const requests: ServiceRequest[] = [];
  for (const [id, resource] of Object.entries(assembly.resources)) {
    if (resource.Type !== 'AWS::CloudWatch::Alarm') continue;
    const p = resource.Properties ?? {};
    const name = p.AlarmName ? String(resolved(p.AlarmName)) : `${assembly.stackName}-${id}`;
    const context = {
      'aws:SourceAccount': at.account,
      'aws:SourceArn': `arn:aws:cloudwatch:${at.region}:${at.account}:alarm:${name}`,
    };
    const topics = new Set(
      [...((p.AlarmActions ?? []) as unknown[]), ...((p.OKActions ?? []) as unknown[])].map((a) =>
        String(resolved(a)),
      ),
    );
    for (const topic of topics) {
      const base = { caller: 'CloudWatch', servicePrincipal: 'cloudwatch.amazonaws.com', context };
      requests.push({ ...base, action: 'sns:Publish', resource: topic, source: `alarm ${id} → its topic` });
      const key = at.topicKeys.get(topic);
      for (const action of key ? ['kms:GenerateDataKey', 'kms:Decrypt'] : [])
        requests.push({ ...base, action, resource: key as string, source: `alarm ${id} → its topic's key` });
    }
  }
  return requests;
}
