import { defineCatalog } from './catalog.js';
import type { WorkflowConfig } from './config.js';
import { ConfigError } from './errors.js';
import type { Catalog, WorkflowModule } from './module.js';

export { type CatalogSpec, defineCatalog } from './catalog.js';
export { loadConfig, type WorkflowConfig } from './config.js';
export * from './errors.js';
export { type Catalog, moduleFor, type WorkflowModule } from './module.js';
export type * from './types.js';

/**
 * A catalog of the given workflow modules: the domain and every workflow type, read by registration, decider and
 * worker. Generic: the project's own list of modules is in `modules.ts`, whose `buildCatalog` calls this.
 */
export function catalogOf(
  config: WorkflowConfig,
  modules: readonly WorkflowModule[],
  domainDescription: string,
): Catalog {
  checkWorkflowSettings(config, modules);
  return defineCatalog(
    {
      domain: {
        name: config.domain,
        description: domainDescription,
        retentionDays: config.domainRetentionDays,
      },
      workflows: modules.flatMap((module) => module.definitions(config)),
    },
    modules,
  );
}

/** Refuses settings for a workflow that is not registered, or keys its module does not read, naming the known ones. */
export function checkWorkflowSettings(config: WorkflowConfig, modules: readonly WorkflowModule[]): void {
  const problems: string[] = [];
  for (const [name, values] of Object.entries(config.workflowSettings)) {
    const module = modules.find((m) => m.name === name);
    if (!module) {
      problems.push(`no workflow is named ${name} (workflows: ${modules.map((m) => m.name).join(', ')})`);
      continue;
    }
    for (const key of Object.keys(values)) {
      if (module.settings && key in module.settings) continue;
      const known = Object.entries(module.settings ?? {}).map(([k, what]) => `${k}: ${what}`);
      problems.push(
        `${name} has no setting ${key} (${known.length > 0 ? `it reads ${known.join('; ')}` : 'it reads none'})`,
      );
    }
  }
  for (const name of Object.keys(config.workflowVersions)) {
    if (!modules.some((m) => m.name === name))
      problems.push(
        `SWF_WORKFLOW_VERSIONS names ${name}, which is not a workflow (workflows: ${modules.map((m) => m.name).join(', ')})`,
      );
  }
  if (problems.length > 0) throw new ConfigError(`Invalid workflow settings: ${problems.join('; ')}`);
}
