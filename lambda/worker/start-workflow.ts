import * as S from '@aws-sdk/client-swf';
import { valueProblems } from '../workflow/caller-input.js';
import { ValidationError } from '../workflow/errors.js';
import { moduleFor, type WorkflowModule } from '../workflow/module.js';
import { NO_PREDECESSOR } from '../workflow/run-claims.js';
import type { JsonObject } from '../workflow/types.js';
import { claimNewRun } from './new-run-claim.js';
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
 * one again). Concurrent starts of one input make one run: every caller but the first gets that run
 * (`alreadyStarted`, plus its `closeStatus` if it closed otherwise; `alreadyCompleted` once it completed).
 * An invalid input, or one carrying a `resume` block, throws `ValidationError` and starts nothing.
 */
export async function startWorkflow(
  context: OperationsContext,
  request: { type?: string; input: unknown },
): Promise<RunRef & { alreadyStarted: boolean; alreadyCompleted?: boolean; closeStatus?: S.CloseStatus }> {
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
  // SWF keeps one run open per workflowId, but not one run per start: a starter that looked while another's run
  // was open would start a second once it completed. So each start claims the run that follows the newest
  // closed run it saw, and a caller that loses the claim answers with the run the winner started.
  const newest = await newestClosedRun(context, workflowId);
  if (newest?.closeStatus === 'COMPLETED')
    return {
      workflowId,
      runId: newest.execution?.runId ?? '',
      alreadyStarted: false,
      alreadyCompleted: true,
    };
  const outcome = await claimNewRun(
    context,
    { workflowId, predecessor: newest?.execution?.runId ?? NO_PREDECESSOR, action: 'start' },
    async () => {
      const { runId } = await context.swf.send(
        new S.StartWorkflowExecutionCommand({
          domain: context.config.domain,
          workflowId,
          workflowType,
          input,
        }),
      );
      return { runId: runId ?? '', result: undefined };
    },
    context.claimTiming,
  );
  if (outcome.won) return { workflowId, runId: outcome.runId, alreadyStarted: false };
  const { closeStatus } = outcome.info;
  if (closeStatus === 'COMPLETED')
    return { workflowId, runId: outcome.runId, alreadyStarted: false, alreadyCompleted: true };
  // The winner's run may have closed otherwise already: it is still the run of this start, and says how it ended.
  return { workflowId, runId: outcome.runId, alreadyStarted: true, ...(closeStatus ? { closeStatus } : {}) };
}

/** The workflow's newest closed run (within the domain's retention), whatever its close status. */
async function newestClosedRun(
  context: OperationsContext,
  workflowId: string,
): Promise<S.WorkflowExecutionInfo | undefined> {
  const closed = await context.swf.send(
    new S.ListClosedWorkflowExecutionsCommand({
      domain: context.config.domain,
      startTimeFilter: { oldestDate: new Date(0) },
      executionFilter: { workflowId },
      maximumPageSize: 1,
    }),
  );
  // Checked by id too: moto, a test peer, ignores executionFilter on this call.
  return closed.executionInfos?.find((info) => info.execution?.workflowId === workflowId);
}
