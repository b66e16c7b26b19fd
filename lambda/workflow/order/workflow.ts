import type { StepSpec, WorkflowSpec } from '../catalog.js';
import type { WorkflowConfig } from '../config.js';
import { parseDuration } from '../durations.js';
import { ConfigError } from '../errors.js';
import {
  approvalKeepingEarlyAnswers,
  approvalOfAnswersWhileWaiting,
  CHECKS,
  ENRICH_DATA,
  NOTIFY_COMPLETION,
  PROCESS_DATA,
  SAVE_RESULTS,
  VALIDATE_INPUT,
} from './steps.js';

export const ORDER_WORKFLOW_NAME = 'OrderProcessing';

/** How long version 2 waits for Approve or Reject unless `OrderProcessing.approvalTimeout` says otherwise. */
export const DEFAULT_APPROVAL_TIMEOUT = '24h';

/**
 * The approval timeout the configuration sets (SWF_WORKFLOW_SETTINGS=OrderProcessing.approvalTimeout=48h).
 * Changing it is safe for runs in flight: a wait's timer keeps the duration it started with, and waits not yet
 * reached use the new one.
 */
export function approvalTimeoutOf(config: WorkflowConfig): string {
  const value = config.workflowSettings[ORDER_WORKFLOW_NAME]?.approvalTimeout;
  if (value === undefined) return DEFAULT_APPROVAL_TIMEOUT;
  const parsed = parseDuration(value, { allowNone: false });
  if (!parsed.ok || Number(parsed.value) < 1)
    throw new ConfigError(
      `Invalid workflow settings: ${ORDER_WORKFLOW_NAME}.approvalTimeout: ${parsed.ok ? 'must be at least 1 second' : parsed.error}`,
    );
  return parsed.value;
}

/** Version 1's flow: five steps in a line, each compensated (where it has an effect) if a later one fails. */
export function orderFlowV1(): WorkflowSpec['steps'] {
  return [VALIDATE_INPUT, PROCESS_DATA, ENRICH_DATA, SAVE_RESULTS, NOTIFY_COMPLETION];
}

/**
 * Version 2's flow: EnrichData runs beside a new FraudCheck, and an order whose total exceeds 5,000 waits after
 * them for Approve or Reject for up to `approvalTimeout`. Reject, or no answer in time, fails the order as
 * Rejected and compensates; Approve goes on. An Approve sent before the run reached the wait counts.
 */
export function orderFlowV2(approvalTimeout: string): WorkflowSpec['steps'] {
  return [
    VALIDATE_INPUT,
    PROCESS_DATA,
    CHECKS,
    approvalKeepingEarlyAnswers(approvalTimeout),
    SAVE_RESULTS,
    NOTIFY_COMPLETION,
  ];
}

/**
 * Version 3's flow: version 2's, except that the approval counts only an Approve or Reject sent while the run
 * waits for it, and its rule reads the total ProcessData keeps inline.
 */
export function orderFlowV3(approvalTimeout: string): WorkflowSpec['steps'] {
  return [
    VALIDATE_INPUT,
    PROCESS_DATA,
    CHECKS,
    approvalOfAnswersWhileWaiting(approvalTimeout),
    SAVE_RESULTS,
    NOTIFY_COMPLETION,
  ];
}

/** The `OrderProcessing` workflow type at version 1 (see `orderFlowV1`), kept for runs in flight. */
export function orderWorkflowV1(config: WorkflowConfig): WorkflowSpec {
  return orderVersion(config, {
    version: '1',
    description: 'Validates, prices, enriches, saves and confirms an order; compensates on failure.',
    steps: orderFlowV1(),
  });
}

/** The `OrderProcessing` workflow type at version 2 (see `orderFlowV2`), kept for runs in flight. */
export function orderWorkflowV2(config: WorkflowConfig): WorkflowSpec {
  return orderVersion(config, {
    version: '2',
    description: "Version 1 plus a fraud check beside EnrichData and a person's approval above 5,000.",
    steps: orderFlowV2(approvalTimeoutOf(config)),
  });
}

/** The `OrderProcessing` workflow type at version 3 (see `orderFlowV3`). */
export function orderWorkflowV3(config: WorkflowConfig): WorkflowSpec {
  return orderVersion(config, {
    version: '3',
    description: 'Version 2, with an approval that counts only answers sent while the order waits for it.',
    steps: orderFlowV3(approvalTimeoutOf(config)),
  });
}

/**
 * One version of `OrderProcessing`: its flow on the settings every version shares (task lists, timeouts, retry
 * defaults), with `SWF_TIMEOUT_SCALE` applied. A new version is one more call of this, with a literal flow.
 */
export function orderVersion(
  config: WorkflowConfig,
  version: { version: string; description: string; steps: WorkflowSpec['steps'] },
): WorkflowSpec {
  const spec = { ...orderWorkflowSettings(config), ...version };
  return config.timeoutScale === 1 ? spec : scaleTimeouts(spec, config.timeoutScale);
}

/** Whole seconds of a duration spec ("5m", "30s", 300), scaled, at least 1. */
function scaled(value: string | number | undefined, factor: number): string | undefined {
  if (value === undefined || value === 'NONE') return value;
  const match = /^(\d+)\s*([smhd]?)$/.exec(String(value).trim());
  if (!match) return String(value);
  const seconds = Number(match[1]) * ({ s: 1, m: 60, h: 3600, d: 86_400 }[match[2] || 's'] ?? 1);
  return String(Math.max(1, Math.round(seconds * factor)));
}

type StepSpecLike = Omit<StepSpec, 'when'>;

/** The same workflow with every timeout multiplied (activity types get a version suffix: types are immutable). */
function scaleTimeouts(spec: WorkflowSpec, factor: number): WorkflowSpec {
  const timeouts = (t: Record<string, string | number | undefined> | undefined) =>
    t && Object.fromEntries(Object.entries(t).map(([key, value]) => [key, scaled(value, factor)]));
  const suffix = `-x${factor}`;
  const activity = <T extends { timeouts?: Record<string, string | number | undefined>; version?: string }>(
    a: T,
  ): T => ({
    ...a,
    version: `${a.version ?? spec.defaults?.activityVersion ?? '1'}${suffix}`,
    timeouts: timeouts(a.timeouts),
  });
  const scaleStep = <S extends StepSpecLike>(step: S): S => ({
    ...step,
    activity: activity(step.activity),
    compensation: step.compensation?.activity
      ? { ...step.compensation, activity: activity(step.compensation.activity) }
      : step.compensation,
  });
  return {
    ...spec,
    executionStartToCloseTimeout:
      scaled(spec.executionStartToCloseTimeout, factor) ?? spec.executionStartToCloseTimeout,
    taskStartToCloseTimeout: scaled(spec.taskStartToCloseTimeout, factor) ?? spec.taskStartToCloseTimeout,
    defaults: { ...spec.defaults, timeouts: timeouts(spec.defaults?.timeouts) },
    steps: spec.steps.map((entry) => {
      if ('parallel' in entry) return { ...entry, steps: entry.steps.map(scaleStep) };
      if ('waitForSignal' in entry)
        return { ...entry, timeout: scaled(entry.timeout, factor) ?? entry.timeout };
      if ('sleep' in entry)
        return typeof entry.duration === 'function'
          ? entry
          : { ...entry, duration: scaled(entry.duration, factor) ?? entry.duration };
      return scaleStep(entry);
    }),
  };
}

/** What every version of `OrderProcessing` shares: the workflow type's settings and the activities' defaults. */
function orderWorkflowSettings(
  config: WorkflowConfig,
): Omit<WorkflowSpec, 'version' | 'description' | 'steps'> {
  return {
    name: ORDER_WORKFLOW_NAME,
    taskList: config.decisionTaskList,
    executionStartToCloseTimeout: '1h',
    taskStartToCloseTimeout: '30s',
    childPolicy: 'TERMINATE',
    defaults: {
      activityVersion: '1',
      activityTaskList: config.activityTaskList,
      timeouts: { scheduleToStart: '5m', scheduleToClose: '10m', startToClose: '2m', heartbeat: 'NONE' },
      retry: {
        maximumAttempts: 3,
        initialIntervalSeconds: 1,
        backoffCoefficient: 2,
        maximumIntervalSeconds: 60,
        // NonRetryableError and its subclasses are never retried: the worker flags them, whatever their name.
        // SimulatedPermanentFailure stays listed for histories written before the flag (runs in flight, and the
        // recorded histories the replay test reads).
        nonRetryableErrors: ['SimulatedPermanentFailure'],
      },
    },
  };
}
