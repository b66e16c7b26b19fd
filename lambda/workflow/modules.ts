import type { WorkflowModule } from './module.js';
import { orderModule } from './order/index.js';
import { renewalModule } from './renewal/index.js';

/**
 * Every workflow this project runs. Adding a workflow is one folder under lambda/workflow/ (its definition,
 * input schema, workflowId rule and activities) plus one line here.
 */
export const WORKFLOW_MODULES: readonly WorkflowModule[] = [orderModule, renewalModule];
