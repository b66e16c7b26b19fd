import type { RecordedCall } from './call-recorder.js';

/** One request as IAM would authorise it: an action on a resource, with the context keys the service sets. */
export interface AuthorizationRequest {
  /** The logical id of the function whose role makes the request. */
  caller: string;
  /** `service:Action`, an SWF decision being `swf:<DecisionType>` (IAM authorises each one apart). */
  action: string;
  /** The resource's ARN, or `*` for an action that takes none. */
  resource: string;
  context: Record<string, string | string[]>;
  /** What makes the request: the recorded call, or the documented rule that implies it. */
  source: string;
}

/** What the translation needs to know of the deployment the calls were made against. */
export interface DeploymentFacts {
  account: string;
  region: string;
  /** The function (logical id) whose sandbox signed with this access key. */
  callerOf: (accessKeyId: string) => string | undefined;
  /** Each table's partition key attribute, by table name (dynamodb:LeadingKeys is its value). */
  partitionKeys: Map<string, string>;
  /** The KMS key that encrypts each topic, by topic ARN. */
  topicKeys: Map<string, string>;
}

type Json = Record<string, unknown>;

/**
 * The authorisation requests behind the recorded calls: each call's own, the decisions inside a
 * RespondDecisionTaskCompleted, and the requests AWS makes under the caller's role on its behalf (an encrypted
 * topic's KMS calls, and the ListBucket check that lets a missing key answer 404). A call this cannot translate
 * becomes a request for `unknown:<signing name>`, which no policy allows, so it is never silently skipped.
 */
export function authorizationRequests(calls: RecordedCall[], facts: DeploymentFacts): AuthorizationRequest[] {
  const requests: AuthorizationRequest[] = [];
  // A respond names its task by token only: the poll that handed the token out says which domain it is in.
  const domainOfToken = new Map<string, string>();
  for (const call of calls) {
    const caller = facts.callerOf(call.accessKeyId);
    if (!caller) continue; // the rehearsal's own setup calls (creating tables, buckets, topics)
    const add = (action: string, resource: string, context: Json = {}, source = describe(call)) =>
      requests.push({ caller, action, resource, context: stringContext(context), source });
    try {
      switch (call.signingName) {
        case 'swf':
          swfRequests(call, facts, domainOfToken, add);
          break;
        case 'dynamodb':
          dynamodbRequests(call, facts, add);
          break;
        case 's3':
          s3Requests(call, add);
          break;
        case 'sns':
          snsRequests(call, facts, add);
          break;
        case 'monitoring':
          cloudwatchRequests(call, add);
          break;
        default:
          add(`unknown:${call.signingName || 'unsigned'}`, '*');
      }
    } catch (error) {
      add(`unknown:${call.signingName}`, '*', {}, `${describe(call)}: ${(error as Error).message}`);
    }
  }
  return requests;
}

type Add = (action: string, resource: string, context?: Json, source?: string) => void;

function describe(call: RecordedCall): string {
  const operation = call.target?.split('.').pop() ?? formField(call.body, 'Action') ?? call.method;
  return `${call.signingName} ${operation} (recorded, HTTP ${call.status})`;
}

function swfRequests(call: RecordedCall, facts: DeploymentFacts, tokens: Map<string, string>, add: Add) {
  const action = call.target?.split('.').pop() ?? '';
  const body = JSON.parse(call.body || '{}') as Json;
  if (action.startsWith('PollFor') && call.response) {
    const token = (JSON.parse(call.response || '{}') as Json).taskToken;
    if (typeof token === 'string' && token) tokens.set(token, String(body.domain));
  }
  // The domain actions name it `name`; the others `domain`, or a task token a poll handed out.
  const named = /^(Describe|Deprecate|Undeprecate)Domain$/.test(action) ? body.name : body.domain;
  const domain = typeof named === 'string' ? named : tokens.get(String(body.taskToken ?? ''));
  if (action === 'RegisterDomain' || action === 'ListDomains') return add(`swf:${action}`, '*');
  if (!domain)
    throw new Error(`no domain for ${action}: its task token was not handed out by a recorded poll`);
  const resource = `arn:aws:swf:${facts.region}:${facts.account}:/domain/${domain}`;
  add(`swf:${action}`, resource, swfContext(action, body));
  if (action === 'RespondDecisionTaskCompleted') {
    for (const decision of (body.decisions ?? []) as Json[]) {
      const type = String(decision.decisionType);
      const attributes = (decision[`${type[0]?.toLowerCase()}${type.slice(1)}DecisionAttributes`] ??
        {}) as Json;
      add(
        `swf:${type}`,
        resource,
        swfContext(type, attributes),
        `swf ${type} decision in a RespondDecisionTaskCompleted (recorded, HTTP ${call.status})`,
      );
    }
  }
}

/** The condition keys the SWF Developer Guide gives each action and decision, from the request's parameters. */
function swfContext(action: string, body: Json): Json {
  const named = (value: unknown) => (value as { name?: unknown } | undefined)?.name;
  const tags = (list: unknown) =>
    Object.fromEntries(
      ((list as unknown[] | undefined) ?? []).map((tag, i) => [`swf:tagList.member.${i}`, tag]),
    );
  const type = (prefix: string, value: unknown) => {
    const t = value as { name?: unknown; version?: unknown } | undefined;
    return { [`swf:${prefix}.name`]: t?.name, [`swf:${prefix}.version`]: t?.version };
  };
  switch (action) {
    case 'PollForDecisionTask':
    case 'PollForActivityTask':
    case 'CountPendingDecisionTasks':
    case 'CountPendingActivityTasks':
      return { 'swf:taskList.name': named(body.taskList) };
    case 'StartWorkflowExecution':
    case 'StartChildWorkflowExecution':
      return {
        ...type('workflowType', body.workflowType),
        'swf:taskList.name': named(body.taskList),
        ...tags(body.tagList),
      };
    case 'ContinueAsNewWorkflowExecution':
      return {
        'swf:taskList.name': named(body.taskList),
        'swf:workflowTypeVersion': body.workflowTypeVersion,
        ...tags(body.tagList),
      };
    case 'ScheduleActivityTask':
      return { ...type('activityType', body.activityType), 'swf:taskList.name': named(body.taskList) };
    case 'ListOpenWorkflowExecutions':
    case 'ListClosedWorkflowExecutions':
    case 'CountOpenWorkflowExecutions':
    case 'CountClosedWorkflowExecutions':
      return {
        'swf:tagFilter.tag': (body.tagFilter as { tag?: unknown } | undefined)?.tag,
        'swf:typeFilter.name': (body.typeFilter as { name?: unknown } | undefined)?.name,
        'swf:typeFilter.version': (body.typeFilter as { version?: unknown } | undefined)?.version,
      };
    case 'RegisterActivityType':
    case 'RegisterWorkflowType':
      return {
        'swf:name': body.name,
        'swf:version': body.version,
        'swf:defaultTaskList.name': named(body.defaultTaskList),
      };
    case 'DescribeActivityType':
    case 'DeprecateActivityType':
    case 'UndeprecateActivityType':
      return type('activityType', body.activityType);
    case 'DescribeWorkflowType':
    case 'DeprecateWorkflowType':
    case 'UndeprecateWorkflowType':
      return type('workflowType', body.workflowType);
    default:
      return {};
  }
}

const TRANSACT_ACTIONS: Record<string, string> = {
  Put: 'PutItem',
  Update: 'UpdateItem',
  Delete: 'DeleteItem',
  ConditionCheck: 'ConditionCheckItem',
  Get: 'GetItem',
};

function dynamodbRequests(call: RecordedCall, facts: DeploymentFacts, add: Add) {
  const action = call.target?.split('.').pop() ?? '';
  const body = JSON.parse(call.body || '{}') as Json;
  const tableArn = (name: string) => `arn:aws:dynamodb:${facts.region}:${facts.account}:table/${name}`;
  const leading = (table: string, item: Json | undefined) => {
    const key = facts.partitionKeys.get(table);
    const value = key ? (item?.[key] as { S?: string; N?: string } | undefined) : undefined;
    const text = value?.S ?? value?.N;
    return text === undefined ? {} : { 'dynamodb:LeadingKeys': [text] };
  };
  // A transaction is authorised item by item, as the action each item performs (DynamoDB Developer Guide,
  // "Using IAM with DynamoDB transactions").
  if (action === 'TransactWriteItems' || action === 'TransactGetItems') {
    for (const entry of (body.TransactItems ?? []) as Json[]) {
      for (const [kind, operation] of Object.entries(entry)) {
        const item = operation as Json;
        const table = String(item.TableName);
        add(
          `dynamodb:${TRANSACT_ACTIONS[kind] ?? kind}`,
          tableArn(table),
          leading(table, (item.Key ?? item.Item) as Json),
          `dynamodb ${kind} in a ${action} (recorded, HTTP ${call.status})`,
        );
      }
    }
    return;
  }
  const table = String(body.TableName);
  const resource = body.IndexName ? `${tableArn(table)}/index/${body.IndexName}` : tableArn(table);
  if (action === 'Query') return add(`dynamodb:${action}`, resource, queryLeadingKeys(table, body, facts));
  add(`dynamodb:${action}`, resource, leading(table, (body.Key ?? body.Item) as Json));
}

/** A Query's partition key value: the value its key condition binds to the table's partition key. */
function queryLeadingKeys(table: string, body: Json, facts: DeploymentFacts): Json {
  const key = facts.partitionKeys.get(table);
  const names = (body.ExpressionAttributeNames ?? {}) as Record<string, string>;
  const values = (body.ExpressionAttributeValues ?? {}) as Record<string, { S?: string; N?: string }>;
  for (const match of String(body.KeyConditionExpression ?? '').matchAll(/([#\w]+)\s*=\s*(:\w+)/g)) {
    const attribute = match[1]?.startsWith('#') ? names[match[1]] : match[1];
    if (attribute !== key) continue;
    const value = values[match[2] ?? ''];
    const text = value?.S ?? value?.N;
    if (text !== undefined) return { 'dynamodb:LeadingKeys': [text] };
  }
  return {};
}

function s3Requests(call: RecordedCall, add: Add) {
  const url = new URL(call.path, 'http://s3');
  const [bucket, ...keyParts] = url.pathname.replace(/^\//, '').split('/');
  const key = decodeURIComponent(keyParts.join('/'));
  if (!key) {
    if (call.method === 'GET' && url.searchParams.has('list-type'))
      return add('s3:ListBucket', `arn:aws:s3:::${bucket}`, {
        's3:prefix': url.searchParams.get('prefix') ?? '',
      });
    return add(`unknown:s3 ${call.method} on the bucket`, `arn:aws:s3:::${bucket}`);
  }
  const objectArn = `arn:aws:s3:::${bucket}/${key}`;
  const action = {
    PUT: 's3:PutObject',
    GET: 's3:GetObject',
    HEAD: 's3:GetObject',
    DELETE: 's3:DeleteObject',
  }[call.method];
  if (!action) return add(`unknown:s3 ${call.method}`, objectArn);
  add(action, objectArn);
  if (action === 's3:GetObject')
    // S3 API Reference, GetObject: "If you have the s3:ListBucket permission on the bucket, Amazon S3 returns an
    // HTTP status code 404 Not Found error. If you don't have the s3:ListBucket permission, Amazon S3 returns an
    // HTTP status code 403 Access Denied error." The check names the bucket and no prefix.
    add(
      's3:ListBucket',
      `arn:aws:s3:::${bucket}`,
      {},
      's3 GetObject of a missing key: answered 404, not 403, only with s3:ListBucket (S3 API Reference, GetObject)',
    );
}

function snsRequests(call: RecordedCall, facts: DeploymentFacts, add: Add) {
  const action = call.target?.split('.').pop() ?? formField(call.body, 'Action') ?? '';
  const topicArn = call.target
    ? String((JSON.parse(call.body || '{}') as Json).TopicArn)
    : (formField(call.body, 'TopicArn') ?? '');
  add(`sns:${action}`, topicArn);
  const key = facts.topicKeys.get(topicArn);
  if (action === 'Publish' && key) {
    // SNS Developer Guide, "Configuring AWS KMS permissions": a publisher to an encrypted topic needs
    // kms:GenerateDataKey* and kms:Decrypt on its key; SNS calls KMS on the publisher's behalf.
    for (const kms of ['kms:GenerateDataKey', 'kms:Decrypt'])
      add(
        kms,
        key,
        { 'kms:ViaService': `sns.${facts.region}.amazonaws.com`, 'kms:CallerAccount': facts.account },
        `${kms} by SNS for a Publish to an encrypted topic (SNS Developer Guide, "Configuring AWS KMS permissions")`,
      );
  }
}

function cloudwatchRequests(call: RecordedCall, add: Add) {
  const action = call.target?.split('.').pop() ?? formField(call.body, 'Action') ?? '';
  const namespace = call.target
    ? (JSON.parse(call.body || '{}') as Json).Namespace
    : formField(call.body, 'Namespace');
  add(`cloudwatch:${action}`, '*', action === 'PutMetricData' ? { 'cloudwatch:namespace': namespace } : {});
}

function formField(body: string, name: string): string | undefined {
  try {
    return new URLSearchParams(body).get(name) ?? undefined;
  } catch {
    return undefined;
  }
}

function stringContext(context: Json): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [key, value] of Object.entries(context)) {
    if (value === undefined || value === null) continue;
    out[key] = Array.isArray(value) ? value.map(String) : String(value);
  }
  return out;
}
