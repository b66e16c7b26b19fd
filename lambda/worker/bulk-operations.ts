import * as S from '@aws-sdk/client-swf';
import { type OrderContext, type ResumeResult, resumeRun } from './operations.js';

/** Which failed runs a bulk action applies to. */
export interface RunFilter {
  /** Only runs started at or after this time. */
  since?: Date;
  /** Only runs whose failure names this step. */
  failedStep?: string;
  workflowType?: string;
  workflowVersion?: string;
  /** Only workflowIds starting with this. */
  prefix?: string;
}

export interface BulkResumeRow {
  workflowId: string;
  runId: string;
  failedStep?: string;
  outcome: 'resumed' | 'would resume' | 'skipped' | 'error';
  detail: string;
  resumed?: ResumeResult;
}

const FAILED_STEP = (details: string | undefined): string | undefined => {
  try {
    return (JSON.parse(details ?? '') as { failedStep?: string }).failedStep;
  } catch {
    return undefined;
  }
};

/** Every open run, or every closed run with this status, started since `since`: all pages, newest first. */
async function pagedRuns(
  context: OrderContext,
  which: 'open' | S.CloseStatus,
  since: Date,
): Promise<S.WorkflowExecutionInfo[]> {
  const runs: S.WorkflowExecutionInfo[] = [];
  let nextPageToken: string | undefined;
  do {
    const common = { domain: context.config.domain, startTimeFilter: { oldestDate: since }, nextPageToken };
    const page =
      which === 'open'
        ? await context.swf.send(new S.ListOpenWorkflowExecutionsCommand(common))
        : await context.swf.send(
            new S.ListClosedWorkflowExecutionsCommand({ ...common, closeStatusFilter: { status: which } }),
          );
    runs.push(...(page.executionInfos ?? []));
    nextPageToken = page.nextPageToken;
  } while (nextPageToken);
  return runs;
}

/** Whether a run passes the filter's prefix and type tests (the list calls take one filter at a time). */
function matches(filter: RunFilter, run: S.WorkflowExecutionInfo): boolean {
  return (
    (!filter.prefix || Boolean(run.execution?.workflowId?.startsWith(filter.prefix))) &&
    (!filter.workflowType || run.workflowType?.name === filter.workflowType) &&
    (!filter.workflowVersion || run.workflowType?.version === filter.workflowVersion)
  );
}

/** Spaces calls to at most `perSecond` a second (no limit when unset). */
function pacer(perSecond: number | undefined): () => Promise<void> {
  const spacingMs = perSecond ? 1000 / perSecond : 0;
  let last = 0;
  return async () => {
    const wait = last + spacingMs - Date.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    last = Date.now();
  };
}

/** The newest run of a workflowId, open or closed. */
async function newestRun(context: OrderContext, workflowId: string): Promise<string | undefined> {
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
  context: OrderContext,
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
 * Resumes every failed run the filter selects, each from `fromStep` or, by default, the step it failed at
 * (resume moves earlier when the run rolled steps back). Idempotent: a failed run whose order has a newer run
 * (already resumed, or started again) is skipped and says so, so a second call resumes nothing.
 */
export async function resumeFailed(
  context: OrderContext,
  filter: RunFilter,
  options: {
    fromStep?: string;
    clearSimulation?: boolean;
    dryRun?: boolean;
    maxPerSecond?: number;
    onProgress?: (done: number, total: number) => void;
  } = {},
): Promise<BulkResumeRow[]> {
  const failed = (await pagedRuns(context, 'FAILED', filter.since ?? new Date(0))).filter((run) =>
    matches(filter, run),
  );
  const rows: BulkResumeRow[] = [];
  const pace = pacer(options.maxPerSecond);
  for (const [index, run] of failed.entries()) {
    options.onProgress?.(index, failed.length);
    const execution = run.execution as S.WorkflowExecution;
    const row: BulkResumeRow = {
      workflowId: execution.workflowId ?? '',
      runId: execution.runId ?? '',
      outcome: 'skipped',
      detail: '',
    };
    try {
      row.failedStep = await failedStepOf(context, execution);
      if (filter.failedStep && row.failedStep !== filter.failedStep) continue;
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
      row.outcome = 'error';
      row.detail = `${(error as Error).name}: ${(error as Error).message}`;
    }
    rows.push(row);
  }
  options.onProgress?.(failed.length, failed.length);
  return rows;
}

export interface BulkActionRow {
  workflowId: string;
  runId: string;
  outcome: 'canceled' | 'terminated' | 'would cancel' | 'would terminate' | 'error';
  detail: string;
}

/** Every open run the filter selects (all pages, newest first). */
export async function openRuns(context: OrderContext, filter: RunFilter): Promise<S.WorkflowExecutionInfo[]> {
  return (await pagedRuns(context, 'open', filter.since ?? new Date(0))).filter((run) =>
    matches(filter, run),
  );
}

/**
 * Requests cancellation of (the decider compensates, then cancels) or terminates (at once, without
 * compensation) every open run the filter selects. A run that closed meanwhile is reported, not retried.
 */
export async function actOnOpenRuns(
  context: OrderContext,
  filter: RunFilter,
  action: 'cancel' | 'terminate',
  options: { dryRun?: boolean; maxPerSecond?: number; reason?: string } = {},
): Promise<BulkActionRow[]> {
  const rows: BulkActionRow[] = [];
  const pace = pacer(options.maxPerSecond);
  for (const run of await openRuns(context, filter)) {
    const execution = { workflowId: run.execution?.workflowId ?? '', runId: run.execution?.runId ?? '' };
    if (options.dryRun) {
      rows.push({
        ...execution,
        outcome: action === 'cancel' ? 'would cancel' : 'would terminate',
        detail: '',
      });
      continue;
    }
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
      rows.push({
        ...execution,
        outcome: action === 'cancel' ? 'canceled' : 'terminated',
        detail: action === 'cancel' ? 'cancel requested: the decider compensates, then cancels' : '',
      });
    } catch (error) {
      rows.push({
        ...execution,
        outcome: 'error',
        detail: `${(error as Error).name}: ${(error as Error).message}`,
      });
    }
  }
  return rows;
}
