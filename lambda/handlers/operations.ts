import * as z from 'zod';
import { type BulkOperation, bulkBatch } from '../worker/bulk-operations.js';
import { readEffects } from '../worker/effects-view.js';
import { cancelRun, resumeRun, runHistory, signalRun, terminateRun } from '../worker/operations.js';
import { describeRun } from '../worker/run-description.js';
import { ValidationError } from '../workflow/errors.js';
import { effectPorts } from './effect-ports.js';
import type { LambdaContext } from './lambda-context.js';
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
    input: z.string().max(32_768).optional(),
  }),
  z.object({ command: z.literal('cancel'), ...ref }),
  z.object({ command: z.literal('terminate'), ...ref, reason: z.string().max(256).optional() }),
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
    reason: z.string().max(256).optional(),
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
    throw new ValidationError([
      `${request.command} acts on every open run the filters select: add "confirm": true to do it, or "dryRun": true to list them first`,
    ]);
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

/**
 * A small command API over the order workflows: history (a step timeline plus raw events, paged), describe
 * (status, failure, lineage),
 * effects (what a run lineage left behind: record, reservation, notifications, ledger, runs; `order` is its old name),
 * resume from a named step, signal, cancel and terminate, and the bulk resume-failed, cancel-all and terminate-all
 * (batched: see `bulkCommand`). Refusals throw `OperationError` with a reason.
 */
export const handler = async (event: unknown, context?: Pick<LambdaContext, 'getRemainingTimeInMillis'>) => {
  const parsed = command.safeParse(event);
  if (!parsed.success) {
    throw new ValidationError(
      parsed.error.issues.map((issue) => `${issue.path.join('.') || 'command'}: ${issue.message}`),
    );
  }
  const request = parsed.data;
  switch (request.command) {
    case 'history':
      // Stored payloads are inlined up to 1 MB each, so the answer stays within Lambda's 6 MB response.
      return runHistory(startingContext, request.workflowId, { ...request, maxPayloadChars: 1_000_000 });
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
      return signalRun(startingContext, request);
    case 'cancel':
      return cancelRun(startingContext, request);
    case 'terminate':
      return terminateRun(startingContext, request);
    case 'resume-failed':
    case 'cancel-all':
    case 'terminate-all':
      return bulkCommand(request, context);
  }
};
