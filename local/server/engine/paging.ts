import type { Core } from './core.js';
import type { Input } from './input.js';

/** Pages through a list in order, with a signed token carrying the offset. */
export function page<T>(
  core: Core,
  scope: string,
  items: readonly T[],
  input: Input,
): { items: T[]; nextPageToken?: string } {
  const size = input.maximumPageSize && input.maximumPageSize > 0 ? input.maximumPageSize : 1000;
  const offset = input.nextPageToken ? Number(core.readPageToken(input.nextPageToken, scope).o ?? 0) : 0;
  const slice = items.slice(offset, offset + size);
  const next = offset + size < items.length ? core.pageToken(scope, { o: offset + size }) : undefined;
  return { items: slice, nextPageToken: next };
}
