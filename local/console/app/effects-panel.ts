/// <reference lib="dom" />
import type { EffectsView } from '../../../lambda/worker/effects-view.js';
import { get } from './api.js';
import { el, time } from './dom.js';

/** The "Effects" panel of a run page: what the run's lineage left behind, and which run applied each effect. */
export async function effectsPanel(workflowId: string, runId: string): Promise<HTMLElement> {
  const panel = el('div', { class: 'panel', 'data-testid': 'effects' }, el('h3', {}, 'Effects'));
  let effects: EffectsView;
  try {
    effects = await get<EffectsView>('effects', { workflowId });
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
        row('record', record ? `saved: ${effects.recordSummary ?? 'yes'}, by ${by(record)}` : 'none'),
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
