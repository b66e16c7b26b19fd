import { defineCatalog } from './catalog.js';
import type { WorkflowConfig } from './config.js';
import type { Catalog } from './module.js';
import { WORKFLOW_MODULES } from './modules.js';

export { type CatalogSpec, defineCatalog } from './catalog.js';
export { loadConfig, type WorkflowConfig } from './config.js';
export * from './errors.js';
export { type Catalog, moduleFor, type WorkflowModule } from './module.js';
export { WORKFLOW_MODULES } from './modules.js';
export type * from './types.js';

/** The project's catalog: the domain and every workflow type, read by registration, decider and worker. */
export function buildCatalog(config: WorkflowConfig): Catalog {
  return defineCatalog(
    {
      domain: {
        name: config.domain,
        description: 'Order processing workflows',
        retentionDays: config.domainRetentionDays,
      },
      workflows: WORKFLOW_MODULES.flatMap((module) => module.definitions(config)),
    },
    WORKFLOW_MODULES,
  );
}
