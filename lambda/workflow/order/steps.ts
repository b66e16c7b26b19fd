/**
 * The order workflow's building blocks, each a named constant: every version (workflow.ts) is a literal list of
 * them. They are frozen and shared, so changing one changes every version that lists it, and the version lock
 * test says so: to change a step, add a new constant (with a new activity version if its type's settings change)
 * and use it in a new version.
 */
import * as z from 'zod';
import type { StepSpec } from '../catalog.js';
import { frozen } from '../frozen.js';
import type { FlowEntrySpec } from '../spec.js';
import type { ActivityFunction, FlowPredicate, Json } from '../types.js';
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
import type { OrderPorts } from './ports.js';
import { withCompensationSimulation, withSimulation } from './simulate.js';

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

/** Above this total (in the order's currency), versions 2 and 3 wait for a person to approve the order. */
export const APPROVAL_THRESHOLD = 5_000;

/** What Approve and Reject carry: who decided, and why. */
export const reviewSchema = z.strictObject({
  reviewer: z.string().trim().min(1, 'name the reviewer').max(256),
  note: z.string().max(2_000).optional(),
});

/** A step's compensation: its activity, retried as every order compensation is (five attempts, from 2 s apart). */
const compensatedBy = (name: string, run: ActivityFunction<OrderPorts>): StepSpec['compensation'] => ({
  activity: { name, run },
  retry: { maximumAttempts: 5, initialIntervalSeconds: 2 },
});

export const VALIDATE_INPUT: StepSpec = frozen({
  name: 'ValidateInput',
  activity: { run: ORDER_ACTIVITIES.validateInput, timeouts: { startToClose: '30s' } },
  retry: { maximumAttempts: 3 },
});

export const PROCESS_DATA: StepSpec = frozen({
  name: 'ProcessData',
  // Long enough for a slow pricing call; the heartbeat timeout catches a worker that died mid-task.
  activity: {
    run: ORDER_ACTIVITIES.processData,
    timeouts: { startToClose: '5m', scheduleToClose: '10m', heartbeat: '30s' },
  },
  compensation: compensatedBy('ReleaseProcessData', ORDER_ACTIVITIES.releaseProcessData),
});

export const ENRICH_DATA: StepSpec = frozen({
  name: 'EnrichData',
  activity: { run: ORDER_ACTIVITIES.enrichData },
});

export const FRAUD_CHECK: StepSpec = frozen({
  name: 'FraudCheck',
  activity: { run: ORDER_ACTIVITIES.fraudCheck, timeouts: { startToClose: '30s' } },
});

export const SAVE_RESULTS: StepSpec = frozen({
  name: 'SaveResults',
  activity: { run: ORDER_ACTIVITIES.saveResults },
  retry: { maximumAttempts: 5 },
  compensation: compensatedBy('DeleteSavedResults', ORDER_ACTIVITIES.deleteSavedResults),
});

export const NOTIFY_COMPLETION: StepSpec = frozen({
  name: 'NotifyCompletion',
  activity: { run: ORDER_ACTIVITIES.notifyCompletion },
  retry: { maximumAttempts: 5, initialIntervalSeconds: 2 },
});

/** EnrichData beside FraudCheck: neither needs the other. */
export const CHECKS: FlowEntrySpec = frozen({ parallel: 'Checks', steps: [ENRICH_DATA, FRAUD_CHECK] });

/** Version 2's rule: the order total ProcessData computed, from its priced lines (fails closed when stored). */
export const pricedTotalAboveThreshold: FlowPredicate = (_input, results) =>
  Number((results.ProcessData as { totals?: { total?: number } } | null)?.totals?.total ?? 0) >
  APPROVAL_THRESHOLD;

/**
 * Version 3's rule: the total ProcessData records at the top of its result, which stays inline whatever the
 * offload threshold. A result without one is refused, so the approval is never skipped.
 */
export const inlineTotalAboveThreshold: FlowPredicate = (_input, results: Record<string, Json>) => {
  const total = (results.ProcessData as { total?: unknown } | null)?.total;
  if (typeof total !== 'number' || !Number.isFinite(total))
    throw new Error('ProcessData recorded no total, so the approval rule cannot judge the order');
  return total > APPROVAL_THRESHOLD;
};

/** What every approval wait shares: Approve goes on; Reject, or no answer in time, fails the order as Rejected. */
const APPROVAL = frozen({
  waitForSignal: 'Approval',
  signals: { Approve: { payload: reviewSchema }, Reject: { payload: reviewSchema, fails: 'Rejected' } },
  onTimeout: { fails: 'Rejected' },
});

/**
 * Version 2's approval: an order above the threshold waits for Approve or Reject ({ reviewer, note }) for
 * `timeout`; Reject, or no answer in time, fails it as Rejected. An Approve sent before the run reached the wait
 * counts.
 */
export function approvalKeepingEarlyAnswers(timeout: string): FlowEntrySpec {
  return frozen({ ...APPROVAL, earlySignals: 'keep', timeout, when: pricedTotalAboveThreshold });
}

/**
 * Version 3's approval: version 2's, except that only an Approve or Reject sent while the run waits counts (a
 * decision taken before the total and the fraud score exist is no decision), and its rule reads the inline total,
 * so a large order, whose priced lines are stored, still waits.
 */
export function approvalOfAnswersWhileWaiting(timeout: string): FlowEntrySpec {
  return frozen({ ...APPROVAL, earlySignals: 'ignore', timeout, when: inlineTotalAboveThreshold });
}
