import { formatWorkflowMap, type WorkflowConfig } from '../../lambda/workflow/config.js';

export const SERVICE_NAME = 'swf-orders';
export const METRICS_NAMESPACE = 'SwfOrders';

/** The environment every handler reads (validated again by loadConfig when the function starts). */
export function handlerEnvironment(
  config: WorkflowConfig,
  stage: string,
  production = stage === 'prod',
): Record<string, string> {
  return {
    ...(config.allowFailureInjection ? { SWF_ALLOW_FAILURE_INJECTION: 'true' } : {}),
    SWF_DOMAIN: config.domain,
    SWF_DOMAIN_RETENTION_DAYS: String(config.domainRetentionDays),
    SWF_DECISION_TASK_LIST: config.decisionTaskList,
    SWF_ACTIVITY_TASK_LIST: config.activityTaskList,
    SWF_WORKFLOW_VERSION: config.workflowVersion,
    ...formatWorkflowMap(config),
    SWF_POLL_HOLD_SECONDS: '60',
    // The schedule's period: each invocation starts polls for one minute, then only finishes what it holds.
    SWF_POLL_WINDOW_SECONDS: '60',
    // One service name per stage, so dev and prod metrics never mix.
    POWERTOOLS_SERVICE_NAME: `${SERVICE_NAME}-${stage}`,
    POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
    POWERTOOLS_LOG_LEVEL: production ? 'INFO' : 'DEBUG',
  };
}
