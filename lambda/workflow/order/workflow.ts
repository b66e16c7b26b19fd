import * as z from 'zod';
import type { StepSpec, WorkflowSpec } from '../catalog.js';
import type { WorkflowConfig } from '../config.js';
import { parseDuration } from '../durations.js';
import { ConfigError } from '../errors.js';
import type { Json } from '../types.js';
import {
  deleteSavedResults,
  enrichData,
  fraudCheck,
  notifyCompletion,
  processData,
  releaseProcessData,
  saveResults,
  validateInput,
} from './activities.js';
import { withCompensationSimulation, withSimulation } from './simulate.js';

export const ORDER_WORKFLOW_NAME = 'OrderProcessing';

/**
 * The activity functions, wrapped once: the same activity type in two workflow versions must be the same
 * function, or the catalog rightly refuses it as one type declared with two settings.
 */
export const ORDER_ACTIVITIES = {
  validateInput: withSimulation('ValidateInput', validateInput),
  processData: withSimulation('ProcessData', processData),
  releaseProcessData: withCompensationSimulation('ProcessData', releaseProcessData),
  enrichData: withSimulation('EnrichData', enrichData),
  saveResults: withSimulation('SaveResults', saveResults),
  deleteSavedResults: withCompensationSimulation('SaveResults', deleteSavedResults),
  notifyCompletion: withSimulation('NotifyCompletion', notifyCompletion),
  fraudCheck,
};

/** Above this total (in the order's currency), version 2 waits for a person to approve the order. */
export const APPROVAL_THRESHOLD = 5_000;

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

/** What Approve and Reject carry: who decided, and why. */
export const reviewSchema = z.strictObject({
  reviewer: z.string().trim().min(1, 'name the reviewer').max(256),
  note: z.string().max(2_000).optional(),
});

const VALIDATE_INPUT: StepSpec = {
  name: 'ValidateInput',
  activity: { run: ORDER_ACTIVITIES.validateInput, timeouts: { startToClose: '30s' } },
  retry: { maximumAttempts: 3 },
};

const PROCESS_DATA: StepSpec = {
  name: 'ProcessData',
  // Long enough for a slow pricing call; the heartbeat timeout catches a worker that died mid-task.
  activity: {
    run: ORDER_ACTIVITIES.processData,
    timeouts: { startToClose: '5m', scheduleToClose: '10m', heartbeat: '30s' },
  },
  compensation: {
    activity: { name: 'ReleaseProcessData', run: ORDER_ACTIVITIES.releaseProcessData },
    retry: { maximumAttempts: 5, initialIntervalSeconds: 2 },
  },
};

const ENRICH_DATA: StepSpec = { name: 'EnrichData', activity: { run: ORDER_ACTIVITIES.enrichData } };

const SAVE_RESULTS: StepSpec = {
  name: 'SaveResults',
  activity: { run: ORDER_ACTIVITIES.saveResults },
  retry: { maximumAttempts: 5 },
  compensation: {
    activity: { name: 'DeleteSavedResults', run: ORDER_ACTIVITIES.deleteSavedResults },
    retry: { maximumAttempts: 5, initialIntervalSeconds: 2 },
  },
};

const NOTIFY_COMPLETION: StepSpec = {
  name: 'NotifyCompletion',
  activity: { run: ORDER_ACTIVITIES.notifyCompletion },
  retry: { maximumAttempts: 5, initialIntervalSeconds: 2 },
};

/** The order total ProcessData computed, from its priced lines (version 2's rule; fails closed when stored). */
const totalOf = (results: Record<string, Json>) =>
  Number((results.ProcessData as { totals?: { total?: number } } | null)?.totals?.total ?? 0);

/**
 * The total ProcessData records at the top of its result, which stays inline whatever the offload threshold
 * (version 3's rule reads only it). A result without one is refused, so the approval is never skipped.
 */
function inlineTotalOf(results: Record<string, Json>): number {
  const total = (results.ProcessData as { total?: unknown } | null)?.total;
  if (typeof total !== 'number' || !Number.isFinite(total))
    throw new Error('ProcessData recorded no total, so the approval rule cannot judge the order');
  return total;
}

const APPROVAL_SIGNALS = {
  Approve: { payload: reviewSchema },
  Reject: { payload: reviewSchema, fails: 'Rejected' },
};

const fraudCheckStep: StepSpec = {
  name: 'FraudCheck',
  activity: { run: ORDER_ACTIVITIES.fraudCheck, timeouts: { startToClose: '30s' } },
};

/**
 * Version 2's flow: EnrichData runs beside a new FraudCheck (neither needs the other), and an order whose total
 * exceeds 5,000 waits after them for Approve or Reject (payload { reviewer, note }) for up to 24 hours. Reject,
 * or no answer in time, fails the order as Rejected and compensates; Approve goes on. Frozen: an Approve sent
 * before the run reached the wait counts (version 3 refuses that).
 */
export function orderFlowV2(approvalTimeout = DEFAULT_APPROVAL_TIMEOUT): WorkflowSpec['steps'] {
  return [
    VALIDATE_INPUT,
    PROCESS_DATA,
    { parallel: 'Checks', steps: [ENRICH_DATA, fraudCheckStep] },
    {
      waitForSignal: 'Approval',
      signals: APPROVAL_SIGNALS,
      earlySignals: 'keep',
      timeout: approvalTimeout,
      onTimeout: { fails: 'Rejected' },
      when: (_input, results) => totalOf(results) > APPROVAL_THRESHOLD,
    },
    SAVE_RESULTS,
    NOTIFY_COMPLETION,
  ];
}

/**
 * Version 3's flow: version 2's, except that the approval counts only an Approve or Reject sent while the run
 * waits for it (a decision taken before the total and the fraud score exist is no decision), and its rule reads
 * the total ProcessData keeps inline, so a large order, whose priced lines are stored, still waits.
 */
export function orderFlowV3(approvalTimeout = DEFAULT_APPROVAL_TIMEOUT): WorkflowSpec['steps'] {
  return [
    VALIDATE_INPUT,
    PROCESS_DATA,
    { parallel: 'Checks', steps: [ENRICH_DATA, fraudCheckStep] },
    {
      waitForSignal: 'Approval',
      signals: APPROVAL_SIGNALS,
      earlySignals: 'ignore',
      timeout: approvalTimeout,
      onTimeout: { fails: 'Rejected' },
      when: (_input, results) => inlineTotalOf(results) > APPROVAL_THRESHOLD,
    },
    SAVE_RESULTS,
    NOTIFY_COMPLETION,
  ];
}

/** The `OrderProcessing` workflow type at version 2 (see `orderFlowV2`). */
export function orderWorkflowV2(config: WorkflowConfig): WorkflowSpec {
  const spec: WorkflowSpec = {
    ...baseOrderWorkflow({ ...config, workflowVersion: '2' }),
    description: "Version 1 plus a fraud check beside EnrichData and a person's approval above 5,000.",
    steps: orderFlowV2(approvalTimeoutOf(config)),
  };
  return config.timeoutScale === 1 ? spec : scaleTimeouts(spec, config.timeoutScale);
}

/** The `OrderProcessing` workflow type at version 3 (see `orderFlowV3`). */
export function orderWorkflowV3(config: WorkflowConfig): WorkflowSpec {
  const spec: WorkflowSpec = {
    ...baseOrderWorkflow({ ...config, workflowVersion: '3' }),
    description: 'Version 2, with an approval that counts only answers sent while the order waits for it.',
    steps: orderFlowV3(approvalTimeoutOf(config)),
  };
  return config.timeoutScale === 1 ? spec : scaleTimeouts(spec, config.timeoutScale);
}

/**
 * The order workflow's steps, in order. Adding a step is one function plus one entry here;
 * changing a timeout or a task list means bumping `activity.version` (SWF types are immutable).
 */
export function orderSteps(): StepSpec[] {
  return [VALIDATE_INPUT, PROCESS_DATA, ENRICH_DATA, SAVE_RESULTS, NOTIFY_COMPLETION];
}

/** The `OrderProcessing` workflow type at the configured version. */
export function orderWorkflow(config: WorkflowConfig): WorkflowSpec {
  const spec = baseOrderWorkflow(config);
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

function baseOrderWorkflow(config: WorkflowConfig): WorkflowSpec {
  return {
    name: ORDER_WORKFLOW_NAME,
    version: config.workflowVersion,
    description: 'Validates, prices, enriches, saves and confirms an order; compensates on failure.',
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
    steps: orderSteps(),
  };
}
