/// <reference lib="dom" />
import { get, type RunSummary } from './api.js';
import { badge, duration, el, time } from './dom.js';

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
  const rows = data.runs.map((run) =>
    el(
      'tr',
      { 'data-workflow-id': run.workflowId },
      el('td', {}, el('a', { href: runLink(run) }, run.workflowId)),
      el(
        'td',
        {},
        badge(run.status),
        run.cancelRequested && run.status === 'OPEN' ? ' cancel requested' : '',
      ),
      el('td', {}, `${run.type}@${run.version}`),
      el('td', {}, time(run.startedAt)),
      el('td', {}, duration((run.closedAt ?? Date.now()) - (run.startedAt ?? Date.now()))),
    ),
  );
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
    el(
      'table',
      { 'data-testid': 'runs' },
      el(
        'thead',
        {},
        el('tr', {}, ...['workflowId', 'status', 'type', 'started', 'duration'].map((h) => el('th', {}, h))),
      ),
      el(
        'tbody',
        {},
        ...(rows.length ? rows : [el('tr', {}, el('td', { colspan: 5, class: 'muted' }, 'No runs match.'))]),
      ),
    ),
    pager,
  );
}
