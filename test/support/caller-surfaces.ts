import { join } from 'node:path';
import * as S from '@aws-sdk/client-swf';
import { afterAll, beforeAll } from 'vitest';
import { inMemoryPorts } from '../../lambda/adapters/memory-effects.js';
import type { OperationsContext } from '../../lambda/worker/operations.js';
import { registerCatalog } from '../../lambda/worker/registration.js';
import { createSwfClient } from '../../lambda/worker/swf-client.js';
import { loadConfig } from '../../lambda/workflow/config.js';
import { buildCatalog } from '../../lambda/workflow/modules.js';
import type { ConsoleOptions } from '../../local/console/console-api.js';
import type { RunningServer } from '../../local/server/server.js';
import { runSwfctl } from './cli.js';
import { scratchDirectory } from './scratch.js';
import { startLocal } from './swf-local.js';
import { startWorkers } from './workers.js';

/**
 * Every surface a caller reaches, on one swf-local: swfctl (a real process), the console's HTTP API, and the
 * starter and operations handlers (loaded after the environment points at the server, as in Lambda), with a
 * decider and activity workers so runs reach their waits. One domain; orders start on version 2 (approval).
 */
export function useCallerSurfaces(domain: string) {
  const directory = scratchDirectory(domain);
  const surfaces = {} as {
    server: RunningServer;
    swf: S.SWFClient;
    context: OperationsContext;
    /** Lines the console logged. */
    consoleLog: string[];
    /** Set to make the console's effects read fail (an unexpected error). */
    failEffects: { on: boolean };
    handlers: {
      starter: typeof import('../../lambda/handlers/starter.js');
      operations: typeof import('../../lambda/handlers/operations.js');
    };
    workers: ReturnType<typeof startWorkers>;
  };
  const env = {
    SWF_DOMAIN: domain,
    SWF_WORKFLOW_VERSION: '2',
    SWF_ALLOW_FAILURE_INJECTION: 'true',
    SWF_EFFECTS: 'sqlite',
    SWF_EFFECTS_DB: join(directory, 'orders.db'),
    SWF_PAYLOADS_DIR: join(directory, 'payloads'),
  };
  beforeAll(async () => {
    let routes:
      | ReturnType<typeof import('../../local/console/console-api.js').createConsoleRoutes>
      | undefined;
    const { server } = await startLocal({
      virtualClock: false,
      routes: (request, response, body) => (routes ? routes(request, response, body) : false),
    });
    Object.assign(process.env, {
      ...env,
      SWF_ENDPOINT: server.endpoint,
      SWF_POLL_HOLD_SECONDS: '1',
      POWERTOOLS_METRICS_DISABLED: 'true',
      POWERTOOLS_LOG_LEVEL: 'SILENT',
    });
    const config = loadConfig(env);
    const catalog = buildCatalog(config);
    const swf = createSwfClient({ endpoint: server.endpoint });
    await registerCatalog(swf, catalog);
    const context: OperationsContext = { swf, config, catalog };
    const consoleLog: string[] = [];
    const failEffects = { on: false };
    const { createConsoleRoutes } = await import('../../local/console/console-api.js');
    const { createLogger } = await import('../../local/server/logger.js');
    routes = createConsoleRoutes({
      context,
      effectsOf: async () => {
        if (failEffects.on) throw new Error('the effects store is on fire');
        return { ledger: [], notifications: [] } as unknown as Awaited<
          ReturnType<NonNullable<ConsoleOptions['effectsOf']>>
        >;
      },
      logger: createLogger('info', (line) => consoleLog.push(line)),
    } as ConsoleOptions);
    const workers = startWorkers({
      swf,
      context,
      ports: inMemoryPorts(),
      pollHoldMs: 1_000,
      activityWorkers: 2,
    });
    Object.assign(surfaces, {
      server,
      swf,
      context,
      consoleLog,
      failEffects,
      workers,
      handlers: {
        starter: await import('../../lambda/handlers/starter.js'),
        operations: await import('../../lambda/handlers/operations.js'),
      },
    });
  }, 30_000);
  afterAll(async () => {
    await surfaces.workers?.stop();
    await surfaces.server?.close();
  });

  /** Runs `swfctl` as a user would; never throws, returns what it printed and its exit code. */
  const swfctl = (...args: string[]) => runSwfctl({ ...env, SWF_ENDPOINT: surfaces.server.endpoint }, args);

  /** The console's session token, read from its page as the page's own script reads it. */
  const consoleToken = async () => {
    const page = await (await fetch(`${surfaces.server.endpoint}/console`)).text();
    return /name="console-token" content="([^"]+)"/.exec(page)?.[1] ?? '';
  };

  /** A console action, posted as the console page posts it (same origin, session token). */
  const consolePost = async (action: string, body: string) => {
    const response = await fetch(`${surfaces.server.endpoint}/console/api/${action}`, {
      method: 'POST',
      body,
      headers: {
        'content-type': 'application/json',
        'x-console-token': await consoleToken(),
        origin: surfaces.server.endpoint,
      },
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };

  /** A console read. */
  const consoleGet = async (api: string, query: Record<string, string>) => {
    const response = await fetch(
      `${surfaces.server.endpoint}/console/api/${api}?${new URLSearchParams(query).toString()}`,
    );
    return { status: response.status, text: await response.text() };
  };

  /**
   * Starts a run straight through SWF, as a raw SDK caller would (nothing of ours checks it), on a task list no
   * decider polls, so it stays open exactly as started.
   */
  const rawStart = async (workflowId: string, input: string) => {
    const { runId } = await surfaces.swf.send(
      new S.StartWorkflowExecutionCommand({
        domain,
        workflowId,
        workflowType: { name: 'OrderProcessing', version: '2' },
        taskList: { name: 'nobody-polls-this' },
        input,
      }),
    );
    return runId ?? '';
  };

  /** The event types of a run's history, oldest first. */
  const eventTypes = async (workflowId: string, runId: string) =>
    (
      await surfaces.swf.send(
        new S.GetWorkflowExecutionHistoryCommand({ domain, execution: { workflowId, runId } }),
      )
    ).events?.map((e) => e.eventType) ?? [];

  return { surfaces, swfctl, consolePost, consoleGet, rawStart, eventTypes, domain };
}
