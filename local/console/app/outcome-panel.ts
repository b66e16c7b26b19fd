/// <reference lib="dom" />
import type { Timeline } from '../../../lambda/decider/timeline.js';
import { el, time } from './dom.js';

/** A JSON value (or a text) as a pretty-printed block. */
export const pretty = (value: unknown) =>
  el('pre', {}, typeof value === 'string' ? value : JSON.stringify(value, null, 2));

/** A two-column table of facts, the same shape for every outcome; empty facts are left out. */
const facts = (rows: [string, string | undefined | null][]) =>
  el(
    'table',
    { class: 'facts' },
    el(
      'tbody',
      {},
      ...rows.filter(([, v]) => v).map(([k, v]) => el('tr', {}, el('th', {}, k), el('td', {}, v ?? ''))),
    ),
  );

interface CloseDetails {
  failedStep?: string;
  attempts?: number;
  lastError?: { reason?: string; details?: string };
  compensated?: string[];
  compensationFailures?: { step: string; lastError?: { reason?: string } }[];
  canceledAtStep?: string;
}

/** How the run ended (or that it has not): its own section per status, with the same layout for each. */
/** One button per signal the wait accepts, with the reviewer and a note as the payload. */
function signalButtons(signals: string[], onSignal: (name: string, payload: object) => void): HTMLElement {
  const reviewer = el('input', { placeholder: 'reviewer', 'data-testid': 'reviewer' });
  const note = el('input', { placeholder: 'note (optional)', 'data-testid': 'note' });
  return el(
    'div',
    { class: 'row' },
    reviewer,
    note,
    ...signals.map((name) =>
      el(
        'button',
        {
          'data-testid': `signal-${name}`,
          onclick: () =>
            onSignal(name, { reviewer: reviewer.value, ...(note.value ? { note: note.value } : {}) }),
        },
        name,
      ),
    ),
  );
}

export function outcomePanel(
  timeline: Timeline,
  currentSteps: string[],
  onSignal?: (name: string, payload: object) => void,
): HTMLElement {
  const raw = timeline.failure?.details;
  const d = (raw && typeof raw === 'object' ? raw : {}) as CloseDetails;
  const compensated = d.compensated && (d.compensated.length ? d.compensated.join(', ') : 'nothing to undo');
  const compensationFailures = d.compensationFailures?.length
    ? d.compensationFailures.map((f) => `${f.step} (${f.lastError?.reason})`).join(', ')
    : undefined;
  const plain = typeof raw === 'string' ? raw : undefined;
  const panel = (testId: string, heading: string, cls: string, ...body: (Node | null | undefined)[]) =>
    el('div', { class: 'panel outcome', 'data-testid': testId }, el('h3', { class: cls }, heading), ...body);
  switch (timeline.status) {
    case 'running': {
      const waiting = timeline.steps.find((s) => s.kind === 'wait' && s.status === 'waiting');
      const since = waiting?.waits[0]?.startedAt;
      return panel(
        'running',
        timeline.cancelRequestedAt ? 'Running (cancel requested)' : 'Running',
        'muted',
        waiting
          ? el(
              'p',
              { 'data-testid': 'waiting' },
              `Waiting for ${(waiting.accepts ?? []).join(' or ')} since ${time(since)}`,
            )
          : null,
        waiting && onSignal ? signalButtons(waiting.accepts ?? [], onSignal) : null,
        facts([
          [
            'now at',
            currentSteps.join(', ') || (waiting ? waiting.step : 'between steps (a decision is due)'),
          ],
          ['cancel requested', timeline.cancelRequestedAt ? time(timeline.cancelRequestedAt) : undefined],
        ]),
      );
    }
    case 'completed':
      return panel('result', 'Completed', '', pretty(timeline.result));
    case 'failed':
      return panel(
        'failure',
        'Failure',
        'error',
        facts([
          ['reason', timeline.failure?.reason],
          ['failed step', d.failedStep && `${d.failedStep} after ${d.attempts} attempt(s)`],
          [
            'last error',
            d.lastError &&
              `${d.lastError.reason ?? ''}${d.lastError.details ? `: ${d.lastError.details}` : ''}`,
          ],
          ['compensated', compensated],
          ['compensation failures', compensationFailures],
          ['details', plain],
        ]),
      );
    case 'canceled':
      return panel(
        'canceled',
        'Canceled',
        'warn',
        facts([
          ['canceled at', d.canceledAtStep ?? 'before any step ran'],
          ['requested', timeline.cancelRequestedAt ? time(timeline.cancelRequestedAt) : undefined],
          ['compensated', compensated],
          ['compensation failures', compensationFailures],
          ['details', plain],
        ]),
      );
    case 'terminated':
      return panel(
        'terminated',
        'Terminated',
        'error',
        facts([
          ['reason', timeline.failure?.reason || 'no reason given'],
          ['cause', timeline.failure?.cause],
          ['details', plain],
          ['compensation', 'none ran: terminate stops the run where it is'],
        ]),
      );
    case 'timedOut':
      return panel(
        'timed-out',
        'Timed out',
        'error',
        facts([
          ['timeout', timeline.failure?.reason ?? 'START_TO_CLOSE'],
          ['compensation', 'none ran'],
        ]),
      );
    case 'continuedAsNew':
      return panel('continued', 'Continued as new', '', facts([['new run', timeline.continuedAsRunId]]));
  }
}
