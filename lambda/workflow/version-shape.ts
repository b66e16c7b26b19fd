/**
 * The shape of one workflow version, as plain JSON: everything that decides what its runs do and how SWF
 * schedules them (steps and their order, kinds, activity types, task lists, timeouts, retry policies,
 * compensations, waits' signals, sleeps and rules), with every default resolved. A released version's shape
 * is frozen in its module's lock file (`versions.lock.json`); see `version-lock.ts`.
 */
import { createHash } from 'node:crypto';
import * as z from 'zod';
import { defineCatalog } from './catalog.js';
import type { FlowEntrySpec, WorkflowSpec } from './spec.js';
import type { ActivityType, FlowNode, Json, JsonObject, RetryPolicy, SignalChoice, Step } from './types.js';

/** A version's shape: its workflow type's settings and its flow, node by node. */
export interface VersionShape {
  [key: string]: Json;
  workflowType: JsonObject;
  flow: JsonObject[];
}

/** The shape of one version spec, resolved by the catalog itself (so defaults count as they apply). */
export function versionShape(spec: WorkflowSpec): VersionShape {
  const resolved = defineCatalog({ domain: { name: 'version-shape', retentionDays: 0 }, workflows: [spec] })
    .workflows[0];
  if (!resolved) throw new Error(`workflow ${spec.name}@${spec.version} did not resolve`);
  return {
    workflowType: {
      taskList: resolved.taskList,
      executionStartToCloseTimeout: resolved.executionStartToCloseTimeout,
      taskStartToCloseTimeout: resolved.taskStartToCloseTimeout,
      childPolicy: resolved.childPolicy,
    },
    flow: resolved.flow.map((node, index) => nodeShape(node, spec.steps[index])),
  };
}

/** A short, stable digest of a shape (key order does not count). */
export function fingerprintOf(shape: Json): string {
  return `sha256:${createHash('sha256').update(canonicalJson(shape)).digest('hex').slice(0, 32)}`;
}

function nodeShape(node: FlowNode, entry: FlowEntrySpec | undefined): JsonObject {
  const when: JsonObject = node.when ? { when: ruleName(node.when) } : {};
  switch (node.kind) {
    case 'step':
      return { kind: 'step', ...stepShape(node.step), ...when };
    case 'parallel':
      return { kind: 'parallel', name: node.name, steps: node.steps.map(stepShape), ...when };
    case 'signal':
      return {
        kind: 'wait',
        name: node.name,
        signals: signalsShape(node.signals, entry && 'waitForSignal' in entry ? entry.signals : {}),
        earlySignals: node.earlySignals,
        timeoutSeconds: node.timeoutSeconds,
        onTimeout: node.onTimeout === 'continue' ? 'continue' : { fails: node.onTimeout.fails },
        ...when,
      };
    case 'sleep': {
      const duration = entry && 'sleep' in entry ? entry.duration : undefined;
      return {
        kind: 'sleep',
        name: node.name,
        seconds: typeof duration === 'function' ? ruleName(duration) : node.seconds({}, {}),
        ...when,
      };
    }
  }
}

/** Each signal a wait accepts: its payload's schema (from the spec: the resolved wait keeps only a parser) and its effect. */
function signalsShape(
  signals: Record<string, SignalChoice>,
  declared: Record<string, { payload?: unknown }>,
): JsonObject {
  const shape: JsonObject = {};
  for (const [signal, choice] of Object.entries(signals))
    shape[signal] = {
      payload: payloadShape(declared[signal]?.payload),
      ...(choice.fails ? { fails: choice.fails } : {}),
    };
  return shape;
}

function stepShape(step: Step): JsonObject {
  return {
    name: step.name,
    activity: activityShape(step.activity),
    retry: retryShape(step.retry),
    ...(step.compensation
      ? {
          compensation: {
            activity: activityShape(step.compensation.activity),
            retry: retryShape(step.compensation.retry),
          },
        }
      : {}),
  };
}

function activityShape(activity: ActivityType): JsonObject {
  return {
    name: activity.name,
    version: activity.version,
    taskList: activity.taskList,
    timeouts: { ...activity.timeouts },
  };
}

function retryShape(retry: RetryPolicy): JsonObject {
  return { ...retry, nonRetryableErrors: [...retry.nonRetryableErrors] };
}

/**
 * A rule is code, so the lock records its name (give rules named constants: `when: aboveApprovalThreshold`);
 * changing what a released version's rule does means a new named rule in a new version.
 */
function ruleName(rule: { name: string }): string {
  return `rule ${rule.name || '(anonymous)'}`;
}

/** A zod payload schema as JSON Schema, so a changed payload rule shows in the lock's diff. */
function payloadShape(payload: unknown): Json {
  if (payload === undefined) return null;
  try {
    const { $schema: _, ...schema } = z.toJSONSchema(payload as z.ZodType) as JsonObject;
    return schema;
  } catch {
    return 'a parser the lock cannot describe';
  }
}

/** JSON with object keys sorted at every level. */
function canonicalJson(value: Json): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object')
    return `{${Object.keys(value)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonicalJson(value[key] as Json)}`)
      .join(',')}}`;
  return JSON.stringify(value);
}
