import { lambdaDeadline } from '../worker/deadline.js';
import { runDecider } from '../worker/decider-worker.js';
import type { LoopResult } from '../worker/poll-loop.js';
import { catalog, config, pollHoldMs, pollWindowMs, swf, telemetry } from './function-runtime.js';
import { identityOf, type LambdaContext } from './lambda-context.js';
import { payloadSettings, payloads } from './payload-store.js';

/** Scheduled every minute: polls and decides until the deadline rule says a new poll could not finish in time. */
export const handler = (_event: unknown, context: LambdaContext): Promise<LoopResult> =>
  runDecider({
    swf,
    catalog,
    domain: config.domain,
    taskList: config.decisionTaskList,
    identity: identityOf(context),
    deadline: lambdaDeadline(context),
    telemetry,
    pollHoldMs,
    pollWindowMs,
    payloads,
    offloadThreshold: payloadSettings.threshold,
    signal: context.abortSignal,
  });
