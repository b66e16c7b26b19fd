import type { OperationsContext } from '../worker/operations.js';
import { createSwfClient, swfClientOptionsFromEnv } from '../worker/swf-client.js';
import { loadConfig } from '../workflow/config.js';
import { buildCatalog } from '../workflow/modules.js';
import { powertoolsTelemetry } from './powertools.js';

/**
 * What every handler shares, built once per container from the environment (validated here, at the edge).
 * SWF_POLL_HOLD_SECONDS tells the deadline rule how long the service holds a poll (60 on SWF).
 */
const env = process.env;
export const config = loadConfig(env);
export const catalog = buildCatalog(config);
export const swf = createSwfClient(swfClientOptionsFromEnv(env));
export const telemetry = powertoolsTelemetry();
export const pollHoldMs = Number(env.SWF_POLL_HOLD_SECONDS ?? 60) * 1000;
/** SWF_POLL_WINDOW_SECONDS: start polls only during the schedule's period (set by the stack; unset locally). */
export const pollWindowMs = env.SWF_POLL_WINDOW_SECONDS
  ? Number(env.SWF_POLL_WINDOW_SECONDS) * 1000
  : undefined;
export const operationsContext: OperationsContext = { swf, config, catalog };
