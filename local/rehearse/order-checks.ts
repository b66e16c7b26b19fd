import type { OrderEffects } from '../../lambda/workflow/order/ports.js';
import type { ReceivedEvent } from '../runtime/aws-effects-peer.js';
import { effectProblems } from '../runtime/demo.js';
import type { OrderState } from './drive-orders.js';
import type { FunctionError } from './sandbox.js';
import type { RehearsalOrder } from './scenarios.js';

export interface RehearsalRow {
  orderId: string;
  scenario: string;
  expected: string;
  actual: string;
  ledger: string;
  messages: number;
  problems: string[];
}

/**
 * What each rehearsed run left behind, against what its scenario expects: its end, its effects (through the
 * operations function's `effects` command) and its messages on the events topic (read by an SQS subscriber).
 * Returns a row per run and the subjects their effects are stored under (an order's id, `subscription-<id>`).
 */
export async function checkOrders(
  orders: readonly RehearsalOrder[],
  state: ReadonlyMap<string, OrderState>,
  messages: readonly ReceivedEvent[],
  invokeOps: (command: Record<string, unknown>) => Promise<unknown>,
): Promise<{ rows: RehearsalRow[]; subjects: Set<string> }> {
  const rows: RehearsalRow[] = [];
  /** The subjects the rehearsed runs' effects are stored under (an order's id, `subscription-<id>`). */
  const subjects = new Set<string>();
  for (const order of orders) {
    const entry = state.get(order.orderId);
    const actual = entry?.actual ?? 'NOT STARTED';
    const problems = [...(entry?.problems ?? [])];
    if (actual !== order.expect) problems.push(`ended ${actual}, expected ${order.expect}`);
    const effects = await invokeOps({ command: 'effects', workflowId: order.workflowId }).then(
      (e) => e as OrderEffects,
      (error: FunctionError) => {
        if (error.code !== 'NotFound')
          problems.push(`effects command failed: ${error.name}: ${error.message}`);
        return { orderId: order.orderId, notifications: [], ledger: [], runs: [] } as OrderEffects;
      },
    );
    // An order leaves a record, a reservation and one confirmation; a renewal a reminder and a confirmation.
    const expectedEvents = order.workflow
      ? ['RenewalReminder', 'SubscriptionRenewed']
      : actual === 'COMPLETED'
        ? ['OrderConfirmed']
        : [];
    if (order.workflow) {
      const sent = effects.notifications.filter((n) => n.status === 'sent').map((n) => n.eventType);
      if (actual === 'COMPLETED' && sent.sort().join(',') !== expectedEvents.join(','))
        problems.push(
          `notifications sent: ${sent.join(',') || 'none'}, expected ${expectedEvents.join(',')}`,
        );
    } else problems.push(...effectProblems(effects, actual));
    subjects.add(effects.orderId);
    const mine = messages.filter((m) => m.attributes.orderId === effects.orderId);
    const wanted = actual === 'COMPLETED' ? expectedEvents.length : 0;
    if (mine.length !== wanted)
      problems.push(`${mine.length} event message(s) on the topic, expected ${wanted}`);
    for (const m of mine) {
      const keyOk = order.workflow || m.attributes.idempotencyKey === `order-confirmed:${order.orderId}`;
      if (!expectedEvents.includes(m.attributes.eventType ?? '') || !keyOk)
        problems.push(`message attributes ${JSON.stringify(m.attributes)}`);
    }
    rows.push({
      orderId: order.orderId,
      scenario: order.scenario,
      expected: order.expect,
      actual,
      ledger: effects.ledger.map((e) => e.kind).join(',') || '–',
      messages: mine.length,
      problems,
    });
  }
  return { rows, subjects };
}
