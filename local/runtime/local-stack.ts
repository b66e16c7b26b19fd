import { createConsoleRoutes } from '../console/console-api.js';
import { type RunningServer, startServer } from '../server/server.js';
import { runOnSchedule } from './lambda-runtime.js';

export interface LocalStackOptions {
  port?: number;
  dbPath?: string;
  memory?: boolean;
  /** Seconds swf-local holds an empty poll; the handlers' deadline rule is told the same. */
  pollHoldSeconds?: number;
  deciders?: number;
  activityWorkers?: number;
  /** The simulated Lambda timeout of each invocation. */
  functionTimeoutMs?: number;
  /** The simulated EventBridge rate. */
  rateMs?: number;
  verbose?: boolean;
  /** The SQLite file of order effects (default: SWF_EFFECTS_DB, else .swf-local/orders.db). */
  effectsDb?: string;
}

export interface LocalStack {
  server: RunningServer;
  endpoint: string;
  /** The web console, served by swf-local on the same port. */
  consoleUrl: string;
  /** The handlers' shared module state (catalog, config, ports), loaded after the environment was set. */
  runtime: typeof import('../../lambda/handlers/function-runtime.js') &
    typeof import('../../lambda/handlers/effect-ports.js') &
    typeof import('../../lambda/handlers/payload-store.js') &
    typeof import('../../lambda/handlers/starting-context.js');
  stop(): Promise<void>;
}

/**
 * The deployed system on a laptop: swf-local, the catalog registered, and the real Lambda handlers invoked as
 * the EventBridge schedule would, with a Lambda-like context and deadline.
 */
export async function startLocalStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  const pollHoldSeconds = options.pollHoldSeconds ?? 20;
  // The console needs the handlers' context, which exists only once the environment points at the server.
  let consoleRoutes: ReturnType<typeof createConsoleRoutes> | undefined;
  const server = await startServer({
    routes: (request, response, body) => (consoleRoutes ? consoleRoutes(request, response, body) : false),
    port: options.port ?? 7654,
    dbPath: options.dbPath,
    memory: options.memory,
    pollHoldSeconds,
    logLevel: options.verbose ? 'info' : 'warn',
  });
  // The handlers read their configuration from the environment when first imported, as in Lambda.
  Object.assign(process.env, {
    SWF_ENDPOINT: server.endpoint,
    SWF_POLL_HOLD_SECONDS: String(pollHoldSeconds),
    SWF_ALLOW_FAILURE_INJECTION: process.env.SWF_ALLOW_FAILURE_INJECTION ?? 'true',
    POWERTOOLS_SERVICE_NAME: 'swf-orders-local',
    POWERTOOLS_LOG_LEVEL: options.verbose ? 'INFO' : 'ERROR',
    POWERTOOLS_METRICS_DISABLED: 'true',
    ...(options.effectsDb ? { SWF_EFFECTS: 'sqlite', SWF_EFFECTS_DB: options.effectsDb } : {}),
  });
  const runtime = {
    ...(await import('../../lambda/handlers/function-runtime.js')),
    ...(await import('../../lambda/handlers/effect-ports.js')),
    ...(await import('../../lambda/handlers/payload-store.js')),
    ...(await import('../../lambda/handlers/starting-context.js')),
  };
  const { registerCatalog } = await import('../../lambda/worker/registration.js');
  await registerCatalog(runtime.swf, runtime.catalog);
  consoleRoutes = createConsoleRoutes({
    // As the starter and the operations function have it: large inputs are stored, new runs are claimed.
    context: runtime.startingContext,
    effectsOf: async (orderId) => (await runtime.effectPorts()).effectsOf(orderId),
  });
  const decider = await import('../../lambda/handlers/decider.js');
  const activityWorker = await import('../../lambda/handlers/activity-worker.js');

  const stopping = new AbortController();
  const timeoutMs = options.functionTimeoutMs ?? 15 * 60_000;
  const rateMs = options.rateMs ?? 10_000;
  const schedules = [
    runOnSchedule(
      {
        functionName: 'local-decider',
        handler: decider.handler,
        timeoutMs,
        concurrency: options.deciders ?? 2,
      },
      { rateMs, signal: stopping.signal },
    ),
    runOnSchedule(
      {
        functionName: 'local-activity-worker',
        handler: activityWorker.handler,
        timeoutMs,
        concurrency: options.activityWorkers ?? 4,
      },
      { rateMs, signal: stopping.signal },
    ),
  ];
  return {
    server,
    endpoint: server.endpoint,
    consoleUrl: `${server.endpoint}/console`,
    runtime,
    stop: async () => {
      stopping.abort();
      await Promise.all(schedules);
      runtime.swf.destroy();
      (await runtime.effectPorts()).close();
      await server.close();
    },
  };
}
