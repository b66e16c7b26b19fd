import * as S from '@aws-sdk/client-swf';
import {
  buildTimeline,
  type HistoryEvent,
  parseWorkflowInput,
  type ResumeRequest,
  type ResumeVerdict,
  recordedVerdict,
  scanHistory,
} from '../decider/index.js';
import type { Catalog } from '../workflow/module.js';
import type { Json, JsonObject, WorkflowDefinition } from '../workflow/types.js';
import { errorName } from './errors.js';
import { readEvents } from './history-pages.js';

/*
 * What a closed run leaves a resume: the results of its steps, the steps it rolled back and the lineage that
 * owns its effects. The resume operation builds a resume block from it; the decider worker checks a run's
 * resume block against it (a raw SWF start can write any block).
 */

/** A closed run, as a resume reads it. */
export interface ResumeSource {
  /** The run's own input, its resume block included (or an empty object if it cannot be read). */
  input: JsonObject;
  /** Its own resume block, as written. */
  resume?: ResumeRequest;
  /** Every step result it holds: carried from the run it resumed, then those it completed itself. */
  results: Record<string, Json>;
  /** The steps it compensated. */
  compensated: Set<string>;
  /**
   * The lineage that owns its effects: its block's, unless a decider refused that block (then the run's own:
   * undefined here, the caller knows the runId).
   */
  lineageId?: string;
}

/** Reads a closed run's history into what a resume of it may carry. */
export function resumeSource(
  events: readonly HistoryEvent[],
  workflow: WorkflowDefinition | undefined,
): ResumeSource {
  const facts = scanHistory(events);
  const raw = facts.input;
  const parsed = workflow ? parseWorkflowInput(raw, workflow) : undefined;
  const readable = parsed && !('error' in parsed) ? parsed : undefined;
  const input: JsonObject = readable
    ? { ...readable.input, ...(readable.resume ? { resume: readable.resume as unknown as Json } : {}) }
    : {};
  const results: Record<string, Json> = { ...(readable?.resume?.previousResults ?? {}) };
  const compensated = new Set<string>();
  for (const view of buildTimeline(events, workflow).steps) {
    const done = view.attempts.find((a) => a.outcome === 'completed');
    if (view.kind === 'step' && done) results[view.step] = done.result ?? null;
    if (view.kind === 'compensation' && done) compensated.add(view.step);
  }
  const verdict = readable?.resume ? recordedVerdict(facts) : undefined;
  // A run decided before verdicts were recorded has none: its claim stands (the new run's check verifies it).
  const claimed = readable?.resume?.lineageId;
  const lineageId =
    verdict === undefined ? claimed : verdict.trusted ? (verdict.lineageId ?? claimed) : undefined;
  return {
    input,
    ...(readable?.resume ? { resume: readable.resume } : {}),
    results,
    compensated,
    ...(lineageId ? { lineageId } : {}),
  };
}

/** A resume chain longer than this is refused: no operator resumes a run that often. */
const MAX_CHAIN = 50;

export interface ResumeCheckContext {
  swf: S.SWFClient;
  domain: string;
  catalog: Catalog;
}

/**
 * Checks a run's resume block against SWF: the source run exists, belongs to the same workflowId and type,
 * is closed, holds every result the block carries (the same values), and the lineage the block claims is the
 * source's own (its first run's, checked the same way down the chain). Throws only when SWF cannot be asked
 * (the decision task is then retried); every definite answer is a verdict.
 */
export async function checkResume(
  context: ResumeCheckContext,
  run: { workflowId: string; runId: string; workflowType: { name: string; version: string } },
  resume: ResumeRequest,
  depth = 0,
): Promise<ResumeVerdict> {
  const refuse = (reason: string): ResumeVerdict => ({ trusted: false, reason });
  if (depth >= MAX_CHAIN) return refuse(`the resume chain is longer than ${MAX_CHAIN} runs`);
  const sourceRunId = resume.sourceRunId;
  if (!sourceRunId) return refuse('it names no source run (sourceRunId)');
  if (sourceRunId === run.runId) return refuse('it names the run itself as its source');
  let info: S.WorkflowExecutionInfo | undefined;
  try {
    const described = await context.swf.send(
      new S.DescribeWorkflowExecutionCommand({
        domain: context.domain,
        execution: { workflowId: run.workflowId, runId: sourceRunId },
      }),
    );
    info = described.executionInfo;
  } catch (error) {
    if (errorName(error) !== 'UnknownResourceFault') throw error;
  }
  const shown = JSON.stringify(sourceRunId.slice(0, 80));
  if (!info) return refuse(`workflow ${run.workflowId} has no run ${shown} (within the domain's retention)`);
  if (info.executionStatus !== 'CLOSED') return refuse(`its source run ${shown} is still open`);
  const type = info.workflowType;
  if (type?.name !== run.workflowType.name || type?.version !== run.workflowType.version)
    return refuse(
      `its source run ${shown} is ${type?.name}@${type?.version}, not ${run.workflowType.name}@${run.workflowType.version}`,
    );
  const workflow = context.catalog.workflow(run.workflowType.name, run.workflowType.version);
  const events = await readEvents(
    { swf: context.swf, config: { domain: context.domain } },
    { workflowId: run.workflowId, runId: sourceRunId },
  );
  const source = resumeSource(events as HistoryEvent[], workflow);
  for (const [step, value] of Object.entries(resume.previousResults)) {
    if (!(step in source.results)) return refuse(`${step} never completed in the source run ${shown}`);
    if (JSON.stringify(source.results[step]) !== JSON.stringify(value))
      return refuse(`its result of ${step} is not the one the source run ${shown} recorded`);
  }
  // The source's own lineage: its first run's when its own block holds, else the source itself.
  let sourceLineage = sourceRunId;
  if (source.resume) {
    const upstream = await checkResume(context, { ...run, runId: sourceRunId }, source.resume, depth + 1);
    if (upstream.trusted) sourceLineage = upstream.lineageId ?? sourceRunId;
  }
  if (resume.lineageId !== undefined && resume.lineageId !== sourceLineage)
    return refuse(
      `it claims lineage ${JSON.stringify(resume.lineageId.slice(0, 80))}, but the source run's lineage is ${sourceLineage}`,
    );
  return { trusted: true, lineageId: sourceLineage };
}
