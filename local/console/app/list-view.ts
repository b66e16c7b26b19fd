/// <reference lib="dom" />
import { type ApiError, get, post, type RunSummary } from './api.js';
import { badge, el, liveDuration, time } from './dom.js';

interface Overview {
  counts: Record<string, number>;
  total: number;
  page: number;
  pageSize: number;
  runs: RunSummary[];
  types: string[];
  notice?: string;
}

export interface ListFilters {
  status?: string;
  type?: string;
  version?: string;
  prefix?: string;
  page?: number;
}

const STATUS_LABELS: [string, string][] = [
  ['', 'All'],
  ['OPEN', 'Open'],
  ['COMPLETED', 'Completed'],
  ['FAILED', 'Failed'],
  ['CANCELED', 'Canceled'],
  ['TERMINATED', 'Terminated'],
  ['TIMED_OUT', 'Timed out'],
  ['CONTINUED_AS_NEW', 'Continued as new'],
];

export const runLink = (run: { workflowId: string; runId: string }) =>
  `#/run/${encodeURIComponent(run.workflowId)}/${encodeURIComponent(run.runId)}`;

type BulkAction = 'resume' | 'cancel' | 'terminate';

/**
 * What the list keeps across its refreshes (every 2 s): the runs ticked, the action waiting for its
 * confirmation, and the outcome of the last one.
 */
const selection = {
  runs: new Map<string, { workflowId: string; runId: string; status: string }>(),
  pending: undefined as BulkAction | undefined,
  result: undefined as HTMLElement | undefined,
};
const keyOf = (run: { workflowId: string; runId: string }) => `${run.workflowId}/${run.runId}`;

const BULK_WORDS: Record<BulkAction, { button: string; question: (n: number) => string; takes: string }> = {
  resume: {
    button: 'Resume failed',
    question: (n) =>
      `Resume ${n} failed run(s), each from the step it failed at (injected demo faults dropped)?`,
    takes: 'FAILED',
  },
  cancel: {
    button: 'Request cancel',
    question: (n) => `Request cancellation of ${n} open run(s)? The decider compensates what completed.`,
    takes: 'OPEN',
  },
  terminate: {
    button: 'Terminate',
    question: (n) => `Terminate ${n} open run(s) now, without compensation?`,
    takes: 'OPEN',
  },
};

/** The bar over the list: what is selected, the three actions, an inline confirmation, the last outcome. */
function bulkBar(refresh: () => void): HTMLElement {
  const picked = [...selection.runs.values()];
  const bar = el('div', { class: 'row bulk', 'data-testid': 'bulk-bar' });
  bar.append(el('span', { class: 'muted', 'data-testid': 'selected-count' }, `${picked.length} selected`));
  if (selection.pending) {
    const action = selection.pending;
    const eligible = picked.filter((r) => r.status === BULK_WORDS[action].takes);
    bar.append(
      el('strong', { 'data-testid': 'bulk-question' }, BULK_WORDS[action].question(eligible.length)),
      el(
        'button',
        {
          'data-testid': 'bulk-confirm',
          onclick: async () => {
            selection.pending = undefined;
            try {
              const { rows } = await post<{
                rows: { workflowId: string; outcome: string; detail: string }[];
              }>('bulk', {
                action,
                runs: eligible.map(({ workflowId, runId }) => ({ workflowId, runId })),
                clearSimulation: true,
              });
              selection.result = el(
                'ul',
                { 'data-testid': 'bulk-result' },
                ...rows.map((r) =>
                  el('li', {}, `${r.workflowId}: ${r.outcome}${r.detail ? ` (${r.detail})` : ''}`),
                ),
              );
              selection.runs.clear();
            } catch (error) {
              selection.result = el('p', { class: 'error' }, (error as ApiError).message);
            }
            refresh();
          },
        },
        'Confirm',
      ),
      el(
        'button',
        {
          onclick: () => {
            selection.pending = undefined;
            refresh();
          },
        },
        'Back',
      ),
    );
  } else {
    for (const action of ['resume', 'cancel', 'terminate'] as const) {
      const eligible = picked.filter((r) => r.status === BULK_WORDS[action].takes).length;
      bar.append(
        el(
          'button',
          {
            'data-testid': `bulk-${action}`,
            disabled: eligible === 0,
            title: `${eligible} of the selected run(s) are ${BULK_WORDS[action].takes}`,
            onclick: () => {
              selection.pending = action;
              selection.result = undefined;
              refresh();
            },
          },
          `${BULK_WORDS[action].button} (${eligible})`,
        ),
      );
    }
  }
  return el('div', {}, bar, selection.result ?? null);
}

/** What the list says beside a run's status: resumed or continued, and the step it is at or ended on. */
function marksCell(run: RunSummary): HTMLElement {
  const m = run.marks ?? {};
  return el(
    'td',
    { class: 'marks' },
    m.resumedFrom
      ? el('span', { class: 'mark', title: `resumed from run ${m.resumedFrom}` }, '↻ resumed')
      : null,
    m.continuedFrom
      ? el('span', { class: 'mark', title: `continued from run ${m.continuedFrom}` }, '⇢ continued')
      : null,
    m.step
      ? el('span', { class: `step ${m.stepState?.replace(' ', '-')}` }, `${m.stepState} ${m.step}`)
      : null,
  );
}

/** The executions list: counts per status, filters, paging; refreshed while it is shown. */
export async function renderList(
  root: HTMLElement,
  filters: ListFilters,
  navigate: (filters: ListFilters) => void,
): Promise<void> {
  const data = await get<Overview>('overview', {
    status: filters.status,
    type: filters.type,
    version: filters.version,
    prefix: filters.prefix,
    page: filters.page ?? 0,
  });
  const all = Object.values(data.counts).reduce((a, b) => a + b, 0);
  const counts = el(
    'div',
    { class: 'counts', 'data-testid': 'counts' },
    ...STATUS_LABELS.map(([status, label]) =>
      el(
        'button',
        {
          class: (filters.status ?? '') === status ? 'active' : undefined,
          'data-status': status || 'ALL',
          onclick: () => navigate({ ...filters, status: status || undefined, page: 0 }),
        },
        `${label} ${status ? (data.counts[status] ?? 0) : all}`,
      ),
    ),
  );
  const typeSelect = el(
    'select',
    {
      'data-testid': 'type-filter',
      onchange: (e) => {
        const [type, version] = ((e.target as HTMLSelectElement).value || '@').split('@');
        navigate({ ...filters, type: type || undefined, version: version || undefined, page: 0 });
      },
    },
    el('option', { value: '' }, 'every type'),
    ...data.types.map((t) =>
      el('option', { value: t, selected: t === `${filters.type}@${filters.version}` }, t),
    ),
  );
  const prefix = el('input', {
    placeholder: 'workflowId prefix',
    value: filters.prefix ?? '',
    'data-testid': 'prefix-filter',
  });
  prefix.addEventListener('change', () =>
    navigate({ ...filters, prefix: prefix.value || undefined, page: 0 }),
  );
  const rerender = () => void renderList(root, filters, navigate);
  const rows = data.runs.map((run) => {
    const box = el('input', {
      type: 'checkbox',
      'data-testid': 'select-run',
      'aria-label': `select ${run.workflowId} run ${run.runId}`,
      checked: selection.runs.has(keyOf(run)),
    });
    box.addEventListener('change', () => {
      if (box.checked) selection.runs.set(keyOf(run), run);
      else selection.runs.delete(keyOf(run));
      rerender();
    });
    return el(
      'tr',
      { 'data-workflow-id': run.workflowId, 'data-run-id': run.runId, 'data-run-status': run.status },
      el('td', {}, box),
      el('td', {}, el('a', { href: runLink(run) }, run.workflowId)),
      el('td', { class: 'run-id', title: run.runId }, `…${run.runId.slice(-6)}`),
      el(
        'td',
        {},
        badge(run.status),
        run.cancelRequested && run.status === 'OPEN' ? ' cancel requested' : '',
      ),
      marksCell(run),
      el('td', {}, `${run.type}@${run.version}`),
      el('td', { class: 'time' }, time(run.startedAt)),
      el('td', {}, liveDuration(run.startedAt, run.closedAt)),
    );
  });
  const pageBox = el('input', {
    type: 'checkbox',
    'data-testid': 'select-page',
    'aria-label': 'select every run on this page',
    checked: data.runs.length > 0 && data.runs.every((r) => selection.runs.has(keyOf(r))),
  });
  pageBox.addEventListener('change', () => {
    for (const run of data.runs) {
      if (pageBox.checked) selection.runs.set(keyOf(run), run);
      else selection.runs.delete(keyOf(run));
    }
    rerender();
  });
  const pages = Math.max(1, Math.ceil(data.total / data.pageSize));
  const pager = el(
    'div',
    { class: 'row' },
    el(
      'button',
      { disabled: data.page <= 0, onclick: () => navigate({ ...filters, page: data.page - 1 }) },
      '‹ Newer',
    ),
    el('span', { class: 'muted' }, `page ${data.page + 1} of ${pages} · ${data.total} runs`),
    el(
      'button',
      { disabled: data.page + 1 >= pages, onclick: () => navigate({ ...filters, page: data.page + 1 }) },
      'Older ›',
    ),
  );
  root.replaceChildren(
    ...(data.notice ? [el('p', { class: 'error', 'data-testid': 'notice' }, data.notice)] : []),
    counts,
    el('div', { class: 'row' }, typeSelect, prefix),
    bulkBar(rerender),
    el(
      'table',
      { 'data-testid': 'runs' },
      el(
        'thead',
        {},
        el(
          'tr',
          {},
          el('th', {}, pageBox),
          ...['workflowId', 'run', 'status', 'where', 'type', 'started', 'duration'].map((h) =>
            el('th', {}, h),
          ),
        ),
      ),
      el(
        'tbody',
        {},
        ...(rows.length ? rows : [el('tr', {}, el('td', { colspan: 8, class: 'muted' }, 'No runs match.'))]),
      ),
    ),
    pager,
  );
}
