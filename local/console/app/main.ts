/// <reference lib="dom" />
import type { AttemptView } from '../../../lambda/decider/timeline.js';
import { el, startLiveDurations } from './dom.js';
import { type ListFilters, renderList } from './list-view.js';
import { renderRun } from './run-view.js';
import { startForm } from './start-form.js';

const app = document.getElementById('app') as HTMLElement;
let timer: number | undefined;
let runState: { key: string; eventsPage: number; selected?: AttemptView } = { key: '', eventsPage: 0 };

function filtersFromHash(): ListFilters {
  const params = new URLSearchParams(window.location.hash.replace(/^#\/?\??/, ''));
  return {
    status: params.get('status') || undefined,
    type: params.get('type') || undefined,
    version: params.get('version') || undefined,
    prefix: params.get('prefix') || undefined,
    page: Number(params.get('page') ?? 0),
  };
}

function navigateList(filters: ListFilters): void {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(filters))
    if (value !== undefined && value !== '' && value !== 0) params.set(key, String(value));
  window.location.hash = `#/?${params}`;
}

async function render(): Promise<void> {
  window.clearTimeout(timer);
  const match = /^#\/run\/([^/]+)\/([^/]+)$/.exec(window.location.hash);
  try {
    if (match) {
      const [workflowId, runId] = [decodeURIComponent(match[1] ?? ''), decodeURIComponent(match[2] ?? '')];
      if (runState.key !== `${workflowId}/${runId}`)
        runState = { key: `${workflowId}/${runId}`, eventsPage: 0 };
      const content = app.querySelector('[data-view="run"]') ?? el('div', { 'data-view': 'run' });
      if (!content.isConnected) app.replaceChildren(content);
      const open = await renderRun(content as HTMLElement, workflowId, runId, runState, () => void render());
      if (open) timer = window.setTimeout(() => void render(), 2000);
      return;
    }
    let list = app.querySelector('[data-view="list"]') as HTMLElement | null;
    if (!list) {
      list = el('div', { 'data-view': 'list' });
      // The start form lives outside the refreshed list, so typing in it is never interrupted.
      app.replaceChildren(startForm(), list);
    }
    await renderList(list, filtersFromHash(), navigateList);
    timer = window.setTimeout(() => void render(), 2000);
  } catch (error) {
    app.replaceChildren(
      el('p', { class: 'error' }, `Could not load: ${(error as Error).message}`),
      el('p', {}, el('a', { href: '#/' }, 'Back to all runs')),
    );
  }
}

window.addEventListener('hashchange', () => void render());
startLiveDurations();
void render();
