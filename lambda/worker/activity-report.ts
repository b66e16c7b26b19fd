import * as S from '@aws-sdk/client-swf';
import { encodeFailureDetails } from '../decider/failure-details.js';
import { truncateText } from './activity-heartbeats.js';
import { type ActivityOutcome, RESULT_LIMIT } from './activity-runner.js';
import type { Deadline } from './deadline.js';
import { respondWithRetry } from './poll-loop.js';
import type { WorkerTelemetry } from './telemetry.js';

/** SWF's limits on a failure's reason and details. */
const FAILURE_LIMITS = { reason: 256, details: RESULT_LIMIT } as const;

export interface ActivityReportOptions {
  swf: S.SWFClient;
  deadline: Deadline;
  telemetry: WorkerTelemetry;
}

/** The Respond call that tells SWF an outcome, named for logs; undefined for a lost task (nobody is listening). */
export function respondCall(
  outcome: ActivityOutcome,
  taskToken: string,
  swf: S.SWFClient,
): { what: string; send: () => Promise<unknown> } | undefined {
  switch (outcome.kind) {
    case 'completed':
      return {
        what: 'RespondActivityTaskCompleted',
        send: () =>
          swf.send(new S.RespondActivityTaskCompletedCommand({ taskToken, result: outcome.result })),
      };
    case 'failed': {
      const input = {
        taskToken,
        reason: truncateText(outcome.reason, FAILURE_LIMITS.reason),
        // Every failure says whether retrying can help: the decider reads the flag from the details.
        details: encodeFailureDetails(outcome.details, outcome.nonRetryable, FAILURE_LIMITS.details),
      };
      return {
        what: 'RespondActivityTaskFailed',
        send: () => swf.send(new S.RespondActivityTaskFailedCommand(input)),
      };
    }
    case 'canceled':
      return {
        what: 'RespondActivityTaskCanceled',
        send: () =>
          swf.send(new S.RespondActivityTaskCanceledCommand({ taskToken, details: outcome.details })),
      };
    case 'lost':
      return undefined;
  }
}

/** Reports an attempt's outcome to SWF: one Respond call (retried through network trouble), none if lost. */
export async function reportToSwf(
  outcome: ActivityOutcome,
  taskToken: string,
  options: ActivityReportOptions,
): Promise<void> {
  const { telemetry } = options;
  const call = respondCall(outcome, taskToken, options.swf);
  if (!call) {
    telemetry.warn('the task was lost while it ran (timed out or its run closed); dropping its result');
    return;
  }
  if (outcome.kind === 'failed') {
    telemetry.count('ActivityFailures');
    telemetry.warn('activity failed', { reason: outcome.reason });
  }
  await respondWithRetry(call.send, { deadline: options.deadline, telemetry, what: call.what });
  if (outcome.kind === 'completed') telemetry.info('activity completed');
  if (outcome.kind === 'canceled') telemetry.info('activity canceled');
}
