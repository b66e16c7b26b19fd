import { CfnElement, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { IConstruct } from 'constructs';

/**
 * IAM's quotas on a role's policies (IAM User Guide, "IAM and AWS STS quotas"): "Role policy size … 10,240
 * characters" for all its inline policies together, "Managed policy size … 6,144 characters" each, and "Managed
 * policies attached to an IAM role … 10" by default. "IAM doesn't count white space when calculating the size of
 * a policy against these limits."
 */
export const IAM_LIMITS = {
  inlineCharactersPerRole: 10_240,
  managedPolicyCharacters: 6_144,
  managedPoliciesPerRole: 10,
};

/**
 * What a value the deploy fills in may take at most, for counting a policy before it exists: the longest
 * partition (`aws-us-gov`) and region names, an account id, and 128 characters for an ARN or name of a resource
 * of the stack (the stack's own names are far shorter: stack, construct id, hash).
 */
const WORST_CASE: Record<string, number> = {
  'AWS::Partition': 10,
  'AWS::Region': 14,
  'AWS::AccountId': 12,
  'AWS::URLSuffix': 16,
  'AWS::StackName': 128,
};
const RESOURCE_NAME = 128;

/** A policy document's size as IAM counts it (no white space), with deploy-time values at their longest. */
export function policyCharacters(document: unknown): number {
  return render(document).length;
}

function render(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(render).join(',')}]`;
  if (value && typeof value === 'object') {
    const object = value as Record<string, unknown>;
    const text = intrinsic(object);
    if (text !== undefined) return JSON.stringify(text);
    return `{${Object.entries(object)
      .map(([k, v]) => `${JSON.stringify(k)}:${render(v)}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

function intrinsic(object: Record<string, unknown>): string | undefined {
  if ('Ref' in object) return 'x'.repeat(WORST_CASE[String(object.Ref)] ?? RESOURCE_NAME);
  if ('Fn::GetAtt' in object) return 'x'.repeat(RESOURCE_NAME);
  if ('Fn::Join' in object) {
    const [separator, parts] = object['Fn::Join'] as [string, unknown[]];
    return parts
      .map((p) => (typeof p === 'string' ? p : (intrinsic(p as Record<string, unknown>) ?? '')))
      .join(separator);
  }
  return undefined;
}

/**
 * Refuses to synthesize a stack whose roles' policies IAM would refuse at deploy (LimitExceeded): each role's
 * inline policies together, each managed policy, and the number of managed policies per role. The message names
 * the role, the size and the quota.
 */
export function checkIamLimits(stack: Stack): string[] {
  const inline = new Map<string, number>();
  const managed = new Map<string, number>();
  const problems: string[] = [];
  const rolesOf = (roles: unknown) =>
    ((stack.resolve(roles) ?? []) as unknown[]).map((r) => String((r as { Ref?: string }).Ref ?? r));
  for (const element of stack.node.findAll()) {
    if (element instanceof iam.CfnPolicy) {
      const size = policyCharacters(stack.resolve(element.policyDocument));
      for (const role of rolesOf(element.roles)) inline.set(role, (inline.get(role) ?? 0) + size);
    }
    if (element instanceof iam.CfnManagedPolicy) {
      const size = policyCharacters(stack.resolve(element.policyDocument));
      if (size > IAM_LIMITS.managedPolicyCharacters)
        problems.push(
          `managed policy ${logicalId(element)} needs ${size} characters; IAM allows ${IAM_LIMITS.managedPolicyCharacters} per managed policy ("Managed policy size", IAM and AWS STS quotas)`,
        );
      for (const role of rolesOf(element.roles)) managed.set(role, (managed.get(role) ?? 0) + 1);
    }
    if (element instanceof iam.CfnRole) {
      const id = logicalId(element);
      const policies = (stack.resolve(element.policies) ?? []) as {
        policyDocument?: unknown;
        PolicyDocument?: unknown;
      }[];
      for (const p of Array.isArray(policies) ? policies : [])
        inline.set(id, (inline.get(id) ?? 0) + policyCharacters(p.PolicyDocument ?? p.policyDocument));
      const arns = stack.resolve(element.managedPolicyArns) as unknown[] | undefined;
      managed.set(id, (managed.get(id) ?? 0) + (Array.isArray(arns) ? arns.length : 0));
    }
  }
  for (const [role, size] of inline)
    if (size > IAM_LIMITS.inlineCharactersPerRole)
      problems.push(
        `role ${role}'s inline policies need ${size} characters; IAM allows ${IAM_LIMITS.inlineCharactersPerRole} per role ("Role policy size", IAM and AWS STS quotas)`,
      );
  for (const [role, count] of managed)
    if (count > IAM_LIMITS.managedPoliciesPerRole)
      problems.push(
        `role ${role} has ${count} managed policies; IAM allows ${IAM_LIMITS.managedPoliciesPerRole} by default ("Managed policies attached to an IAM role", IAM and AWS STS quotas)`,
      );
  return problems;
}

function logicalId(element: CfnElement | IConstruct): string {
  return element instanceof CfnElement ? Stack.of(element).resolve(element.logicalId) : element.node.id;
}
