import { startWorkflow } from '../worker/start-workflow.js';
import { parseBoundedJson } from '../workflow/bounded-json.js';
import { ValidationError } from '../workflow/errors.js';
import { telemetry } from './function-runtime.js';
import { refusalOf } from './refusal.js';
import { startingContext } from './starting-context.js';

/** The most a Lambda invocation carries (6 MB): an input sent as JSON text is never longer. */
const LAMBDA_EVENT_CHARS = 6 * 2 ** 20;

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

/** An input given as JSON text, read with the one bounded parser; a value as it is. */
function inputOf(input: unknown): unknown {
  if (typeof input !== 'string') return input;
  const parsed = parseBoundedJson(input, { maxChars: LAMBDA_EVENT_CHARS });
  if (!parsed.ok) throw new ValidationError([parsed.error]);
  return parsed.value;
}

/**
 * Starts a run of a catalog workflow: `aws lambda invoke --payload '{"type": "OrderProcessing", "input": {...}}'`
 * (`type` may be left out while the catalog has one workflow; `{"order": {...}}` and the bare input work too; the
 * input may be JSON text). Returns `{ workflowId, runId, alreadyStarted }`. A refusal is an answer, not an error:
 * `{ ok: false, error: { code: "InvalidInput", message, problems } }` listing every problem, and nothing starts.
 */
export const handler = async (event: unknown) => {
  const request = requestOf(event);
  try {
    const started = await startWorkflow(startingContext, { ...request, input: inputOf(request.input) });
    telemetry.info('run started', { ...started });
    return started;
  } catch (error) {
    telemetry.warn('run not started', { error: (error as Error).name, message: (error as Error).message });
    const refused = refusalOf(error);
    if (refused) return refused;
    throw error;
  }
};
