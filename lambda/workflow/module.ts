import type { WorkflowConfig } from './config.js';
import type { WorkflowSpec } from './spec.js';
import type { ActivityType, DomainDefinition, JsonObject, WorkflowDefinition } from './types.js';

/**
 * A workflow, as one module: its definitions (every version the catalog keeps, so runs in flight finish on
 * theirs), the version new runs start on, its input schema, its workflowId rule and the ports its activities
 * need. Generic code (registration, the decider, the workers, the handlers, the stack, the console, swfctl)
 * loops over the registered modules (lambda/workflow/modules.ts) and never names one.
 */
export interface WorkflowModule {
  /** The SWF workflow type name. */
  name: string;
  /** One line for people: swfctl, the console's start form. */
  summary: string;
  /** Every version the catalog registers, oldest first. */
  definitions(config: WorkflowConfig): WorkflowSpec[];
  /**
   * Where the lock of its released versions lives, from the repository root (`versions.lock.json` in the
   * module's folder): `npm run versions:lock` adds new versions there, and a test fails when a released one changes.
   */
  versionLock: string;
  /** The version `start` uses (settable per module: SWF_WORKFLOW_VERSIONS=Name=2,…). */
  currentVersion(config: WorkflowConfig): string;
  /** Validates a start input, returning what the run is started with; throws `ValidationError` listing every problem. */
  parseInput(input: unknown, options: { allowFailureInjection: boolean }): JsonObject;
  /** The workflowId a run of this input gets: starting the same input twice finds the same run. */
  workflowId(input: JsonObject): string;
  /** The prefix every workflowId of this module starts with, for "did you mean" suggestions. */
  idPrefix: string;
  /** The subject a run's effects are stored under (ledger, notifications), from its workflowId. */
  effectsKey(workflowId: string): string;
  /** One line on the record its activities save, for the effects views (`swfctl effects`, the console). */
  describeRecord?(record: object): string;
  /** Names of the side-effect ports its activities use (the worker builds them once, for all modules). */
  ports: readonly string[];
  /**
   * The settings the module reads from SWF_WORKFLOW_SETTINGS (`Name.key=value`), each with what it does and its
   * default; any other key is refused when the catalog is built.
   */
  settings?: Record<string, string>;
  /** An example input, for the console's start form and the docs. */
  sampleInput: JsonObject;
}

/** The module whose workflow type this is, if any. */
export function moduleFor(
  modules: readonly WorkflowModule[],
  name: string | undefined,
): WorkflowModule | undefined {
  return modules.find((module) => module.name === name);
}

/** The single source of truth read by registration, the decider and the activity worker. */
export interface Catalog {
  domain: DomainDefinition;
  /** The workflow modules behind the definitions (input schema, workflowId rule, ports); empty for a bare catalog. */
  modules: readonly WorkflowModule[];
  workflows: WorkflowDefinition[];
  workflow(name: string, version: string): WorkflowDefinition | undefined;
  /** Every distinct activity type (steps and compensations) across all workflows. */
  activityTypes(): ActivityType[];
  activity(name: string, version: string): ActivityType | undefined;
}
