/// <reference lib="dom" />
import type { AttemptView, Timeline } from '../../../lambda/decider/timeline.js';
import { jsonForView } from '../../../lambda/workflow/bounded-json.js';
import { ApiError, get, post, type RunSummary } from './api.js';
import { badge, el, liveDuration, replace, time } from './dom.js';
import { effectsPanel } from './effects-panel.js';
import { runLink } from './list-view.js';
import { outcomePanel, pretty } from './outcome-panel.js';
import { timelineSvg } from './timeline-svg.js';

interface RunDetails {
  run: RunSummary;
  timeline: Timeline;
  currentSteps: string[];
  eventCount: number;
  links: { resumedFrom?: string; resumedBy: string[]; continuedFrom?: string; continuedAs?: string };
  resumeSteps: string[];
}

interface EventsPage {
  total: number;
  page: number;
  pageSize: number;
  events: (Record<string, unknown> & { eventId: number; eventType: string; eventTimestamp: number })[];
}

/**
 * An event's attributes with the JSON strings SWF carries (input, result, details) opened up, with the same
 * bounds as every view: a value too deep to show is shown as the start of its text and why.
 */
function expandJson(value: unknown): unknown {
  if (typeof value === 'string' && /^\s*[[{]/.test(value)) return jsonForView(value);
  if (value && typeof value === 'object' && !Array.isArray(value))
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, expandJson(v)]));
  return value;
}

/** A run: header, input, outcome, links between runs, actions, the timeline picture and the raw events. */
export async function renderRun(
  root: HTMLElement,
  workflowId: string,
  runId: string,
  state: { eventsPage: number; selected?: AttemptView },
  refresh: () => void,
): Promise<boolean> {
  const details = await get<RunDetails>('run', { workflowId, runId });
  const { run, timeline, links } = details;
  const selectedIds = new Set(state.selected?.eventIds ?? []);
  const pageSize = 50;
  if (state.selected?.eventIds[0]) state.eventsPage = Math.floor((state.selected.eventIds[0] - 1) / pageSize);
  const [events, effects] = await Promise.all([
    get<EventsPage>('events', { workflowId, runId, page: state.eventsPage, pageSize }),
    effectsPanel(workflowId, runId),
  ]);
  const message = el('div', { 'data-testid': 'action-result' });
  const act = async (
    path: string,
    body: Record<string, unknown>,
    confirmText: string,
    onDone?: (result: Record<string, string>) => void,
  ) => {
    if (!window.confirm(confirmText)) return;
    message.replaceChildren('Working…');
    try {
      const result = await post<Record<string, string>>(path, { workflowId, runId, ...body });
      message.replaceChildren(el('p', {}, outcomeText(result)));
      onDone?.(result);
      refresh();
    } catch (error) {
      const problems = error instanceof ApiError ? (error.problems ?? []) : [];
      message.replaceChildren(
        el('p', { class: 'error' }, (error as Error).message),
        ...problems.map((p) => el('p', { class: 'error' }, p)),
      );
    }
  };
  const ref = (id: string | undefined, label: string) =>
    id
      ? el(
          'li',
          {},
          `${label} `,
          el(
            'a',
            { href: runLink({ workflowId, runId: id }), 'data-testid': `link-${label.replace(/\s+/g, '-')}` },
            id,
          ),
        )
      : null;
  const actions: (HTMLElement | null)[] = [];
  if (run.status === 'OPEN') {
    const signalName = el('input', { placeholder: 'signal name', 'data-testid': 'signal-name' });
    actions.push(
      el(
        'div',
        { class: 'row' },
        signalName,
        el(
          'button',
          {
            onclick: () =>
              void act(
                'signal',
                { signalName: signalName.value },
                `Send signal "${signalName.value}" to ${workflowId}?`,
              ),
          },
          'Signal',
        ),
        el(
          'button',
          {
            'data-testid': 'cancel',
            onclick: () =>
              void act(
                'cancel',
                {},
                `Request cancellation of ${workflowId}? The decider compensates what completed.`,
              ),
          },
          'Request cancel',
        ),
        el(
          'button',
          {
            'data-testid': 'terminate',
            onclick: () =>
              void act(
                'terminate',
                { reason: 'terminated from the console' },
                `Terminate ${workflowId} now, without compensation?`,
              ),
          },
          'Terminate',
        ),
      ),
    );
  } else if (details.resumeSteps.length > 0) {
    const step = el(
      'select',
      { 'data-testid': 'resume-step' },
      ...details.resumeSteps.map((s) => el('option', { value: s }, s)),
    );
    const failedStep = (timeline.failure?.details as { failedStep?: string } | undefined)?.failedStep;
    if (failedStep) step.value = failedStep;
    // A demo order's injected fault would fire again in the new run: offer to drop it, as `swfctl resume --clear-simulation` does.
    const injected = Boolean((timeline.input as { simulate?: unknown } | undefined)?.simulate);
    const clear = el('input', { type: 'checkbox', checked: true, 'data-testid': 'clear-simulation' });
    actions.push(
      el(
        'div',
        { class: 'row' },
        'Resume from',
        step,
        injected ? el('label', {}, clear, ' drop the injected fault (demo orders)') : null,
        el(
          'button',
          {
            'data-testid': 'resume',
            onclick: () =>
              void act(
                'resume',
                { fromStep: step.value, clearSimulation: injected && clear.checked },
                `Start a new run of ${workflowId} from ${step.value}?`,
                (result) => {
                  window.location.hash = runLink({ workflowId, runId: result.runId ?? '' });
                },
              ),
          },
          'Resume',
        ),
      ),
    );
  }
  const eventRows = events.events.map((event) => {
    const { eventId, eventType, eventTimestamp, ...attributes } = event;
    const payload = expandJson(Object.values(attributes)[0] ?? {});
    const oneLine = JSON.stringify(payload);
    const highlighted = selectedIds.has(eventId);
    return el(
      'tr',
      { id: `event-${eventId}`, class: highlighted ? 'highlight' : undefined, 'data-event-id': eventId },
      el('td', {}, String(eventId)),
      el('td', {}, eventType),
      el('td', { class: 'time' }, time(eventTimestamp)),
      el(
        'td',
        {},
        oneLine === '{}'
          ? null
          : el('details', { open: highlighted }, el('summary', {}, oneLine), pretty(payload)),
      ),
    );
  });
  const pages = Math.max(1, Math.ceil(events.total / pageSize));
  const timelinePanel = el(
    'div',
    { class: 'panel' },
    el('h3', {}, 'Timeline'),
    timelineSvg(timeline, (attempt) => {
      state.selected = attempt;
      refresh();
    }),
    el(
      'p',
      { class: 'muted' },
      'Bars are attempts (light: waiting for a worker); dashed gaps are retry backoff; ↩ rows are compensations. Click a bar for its events. SWF records no heartbeat events, so heartbeats show only as heartbeat timeouts.',
    ),
  );
  replace(
    root,
    el('p', {}, el('a', { href: '#/' }, '‹ all runs')),
    el(
      'div',
      { class: 'panel', 'data-testid': 'header' },
      el('h2', {}, workflowId, ' ', badge(run.status)),
      el(
        'table',
        { class: 'facts' },
        el(
          'tbody',
          {},
          el('tr', {}, el('th', {}, 'run'), el('td', { 'data-testid': 'run-id' }, runId)),
          el('tr', {}, el('th', {}, 'type'), el('td', {}, `${run.type}@${run.version}`)),
          el('tr', {}, el('th', {}, 'started'), el('td', {}, time(run.startedAt))),
          run.closedAt ? el('tr', {}, el('th', {}, 'closed'), el('td', {}, time(run.closedAt))) : null,
          el(
            'tr',
            {},
            el('th', {}, run.closedAt ? 'duration' : 'open for'),
            el('td', { 'data-testid': 'duration' }, liveDuration(run.startedAt, run.closedAt)),
          ),
        ),
      ),
      links.resumedFrom || links.resumedBy.length || links.continuedFrom || links.continuedAs
        ? el(
            'ul',
            { 'data-testid': 'links' },
            ref(links.resumedFrom, 'resumed from'),
            ...links.resumedBy.map((id) => ref(id, 'resumed by')),
            ref(links.continuedFrom, 'continued from'),
            ref(links.continuedAs, 'continued as'),
          )
        : null,
    ),
    outcomePanel(
      timeline,
      details.currentSteps,
      (signalName, payload) =>
        void act(
          'signal',
          { signalName, input: JSON.stringify(payload) },
          `Send ${signalName} to ${workflowId}?`,
        ),
    ),
    timelinePanel,
    actions.length ? el('div', { class: 'panel' }, el('h3', {}, 'Actions'), ...actions, message) : null,
    effects,
    el(
      'div',
      { class: 'panel' },
      el('h3', {}, 'Input'),
      el('div', { 'data-testid': 'input' }, pretty(timeline.input)),
    ),
    timeline.payloads?.length
      ? el(
          'div',
          { class: 'panel', 'data-testid': 'payloads' },
          el('h3', {}, 'Payloads stored outside SWF'),
          el(
            'p',
            { class: 'muted' },
            'The history holds references to these; they are shown resolved above.',
          ),
          el(
            'table',
            {},
            el(
              'tbody',
              {},
              ...timeline.payloads.map((p) =>
                el(
                  'tr',
                  {},
                  el('td', {}, p.where),
                  el('td', {}, `${p.size.toLocaleString('en-US')} characters`),
                  el(
                    'td',
                    { class: 'muted' },
                    p.resolved ? p.address : `${p.address} (not shown: ${p.problem})`,
                  ),
                ),
              ),
            ),
          ),
        )
      : null,
    el(
      'div',
      { class: 'panel' },
      el('h3', {}, `Events (${events.total})`),
      el(
        'div',
        { class: 'row' },
        el(
          'button',
          {
            disabled: events.page <= 0,
            onclick: () => {
              state.eventsPage = events.page - 1;
              state.selected = undefined;
              refresh();
            },
          },
          '‹ Earlier',
        ),
        el('span', { class: 'muted' }, `page ${events.page + 1} of ${pages}`),
        el(
          'button',
          {
            disabled: events.page + 1 >= pages,
            onclick: () => {
              state.eventsPage = events.page + 1;
              state.selected = undefined;
              refresh();
            },
          },
          'Later ›',
        ),
      ),
      el('table', { class: 'events', 'data-testid': 'events' }, el('tbody', {}, ...eventRows)),
    ),
  );
  return run.status === 'OPEN';
}

/** What an action did, in words: a signal says whether the run took it; anything else is done. */
function outcomeText(result: Record<string, string>): string {
  switch (result.status) {
    case 'taken':
      return `Sent: the run took it (${result.wait}).`;
    case 'kept':
      return `Sent: kept for ${result.wait}, which the run has not reached yet.`;
    case 'ignored':
      return `Sent, but the run ignored it: ${result.why}`;
    case 'pending':
      return `Sent: ${result.why}`;
    case 'sent':
      return 'Sent, unchecked.';
    default:
      return 'Done.';
  }
}
