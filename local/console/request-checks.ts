import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { parseBoundedJson } from '../../lambda/workflow/bounded-json.js';

/**
 * What the console checks on a request before it acts: a local host name, the page's own origin and session
 * token, a body within the bound that is a JSON object. Each refusal is an `HttpError` with its status.
 */

/** The most an action's body may be. */
export const MAX_BODY = 64 * 1024;

/** A refusal with its HTTP status and the JSON fields sent with it. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

/** The request came from a page of this very server (not another site) and carries the session token. */
export function checkAction(request: IncomingMessage, token: string): void {
  const host = request.headers.host ?? '';
  const origin = request.headers.origin;
  const fetchSite = request.headers['sec-fetch-site'];
  const sameOrigin = origin
    ? origin === `http://${host}`
    : fetchSite === undefined || fetchSite === 'same-origin';
  if (!sameOrigin || (fetchSite !== undefined && fetchSite !== 'same-origin')) {
    throw new HttpError(403, 'Actions are accepted only from the console page itself (same origin)');
  }
  const given = Buffer.from(String(request.headers['x-console-token'] ?? ''));
  const expected = Buffer.from(token);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw new HttpError(403, 'Missing or wrong console session token; reload the console page');
  }
}

/** Local names only: a page on another host name resolving to 127.0.0.1 (DNS rebinding) is refused. */
export function checkHost(request: IncomingMessage): void {
  const host = (request.headers.host ?? '').replace(/:\d+$/, '');
  if (
    !['127.0.0.1', 'localhost', '[::1]'].includes(host) &&
    !process.env.SWF_CONSOLE_ALLOWED_HOSTS?.split(',').includes(host)
  ) {
    throw new HttpError(403, `The console answers only local host names (got ${host.slice(0, 100)})`);
  }
}

/** An action's body: a JSON object within the bounds, or a 400 that says what it is instead. */
export function requestBody(body: Buffer): Record<string, unknown> {
  const parsed = parseBoundedJson(body.toString('utf8') || '{}', {
    maxChars: MAX_BODY,
    what: 'the request body',
  });
  if (!parsed.ok) throw new HttpError(400, `The request body is not valid JSON: ${parsed.error}`);
  const value = parsed.value;
  if (!value || typeof value !== 'object' || Array.isArray(value))
    throw new HttpError(
      400,
      `The request body must be a JSON object (got ${value === null ? 'null' : Array.isArray(value) ? 'a list' : typeof value})`,
    );
  return value as Record<string, unknown>;
}
