import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import * as S from '@aws-sdk/client-swf';
import { readEffects } from '../../lambda/worker/effects-view.js';
import { maskedForView } from '../../lambda/worker/history-view.js';
import {
  cancelRun,
  type OperationsContext,
  readEvents,
  resumeRun,
  terminateRun,
} from '../../lambda/worker/operations.js';
import { describeRun, type RunDescription, runMarks } from '../../lambda/worker/run-description.js';
import { actOnSelected } from '../../lambda/worker/selected-operations.js';
import { signalRun } from '../../lambda/worker/signal-run.js';
import { startWorkflow } from '../../lambda/worker/start-workflow.js';
import type { Effects } from '../../lambda/workflow/effects.js';
import { createLogger, type Logger } from '../server/logger.js';
import { consoleBundle } from './bundle.js';
import { consolePage } from './page.js';
import { checkAction, checkHost, HttpError, MAX_BODY, requestBody } from './request-checks.js';

type Json = Record<string, unknown>;

export interface ConsoleOptions {
  context: OperationsContext;
  /** Reads what a run lineage left behind, by stored subject (the run page's "Effects" panel). */
  effectsOf?: (subject: string) => Promise<Effects>;
  /** The order the start form opens with. */
  sampleOrder?: Json;
  /** Where a request the console could not answer is logged (default: JSON lines on stderr, as swf-local's). */
  logger?: Logger;
}

const STATUSES = [
  'OPEN',
  'COMPLETED',
  'FAILED',
  'CANCELED',
  'TERMINATED',
  'TIMED_OUT',
  'CONTINUED_AS_NEW',
] as const;

/** Every run of the domain (open and closed, all pages), newest first. */
async function allRuns(context: OperationsContext): Promise<S.WorkflowExecutionInfo[]> {
  const domain = context.config.domain;
  const since = { oldestDate: new Date(0) };
  const runs: S.WorkflowExecutionInfo[] = [];
  for (const open of [true, false]) {
    let nextPageToken: string | undefined;
    do {
      const page = open
        ? await context.swf.send(
            new S.ListOpenWorkflowExecutionsCommand({ domain, startTimeFilter: since, nextPageToken }),
          )
        : await context.swf.send(
            new S.ListClosedWorkflowExecutionsCommand({ domain, startTimeFilter: since, nextPageToken }),
          );
      runs.push(...(page.executionInfos ?? []));
      nextPageToken = page.nextPageToken;
    } while (nextPageToken);
  }
  return runs.sort((a, b) => (b.startTimestamp?.getTime() ?? 0) - (a.startTimestamp?.getTime() ?? 0));
}

const statusOf = (run: S.WorkflowExecutionInfo) =>
  run.executionStatus === 'OPEN' ? 'OPEN' : (run.closeStatus ?? 'CLOSED');

const summary = (run: S.WorkflowExecutionInfo) => ({
  workflowId: run.execution?.workflowId,
  runId: run.execution?.runId,
  type: run.workflowType?.name,
  version: run.workflowType?.version,
  status: statusOf(run),
  cancelRequested: run.cancelRequested,
  startedAt: run.startTimestamp?.getTime(),
  closedAt: run.closeTimestamp?.getTime(),
});

async function overview(context: OperationsContext, query: URLSearchParams): Promise<Json> {
  let runs: S.WorkflowExecutionInfo[];
  try {
    runs = await allRuns(context);
  } catch (error) {
    if ((error as Error).name !== 'UnknownResourceFault') throw error;
    // A fresh `swfctl server`: nothing registered yet. Say what to do instead of failing.
    return {
      counts: Object.fromEntries(STATUSES.map((status) => [status, 0])),
      total: 0,
      page: 0,
      pageSize: 20,
      runs: [],
      types: [],
      notice: `The domain ${context.config.domain} is not registered on this server yet: run "npx swfctl register" (npm start does it for you).`,
    };
  }
  const type = query.get('type') || undefined;
  const version = query.get('version') || undefined;
  const prefix = query.get('prefix') || '';
  const status = query.get('status') || undefined;
  const matching = runs.filter(
    (r) =>
      (!type || r.workflowType?.name === type) &&
      (!version || r.workflowType?.version === version) &&
      (r.execution?.workflowId ?? '').startsWith(prefix),
  );
  const counts = Object.fromEntries(
    STATUSES.map((s) => [s, matching.filter((r) => statusOf(r) === s).length]),
  );
  const filtered = status ? matching.filter((r) => statusOf(r) === status) : matching;
  const pageSize = Math.min(100, Math.max(1, Number(query.get('pageSize') ?? 20)));
  const page = Math.max(0, Number(query.get('page') ?? 0));
  return {
    counts,
    total: filtered.length,
    page,
    pageSize,
    runs: await Promise.all(
      filtered.slice(page * pageSize, (page + 1) * pageSize).map(async (run) => ({
        ...summary(run),
        marks: await runMarks(context, run).catch(() => ({})),
      })),
    ),
    types: [...new Set(runs.map((r) => `${r.workflowType?.name}@${r.workflowType?.version}`))].sort(),
  };
}

async function runDetails(context: OperationsContext, query: URLSearchParams): Promise<Json> {
  const workflowId = query.get('workflowId') ?? '';
  const runId = query.get('runId') ?? '';
  let described: RunDescription;
  try {
    described = await describeRun(context, workflowId, runId);
  } catch (error) {
    if ((error as { code?: string }).code === 'NotFound')
      throw new HttpError(404, `No run ${runId} of ${workflowId}`);
    throw error;
  }
  const { timeline, lineage } = described;
  // Resume restarts the run's own type and version, so its steps are that definition's.
  const own = context.catalog.workflow(described.type.name ?? '', described.type.version ?? '');
  return {
    run: {
      workflowId,
      runId,
      type: described.type.name,
      version: described.type.version,
      status: described.status,
      cancelRequested: described.cancelRequested,
      startedAt: described.startedAt,
      closedAt: described.closedAt,
    },
    timeline,
    currentSteps: described.currentSteps,
    links: {
      resumedFrom: lineage.resumedFrom?.runId,
      resumedBy: lineage.resumedBy.map((r) => r.runId),
      continuedFrom: lineage.continuedFrom,
      continuedAs: lineage.continuedAs,
    },
    resumeSteps: described.status === 'OPEN' ? [] : (own?.steps.map((s) => s.name) ?? []),
  };
}

async function eventsPage(context: OperationsContext, query: URLSearchParams): Promise<Json> {
  const workflowId = query.get('workflowId') ?? '';
  const runId = query.get('runId') ?? '';
  // Raw events as SWF holds them, card numbers masked as every view masks them.
  const events = maskedForView(await readEvents(context, { workflowId, runId }));
  const pageSize = Math.min(200, Math.max(1, Number(query.get('pageSize') ?? 50)));
  const page = Math.max(0, Number(query.get('page') ?? 0));
  return {
    total: events.length,
    page,
    pageSize,
    events: events
      .slice(page * pageSize, (page + 1) * pageSize)
      .map((e) => ({ ...e, eventTimestamp: e.eventTimestamp?.getTime() })),
  };
}

/** A run's effects, by its workflowId (or the stored subject); 404 with the reason when it left nothing behind. */
async function runEffects(options: ConsoleOptions, query: URLSearchParams): Promise<Effects> {
  const id = query.get('workflowId') ?? query.get('orderId') ?? '';
  if (!options.effectsOf)
    throw new HttpError(404, 'This server was started without access to the effects store');
  try {
    return await readEffects(options.context.catalog.modules, options.effectsOf, id);
  } catch (error) {
    if ((error as { code?: string }).code === 'NotFound') throw new HttpError(404, (error as Error).message);
    throw error;
  }
}

const text = (error: unknown) => {
  const e = error as Error & { problems?: string[]; code?: string };
  return { error: e.name, message: e.message, problems: e.problems, code: e.code };
};

async function action(context: OperationsContext, path: string, body: Json): Promise<Json> {
  const str = (key: string) => (typeof body[key] === 'string' ? (body[key] as string) : undefined);
  const ref = { workflowId: str('workflowId') ?? '', runId: str('runId') };
  try {
    switch (path) {
      case 'start':
        return {
          ...(await startWorkflow(context, {
            type: str('type'),
            input: 'input' in body ? body.input : body.order,
          })),
        };
      case 'resume':
        return {
          ...(await resumeRun(context, {
            ...ref,
            fromStep: str('fromStep') ?? '',
            clearSimulation: body.clearSimulation === true,
          })),
        };
      case 'signal':
        return {
          ...(await signalRun(context, {
            ...ref,
            signalName: str('signalName') ?? '',
            input: str('input'),
            force: body.force === true,
            waitMs: 5_000,
          })),
        };
      case 'cancel':
        return { ...(await cancelRun(context, ref)) };
      case 'terminate':
        return { ...(await terminateRun(context, { ...ref, reason: str('reason') })) };
      case 'bulk': {
        const what = str('action');
        const runs = Array.isArray(body.runs)
          ? (body.runs as { workflowId?: unknown; runId?: unknown }[])
          : [];
        if (what !== 'resume' && what !== 'cancel' && what !== 'terminate')
          throw new HttpError(400, 'action must be resume, cancel or terminate');
        if (runs.length === 0 || runs.length > 100) throw new HttpError(400, 'Select between 1 and 100 runs');
        if (!runs.every((r) => typeof r?.workflowId === 'string' && typeof r?.runId === 'string'))
          throw new HttpError(400, 'Each run needs a workflowId and a runId');
        const rows = await actOnSelected(
          context,
          what,
          runs.map((r) => ({ workflowId: r.workflowId as string, runId: r.runId as string })),
          { clearSimulation: body.clearSimulation === true, reason: 'terminated from the console' },
        );
        return { rows };
      }
      default:
        throw new HttpError(404, `No action ${path}`);
    }
  } catch (error) {
    if (error instanceof HttpError) throw error;
    const name = (error as Error)?.name;
    // A refusal is the caller's to fix (400) or the run's state (409); anything else is ours, logged as a 500.
    if (name === 'OperationError') throw new HttpError(409, (error as Error).message, text(error));
    if (name === 'ValidationError' || (error as { $metadata?: unknown })?.$metadata)
      throw new HttpError(400, (error as Error).message, text(error));
    throw error;
  }
}

/**
 * The web console's routes, served by swf-local under /console: the page, its script, a read-only JSON API
 * over the server's own SWF API, and actions that need the same origin and the session token.
 */
export function createConsoleRoutes(options: ConsoleOptions) {
  const token = randomBytes(24).toString('base64url');
  const logger = options.logger ?? createLogger('info');
  return async (request: IncomingMessage, response: ServerResponse, body: Buffer): Promise<boolean> => {
    const url = new URL(request.url ?? '/', 'http://local');
    if (url.pathname !== '/console' && !url.pathname.startsWith('/console/')) return false;
    const send = (status: number, type: string, payload: string, extra: Record<string, string> = {}) => {
      response.writeHead(status, {
        'content-type': type,
        'cache-control': 'no-store',
        'x-content-type-options': 'nosniff',
        'x-frame-options': 'DENY',
        'referrer-policy': 'no-referrer',
        ...extra,
      });
      response.end(payload);
    };
    const json = (status: number, payload: unknown) =>
      send(status, 'application/json; charset=utf-8', JSON.stringify(payload));
    try {
      checkHost(request);
      if (url.pathname === '/console' || url.pathname === '/console/') {
        send(
          200,
          'text/html; charset=utf-8',
          consolePage({
            token,
            domain: options.context.config.domain,
            sample: options.sampleOrder ?? options.context.catalog.modules[0]?.sampleInput ?? {},
          }),
          {
            // No inline script can run, whatever ends up in the page.
            'content-security-policy':
              "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
          },
        );
        return true;
      }
      if (url.pathname === '/console/app.js') {
        send(200, 'text/javascript; charset=utf-8', await consoleBundle());
        return true;
      }
      const api = url.pathname.replace(/^\/console\/api\//, '');
      if (request.method === 'GET') {
        if (api === 'overview') {
          json(200, await overview(options.context, url.searchParams));
          return true;
        }
        if (api === 'run') {
          json(200, await runDetails(options.context, url.searchParams));
          return true;
        }
        if (api === 'events') {
          json(200, await eventsPage(options.context, url.searchParams));
          return true;
        }
        // `order` is the endpoint's first name, kept for scripts written against it.
        if (api === 'effects' || api === 'order') {
          json(200, await runEffects(options, url.searchParams));
          return true;
        }
        throw new HttpError(404, `No such console endpoint: ${url.pathname.slice(0, 100)}`);
      }
      if (request.method !== 'POST') throw new HttpError(405, 'Use GET to read and POST to act');
      checkAction(request, token);
      if (body.length > MAX_BODY) throw new HttpError(413, `The request is over ${MAX_BODY} bytes`);
      json(200, await action(options.context, api, requestBody(body)));
    } catch (error) {
      if (error instanceof HttpError) json(error.status, { message: error.message, ...error.extra });
      else if ((error as { $metadata?: unknown }).$metadata)
        json(400, { message: `${(error as Error).name}: ${(error as Error).message}` });
      else {
        logger.error('console request failed', {
          method: request.method,
          path: url.pathname,
          error: (error as Error)?.name ?? typeof error,
          detail: String((error as Error)?.message ?? error).slice(0, 1_000),
        });
        json(500, { message: 'The console hit an unexpected error; see the server log' });
      }
    }
    return true;
  };
}
