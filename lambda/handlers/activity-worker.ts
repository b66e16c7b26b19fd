import { runActivityWorker } from '../worker/activity-worker.js';
import { lambdaDeadline } from '../worker/deadline.js';
import type { LoopResult } from '../worker/poll-loop.js';
import { effectPorts } from './effect-ports.js';
import { catalog, config, pollHoldMs, pollWindowMs, swf, telemetry } from './function-runtime.js';
import { identityOf, type LambdaContext } from './lambda-context.js';
import { payloadSettings, payloads } from './payload-store.js';

/** Scheduled every minute: polls and runs activities until the deadline rule says a new poll could not finish. */
export const handler = async (_event: unknown, context: LambdaContext): Promise<LoopResult> =>
  runActivityWorker({
    swf,
    catalog,
    domain: config.domain,
    taskList: config.activityTaskList,
    identity: identityOf(context),
    deadline: lambdaDeadline(context),
    telemetry,
    pollHoldMs,
    pollWindowMs,
    ports: await effectPorts(),
    allowFailureInjection: config.allowFailureInjection,
    payloads,
    offloadThreshold: payloadSettings.threshold,
    signal: context.abortSignal,
  });
