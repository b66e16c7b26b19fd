import * as z from 'zod';
import { type BulkOperation, bulkBatch } from '../worker/bulk-operations.js';
import { readEffects } from '../worker/effects-view.js';
import { historyAnswer } from '../worker/history-answer.js';
import { cancelRun, resumeRun, terminateRun } from '../worker/operations.js';
import { describeRun } from '../worker/run-description.js';
import { signalRun } from '../worker/signal-run.js';
import { ValidationError } from '../workflow/errors.js';
import { SWF_LIMITS } from '../workflow/swf-names.js';
import { effectPorts } from './effect-ports.js';
import { telemetry } from './function-runtime.js';
import type { LambdaContext } from './lambda-context.js';
import { type Refusal, refusal, refusalOf } from './refusal.js';
import { startingContext } from './starting-context.js';

const ref = { workflowId: z.string().min(1).max(256), runId: z.string().min(1).max(64).optional() };
/** The filters and paging every bulk command takes (an empty filter is refused by `checkRunFilter`, as swfctl does). */
const bulk = {
  since: z.iso.datetime({ offset: true }).optional(),
  workflowType: z.string().max(256).optional(),
  workflowVersion: z.string().max(64).optional(),
  prefix: z.string().max(256).optional(),
  dryRun: z.boolean().optional(),
  maxPerSecond: z.number().positive().max(100).optional(),
  continuationToken: z.string().max(100_000).optional(),
};
const command = z.discriminatedUnion('command', [
  z.object({
    command: z.literal('history'),
    ...ref,
    pageSize: z.number().int().min(1).max(1000).optional(),
    nextPageToken: z.string().optional(),
  }),
  z.object({ command: z.literal('describe'), ...ref }),
  z.object({ command: z.literal('effects'), workflowId: z.string().min(1).max(256) }),
  // `order` is the command's first name, kept for scripts written against it.
  z.object({ command: z.literal('order'), orderId: z.string().min(1).max(256) }),
  z.object({
    command: z.literal('resume'),
    ...ref,
    fromStep: z.string().min(1),
    clearSimulation: z.boolean().optional(),
  }),
  z.object({
    command: z.literal('signal'),
    ...ref,
    signalName: z.string().min(1).max(256),
    input: z.string().max(SWF_LIMITS.data).optional(),
    // Sends it even if the run is not waiting for it, unchecked.
    force: z.boolean().optional(),
    // How long to wait for the run's decision on it (at most 20 s of the function's time).
    waitSeconds: z.number().min(0).max(20).optional(),
  }),
  z.object({ command: z.literal('cancel'), ...ref }),
  z.object({ command: z.literal('terminate'), ...ref, reason: z.string().max(SWF_LIMITS.reason).optional() }),
  z.object({
    command: z.literal('resume-failed'),
    ...bulk,
    failedStep: z.string().max(256).optional(),
    fromStep: z.string().min(1).max(256).optional(),
    clearSimulation: z.boolean().optional(),
  }),
  z.object({ command: z.literal('cancel-all'), ...bulk, confirm: z.literal(true).optional() }),
  z.object({
    command: z.literal('terminate-all'),
    ...bulk,
    confirm: z.literal(true).optional(),
    reason: z.string().max(SWF_LIMITS.reason).optional(),
  }),
]);

export type OperationsCommand = z.infer<typeof command>;
type BulkCommand = Extract<OperationsCommand, { command: BulkOperation }>;

/** Share of the remaining time a bulk batch may use: it returns a continuation token well before the timeout. */
const BULK_TIME_SHARE = 0.6;

/**
 * One batch of a bulk command. Cancel-all and terminate-all act only with `"confirm": true` (or list with
 * `"dryRun": true`). The answer's `continuationToken`, when present, goes back with the same command to go on.
 */
async function bulkCommand(request: BulkCommand, context?: Pick<LambdaContext, 'getRemainingTimeInMillis'>) {
  if (request.command !== 'resume-failed' && !request.dryRun && !('confirm' in request && request.confirm)) {
    throw new ValidationError(
      [
        `${request.command} acts on every open run the filters select: add "confirm": true to do it, or "dryRun": true to list them first`,
      ],
      { subject: `${request.command} command` },
    );
  }
  const remaining = context?.getRemainingTimeInMillis() ?? 30_000;
  const batch = await bulkBatch(
    startingContext,
    {
      operation: request.command,
      filter: {
        since: request.since ? new Date(request.since) : undefined,
        failedStep: 'failedStep' in request ? request.failedStep : undefined,
        workflowType: request.workflowType,
        workflowVersion: request.workflowVersion,
        prefix: request.prefix,
      },
      options: {
        fromStep: 'fromStep' in request ? request.fromStep : undefined,
        clearSimulation: 'clearSimulation' in request ? request.clearSimulation : undefined,
        dryRun: request.dryRun,
        maxPerSecond: request.maxPerSecond,
        reason: 'reason' in request ? request.reason : undefined,
      },
    },
    { continuationToken: request.continuationToken, deadline: Date.now() + remaining * BULK_TIME_SHARE },
  );
  const summary: Record<string, number> = {};
  for (const row of batch.rows) summary[row.outcome] = (summary[row.outcome] ?? 0) + 1;
  return { ...batch, summary, done: batch.continuationToken === undefined };
}

const COMMANDS: readonly string[] = command.options.map((option) => option.shape.command.value);

/** The command an event asks for, or the refusal that names what is wrong with it. */
function commandOf(event: unknown): OperationsCommand | Refusal {
  const name = (event as { command?: unknown } | null)?.command;
  const known = `the commands are ${COMMANDS.join(', ')}`;
  if (name === undefined) return refusal('UnknownCommand', `no command given; ${known}`);
  if (typeof name !== 'string' || !COMMANDS.includes(name))
    return refusal('UnknownCommand', `unknown command ${JSON.stringify(name).slice(0, 100)}; ${known}`);
  const parsed = command.safeParse(event);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map(
    (issue) => `${issue.path.join('.') || 'command'}: ${issue.message}`,
  );
  return refusal('InvalidCommand', `invalid ${name} command: ${problems.join('; ')}`, problems);
}

/**
 * A small command API over the workflows: history (a step timeline plus raw events, paged), describe
 * (status, failure, lineage),
 * effects (what a run lineage left behind: record, reservation, notifications, ledger, runs; `order` is its old name),
 * resume from a named step, signal, cancel and terminate, and the bulk resume-failed, cancel-all and terminate-all
 * (batched: see `bulkCommand`). A refusal the caller caused is an answer, `{ ok: false, error: { code, message } }`;
 * only the function's own failures throw.
 */
export const handler = async (event: unknown, context?: Pick<LambdaContext, 'getRemainingTimeInMillis'>) => {
  const request = commandOf(event);
  if ('ok' in request) return refused(request);
  try {
    return await run(request, context);
  } catch (error) {
    const answer = refusalOf(error);
    if (!answer) throw error;
    return refused(answer);
  }
};

function refused(answer: Refusal): Refusal {
  telemetry.warn('command refused', { code: answer.error.code, message: answer.error.message });
  return answer;
}

async function run(request: OperationsCommand, context?: Pick<LambdaContext, 'getRemainingTimeInMillis'>) {
  switch (request.command) {
    case 'history':
      // Shaped to stay within Lambda's 6 MB response, whatever the history holds (see historyAnswer).
      return historyAnswer(startingContext, request.workflowId, request);
    case 'describe': {
      // What `swfctl describe --json` prints: status, failure, lineage (the timeline is `history`'s).
      const { timeline: _timeline, ...description } = await describeRun(
        startingContext,
        request.workflowId,
        request.runId,
      );
      return description;
    }
    case 'effects':
    case 'order': {
      const ports = await effectPorts();
      const id = request.command === 'effects' ? request.workflowId : request.orderId;
      return readEffects(startingContext.catalog.modules, (subject) => ports.effectsOf(subject), id);
    }
    case 'resume':
      return resumeRun(startingContext, request);
    case 'signal':
      return signalRun(startingContext, {
        ...request,
        waitMs: (request.waitSeconds ?? 5) * 1000,
      });
    case 'cancel':
      return cancelRun(startingContext, request);
    case 'terminate':
      return terminateRun(startingContext, request);
    case 'resume-failed':
    case 'cancel-all':
    case 'terminate-all':
      return bulkCommand(request, context);
  }
}
