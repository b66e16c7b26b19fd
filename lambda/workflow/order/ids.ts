/** The workflowId of an order: `order-<orderId>`. */
export const workflowIdFor = (orderId: string) => `order-${orderId}`;
