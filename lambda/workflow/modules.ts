import { catalogOf, type WorkflowConfig } from './index.js';
import type { Catalog, WorkflowModule } from './module.js';
import { orderModule } from './order/index.js';
import { renewalModule } from './renewal/index.js';

/**
 * Every workflow this project runs: the one place that names them. Adding a workflow is one folder under
 * lambda/workflow/ (its definition, input schema, workflowId rule and activities) plus one line here. Only the
 * edges that assemble the project import this file (the Lambda handlers' runtime, the CDK app, swfctl, the local
 * runtime, benchmarks and tests); the generic code (`index.ts`, the decider, the workers) takes modules as input.
 */
export const WORKFLOW_MODULES: readonly WorkflowModule[] = [orderModule, renewalModule];

/** The project's catalog: every registered workflow in the configured domain. */
export function buildCatalog(config: WorkflowConfig): Catalog {
  return catalogOf(config, WORKFLOW_MODULES, 'Order processing workflows');
}
