import type { OperationsContext } from '../../worker/operations.js';
import { startWorkflow } from '../../worker/start-workflow.js';
import { ORDER_WORKFLOW_NAME } from './workflow.js';

export { workflowIdFor } from './ids.js';

/** Starts `OrderProcessing` for an order: `startWorkflow` with the order module (see there for the rules). */
export const startOrder = (context: OperationsContext, order: unknown) =>
  startWorkflow(context, { type: ORDER_WORKFLOW_NAME, input: order });
