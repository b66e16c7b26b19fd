/// <reference lib="dom" />

type Child = Node | string | number | null | undefined | false;

/**
 * Builds an element. Text always goes in as text nodes and values as attributes, never as HTML, so order
 * data with markup in it renders inert.
 */
export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Record<string, string | number | boolean | undefined | ((event: Event) => void)> = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === false) continue;
    if (typeof value === 'function') element.addEventListener(name.replace(/^on/, ''), value);
    else element.setAttribute(name, value === true ? '' : String(value));
  }
  append(element, children);
  return element;
}

export function append(parent: Node, children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    parent.appendChild(typeof child === 'object' ? child : document.createTextNode(String(child)));
  }
}

const SVG = 'http://www.w3.org/2000/svg';

export function svg(
  tag: string,
  attributes: Record<string, string | number | undefined> = {},
  ...children: Child[]
): SVGElement {
  const element = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes))
    if (value !== undefined) element.setAttribute(name, String(value));
  append(element, children);
  return element;
}

/** One time format in every view, with its zone (see local/shared/display.ts). */
import { duration } from '../../shared/display.js';

export { duration, formatTime as time } from '../../shared/display.js';

export const badge = (status: string) => el('span', { class: `badge ${status}` }, status.replace(/_/g, ' '));

/**
 * A duration that keeps counting while its run is open: `since` is the start; the page's ticker updates every
 * element carrying `data-live-since` once a second. A closed run passes `until` and stays fixed.
 */
export function liveDuration(since: number | undefined, until: number | undefined): HTMLElement {
  const span = el('span', { class: 'duration' }, duration((until ?? Date.now()) - (since ?? Date.now())));
  if (until === undefined && since !== undefined) span.dataset.liveSince = String(since);
  return span;
}

/** Starts the one ticker behind every live duration on the page. */
export function startLiveDurations(): void {
  window.setInterval(() => {
    document.querySelectorAll<HTMLElement>('[data-live-since]').forEach((node) => {
      node.textContent = duration(Date.now() - Number(node.dataset.liveSince));
    });
  }, 1000);
}

export const meta = (name: string) =>
  document.querySelector(`meta[name="${name}"]`)?.getAttribute('content') ?? '';

/** Replaces an element's children, skipping empty ones. */
export function replace(parent: Element, ...children: Child[]): void {
  parent.replaceChildren();
  append(parent, children);
}
