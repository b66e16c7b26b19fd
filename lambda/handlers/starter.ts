import { startOrder } from '../worker/operations.js';
import { orderContext, telemetry } from './function-runtime.js';

/**
 * Starts OrderProcessing for an order: `aws lambda invoke --payload '{"order": {...}}'` (or the order itself).
 * Returns `{ workflowId, runId, alreadyStarted }`. An invalid order fails with `ValidationError` listing every
 * problem, and no execution is started.
 */
export const handler = async (event: unknown) => {
  const order =
    event && typeof event === 'object' && 'order' in event ? (event as { order: unknown }).order : event;
  try {
    const started = await startOrder(orderContext, typeof order === 'string' ? JSON.parse(order) : order);
    telemetry.info('order started', { ...started });
    return started;
  } catch (error) {
    telemetry.warn('order not started', { error: (error as Error).name, message: (error as Error).message });
    throw error;
  }
};
