import { type DemoOrder, demoOrders } from '../runtime/demo.js';

/** A rehearsal order: the demo's scenarios plus a plain failure and a second start of a completed order. */
export interface RehearsalOrder extends Omit<DemoOrder, 'action'> {
  orderId: string;
  action?: DemoOrder['action'] | 'start-again';
}

/** `count` orders (at least 8): happy ones, then one of each path the deployed system must get right. */
export function rehearsalOrders(count: number, tag: string): RehearsalOrder[] {
  const extra: RehearsalOrder[] = [
    {
      orderId: `${tag}-failed`,
      scenario: 'permanent failure at NotifyCompletion: compensated, left failed',
      order: {},
      expect: 'FAILED',
    },
    {
      orderId: `${tag}-again`,
      scenario: 'completed, then started again: refused with its run',
      order: {},
      expect: 'COMPLETED',
      action: 'start-again',
    },
  ];
  // The deployed starter starts the configured version of the order workflow; the demo's per-order version-2
  // scenario (approval) and its second-workflow scenario are left out here, and as many happy orders added.
  const deployable = (order: DemoOrder) => order.version === undefined && order.workflow === undefined;
  const leftOut = demoOrders(1, tag).filter((order) => !deployable(order)).length;
  const base = demoOrders(Math.max(1, count - extra.length) + leftOut, tag).filter(deployable);
  const template = base[0]?.order ?? {};
  extra[0] = {
    ...(extra[0] as RehearsalOrder),
    order: {
      ...template,
      orderId: `${tag}-failed`,
      simulate: { failStep: 'NotifyCompletion', nonRetryable: true },
    },
  };
  extra[1] = { ...(extra[1] as RehearsalOrder), order: { ...template, orderId: `${tag}-again` } };
  return [...base.map((o) => ({ ...o, orderId: String(o.order.orderId) })), ...extra];
}
