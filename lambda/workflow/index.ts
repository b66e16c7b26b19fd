import { defineCatalog } from './catalog.js';
import type { WorkflowConfig } from './config.js';
import { orderWorkflow } from './order/workflow.js';
import type { Catalog } from './types.js';

export { type CatalogSpec, defineCatalog } from './catalog.js';
export { loadConfig, type WorkflowConfig } from './config.js';
export * from './errors.js';
export type * from './types.js';

/** The project's catalog: the domain and every workflow type, read by registration, decider and worker. */
export function buildCatalog(config: WorkflowConfig): Catalog {
  return defineCatalog({
    domain: {
      name: config.domain,
      description: 'Order processing workflows',
      retentionDays: config.domainRetentionDays,
    },
    workflows: [orderWorkflow(config)],
  });
}
