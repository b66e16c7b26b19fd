import { startWorkflow } from '../worker/start-workflow.js';
import { telemetry } from './function-runtime.js';
import { startingContext } from './starting-context.js';

/** What a start request may look like: `{ type, input }`, `{ input }` or `{ order }`, or the input itself. */
function requestOf(event: unknown): { type?: string; input: unknown } {
  if (event && typeof event === 'object' && !Array.isArray(event)) {
    const e = event as { type?: unknown; input?: unknown; order?: unknown };
    const type = typeof e.type === 'string' ? e.type : undefined;
    if ('input' in e) return { type, input: e.input };
    if ('order' in e) return { type, input: e.order };
  }
  return { input: event };
}

/**
 * Starts a run of a catalog workflow: `aws lambda invoke --payload '{"type": "OrderProcessing", "input": {...}}'`
 * (`type` may be left out while the catalog has one workflow; `{"order": {...}}` and the bare input work too).
 * Returns `{ workflowId, runId, alreadyStarted }`. An invalid input fails with `ValidationError` listing every
 * problem, and no execution is started.
 */
export const handler = async (event: unknown) => {
  const request = requestOf(event);
  try {
    const input = typeof request.input === 'string' ? JSON.parse(request.input) : request.input;
    const started = await startWorkflow(startingContext, { ...request, input });
    telemetry.info('run started', { ...started });
    return started;
  } catch (error) {
    telemetry.warn('run not started', { error: (error as Error).name, message: (error as Error).message });
    throw error;
  }
};
