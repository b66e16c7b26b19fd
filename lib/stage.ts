import { loadConfig, type WorkflowConfig } from '../lambda/workflow/config.js';
import { buildCatalog } from '../lambda/workflow/modules.js';

/** Stage names: lower-case letters and digits, so they fit stack, domain and function names. */
const STAGE = /^[a-z][a-z0-9]{0,15}$/;

/** The names a stage owns, so that dev and prod live side by side in one account. */
export interface StageNames {
  stage: string;
  stackName: string;
  config: WorkflowConfig;
}

/** The per-workflow settings a stage may carry (CDK context; see lib/settings.ts). */
export interface StageOptions {
  /** The version new runs start on, for every workflow without its own (default: each module's own). */
  workflowVersion?: string;
  /** `Name=version,…`: the version new runs of each named workflow start on. */
  workflowVersions?: string;
  /** `Name.key=value,…`: a workflow module's own settings (e.g. OrderProcessing.approvalTimeout=48h). */
  workflowSettings?: string;
  allowFailureInjection?: boolean;
}

/**
 * Derives the stack, domain and task-list names of a stage and its workflow configuration; throws a clear error
 * for a bad stage or a bad workflow setting (the catalog is built once here to check them).
 */
export function stageNames(stage: string, options: StageOptions = {}): StageNames {
  if (!STAGE.test(stage)) {
    throw new Error(
      `Invalid stage "${stage}": use 1-16 lower-case letters and digits, starting with a letter (e.g. -c stage=prod)`,
    );
  }
  const config = loadConfig({
    SWF_DOMAIN: `order-processing-${stage}`,
    SWF_DECISION_TASK_LIST: `order-decisions-${stage}`,
    SWF_ACTIVITY_TASK_LIST: `order-activities-${stage}`,
    SWF_WORKFLOW_VERSION: options.workflowVersion,
    SWF_WORKFLOW_VERSIONS: options.workflowVersions,
    SWF_WORKFLOW_SETTINGS: options.workflowSettings,
    SWF_ALLOW_FAILURE_INJECTION: options.allowFailureInjection ? 'true' : 'false',
  });
  buildCatalog(config);
  return { stage, stackName: `SwfOrders-${stage}`, config };
}
