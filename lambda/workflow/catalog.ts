import type * as z from 'zod';
import { parseDuration } from './durations.js';
import { ALWAYS_NON_RETRYABLE, CatalogError } from './errors.js';
import type { Catalog, WorkflowModule } from './module.js';
import {
  type activitySpec,
  type CatalogSpec,
  catalogSpec,
  type stepSpec,
  type workflowSpec,
} from './spec.js';

export type { ActivitySpec, CatalogSpec, StepSpec, WorkflowSpec } from './spec.js';

import type {
  ActivityTimeouts,
  ActivityType,
  FlowNode,
  Json,
  JsonObject,
  RetryPolicy,
  Step,
  WorkflowDefinition,
} from './types.js';

/** The original FAQ's rule: three consecutive failures of a step trigger the rollback. */
export const DEFAULT_RETRY: RetryPolicy = {
  maximumAttempts: 3,
  initialIntervalSeconds: 1,
  backoffCoefficient: 2,
  maximumIntervalSeconds: 60,
  nonRetryableErrors: [],
};

export const DEFAULT_ACTIVITY_TIMEOUTS = {
  scheduleToStart: '300',
  scheduleToClose: '600',
  startToClose: '120',
  heartbeat: 'NONE',
} as const satisfies ActivityTimeouts;

/** Validates a catalog spec and resolves every default; throws `CatalogError` naming the bad entry. */
export function defineCatalog(spec: CatalogSpec, modules: readonly WorkflowModule[] = []): Catalog {
  const parsed = catalogSpec.safeParse(spec);
  if (!parsed.success) {
    const problems = closestIssues(parsed.error.issues).map(
      (issue) => `${describePath(spec, issue.path)}: ${issue.message}`,
    );
    throw new CatalogError(`Invalid catalog: ${problems.join('; ')}`);
  }
  const { domain } = parsed.data;
  const workflows = parsed.data.workflows.map(resolveWorkflow);

  const workflowKeys = new Set<string>();
  const activities = new Map<string, ActivityType>();
  for (const workflow of workflows) {
    const key = `${workflow.name}@${workflow.version}`;
    if (workflowKeys.has(key)) throw new CatalogError(`Workflow ${key} is declared twice`);
    workflowKeys.add(key);
    for (const step of workflow.steps) {
      for (const activity of [step.activity, step.compensation?.activity]) {
        if (!activity) continue;
        const activityKey = `${activity.name}@${activity.version}`;
        const known = activities.get(activityKey);
        if (known && !sameActivityType(known, activity)) {
          throw new CatalogError(
            `Activity type ${activityKey} (workflow ${key}, step "${step.name}") is declared twice with different settings; ` +
              'SWF types are immutable, so give the changed one a new version',
          );
        }
        activities.set(activityKey, known ?? activity);
      }
    }
  }

  return {
    domain,
    modules,
    workflows,
    workflow: (name, workflowVersion) =>
      workflows.find((w) => w.name === name && w.version === workflowVersion),
    activityTypes: () => [...activities.values()],
    activity: (name, activityVersion) => activities.get(`${name}@${activityVersion}`),
  };
}

type ParsedWorkflow = z.output<typeof workflowSpec>;

type ParsedStep = z.output<typeof stepSpec>;

function resolveWorkflow(spec: ParsedWorkflow): WorkflowDefinition {
  const where = `workflow ${spec.name}@${spec.version}`;
  const seen = new Set<string>();
  const named = (name: string, what: string) => {
    if (seen.has(name))
      throw new CatalogError(
        `${where}, ${what} "${name}": the name appears twice (steps, groups, waits and sleeps share one namespace)`,
      );
    seen.add(name);
  };
  const resolveStep = (step: Omit<ParsedStep, 'when'>): Step => {
    const stepWhere = `${where}, step "${step.name}"`;
    named(step.name, 'step');
    const resolved: Step = {
      name: step.name,
      activity: resolveActivity(step.activity, step.name, spec, stepWhere),
      retry: resolveRetry(spec.defaults.retry, step.retry, stepWhere),
    };
    if (step.compensation) {
      if (!step.compensation.activity) {
        throw new CatalogError(`${stepWhere}: the compensation has no activity`);
      }
      resolved.compensation = {
        activity: resolveActivity(
          step.compensation.activity,
          `Compensate${step.name}`,
          spec,
          `${stepWhere} compensation`,
        ),
        retry: resolveRetry(spec.defaults.retry, step.compensation.retry, `${stepWhere} compensation`),
      };
    }
    return resolved;
  };
  const flow: FlowNode[] = spec.steps.map((entry): FlowNode => {
    if ('parallel' in entry) {
      named(entry.parallel, 'parallel group');
      return {
        kind: 'parallel',
        name: entry.parallel,
        steps: entry.steps.map(resolveStep),
        when: entry.when,
      };
    }
    if ('waitForSignal' in entry) {
      named(entry.waitForSignal, 'signal wait');
      const timeout = duration(entry.timeout, false, `${where}, wait "${entry.waitForSignal}": timeout`);
      return {
        kind: 'signal',
        name: entry.waitForSignal,
        signals: Object.fromEntries(
          Object.entries(entry.signals).map(([signal, choice]) => [
            signal,
            {
              ...(choice.payload ? { parse: (value: unknown) => choice.payload?.parse(value) } : {}),
              ...(choice.fails ? { fails: choice.fails } : {}),
            },
          ]),
        ),
        earlySignals: entry.earlySignals,
        timeoutSeconds: Number(timeout),
        onTimeout: entry.onTimeout,
        when: entry.when,
      };
    }
    if ('sleep' in entry) {
      named(entry.sleep, 'sleep');
      const fixed =
        typeof entry.duration === 'function'
          ? undefined
          : Number(duration(entry.duration, false, `${where}, sleep "${entry.sleep}": duration`));
      const dynamic = typeof entry.duration === 'function' ? entry.duration : undefined;
      return {
        kind: 'sleep',
        name: entry.sleep,
        seconds: (input: JsonObject, results: Record<string, Json>) =>
          fixed ?? dynamic?.(input, results) ?? 0,
        when: entry.when,
      };
    }
    return { kind: 'step', name: entry.name, step: resolveStep(entry), when: entry.when };
  });
  const steps = flow.flatMap((node) =>
    node.kind === 'step' ? [node.step] : node.kind === 'parallel' ? node.steps : [],
  );
  const executionTimeout = duration(
    spec.executionStartToCloseTimeout,
    false,
    `${where}: executionStartToCloseTimeout`,
  );
  const taskTimeout = duration(spec.taskStartToCloseTimeout, true, `${where}: taskStartToCloseTimeout`);
  return {
    name: spec.name,
    version: spec.version,
    description: spec.description,
    taskList: spec.taskList,
    executionStartToCloseTimeout: executionTimeout,
    taskStartToCloseTimeout: taskTimeout,
    childPolicy: spec.childPolicy,
    steps,
    flow,
  };
}

function resolveActivity(
  spec: z.output<typeof activitySpec>,
  defaultName: string,
  workflow: ParsedWorkflow,
  where: string,
): ActivityType {
  const merged = { ...DEFAULT_ACTIVITY_TIMEOUTS, ...workflow.defaults.timeouts, ...spec.timeouts };
  const timeouts: ActivityTimeouts = {
    scheduleToStart: duration(merged.scheduleToStart, true, `${where}: scheduleToStart timeout`),
    scheduleToClose: duration(merged.scheduleToClose, true, `${where}: scheduleToClose timeout`),
    startToClose: duration(merged.startToClose, true, `${where}: startToClose timeout`),
    heartbeat: duration(merged.heartbeat, true, `${where}: heartbeat timeout`),
  };
  const seconds = (value: string) => (value === 'NONE' ? Number.POSITIVE_INFINITY : Number(value));
  if (seconds(timeouts.scheduleToClose) < seconds(timeouts.startToClose)) {
    throw new CatalogError(
      `${where}: scheduleToClose (${timeouts.scheduleToClose}s) is shorter than startToClose (${timeouts.startToClose}s)`,
    );
  }
  if (timeouts.heartbeat !== 'NONE' && seconds(timeouts.heartbeat) > seconds(timeouts.startToClose)) {
    throw new CatalogError(
      `${where}: heartbeat (${timeouts.heartbeat}s) exceeds startToClose (${timeouts.startToClose}s)`,
    );
  }
  const taskList = spec.taskList ?? workflow.defaults.activityTaskList;
  if (!taskList)
    throw new CatalogError(`${where}: no task list (set activity.taskList or defaults.activityTaskList)`);
  return {
    name: spec.name ?? defaultName,
    version: spec.version ?? workflow.defaults.activityVersion ?? '1',
    taskList,
    description: spec.description ?? '',
    timeouts,
    run: spec.run,
  };
}

function resolveRetry(
  defaults: Partial<RetryPolicy> | undefined,
  override: Partial<RetryPolicy> | undefined,
  where: string,
): RetryPolicy {
  const policy = { ...DEFAULT_RETRY, ...defaults, ...override };
  // A step's own list adds to the workflow's default list rather than replacing it.
  policy.nonRetryableErrors = [
    ...(defaults?.nonRetryableErrors ?? []),
    ...(override?.nonRetryableErrors ?? []),
  ];
  if (policy.maximumIntervalSeconds < policy.initialIntervalSeconds) {
    throw new CatalogError(
      `${where}: retry.maximumIntervalSeconds (${policy.maximumIntervalSeconds}) is below initialIntervalSeconds (${policy.initialIntervalSeconds})`,
    );
  }
  const nonRetryableErrors = [...new Set([...ALWAYS_NON_RETRYABLE, ...policy.nonRetryableErrors])];
  return { ...policy, nonRetryableErrors };
}

function duration(value: unknown, allowNone: boolean, where: string): string {
  const parsed = parseDuration(value, { allowNone });
  if (!parsed.ok) throw new CatalogError(`${where}: ${parsed.error}`);
  return parsed.value;
}

function sameActivityType(a: ActivityType, b: ActivityType): boolean {
  return (
    a.taskList === b.taskList &&
    a.run === b.run &&
    JSON.stringify(a.timeouts) === JSON.stringify(b.timeouts) &&
    a.description === b.description
  );
}

interface LooseIssue {
  code?: string;
  path: PropertyKey[];
  message: string;
  errors?: LooseIssue[][];
}

/**
 * A flow entry is one of four shapes; when it fits none, report the problems of the shape it came closest to
 * (fewest problems), with full paths, rather than zod's bare "Invalid input".
 */
function closestIssues(issues: readonly LooseIssue[]): LooseIssue[] {
  return issues.flatMap((issue) => {
    if (issue.code !== 'invalid_union' || !issue.errors?.length) return [issue];
    const best = [...issue.errors].sort((a, b) => a.length - b.length)[0] ?? [];
    return closestIssues(best.map((inner) => ({ ...inner, path: [...issue.path, ...inner.path] })));
  });
}

/** Turns a zod issue path into words that name the entry: `workflow OrderProcessing@1 > step "X" > ...`. */
function describePath(spec: unknown, path: readonly PropertyKey[]): string {
  const words: string[] = [];
  let node: unknown = spec;
  path.forEach((key, index) => {
    const child = node && typeof node === 'object' ? (node as Record<PropertyKey, unknown>)[key] : undefined;
    const named =
      child && typeof child === 'object'
        ? (child as {
            name?: unknown;
            version?: unknown;
            parallel?: unknown;
            waitForSignal?: unknown;
            sleep?: unknown;
          })
        : undefined;
    const flowWord =
      typeof named?.parallel === 'string'
        ? `group "${named.parallel}"`
        : typeof named?.waitForSignal === 'string'
          ? `wait "${named.waitForSignal}"`
          : typeof named?.sleep === 'string'
            ? `sleep "${named.sleep}"`
            : undefined;
    if (typeof key === 'number' && flowWord) {
      words.push(flowWord);
    } else if (typeof key === 'number' && typeof named?.name === 'string') {
      const isWorkflow = path[index - 1] === 'workflows';
      words.push(isWorkflow ? `workflow ${named.name}@${String(named.version)}` : `step "${named.name}"`);
    } else {
      words.push(typeof key === 'number' ? `[${key}]` : String(key));
    }
    node = child;
  });
  return words.join(' > ') || 'catalog';
}
