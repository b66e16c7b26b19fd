/// <reference lib="dom" />
import { meta } from './dom.js';

export interface RunSummary {
  workflowId: string;
  runId: string;
  type: string;
  version: string;
  status: string;
  cancelRequested?: boolean;
  startedAt?: number;
  closedAt?: number;
  marks?: {
    resumedFrom?: string;
    continuedFrom?: string;
    step?: string;
    stepState?: 'at' | 'failed at' | 'canceled at' | 'stopped at';
  };
}

export class ApiError extends Error {
  constructor(
    message: string,
    readonly problems?: string[],
  ) {
    super(message);
  }
}

async function parse<T>(response: Response): Promise<T> {
  const body = (await response.json().catch(() => ({}))) as { message?: string; problems?: string[] };
  if (!response.ok) throw new ApiError(body.message ?? `HTTP ${response.status}`, body.problems);
  return body as T;
}

export const get = <T>(path: string, query: Record<string, string | number | undefined> = {}) => {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query))
    if (value !== undefined && value !== '') params.set(key, String(value));
  return fetch(`/console/api/${path}?${params}`, { headers: { accept: 'application/json' } }).then((r) =>
    parse<T>(r),
  );
};

/** An action: same origin, with the session token from the page. */
export const post = <T>(path: string, body: unknown) =>
  fetch(`/console/api/${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-console-token': meta('console-token') },
    body: JSON.stringify(body),
  }).then((r) => parse<T>(r));
