import { durationSeconds } from '../../lambda/workflow/durations.js';
import type { Catalog } from '../../lambda/workflow/module.js';
import type { ActivityType } from '../../lambda/workflow/types.js';

/**
 * How many alarms the stack creates, without CDK (the cost model in `swfctl cost` reads it): the same loops as
 * lib/monitoring/alarms.ts, checked against the synthesized template by test/infra/alarm-count.test.ts.
 */

/** The pollers: each has a NotRunning alarm besides its errors and throttles. */
export const POLLER_NAMES = ['Decider', 'ActivityWorker'] as const;
/** Every function of the stack, each alarmed on its errors and throttles. */
export const FUNCTION_NAMES = [...POLLER_NAMES, 'Starter', 'Operations', 'Monitor', 'Registration'] as const;
export type PollerName = (typeof POLLER_NAMES)[number];
export type FunctionName = (typeof FUNCTION_NAMES)[number];

/** Whether SWF can time this type out on heartbeats (it has a heartbeat timeout). */
export const hasHeartbeat = (activity: ActivityType) =>
  Number.isFinite(durationSeconds(activity.timeouts.heartbeat));

/** Per workflow type: failed, timed out, decision timed out, decision schedule-to-start. */
const PER_WORKFLOW = 4;
/** Per activity type: failed, timed out on start and on close, schedule-to-start; and heartbeat when it has one. */
const PER_ACTIVITY = 4;
/** Compensations failed, decision errors, open executions. */
const OWN_METRICS = 3;
/** The orders table's throttled requests and system errors. */
const TABLE = 2;

/** The number of alarms the stack creates for this catalog. */
export function stackAlarmCount(catalog: Pick<Catalog, 'workflows' | 'activityTypes'>): number {
  const activities = catalog.activityTypes();
  return (
    catalog.workflows.length * PER_WORKFLOW +
    activities.length * PER_ACTIVITY +
    activities.filter(hasHeartbeat).length +
    FUNCTION_NAMES.length * 2 +
    POLLER_NAMES.length +
    OWN_METRICS +
    TABLE
  );
}
