import { loadConfig, type WorkflowConfig } from '../lambda/workflow/config.js';

/** Stage names: lower-case letters and digits, so they fit stack, domain and function names. */
const STAGE = /^[a-z][a-z0-9]{0,15}$/;

/** The names a stage owns, so that dev and prod live side by side in one account. */
export interface StageNames {
  stage: string;
  stackName: string;
  config: WorkflowConfig;
}

/** Derives the stack, domain and task-list names of a stage; throws a clear error for a bad stage. */
export function stageNames(
  stage: string,
  workflowVersion = '1',
  options: { allowFailureInjection?: boolean } = {},
): StageNames {
  if (!STAGE.test(stage)) {
    throw new Error(
      `Invalid stage "${stage}": use 1-16 lower-case letters and digits, starting with a letter (e.g. -c stage=prod)`,
    );
  }
  const config = loadConfig({
    SWF_DOMAIN: `order-processing-${stage}`,
    SWF_DECISION_TASK_LIST: `order-decisions-${stage}`,
    SWF_ACTIVITY_TASK_LIST: `order-activities-${stage}`,
    SWF_WORKFLOW_VERSION: workflowVersion,
    SWF_ALLOW_FAILURE_INJECTION: options.allowFailureInjection ? 'true' : 'false',
  });
  return { stage, stackName: `SwfOrders-${stage}`, config };
}
