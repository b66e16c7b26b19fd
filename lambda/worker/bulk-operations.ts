import { createHash } from 'node:crypto';
import * as S from '@aws-sdk/client-swf';
import * as z from 'zod';
import { jsonOrUndefined, parseBoundedJson } from '../workflow/bounded-json.js';
import { checkCallerInput } from '../workflow/caller-input.js';
import {
  AlreadyResumedError,
  OperationError,
  type OperationsContext,
  type ResumeResult,
  resumeRun,
} from './operations.js';
import { checkRunFilter, matches, type RunFilter } from './run-filter.js';

export type { RunFilter } from './run-filter.js';

export interface BulkResumeRow {
  workflowId: string;
  runId: string;
  failedStep?: string;
  outcome: 'resumed' | 'would resume' | 'skipped' | 'error';
  detail: string;
  resumed?: ResumeResult;
}

export interface BulkActionRow {
  workflowId: string;
  runId: string;
  outcome: 'canceled' | 'terminated' | 'would cancel' | 'would terminate' | 'error';
  detail: string;
}

export type BulkOperation = 'resume-failed' | 'cancel-all' | 'terminate-all';

export interface BulkOptions {
  fromStep?: string;
  clearSimulation?: boolean;
  dryRun?: boolean;
  maxPerSecond?: number;
  reason?: string;
}

export interface BulkRequest {
  operation: BulkOperation;
  filter: RunFilter;
  options?: BulkOptions;
}

/** One batch of a bulk action; `continuationToken` is there when runs remain: pass it back to go on. */
export interface BulkBatch {
  rows: (BulkResumeRow | BulkActionRow)[];
  continuationToken?: string;
}

const FAILED_STEP = (details: string | undefined): string | undefined => {
  const step = (jsonOrUndefined(details) as { failedStep?: unknown } | null | undefined)?.failedStep;
  return typeof step === 'string' ? step : undefined;
};

/** Spaces calls to at most `perSecond` a second (no limit when unset). */
export function pacer(perSecond: number | undefined): () => Promise<void> {
  const spacingMs = perSecond ? 1000 / perSecond : 0;
  let last = 0;
  return async () => {
    const wait = last + spacingMs - Date.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    last = Date.now();
  };
}

/** The newest run of a workflowId, open or closed. */
async function newestRun(context: OperationsContext, workflowId: string): Promise<string | undefined> {
  const filter = {
    domain: context.config.domain,
    startTimeFilter: { oldestDate: new Date(0) },
    executionFilter: { workflowId },
  };
  const open = await context.swf.send(new S.ListOpenWorkflowExecutionsCommand(filter));
  if (open.executionInfos?.[0]) return open.executionInfos[0].execution?.runId;
  const closed = await context.swf.send(
    new S.ListClosedWorkflowExecutionsCommand({ ...filter, maximumPageSize: 1 }),
  );
  return closed.executionInfos?.[0]?.execution?.runId;
}

/** The step a failed run's failure names (from its closing event). */
async function failedStepOf(
  context: OperationsContext,
  execution: S.WorkflowExecution,
): Promise<string | undefined> {
  const last = await context.swf.send(
    new S.GetWorkflowExecutionHistoryCommand({
      domain: context.config.domain,
      execution,
      reverseOrder: true,
      maximumPageSize: 1,
    }),
  );
  return FAILED_STEP(last.events?.[0]?.workflowExecutionFailedEventAttributes?.details);
}

/**
 * Resumes one failed run from `fromStep` or the step it failed at; undefined when the failed-step filter leaves
 * it out. A run whose order has a newer run (already resumed, or started again) is skipped and says so.
 */
export async function resumeOne(
  context: OperationsContext,
  run: S.WorkflowExecutionInfo,
  filter: RunFilter,
  options: BulkOptions,
  pace: () => Promise<void>,
): Promise<BulkResumeRow | undefined> {
  const execution = run.execution as S.WorkflowExecution;
  const row: BulkResumeRow = {
    workflowId: execution.workflowId ?? '',
    runId: execution.runId ?? '',
    outcome: 'skipped',
    detail: '',
  };
  try {
    row.failedStep = await failedStepOf(context, execution);
    if (filter.failedStep && row.failedStep !== filter.failedStep) return undefined;
    const newest = await newestRun(context, row.workflowId);
    if (newest !== row.runId) {
      row.detail = `the order has a newer run (${newest}): already resumed or started again`;
    } else if (!options.fromStep && !row.failedStep) {
      row.detail = 'its failure names no step: resume it by hand with --from';
    } else if (options.dryRun) {
      row.outcome = 'would resume';
      row.detail = `from ${options.fromStep ?? row.failedStep}`;
    } else {
      await pace();
      row.resumed = await resumeRun(context, {
        workflowId: row.workflowId,
        runId: row.runId,
        fromStep: options.fromStep ?? (row.failedStep as string),
        clearSimulation: options.clearSimulation,
      });
      row.outcome = 'resumed';
      row.detail = `from ${row.resumed.fromStep} (run ${row.resumed.runId})`;
    }
  } catch (error) {
    if (error instanceof AlreadyResumedError) {
      // Another caller (a second resume-failed, say) resumed it first: what happened, not a failure.
      row.outcome = 'skipped';
      row.detail = `${{ resume: 'resumed by', start: 'started again as', found: 'the order has a newer run:' }[error.newRun.by]} run ${error.newRun.runId} (${error.newRun.status})`;
    } else {
      row.outcome = 'error';
      row.detail = `${(error as Error).name}: ${(error as Error).message}`;
    }
  }
  return row;
}

/** Requests cancellation of (the decider compensates, then cancels) or terminates one open run. */
export async function actOne(
  context: OperationsContext,
  run: S.WorkflowExecutionInfo,
  action: 'cancel' | 'terminate',
  options: BulkOptions,
  pace: () => Promise<void>,
): Promise<BulkActionRow> {
  const execution = { workflowId: run.execution?.workflowId ?? '', runId: run.execution?.runId ?? '' };
  if (options.dryRun)
    return { ...execution, outcome: action === 'cancel' ? 'would cancel' : 'would terminate', detail: '' };
  await pace();
  try {
    await context.swf.send(
      action === 'cancel'
        ? new S.RequestCancelWorkflowExecutionCommand({ domain: context.config.domain, ...execution })
        : new S.TerminateWorkflowExecutionCommand({
            domain: context.config.domain,
            ...execution,
            reason: options.reason ?? 'terminated in bulk by an operator',
          }),
    );
    return {
      ...execution,
      outcome: action === 'cancel' ? 'canceled' : 'terminated',
      detail: action === 'cancel' ? 'cancel requested: the decider compensates, then cancels' : '',
    };
  } catch (error) {
    // A run that closed meanwhile is reported, not retried.
    return {
      ...execution,
      outcome: 'error',
      detail: `${(error as Error).name}: ${(error as Error).message}`,
    };
  }
}

/**
 * Where a bulk action stands between batches: runs are taken newest first, so everything started after
 * `before` (and the runs started exactly then that are listed in `seen`) is done. Bound to the request by `key`.
 */
const cursorSchema = z.object({
  v: z.literal(1),
  key: z.string(),
  before: z.number(),
  seen: z.array(z.string()).max(1000),
});
type Cursor = z.infer<typeof cursorSchema>;

function requestKey(request: BulkRequest): string {
  const { since, ...filter } = request.filter;
  const canonical = JSON.stringify([
    request.operation,
    since?.getTime() ?? null,
    filter.failedStep ?? null,
    filter.workflowType ?? null,
    filter.workflowVersion ?? null,
    filter.prefix ?? null,
    request.options?.fromStep ?? null,
    Boolean(request.options?.clearSimulation),
    Boolean(request.options?.dryRun),
  ]);
  return createHash('sha256').update(canonical).digest('base64url').slice(0, 16);
}

function readToken(token: string, key: string): Cursor {
  let cursor: Cursor;
  try {
    const text = parseBoundedJson(Buffer.from(token, 'base64url').toString('utf8'), { maxChars: 100_000 });
    cursor = cursorSchema.parse(text.ok ? text.value : undefined);
  } catch {
    throw new OperationError(
      'BadToken',
      'The continuationToken is not one this command returned: pass it back unchanged, or omit it to start over',
    );
  }
  if (cursor.key !== key)
    throw new OperationError(
      'BadToken',
      'The continuationToken belongs to another bulk request: repeat the same command, filters and options with it, or omit it to start over',
    );
  return cursor;
}

const writeToken = (cursor: Cursor) => Buffer.from(JSON.stringify(cursor)).toString('base64url');

/**
 * Runs one batch of a bulk action: resume every failed run the filter selects, or cancel or terminate every
 * open one. Stops before `deadline` (epoch ms) and returns a continuation token to go on from there; with no
 * deadline it runs to the end. Runs that start after the first batch are never included. Idempotent as a
 * whole: resume skips runs that already have a newer run, and a second call finds nothing to do.
 */
export async function bulkBatch(
  context: OperationsContext,
  request: BulkRequest,
  limits: {
    continuationToken?: string;
    deadline?: number;
    pageSize?: number;
    pace?: () => Promise<void>;
    onRun?: () => void;
  } = {},
): Promise<BulkBatch> {
  checkCallerInput({ reason: request.options?.reason });
  checkRunFilter(request.filter);
  const key = requestKey(request);
  const cursor = limits.continuationToken
    ? readToken(limits.continuationToken, key)
    : { v: 1 as const, key, before: Date.now(), seen: [] };
  const options = request.options ?? {};
  const pace = limits.pace ?? pacer(options.maxPerSecond);
  const rows: BulkBatch['rows'] = [];
  // Every batch examines at least one run, so a caller that loops on the token always gets to the end.
  let examined = 0;
  const out = () => examined > 0 && limits.deadline !== undefined && Date.now() >= limits.deadline;
  let pageToken: string | undefined;
  let queryBefore = cursor.before;
  for (;;) {
    const common = {
      domain: context.config.domain,
      startTimeFilter: { oldestDate: request.filter.since ?? new Date(0), latestDate: new Date(queryBefore) },
      maximumPageSize: limits.pageSize ?? 100,
      nextPageToken: pageToken,
    };
    const page =
      request.operation === 'resume-failed'
        ? await context.swf.send(
            new S.ListClosedWorkflowExecutionsCommand({ ...common, closeStatusFilter: { status: 'FAILED' } }),
          )
        : await context.swf.send(new S.ListOpenWorkflowExecutionsCommand(common));
    const fresh = (page.executionInfos ?? []).filter((run) => {
      const at = run.startTimestamp?.getTime() ?? 0;
      return (
        at < cursor.before || (at === cursor.before && !cursor.seen.includes(run.execution?.runId ?? ''))
      );
    });
    if (fresh.length === 0) {
      // Only runs already done on this page: look further only when the page was cut short.
      if (!page.nextPageToken) return { rows };
      pageToken = page.nextPageToken;
      continue;
    }
    for (const run of fresh) {
      if (out()) return { rows, continuationToken: writeToken(cursor) };
      examined++;
      limits.onRun?.();
      if (matches(request.filter, run)) {
        const row =
          request.operation === 'resume-failed'
            ? await resumeOne(context, run, request.filter, options, pace)
            : await actOne(
                context,
                run,
                request.operation === 'cancel-all' ? 'cancel' : 'terminate',
                options,
                pace,
              );
        if (row) rows.push(row);
      }
      const at = run.startTimestamp?.getTime() ?? 0;
      const runId = run.execution?.runId ?? '';
      if (at < cursor.before) Object.assign(cursor, { before: at, seen: [runId] });
      else cursor.seen.push(runId);
    }
    pageToken = undefined;
    queryBefore = cursor.before;
  }
}

/** Every run of a bulk action, all batches at once (the CLI's way): how many it will examine, and the rows. */
export async function runBulk(
  context: OperationsContext,
  request: BulkRequest,
  onProgress?: (done: number, total: number) => void,
): Promise<BulkBatch['rows']> {
  const total = onProgress ? (await candidates(context, request)).length : 0;
  let done = 0;
  onProgress?.(0, total);
  const { rows } = await bulkBatch(context, request, {
    onRun: () => onProgress?.(done++, Math.max(total, done)),
  });
  onProgress?.(Math.max(total, done), Math.max(total, done));
  return rows;
}

/** The runs a bulk action will look at (failed ones for resume, open ones otherwise), newest first. */
export async function candidates(
  context: OperationsContext,
  request: BulkRequest,
): Promise<S.WorkflowExecutionInfo[]> {
  checkRunFilter(request.filter);
  const runs: S.WorkflowExecutionInfo[] = [];
  let nextPageToken: string | undefined;
  do {
    const common = {
      domain: context.config.domain,
      startTimeFilter: { oldestDate: request.filter.since ?? new Date(0) },
      nextPageToken,
    };
    const page =
      request.operation === 'resume-failed'
        ? await context.swf.send(
            new S.ListClosedWorkflowExecutionsCommand({ ...common, closeStatusFilter: { status: 'FAILED' } }),
          )
        : await context.swf.send(new S.ListOpenWorkflowExecutionsCommand(common));
    runs.push(...(page.executionInfos ?? []).filter((run) => matches(request.filter, run)));
    nextPageToken = page.nextPageToken;
  } while (nextPageToken);
  return runs;
}

/** Resumes every failed run the filter selects (all batches): see `bulkBatch`. */
export async function resumeFailed(
  context: OperationsContext,
  filter: RunFilter,
  options: BulkOptions & { onProgress?: (done: number, total: number) => void } = {},
): Promise<BulkResumeRow[]> {
  const { onProgress, ...rest } = options;
  return (await runBulk(
    context,
    { operation: 'resume-failed', filter, options: rest },
    onProgress,
  )) as BulkResumeRow[];
}

/** Cancels or terminates every open run the filter selects (all batches): see `bulkBatch`. */
export async function actOnOpenRuns(
  context: OperationsContext,
  filter: RunFilter,
  action: 'cancel' | 'terminate',
  options: BulkOptions = {},
): Promise<BulkActionRow[]> {
  return (await runBulk(context, {
    operation: action === 'cancel' ? 'cancel-all' : 'terminate-all',
    filter,
    options,
  })) as BulkActionRow[];
}
