import { OperationError, type OperationsContext, startWorkflow } from '../../worker/operations.js';
import type { OrderEffects } from './ports.js';
import { ORDER_WORKFLOW_NAME } from './workflow.js';

export { workflowIdFor } from './ids.js';

/** Starts `OrderProcessing` for an order: `startWorkflow` with the order module (see there for the rules). */
export const startOrder = (context: OperationsContext, order: unknown) =>
  startWorkflow(context, { type: ORDER_WORKFLOW_NAME, input: order });

/**
 * What an order left behind: its record, reservation, notifications, effect ledger and the runs that touched
 * it. Accepts a workflowId (`order-A-1001`) too. An order with no effects at all is a `NotFound` refusal.
 */
export async function readOrderEffects(
  effectsOf: (orderId: string) => Promise<OrderEffects>,
  orderId: string,
): Promise<OrderEffects> {
  const candidates = orderId.startsWith('order-') ? [orderId, orderId.slice('order-'.length)] : [orderId];
  for (const candidate of candidates) {
    const effects = await effectsOf(candidate);
    if (
      effects.ledger.length > 0 ||
      effects.notifications.length > 0 ||
      effects.record ||
      effects.reservation
    )
      return effects;
  }
  throw new OperationError(
    'NotFound',
    `No effects recorded for order ${orderId}: it never reserved stock, saved or notified (check the id with "swfctl list"; workflow ids are order-<orderId>)`,
  );
}
