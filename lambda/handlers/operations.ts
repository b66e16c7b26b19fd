import * as z from 'zod';
import {
  cancelRun,
  readOrderEffects,
  resumeRun,
  runHistory,
  signalRun,
  terminateRun,
} from '../worker/operations.js';
import { describeRun } from '../worker/run-description.js';
import { ValidationError } from '../workflow/errors.js';
import { effectPorts } from './effect-ports.js';
import { orderContext } from './function-runtime.js';

const ref = { workflowId: z.string().min(1).max(256), runId: z.string().min(1).max(64).optional() };
const command = z.discriminatedUnion('command', [
  z.object({
    command: z.literal('history'),
    ...ref,
    pageSize: z.number().int().min(1).max(1000).optional(),
    nextPageToken: z.string().optional(),
  }),
  z.object({ command: z.literal('describe'), ...ref }),
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
]);

export type OperationsCommand = z.infer<typeof command>;

/**
 * A small command API over the order workflows: history (a step timeline plus raw events, paged), describe
 * (status, failure, lineage),
 * order (what an order left behind: record, reservation, notifications, ledger, runs),
 * resume from a named step, signal, cancel and terminate. Refusals throw `OperationError` with a reason.
 */
export const handler = async (event: unknown) => {
  const parsed = command.safeParse(event);
  if (!parsed.success) {
    throw new ValidationError(
      parsed.error.issues.map((issue) => `${issue.path.join('.') || 'command'}: ${issue.message}`),
    );
  }
  const request = parsed.data;
  switch (request.command) {
    case 'history':
      return runHistory(orderContext, request.workflowId, request);
    case 'describe': {
      // What `swfctl describe --json` prints: status, failure, lineage (the timeline is `history`'s).
      const { timeline: _timeline, ...description } = await describeRun(
        orderContext,
        request.workflowId,
        request.runId,
      );
      return description;
    }
    case 'order': {
      const ports = await effectPorts();
      return readOrderEffects((orderId) => ports.effectsOf(orderId), request.orderId);
    }
    case 'resume':
      return resumeRun(orderContext, request);
    case 'signal':
      return signalRun(orderContext, request);
    case 'cancel':
      return cancelRun(orderContext, request);
    case 'terminate':
      return terminateRun(orderContext, request);
  }
};
