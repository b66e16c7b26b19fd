import { type Evaluated, evaluate, type ServiceRequest, type StackPolicies } from './iam-evaluation.js';
import type { AuthorizationRequest } from './iam-requests.js';

/** What the audit found: each list empty means the check passed. */
export interface PermissionAudit {
  /** Distinct requests the functions made (or AWS made for them), each evaluated. */
  evaluated: Evaluated[];
  /** Recorded requests the caller's role does not allow (or that could not be evaluated). */
  denied: Evaluated[];
  /** Requests that must be denied and were not: another domain, task list, type, table, topic, prefix, stage. */
  leaks: Evaluated[];
  /** Kinds of must-deny case with no request to derive one from (the check would prove nothing). */
  untested: string[];
  /** Grants no request needs: `caller: statement action`. */
  unused: string[];
  /** Entries of the unexercised list that name no grant of the template: stale, to be removed. */
  staleExcuses: string[];
  /** Alarm deliveries (CloudWatch → topic, and its KMS key) wrongly refused or wrongly allowed. */
  delivery: string[];
}

/** A grant the rehearsal cannot exercise, with the reason; listed ones are not reported unused. */
export interface UnexercisedGrant {
  /** The function's logical id, or its start (logical ids end in a hash). */
  caller: string;
  action: string;
  why: string;
}

/**
 * A second stage, domain, task list, type, table, topic and key prefix: each allowed request turned into one the
 * same caller must never be allowed, by changing one thing.
 */
export function mustDenyVariants(
  request: AuthorizationRequest,
  stage: string,
): { kind: string; request: AuthorizationRequest }[] {
  const variants: { kind: string; request: AuthorizationRequest }[] = [];
  const variant = (kind: string, change: Partial<AuthorizationRequest>) =>
    variants.push({ kind, request: { ...request, ...change, source: `${kind}: ${request.source}` } });
  const { action, resource, context } = request;
  if (resource.includes(stage)) variant('a second stage', { resource: resource.replaceAll(stage, 'prod') });
  if (action.startsWith('swf:') && resource.includes('/domain/'))
    variant('another domain', { resource: resource.replace(/\/domain\/.+$/, '/domain/another-domain') });
  if (context['swf:taskList.name'])
    variant('another task list', { context: { ...context, 'swf:taskList.name': 'another-task-list' } });
  if (context['swf:activityType.name'])
    variant('an activity type outside the catalog', {
      context: { ...context, 'swf:activityType.name': 'NotInTheCatalog' },
    });
  if (context['swf:workflowType.name'])
    variant('a workflow type outside the catalog', {
      context: { ...context, 'swf:workflowType.name': 'NotInTheCatalog' },
    });
  if (context['swf:name'])
    variant('a type outside the catalog registered', {
      context: { ...context, 'swf:name': 'NotInTheCatalog' },
    });
  if (action.startsWith('dynamodb:'))
    variant('another table', { resource: resource.replace(/:table\/[^/]+/, ':table/another-table') });
  if (action.startsWith('sns:'))
    variant('another topic', { resource: resource.replace(/:[^:]+$/, ':another-topic') });
  if (/^arn:aws:s3:::[^/]+\/.+/.test(resource)) {
    variant('another bucket prefix', {
      resource: resource.replace(/^(arn:aws:s3:::[^/]+\/)[^/]+\//, '$1other/'),
    });
    variant('another bucket', {
      resource: resource.replace(/^arn:aws:s3:::[^/]+/, 'arn:aws:s3:::another-bucket'),
    });
  }
  if (context['cloudwatch:namespace'])
    variant('another metric namespace', {
      context: { ...context, 'cloudwatch:namespace': 'AnotherNamespace' },
    });
  return variants;
}

const MUST_DENY_KINDS = [
  'a second stage',
  'another domain',
  'another task list',
  'an activity type outside the catalog',
  'a workflow type outside the catalog',
  'another table',
  'another topic',
  'another bucket prefix',
  'another bucket',
];

/**
 * Evaluates every request against the stack's policies: each must be allowed, each must-deny variant denied, each
 * grant needed by some request (removing it would deny one), and each alarm's delivery allowed for this account's
 * alarms only.
 */
export async function auditPermissions(
  requests: AuthorizationRequest[],
  stack: StackPolicies,
  options: { stage: string; alarmDeliveries: ServiceRequest[]; unexercised?: UnexercisedGrant[] },
): Promise<PermissionAudit> {
  const distinct = [...new Map(requests.map((r) => [keyOf(r), r])).values()];
  const evaluated = await Promise.all(distinct.map((r) => evaluate(r, stack)));
  const denied = evaluated.filter((e) => e.decision !== 'Allowed');

  const leaks: Evaluated[] = [];
  const tested = new Set<string>();
  const variants = new Map<string, { kind: string; request: AuthorizationRequest }>();
  for (const e of evaluated.filter((x) => x.decision === 'Allowed'))
    for (const v of mustDenyVariants(e.request, options.stage))
      variants.set(`${v.kind}|${keyOf(v.request)}`, v);
  for (const { kind, request } of variants.values()) {
    const result = await evaluate(request, stack);
    tested.add(kind);
    if (result.decision === 'Allowed') leaks.push(result);
  }
  const untested = MUST_DENY_KINDS.filter((kind) => !tested.has(kind));

  const { unused, staleExcuses } = await unusedGrants(evaluated, stack, options.unexercised ?? []);
  const delivery = await alarmDelivery(options.alarmDeliveries, stack);
  return { evaluated, denied, leaks, untested, unused, staleExcuses, delivery };
}

function keyOf(r: AuthorizationRequest): string {
  return JSON.stringify([r.caller, r.action, r.resource, Object.entries(r.context).sort()]);
}

type Statement = { Sid?: string; Effect: string; Action?: string | string[] } & Record<string, unknown>;

/** Each Allow action of each role is needed: without it, some allowed request of that role would be denied. */
async function unusedGrants(
  evaluated: Evaluated[],
  stack: StackPolicies,
  unexercised: UnexercisedGrant[],
): Promise<{ unused: string[]; staleExcuses: string[] }> {
  const unused: string[] = [];
  const matched = new Set<UnexercisedGrant>();
  for (const [caller, role] of stack.roles) {
    const allowed = evaluated.filter((e) => e.request.caller === caller && e.decision === 'Allowed');
    for (const [p, { name, policy }] of role.policies.entries()) {
      for (const [s, statement] of (policy.Statement as Statement[]).entries()) {
        if (statement.Effect !== 'Allow') continue;
        const actions = [statement.Action ?? []].flat();
        for (const action of actions) {
          const without = role.policies.map((entry, i) =>
            i !== p
              ? entry
              : {
                  name: entry.name,
                  policy: {
                    ...entry.policy,
                    Statement: (entry.policy.Statement as Statement[]).flatMap((st, j) => {
                      if (j !== s) return [st];
                      const rest = actions.filter((a) => a !== action);
                      return rest.length ? [{ ...st, Action: rest }] : [];
                    }),
                  },
                },
          );
          const affected = allowed.filter((e) => matches(action, e.request.action));
          let needed = false;
          for (const e of affected) {
            if ((await evaluate(e.request, stack, { policies: without as never })).decision !== 'Allowed') {
              needed = true;
              break;
            }
          }
          const excuse = unexercised.find((u) => caller.startsWith(u.caller) && u.action === action);
          if (excuse) matched.add(excuse);
          const excused = excuse !== undefined;
          if (!needed && !excused)
            unused.push(`${caller}: ${statement.Sid ?? `${name} statement ${s}`} ${action}`);
        }
      }
    }
  }
  const staleExcuses = unexercised.filter((u) => !matched.has(u)).map((u) => `${u.caller} ${u.action}`);
  return { unused, staleExcuses };
}

function matches(pattern: string, action: string): boolean {
  const regex = new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`, 'i');
  return regex.test(action);
}

/**
 * CloudWatch publishes an alarm to its topic as `cloudwatch.amazonaws.com`, with the alarm as `aws:SourceArn`
 * and its account as `aws:SourceAccount` (and, for an encrypted topic, SNS calls KMS on its behalf): every
 * alarm's delivery must be allowed, and the same delivery refused for another account's alarm and for an
 * alarm of this account that is not the stack's.
 */
async function alarmDelivery(deliveries: ServiceRequest[], stack: StackPolicies): Promise<string[]> {
  const problems: string[] = [];
  for (const request of deliveries) {
    const own = await evaluate(request, stack);
    if (own.decision !== 'Allowed')
      problems.push(`refused: ${describeRequest(request)} (${own.problem ?? own.decision})`);
    const sourceArn = String(request.context['aws:SourceArn']);
    const strangers: [string, Record<string, string>][] = [
      [
        "another account's alarm",
        {
          'aws:SourceAccount': '999999999999',
          'aws:SourceArn': sourceArn.replace(stack.account, '999999999999'),
        },
      ],
      [
        'another alarm of this account',
        { 'aws:SourceArn': sourceArn.replace(/:alarm:.*$/, ':alarm:someone-elses-alarm') },
      ],
    ];
    for (const [who, context] of strangers) {
      const foreign: ServiceRequest = { ...request, context: { ...request.context, ...context } };
      if ((await evaluate(foreign, stack)).decision === 'Allowed')
        problems.push(`allowed for ${who}: ${describeRequest(foreign)}`);
    }
  }
  return problems;
}

/** One line naming a request: who, what, on what, with which keys, and where it came from. */
export function describeRequest(r: AuthorizationRequest): string {
  const keys = Object.entries(r.context)
    .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
    .join(' ');
  return `${r.caller} ${r.action} on ${r.resource}${keys ? ` with ${keys}` : ''} [${r.source}]`;
}
