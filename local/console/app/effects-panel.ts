/// <reference lib="dom" />
import type { OrderEffects } from '../../../lambda/workflow/order/ports.js';
import { get } from './api.js';
import { el, time } from './dom.js';

/** The "Order effects" panel of a run page: what the order left behind, and which run applied each effect. */
export async function effectsPanel(workflowId: string, runId: string): Promise<HTMLElement> {
  const panel = el('div', { class: 'panel', 'data-testid': 'effects' }, el('h3', {}, 'Order effects'));
  let effects: OrderEffects;
  try {
    effects = await get<OrderEffects>('order', { workflowId });
  } catch (error) {
    panel.append(el('p', { class: 'muted', 'data-testid': 'effects-missing' }, (error as Error).message));
    return panel;
  }
  const by = (e: { runId: string }) => (e.runId === runId ? 'this run' : e.runId);
  const row = (name: string, value: string) => el('tr', {}, el('th', {}, name), el('td', {}, value));
  const record = effects.record;
  panel.append(
    el(
      'table',
      {},
      el(
        'tbody',
        {},
        row(
          'record',
          record ? `saved: ${record.value.total} ${record.value.currency}, by ${by(record)}` : 'none',
        ),
        row('reservation', effects.reservation ? `held, by ${by(effects.reservation)}` : 'none'),
        ...(effects.notifications.length
          ? effects.notifications.map((n) => row('notification', `${n.eventType} ${n.status}, by ${by(n)}`))
          : [row('notification', 'none')]),
      ),
    ),
    el('h4', {}, 'Ledger'),
    el(
      'table',
      { 'data-testid': 'ledger' },
      el(
        'tbody',
        {},
        ...effects.ledger.map((e) =>
          el(
            'tr',
            { class: e.runId === runId ? 'own' : undefined },
            el('td', {}, e.kind),
            el('td', {}, by(e)),
            el('td', { class: 'time' }, time(Date.parse(e.at))),
          ),
        ),
      ),
    ),
  );
  return panel;
}
