import type { StepSpec, WorkflowSpec } from '../catalog.js';
import type { WorkflowConfig } from '../config.js';
import {
  deleteSavedResults,
  enrichData,
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
};

/**
 * The order workflow's steps, in order. Adding a step is one function plus one entry here;
 * changing a timeout or a task list means bumping `activity.version` (SWF types are immutable).
 */
export function orderSteps(): StepSpec[] {
  return [
    {
      name: 'ValidateInput',
      activity: { run: ORDER_ACTIVITIES.validateInput, timeouts: { startToClose: '30s' } },
      retry: { maximumAttempts: 3 },
    },
    {
      name: 'ProcessData',
      // Long enough for a slow pricing call; the heartbeat timeout catches a worker that died mid-task.
      activity: {
        run: ORDER_ACTIVITIES.processData,
        timeouts: { startToClose: '5m', scheduleToClose: '10m', heartbeat: '30s' },
      },
      compensation: {
        activity: {
          name: 'ReleaseProcessData',
          run: ORDER_ACTIVITIES.releaseProcessData,
        },
        retry: { maximumAttempts: 5, initialIntervalSeconds: 2 },
      },
    },
    {
      name: 'EnrichData',
      activity: { run: ORDER_ACTIVITIES.enrichData },
    },
    {
      name: 'SaveResults',
      activity: { run: ORDER_ACTIVITIES.saveResults },
      retry: { maximumAttempts: 5 },
      compensation: {
        activity: {
          name: 'DeleteSavedResults',
          run: ORDER_ACTIVITIES.deleteSavedResults,
        },
        retry: { maximumAttempts: 5, initialIntervalSeconds: 2 },
      },
    },
    {
      name: 'NotifyCompletion',
      activity: { run: ORDER_ACTIVITIES.notifyCompletion },
      retry: { maximumAttempts: 5, initialIntervalSeconds: 2 },
    },
  ];
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
