import * as S from '@aws-sdk/client-swf';
import { valueProblems } from '../workflow/caller-input.js';
import { ValidationError } from '../workflow/errors.js';
import { moduleFor, type WorkflowModule } from '../workflow/module.js';
import type { JsonObject } from '../workflow/types.js';
import { errorName } from './errors.js';
import { OperationError, type OperationsContext, type RunRef } from './operations.js';
import { offloadValue, refsIn } from './payload-codec.js';

/**
 * The start path, shared by swfctl, the console, the starter function and the demo: which module a request
 * means, the checks every start input passes, the offload of large fields, and SWF's start with its races.
 */
const SWF_INPUT_LIMIT = 32_768;

/** The module a start request means: the named workflow type, else the first registered one (the default). */
export function moduleOf(context: OperationsContext, type: string | undefined): WorkflowModule {
  const modules = context.catalog.modules;
  const found = type ? moduleFor(modules, type) : modules[0];
  if (!found) {
    throw new OperationError(
      'UnknownType',
      `${type ? `No workflow ${type}` : 'Name the workflow to start'}; this catalog has ${modules.map((m) => m.name).join(', ') || 'none'}`,
    );
  }
  return found;
}

/**
 * Validates an input with its workflow module and starts a run of the module's current version, with the
 * module's workflowId. Starting an input that is already running returns the open run; one whose latest run
 * completed returns that run with `alreadyCompleted` and starts nothing (`resume` is the way to run a closed
 * one again). An invalid input, or one carrying a `resume` block, throws `ValidationError` and starts nothing.
 */
export async function startWorkflow(
  context: OperationsContext,
  request: { type?: string; input: unknown },
): Promise<RunRef & { alreadyStarted: boolean; alreadyCompleted?: boolean }> {
  const module = moduleOf(context, request.type);
  // The entry check: depth first (deeper would overflow every reader after this point), then card numbers.
  const entry = valueProblems(request.input);
  if (entry.tooDeep) throw new ValidationError(entry.problems);
  // References are what the payload store hands out; one in a start input would point at someone else's body.
  if (refsIn(request.input).length > 0)
    throw new ValidationError([
      'the input carries a payload reference ("$payload"), which only the payload store writes; send the value itself',
    ]);
  // Card numbers are refused whatever the workflow, wherever they hide (the module may check more itself).
  const cardProblems = entry.problems;
  let parsed: JsonObject;
  try {
    parsed = module.parseInput(request.input, {
      allowFailureInjection: context.config.allowFailureInjection,
    });
  } catch (error) {
    if (!(error instanceof ValidationError) || cardProblems.length === 0) throw error;
    throw new ValidationError([...new Set([...cardProblems, ...error.problems])], { subject: error.subject });
  }
  if (cardProblems.length > 0) throw new ValidationError(cardProblems);
  // Only the resume operation writes a resume block (it carries the lineage that owns effects).
  if ('resume' in parsed) {
    throw new ValidationError([
      'resume: a start input may not carry a resume block; to run a closed run again from a step, use "swfctl resume <workflowId> --from <step>" (or the operations function\'s resume command)',
    ]);
  }
  // Above the threshold, the input's large fields (or the whole input) are stored; references travel in SWF.
  const input = JSON.stringify(await offloadValue(context.payloads, parsed, context.offloadThreshold));
  if (input.length > SWF_INPUT_LIMIT) {
    throw new ValidationError([
      `the input is ${input.length} characters as JSON; SWF accepts at most ${SWF_INPUT_LIMIT}${context.payloads ? '' : ' and no payload store is set up to hold larger ones (PAYLOAD_BUCKET on AWS; locally the directory next to SWF_EFFECTS_DB)'}`,
    ]);
  }
  const workflowId = module.workflowId(parsed);
  const workflowType = { name: module.name, version: module.currentVersion(context.config) };
  // Concurrent starters race: the run that beat this call may be open, or already closed, when we look.
  for (let attempt = 1; ; attempt++) {
    const completed = await completedRun(context, workflowId);
    if (completed) return { workflowId, runId: completed, alreadyStarted: false, alreadyCompleted: true };
    try {
      const { runId } = await context.swf.send(
        new S.StartWorkflowExecutionCommand({
          domain: context.config.domain,
          workflowId,
          workflowType,
          input,
        }),
      );
      return { workflowId, runId: runId ?? '', alreadyStarted: false };
    } catch (error) {
      if (errorName(error) !== 'WorkflowExecutionAlreadyStartedFault') throw error;
      const open = await openRun(context, workflowId);
      if (open) return { workflowId, runId: open.runId ?? '', alreadyStarted: true };
      // The other run closed between our start and our look: look again from the top.
      if (attempt >= 5) throw error;
    }
  }
}

/** The runId of the workflow's newest closed run when that run completed (within the domain's retention). */
async function completedRun(context: OperationsContext, workflowId: string): Promise<string | undefined> {
  const closed = await context.swf.send(
    new S.ListClosedWorkflowExecutionsCommand({
      domain: context.config.domain,
      startTimeFilter: { oldestDate: new Date(0) },
      executionFilter: { workflowId },
      maximumPageSize: 1,
    }),
  );
  // Checked by id too: moto, a test peer, ignores executionFilter on this call.
  const newest = closed.executionInfos?.find((info) => info.execution?.workflowId === workflowId);
  return newest?.closeStatus === 'COMPLETED' ? newest.execution?.runId : undefined;
}

async function openRun(
  context: OperationsContext,
  workflowId: string,
): Promise<S.WorkflowExecutionInfo['execution'] | undefined> {
  const open = await context.swf.send(
    new S.ListOpenWorkflowExecutionsCommand({
      domain: context.config.domain,
      startTimeFilter: { oldestDate: new Date(0) },
      executionFilter: { workflowId },
    }),
  );
  return open.executionInfos?.[0]?.execution;
}
