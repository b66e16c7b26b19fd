import * as S from '@aws-sdk/client-swf';
import { durationSeconds } from '../workflow/durations.js';
import type { Catalog } from '../workflow/module.js';
import type { PayloadStore } from '../workflow/payloads.js';
import type { ActivityPorts } from '../workflow/types.js';
import type { HeartbeatSender } from './activity-heartbeats.js';
import { reportToSwf } from './activity-report.js';
import { runAttempt } from './activity-runner.js';
import { type LoopResult, type PollerOptions, runPollLoop } from './poll-loop.js';

export interface ActivityWorkerOptions extends PollerOptions {
  ports: ActivityPorts;
  allowFailureInjection: boolean;
  /**
   * Where payloads above the threshold are stored: references in an attempt's input are resolved before the
   * activity runs, and a larger result is stored and sent as a reference. Without one, nothing is offloaded.
   */
  payloads?: PayloadStore;
  offloadThreshold?: number;
}

type ActivityTask = S.PollForActivityTaskCommandOutput & { taskToken: string };

/** Used when an activity's start-to-close timeout is "NONE": the longest a Lambda invocation may run. */
const UNBOUNDED_TASK_MS = 15 * 60_000;

/** The longest an activity task on this task list may run once received. */
export function activityBudgetMs(catalog: Catalog, taskList: string): number {
  const seconds = catalog
    .activityTypes()
    .filter((type) => type.taskList === taskList)
    .map((type) => durationSeconds(type.timeouts.startToClose));
  if (seconds.length === 0) return UNBOUNDED_TASK_MS;
  const longest = Math.max(...seconds);
  return Number.isFinite(longest) ? longest * 1000 : UNBOUNDED_TASK_MS;
}

/**
 * Runs one polled activity task through the activity runner, heartbeating to SWF (automatic when the type has a
 * heartbeat timeout; an answer may request cancellation), then reports the outcome to SWF.
 */
export async function handleActivityTask(task: ActivityTask, options: ActivityWorkerOptions): Promise<void> {
  const { swf } = options;
  const { taskToken } = task;
  const heartbeat: HeartbeatSender = (details) =>
    swf.send(new S.RecordActivityTaskHeartbeatCommand({ taskToken, details }));
  const outcome = await runAttempt(task, { ...options, heartbeat });
  await reportToSwf(outcome, taskToken, options);
}

/** The ports some registered workflow module declares that the worker was not given. */
export function missingPorts(catalog: Catalog, ports: object): string[] {
  const needed = new Set(catalog.modules.flatMap((module) => module.ports));
  return [...needed].filter((name) => !(name in ports));
}

/**
 * The activity worker's poll loop, shared by the Lambda handler, `swfctl worker activity` and the local runtime:
 * polls and runs activity tasks until the deadline or the stop signal. Refuses to start when a registered
 * workflow module needs a port the worker was not given (a misconfigured SWF_EFFECTS, say).
 */
export function runActivityWorker(options: ActivityWorkerOptions): Promise<LoopResult> {
  const missing = missingPorts(options.catalog, options.ports);
  if (missing.length > 0) {
    return Promise.reject(
      new Error(
        `The activity worker has no ${missing.join(', ')} port(s), which ${options.catalog.modules
          .filter((m) => m.ports.some((p) => missing.includes(p)))
          .map((m) => m.name)
          .join(', ')} need(s): check the effects configuration (SWF_EFFECTS)`,
      ),
    );
  }
  return runPollLoop<ActivityTask>({
    kind: 'activity',
    deadline: options.deadline,
    budget: {
      pollHoldMs: options.pollHoldMs ?? 60_000,
      taskBudgetMs: activityBudgetMs(options.catalog, options.taskList),
      marginMs: options.marginMs ?? 5_000,
    },
    telemetry: options.telemetry,
    signal: options.signal,
    maxTasks: options.maxTasks,
    pollWindowMs: options.pollWindowMs,
    poll: async (signal) => {
      const task = await options.swf.send(
        new S.PollForActivityTaskCommand({
          domain: options.domain,
          taskList: { name: options.taskList },
          identity: options.identity,
        }),
        { abortSignal: signal },
      );
      return task.taskToken ? (task as ActivityTask) : undefined;
    },
    handle: (task) => handleActivityTask(task, options),
  });
}
