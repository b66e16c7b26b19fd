import * as S from '@aws-sdk/client-swf';
import { buildTimeline, type HistoryEvent, type Timeline } from '../decider/index.js';
import { checkCallerInput } from '../workflow/caller-input.js';
import type { WorkflowConfig } from '../workflow/config.js';
import type { Catalog } from '../workflow/module.js';
import { PayloadCorrupt, PayloadForeign, PayloadMissing, type PayloadStore } from '../workflow/payloads.js';
import type { RunClaims } from '../workflow/run-claims.js';
import type { Json } from '../workflow/types.js';
import { errorName } from './errors.js';
import { readEvents } from './history-pages.js';
import { maskedForView } from './history-view.js';
import { type ClaimTiming, claimNewRun } from './new-run-claim.js';
import {
  PayloadResolver,
  restorePayloads,
  type ShownPayload,
  VIEW_PAYLOAD_BUDGET_CHARS,
} from './payload-codec.js';
import { resumeSource } from './resume-source.js';

/** What every operation needs: a client, the configuration and the catalog. */
export interface OperationsContext {
  swf: S.SWFClient;
  config: WorkflowConfig;
  catalog: Catalog;
  /** Where inputs above `offloadThreshold` characters are stored (a reference travels in SWF); none: not offloaded. */
  payloads?: PayloadStore;
  offloadThreshold?: number;
  /**
   * Where starts and resumes claim their new run first (the effects store: see `lazyRunClaims`), so concurrent
   * callers make one run. Required by `startWorkflow` and `resumeRun`, which refuse to start without it.
   */
  claims?: RunClaims;
  /** The claims' lease and clock (tests set them). */
  claimTiming?: ClaimTiming;
}

/** A refusal a user can act on; `code` is stable for scripts, the message says what to do. */
export class OperationError extends Error {
  override name = 'OperationError';
  constructor(
    readonly code:
      | 'NotFound'
      | 'StillOpen'
      | 'UnknownStep'
      | 'MissingResults'
      | 'NotOpen'
      | 'BadToken'
      | 'UnknownType'
      | 'NotWaiting'
      | 'AlreadyResumed'
      | 'EmptyFilter'
      | 'PayloadUnavailable',
    message: string,
  ) {
    super(message);
  }
}

export interface RunRef {
  workflowId: string;
  runId: string;
}

/** The run a command means: the given runId, else the open run, else the newest closed one. */
export async function findRun(
  context: OperationsContext,
  workflowId: string,
  runId?: string,
): Promise<Partial<S.WorkflowExecutionInfo>> {
  const domain = context.config.domain;
  if (runId) {
    try {
      const described = await context.swf.send(
        new S.DescribeWorkflowExecutionCommand({ domain, execution: { workflowId, runId } }),
      );
      return described.executionInfo ?? {};
    } catch (error) {
      if (errorName(error) === 'UnknownResourceFault') {
        throw new OperationError('NotFound', `No run ${runId} of workflow ${workflowId} in domain ${domain}`);
      }
      throw error;
    }
  }
  const filter = { domain, startTimeFilter: { oldestDate: new Date(0) }, executionFilter: { workflowId } };
  const open = await context.swf.send(new S.ListOpenWorkflowExecutionsCommand(filter));
  if (open.executionInfos?.[0]) return open.executionInfos[0];
  const closed = await context.swf.send(
    new S.ListClosedWorkflowExecutionsCommand({ ...filter, maximumPageSize: 1 }),
  );
  if (closed.executionInfos?.[0]) return closed.executionInfos[0];
  // A near miss: an id typed without its workflow's prefix (A-1001 for order-A-1001).
  const prefixes = context.catalog.modules.map((m) => m.idPrefix).filter(Boolean);
  const hint =
    prefixes.length === 0 || prefixes.some((prefix) => workflowId.startsWith(prefix))
      ? 'check the id with "swfctl list"'
      : `workflow ids start with ${prefixes.join(' or ')}: did you mean ${prefixes.map((p) => `${p}${workflowId}`).join(' or ')}?`;
  throw new OperationError('NotFound', `No run of workflow ${workflowId} in domain ${domain}; ${hint}`);
}

export { readEvents } from './history-pages.js';

/** How a view resolves a run's stored payloads (see `withPayloads`). */
export interface PayloadViewOptions {
  /** Bodies above this many characters stay references (default: no bound but the budget). */
  maxPayloadChars?: number;
  /** The stored characters the view resolves in all (default VIEW_PAYLOAD_BUDGET_CHARS). */
  payloadBudgetChars?: number;
  /** Set: every reference stays one, listed with this reason. */
  referencesOnly?: string;
}

/** The page token of the events from `offset` on. */
export const eventsPageToken = (offset: number) => Buffer.from(String(offset)).toString('base64url');
const eventsOffset = (token: string | undefined) =>
  token ? Number(Buffer.from(token, 'base64url').toString()) || 0 : 0;

/**
 * A run's readable timeline (and its raw events, one page at a time when asked); `resolvePayloads: false` leaves
 * the stored payloads as references, unlisted (for views that read only the steps).
 */
export async function runHistory(
  context: OperationsContext,
  workflowId: string,
  options: PayloadViewOptions & {
    runId?: string;
    pageSize?: number;
    nextPageToken?: string;
    resolvePayloads?: boolean;
  } = {},
): Promise<{
  execution: RunRef;
  info: Partial<S.WorkflowExecutionInfo>;
  timeline: Timeline;
  events: S.HistoryEvent[];
  /** Where `events` starts among all the run's events. */
  offset: number;
  nextPageToken?: string;
}> {
  const info = await findRun(context, workflowId, options.runId);
  const execution = { workflowId, runId: info.execution?.runId ?? '' };
  const all = await readEvents(context, execution);
  const workflow = context.catalog.workflow(info.workflowType?.name ?? '', info.workflowType?.version ?? '');
  const built = buildTimeline(all as HistoryEvent[], workflow);
  const timeline = options.resolvePayloads === false ? built : await withPayloads(context, built, options);
  const size = options.pageSize ?? all.length;
  const offset = eventsOffset(options.nextPageToken);
  const events = all.slice(offset, offset + size);
  const nextPageToken = offset + size < all.length ? eventsPageToken(offset + size) : undefined;
  return maskedForView({ execution, info, timeline, events, offset, nextPageToken });
}

/**
 * The timeline with the payloads stored outside SWF resolved for people (the input, each attempt's result, the
 * run's result), and listed with their sizes in `timeline.payloads`: one resolver for the whole view, so a body
 * is read once however often it appears, and no more than the view's budget is inlined.
 */
export async function withPayloads(
  context: OperationsContext,
  timeline: Timeline,
  options: PayloadViewOptions,
): Promise<Timeline> {
  const shown: ShownPayload[] = [];
  const resolver = new PayloadResolver(
    context.payloads,
    options.payloadBudgetChars ?? VIEW_PAYLOAD_BUDGET_CHARS,
  );
  const show = (value: Json | undefined, where: string) =>
    resolver.display(value, where, shown, {
      maxChars: options.maxPayloadChars,
      referencesOnly: options.referencesOnly,
    });
  timeline.input = await show(timeline.input, 'input');
  // A close result or failure details the decider stored.
  timeline.result = await show(timeline.result, 'result');
  if (timeline.failure?.details !== undefined)
    timeline.failure.details = await show(timeline.failure.details, 'failure details');
  for (const step of timeline.steps)
    for (const attempt of step.attempts)
      if (attempt.result !== undefined)
        attempt.result = await show(attempt.result, `${attempt.activityId} result`);
  const results = (timeline.result as { results?: Record<string, Json> } | undefined)?.results;
  if (results && typeof results === 'object' && !Array.isArray(results))
    for (const [step, value] of Object.entries(results))
      results[step] = (await show(value, `result.${step}`)) as Json;
  if (shown.length > 0) timeline.payloads = shown;
  return timeline;
}

export interface ResumeResult extends RunRef {
  sourceRunId: string;
  /** The first run of the resume chain, which owns the order's effects. */
  lineageId: string;
  requestedStep: string;
  fromStep: string;
  /** Steps the new run does again before the requested step, because the source run rolled some of them back. */
  redoing: string[];
  /** The steps the source run compensated (rolled back), in workflow order. */
  rolledBack: string[];
}

/**
 * Starts a new run of a closed order from a named step, carrying the results of the steps before it. Steps the
 * source run compensated are done again (the new run starts at the earliest of them), so an order is never
 * resumed on top of rolled-back work. Refuses while the run is open, for a step the workflow does not have,
 * and when another run already follows the source run (`AlreadyResumedError`: one new run per source run).
 */
export async function resumeRun(
  context: OperationsContext,
  request: { workflowId: string; fromStep: string; runId?: string; clearSimulation?: boolean },
): Promise<ResumeResult> {
  const info = await findRun(context, request.workflowId, request.runId);
  const sourceRunId = info.execution?.runId ?? '';
  if (info.executionStatus === 'OPEN') {
    throw new OperationError(
      'StillOpen',
      `Run ${sourceRunId} of ${request.workflowId} is still open; wait for it to close, or cancel or terminate it, then resume`,
    );
  }
  // A resumed run continues on the source run's own workflow type and version.
  const type = { name: info.workflowType?.name ?? '', version: info.workflowType?.version ?? '' };
  const workflow = context.catalog.workflow(type.name, type.version);
  const steps = workflow?.steps.map((step) => step.name) ?? [];
  if (!steps.includes(request.fromStep)) {
    throw new OperationError(
      'UnknownStep',
      `"${request.fromStep}" is not a step of ${type.name}@${type.version}; valid steps: ${steps.join(', ')}`,
    );
  }
  const events = await readEvents(context, { workflowId: request.workflowId, runId: sourceRunId });
  const source = resumeSource(events as HistoryEvent[], workflow);
  const original = source.input;
  // The first run of the chain owns the effects (as a decider found it): the new run may undo them, no other may.
  const lineageId = source.lineageId ?? sourceRunId;
  const { results, compensated } = source;
  const firstRolledBack = steps.find((step) => compensated.has(step));
  const requestedIndex = steps.indexOf(request.fromStep);
  const fromIndex =
    firstRolledBack !== undefined ? Math.min(requestedIndex, steps.indexOf(firstRolledBack)) : requestedIndex;
  const fromStep = steps[fromIndex] as string;
  const previousResults: Record<string, Json> = {};
  for (const step of steps.slice(0, fromIndex)) {
    if (!(step in results)) {
      throw new OperationError(
        'MissingResults',
        `Cannot resume ${request.workflowId} from ${fromStep}: ${step} never completed in run ${sourceRunId}; resume from ${step} or earlier`,
      );
    }
    previousResults[step] = results[step] as Json;
  }
  const { resume: _previous, ...order } = original;
  if (request.clearSimulation) delete order.simulate;
  // The new run carries the source's references: their bodies are stored again, so they live as long as it does
  // (the bucket expires a body a fixed time after it was last stored). A body already gone refuses the resume.
  if (context.payloads)
    await restoreCarried(context.payloads, request.workflowId, { order, previousResults });
  const input = JSON.stringify({ ...order, resume: { fromStep, previousResults, sourceRunId, lineageId } });
  // One new run per source run, however many operators or bulk resumes ask at once.
  const outcome = await claimNewRun(
    context,
    { workflowId: request.workflowId, predecessor: sourceRunId, action: 'resume' },
    async () => {
      const { runId } = await context.swf.send(
        new S.StartWorkflowExecutionCommand({
          domain: context.config.domain,
          workflowId: request.workflowId,
          workflowType: type,
          input,
        }),
      );
      return { runId: runId ?? '', result: undefined };
    },
    context.claimTiming,
  );
  if (!outcome.won) throw alreadyFollowed(request.workflowId, sourceRunId, outcome);
  return {
    workflowId: request.workflowId,
    runId: outcome.runId,
    sourceRunId,
    lineageId,
    requestedStep: request.fromStep,
    fromStep,
    redoing: steps.slice(fromIndex, requestedIndex),
    rolledBack: steps.filter((step) => compensated.has(step)),
  };
}

/** The answer to a resume whose source run another run already follows: which run, made how, and its status. */
function alreadyFollowed(
  workflowId: string,
  sourceRunId: string,
  outcome: { runId: string; by: 'start' | 'resume' | 'found'; info: S.WorkflowExecutionInfo },
): OperationError {
  const how = { resume: 'resumed by', start: 'started again as', found: 'followed by' }[outcome.by];
  const status = outcome.info.executionStatus === 'OPEN' ? 'OPEN' : (outcome.info.closeStatus ?? 'CLOSED');
  return new AlreadyResumedError(
    `Run ${sourceRunId} of ${workflowId} was already ${how} run ${outcome.runId} (${status}); resume that run instead if it needs it`,
    { runId: outcome.runId, by: outcome.by, status },
  );
}

/** A resume refused because another run already follows its source run; `newRun` says which. */
export class AlreadyResumedError extends OperationError {
  constructor(
    message: string,
    readonly newRun: { runId: string; by: 'start' | 'resume' | 'found'; status: string },
  ) {
    super('AlreadyResumed', message);
  }
}

/** The open run a command means, or a refusal naming how it closed. */
export async function openRunOrFail(
  context: OperationsContext,
  workflowId: string,
  runId?: string,
): Promise<RunRef> {
  const info = await findRun(context, workflowId, runId);
  if (info.executionStatus !== 'OPEN') {
    throw new OperationError(
      'NotOpen',
      `Run ${info.execution?.runId} of ${workflowId} is already closed (${info.closeStatus})`,
    );
  }
  return { workflowId, runId: info.execution?.runId ?? '' };
}

export async function cancelRun(context: OperationsContext, request: { workflowId: string; runId?: string }) {
  const run = await openRunOrFail(context, request.workflowId, request.runId);
  await context.swf.send(
    new S.RequestCancelWorkflowExecutionCommand({ domain: context.config.domain, ...run }),
  );
  return run;
}

export async function terminateRun(
  context: OperationsContext,
  request: { workflowId: string; runId?: string; reason?: string },
) {
  checkCallerInput({ reason: request.reason });
  const run = await openRunOrFail(context, request.workflowId, request.runId);
  await context.swf.send(
    new S.TerminateWorkflowExecutionCommand({
      domain: context.config.domain,
      ...run,
      reason: request.reason ?? 'terminated by an operator',
    }),
  );
  return run;
}

/** Recent runs, newest first: open, closed, or both. */
export async function listRuns(
  context: OperationsContext,
  options: { status?: 'open' | 'closed' | 'all'; closeStatus?: S.CloseStatus; limit?: number } = {},
): Promise<S.WorkflowExecutionInfo[]> {
  const domain = context.config.domain;
  const since = { oldestDate: new Date(0) };
  const limit = options.limit ?? 50;
  const status = options.closeStatus ? 'closed' : (options.status ?? 'all');
  const runs: S.WorkflowExecutionInfo[] = [];
  if (status !== 'closed') {
    const open = await context.swf.send(
      new S.ListOpenWorkflowExecutionsCommand({ domain, startTimeFilter: since, maximumPageSize: limit }),
    );
    runs.push(...(open.executionInfos ?? []));
  }
  if (status !== 'open') {
    const closed = await context.swf.send(
      new S.ListClosedWorkflowExecutionsCommand({
        domain,
        startTimeFilter: since,
        maximumPageSize: limit,
        closeStatusFilter: options.closeStatus ? { status: options.closeStatus } : undefined,
      }),
    );
    runs.push(...(closed.executionInfos ?? []));
  }
  return runs
    .sort((a, b) => (b.startTimestamp?.getTime() ?? 0) - (a.startTimestamp?.getTime() ?? 0))
    .slice(0, limit);
}

async function restoreCarried(store: PayloadStore, workflowId: string, carried: unknown): Promise<void> {
  try {
    await restorePayloads(store, carried);
  } catch (error) {
    if (error instanceof PayloadMissing || error instanceof PayloadForeign || error instanceof PayloadCorrupt)
      throw new OperationError(
        'PayloadUnavailable',
        `Cannot resume ${workflowId}: a payload its source run stored cannot be carried on. ${error.message}`,
      );
    throw error;
  }
}
