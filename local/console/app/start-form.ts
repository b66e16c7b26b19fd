/// <reference lib="dom" />
import { parseBoundedJson } from '../../../lambda/workflow/bounded-json.js';
import { ApiError, post, type RunSummary } from './api.js';
import { el, meta, replace } from './dom.js';
import { runLink } from './list-view.js';

/** "Start an order": a JSON editor that shows the starter's own validation messages. */
export function startForm(): HTMLElement {
  const sampleJson = parseBoundedJson(meta('console-sample') || '{}');
  const sample = sampleJson.ok ? JSON.stringify(sampleJson.value, null, 2) : '{}';
  const editor = el('textarea', { 'data-testid': 'order-json', spellcheck: 'false' });
  editor.value = sample;
  const result = el('div', { 'data-testid': 'start-result' });
  const submit = async () => {
    result.replaceChildren('Starting…');
    const parsed = parseBoundedJson(editor.value);
    if (!parsed.ok) {
      result.replaceChildren(el('p', { class: 'error' }, `Not sent: ${parsed.error}`));
      return;
    }
    const order = parsed.value;
    try {
      const run = await post<RunSummary & { alreadyStarted: boolean }>('start', { order });
      result.replaceChildren(
        el(
          'p',
          {},
          run.alreadyStarted ? 'Already running: ' : 'Started ',
          el('a', { href: runLink(run) }, run.workflowId),
        ),
      );
    } catch (error) {
      const problems = error instanceof ApiError ? (error.problems ?? []) : [];
      replace(
        result,
        el('p', { class: 'error' }, problems.length ? 'The order was refused:' : (error as Error).message),
        problems.length
          ? el('ul', { class: 'error', 'data-testid': 'problems' }, ...problems.map((p) => el('li', {}, p)))
          : null,
      );
    }
  };
  return el(
    'details',
    { class: 'panel', 'data-testid': 'start-form' },
    el('summary', {}, 'Start an order'),
    editor,
    el(
      'div',
      { class: 'row' },
      el('button', { onclick: () => void submit(), 'data-testid': 'start-submit' }, 'Start'),
    ),
    result,
  );
}
