import { loadConfig } from '../../lambda/workflow/config.js';
import { moduleFor } from '../../lambda/workflow/module.js';
import { WORKFLOW_MODULES } from '../../lambda/workflow/modules.js';
import { type DemoOrder, demoOrders } from '../runtime/demo.js';

/** A rehearsal order: the demo's scenarios plus a plain failure and a second start of a completed order. */
export interface RehearsalOrder extends Omit<DemoOrder, 'action'> {
  /** The id the report shows (an order's id, or the other workflow's). */
  orderId: string;
  workflowId: string;
  action?: DemoOrder['action'] | 'start-again';
}

/** `count` orders (at least 8): happy ones, then one of each path the deployed system must get right, and a large one. */
export function rehearsalOrders(count: number, tag: string): RehearsalOrder[] {
  const extra: RehearsalOrder[] = [
    {
      orderId: `${tag}-failed`,
      workflowId: `order-${tag}-failed`,
      scenario: 'permanent failure at NotifyCompletion: compensated, left failed',
      order: {},
      expect: 'FAILED',
    },
    {
      orderId: `${tag}-again`,
      workflowId: `order-${tag}-again`,
      scenario: 'completed, then started again: refused with its run',
      order: {},
      expect: 'COMPLETED',
      action: 'start-again',
    },
  ];
  // The deployed starter starts each workflow's configured version (the stack's default here): a demo scenario
  // pinned to another version is left out, and as many happy orders added. The second workflow runs too.
  const current = moduleFor(WORKFLOW_MODULES, 'OrderProcessing')?.currentVersion(loadConfig({}));
  const deployable = (order: DemoOrder) => order.version === undefined || order.version === current;
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
  // Far above SWF's 32,768 characters: the starter stores the lines in the payload bucket, references travel.
  extra.push({
    orderId: `${tag}-large`,
    workflowId: `order-${tag}-large`,
    scenario: 'a 10,000-line order: its lines in the payload bucket, references in SWF',
    order: {
      ...template,
      orderId: `${tag}-large`,
      items: Array.from({ length: 10_000 }, (_, i) => ({
        sku: `SKU-${i}`,
        quantity: 1 + (i % 3),
        unitPrice: 0.05,
      })),
    },
    expect: 'COMPLETED',
  });
  return [
    ...base.map((o) => ({
      ...o,
      orderId: o.workflow?.id ?? String(o.order.orderId),
      workflowId: o.workflow?.workflowId ?? `order-${String(o.order.orderId)}`,
    })),
    ...extra,
  ];
}
