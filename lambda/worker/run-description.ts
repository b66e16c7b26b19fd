import * as S from '@aws-sdk/client-swf';
import type { Timeline } from '../decider/index.js';
import { jsonOrUndefined } from '../workflow/bounded-json.js';
import type { Json } from '../workflow/types.js';
import { type OperationsContext, type RunRef, runHistory } from './operations.js';

/** A run's place among the runs of its workflowId. */
export interface RunLineage {
  /** The run this one was resumed from, and the step it restarted at. */
  resumedFrom?: { runId: string; fromStep?: string };
  /** Runs started by resuming this one, oldest first. */
  resumedBy: { runId: string; fromStep?: string; status: string }[];
  continuedFrom?: string;
  continuedAs?: string;
}

/** What `swfctl describe` (and its `--json`) shows: status, times, where it is or why it ended, its lineage. */
export interface RunDescription extends RunRef {
  type: { name?: string; version?: string };
  status: string;
  cancelRequested: boolean;
  startedAt?: number;
  closedAt?: number;
  durationMs?: number;
  /** The steps running or waiting to retry, for an open run. */
  currentSteps: string[];
  /** How it ended when it did not complete: the reason and details as the closing event has them. */
  failure?: { reason?: string; details?: Json; cause?: string };
  lineage: RunLineage;
  parent?: RunRef;
  timeline: Timeline;
}

const statusOf = (info: S.WorkflowExecutionInfo): string =>
  info.executionStatus === 'OPEN' ? 'OPEN' : (info.closeStatus ?? 'CLOSED');

/** Every run of one workflowId, open and closed, across all pages, oldest first. */
export async function runsOf(
  context: OperationsContext,
  workflowId: string,
): Promise<S.WorkflowExecutionInfo[]> {
  const runs: S.WorkflowExecutionInfo[] = [];
  for (const which of ['open', 'closed'] as const) {
    let nextPageToken: string | undefined;
    do {
      const request = {
        domain: context.config.domain,
        startTimeFilter: { oldestDate: new Date(0) },
        executionFilter: { workflowId },
        nextPageToken,
      };
      const page =
        which === 'open'
          ? await context.swf.send(new S.ListOpenWorkflowExecutionsCommand(request))
          : await context.swf.send(new S.ListClosedWorkflowExecutionsCommand(request));
      // Checked by id too: moto, a test peer, ignores executionFilter on the closed list.
      runs.push(...(page.executionInfos ?? []).filter((r) => r.execution?.workflowId === workflowId));
      nextPageToken = page.nextPageToken;
    } while (nextPageToken);
  }
  return runs.sort((a, b) => (a.startTimestamp?.getTime() ?? 0) - (b.startTimestamp?.getTime() ?? 0));
}

/** The `resume` block of a run's input, read from its first event; undefined for a first run. */
async function resumeBlockOf(
  context: OperationsContext,
  execution: RunRef,
): Promise<{ sourceRunId?: string; fromStep?: string } | undefined> {
  const first = await context.swf.send(
    new S.GetWorkflowExecutionHistoryCommand({
      domain: context.config.domain,
      execution,
      maximumPageSize: 1,
    }),
  );
  const input = first.events?.[0]?.workflowExecutionStartedEventAttributes?.input;
  const parsed = jsonOrUndefined(input) as
    | { resume?: { sourceRunId?: string; fromStep?: string } }
    | undefined;
  return parsed && typeof parsed === 'object' ? parsed.resume : undefined;
}

/**
 * Where an open run is: the steps running, scheduled or waiting to retry, and the wait or sleep it is in, each
 * with a label for describe (`Approval (waiting for Approve or Reject)`) and a short one for lists.
 */
export function whereNow(timeline: Timeline): { label: string; short: string }[] {
  return timeline.steps.flatMap((s) => {
    if (s.status === 'waiting' && s.kind === 'wait')
      return [{ label: `${s.step} (waiting for ${(s.accepts ?? []).join(' or ')})`, short: `⏸ ${s.step}` }];
    if (s.status === 'waiting' && s.kind === 'sleep')
      return [{ label: `${s.step} (sleeping)`, short: `⏾ ${s.step}` }];
    if (s.status !== 'running' && s.status !== 'scheduled' && s.status !== 'retrying') return [];
    return s.kind === 'compensation'
      ? [{ label: `${s.step} (compensation)`, short: `↩ ${s.step}` }]
      : [{ label: s.step, short: s.step }];
  });
}

/** Describes a run (the open one, else the newest, unless `runId`), with its failure and lineage. */
export async function describeRun(
  context: OperationsContext,
  workflowId: string,
  runId?: string,
): Promise<RunDescription> {
  const { execution, info, timeline } = await runHistory(context, workflowId, { runId });
  const later = (await runsOf(context, workflowId)).filter(
    (run) =>
      run.execution?.runId !== execution.runId &&
      (run.startTimestamp?.getTime() ?? 0) >= (info.startTimestamp?.getTime() ?? 0),
  );
  const resumedBy: RunLineage['resumedBy'] = [];
  for (const run of later) {
    const ref = { workflowId, runId: run.execution?.runId ?? '' };
    const resume = await resumeBlockOf(context, ref);
    if (resume?.sourceRunId === execution.runId)
      resumedBy.push({ runId: ref.runId, fromStep: resume.fromStep, status: statusOf(run) });
  }
  const current = whereNow(timeline).map((s) => s.label);
  const startedAt = info.startTimestamp?.getTime();
  const closedAt = info.closeTimestamp?.getTime();
  return {
    ...execution,
    type: { name: info.workflowType?.name, version: info.workflowType?.version },
    status: statusOf(info as S.WorkflowExecutionInfo),
    cancelRequested: Boolean(info.cancelRequested),
    startedAt,
    closedAt,
    durationMs: startedAt !== undefined ? (closedAt ?? Date.now()) - startedAt : undefined,
    currentSteps: info.executionStatus === 'OPEN' ? current : [],
    ...(timeline.failure ? { failure: timeline.failure } : {}),
    lineage: {
      ...(timeline.resumedFrom?.sourceRunId
        ? {
            resumedFrom: { runId: timeline.resumedFrom.sourceRunId, fromStep: timeline.resumedFrom.fromStep },
          }
        : {}),
      resumedBy,
      ...(timeline.continuedFromRunId ? { continuedFrom: timeline.continuedFromRunId } : {}),
      ...(timeline.continuedAsRunId ? { continuedAs: timeline.continuedAsRunId } : {}),
    },
    ...(info.parent?.workflowId && info.parent.runId
      ? { parent: { workflowId: info.parent.workflowId, runId: info.parent.runId } }
      : {}),
    timeline,
  };
}

/** What a runs list shows beside a run's status: where it came from, and the step it is at or ended on. */
export interface RunMarks {
  resumedFrom?: string;
  continuedFrom?: string;
  /** The step the run is at (open), failed at, was canceled at, or was at when terminated or timed out. */
  step?: string;
  stepState?: 'at' | 'failed at' | 'canceled at' | 'stopped at';
}

/**
 * A run's marks for a list: the first event says whether it was resumed or continued; an open run's timeline
 * says where it is; a failed or canceled run's closing event names its step.
 */
export async function runMarks(context: OperationsContext, run: S.WorkflowExecutionInfo): Promise<RunMarks> {
  const execution = run.execution as S.WorkflowExecution;
  const domain = context.config.domain;
  const status = statusOf(run);
  const first = await context.swf.send(
    new S.GetWorkflowExecutionHistoryCommand({ domain, execution, maximumPageSize: 1 }),
  );
  const started = first.events?.[0]?.workflowExecutionStartedEventAttributes;
  const marks: RunMarks = {};
  // Not JSON (or unreadable): no resume block to read.
  const input = jsonOrUndefined(started?.input) as { resume?: { sourceRunId?: string } } | null | undefined;
  if (typeof input?.resume?.sourceRunId === 'string') marks.resumedFrom = input.resume.sourceRunId;
  if (started?.continuedExecutionRunId) marks.continuedFrom = started.continuedExecutionRunId;
  if (status === 'FAILED' || status === 'CANCELED') {
    const last = await context.swf.send(
      new S.GetWorkflowExecutionHistoryCommand({ domain, execution, reverseOrder: true, maximumPageSize: 1 }),
    );
    const event = last.events?.[0];
    const details =
      event?.workflowExecutionFailedEventAttributes?.details ??
      event?.workflowExecutionCanceledEventAttributes?.details;
    // Details that are not JSON name no step.
    const parsed = jsonOrUndefined(details) as
      | { failedStep?: unknown; canceledAtStep?: unknown }
      | null
      | undefined;
    const step = status === 'FAILED' ? parsed?.failedStep : parsed?.canceledAtStep;
    if (typeof step === 'string' && step)
      Object.assign(marks, { step, stepState: status === 'FAILED' ? 'failed at' : 'canceled at' });
  } else if (status === 'OPEN' || status === 'TERMINATED' || status === 'TIMED_OUT') {
    // A list reads only the steps: resolving the run's stored payloads for each row would be wasted reads.
    const { timeline } = await runHistory(context, execution.workflowId ?? '', {
      runId: execution.runId,
      resolvePayloads: false,
    });
    const steps =
      status === 'OPEN'
        ? whereNow(timeline).map((s) => s.short)
        : timeline.steps.filter((s) => s.status === 'abandoned').map((s) => s.step);
    if (steps.length > 0)
      Object.assign(marks, { step: steps.join(', '), stepState: status === 'OPEN' ? 'at' : 'stopped at' });
  }
  return marks;
}
