import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { type Clock, RealClock, VirtualClock } from './clock.js';
import { SwfEngine } from './engine/engine.js';
import { createLogger, type Logger, type LogLevel } from './logger.js';
import { BodyBudget, createRequestListener, hostName } from './protocol/http.js';
import { SqliteStore } from './store/sqlite-store.js';
import type { Store } from './store/store.js';

export interface ServerOptions {
  /** 0 picks a free port. */
  port?: number;
  /** 127.0.0.1 unless told otherwise: the server has no authentication. */
  host?: string;
  /** Host names answered besides the local ones (also SWF_ALLOWED_HOSTS); see `localHostsOnly`. */
  allowedHosts?: string[];
  /** SQLite database path; ignored with `memory`. */
  dbPath?: string;
  memory?: boolean;
  virtualClock?: boolean;
  /** How long an empty long poll is held, in seconds (SWF: 60). */
  pollHoldSeconds?: number;
  logLevel?: LogLevel;
  logger?: Logger;
  /**
   * Extra HTTP routes served beside the API on the same port (the web console). Called for requests that carry
   * no X-Amz-Target; returns true when it answered.
   */
  routes?: (request: IncomingMessage, response: ServerResponse, body: Buffer) => boolean | Promise<boolean>;
  /** Request-body bytes all connections together may hold while they arrive (default 64 MB). */
  bodyBudgetBytes?: number;
  /** How long a request may take to arrive, headers and body (default 30 s): a stalled upload is cut off. */
  requestTimeoutMs?: number;
}

export interface RunningServer {
  endpoint: string;
  host: string;
  port: number;
  engine: SwfEngine;
  clock: Clock;
  store: Store;
  /** The bytes of request bodies held right now, across connections. */
  bodyBudget: BodyBudget;
  /** Virtual clock only: moves time forward and fires what falls due. */
  advanceClock(milliseconds: number): { now: number; fired: number };
  close(): Promise<void>;
}

export const DEFAULT_PORT = 7654;
export const DEFAULT_DB_PATH = join('.swf-local', 'swf-local.db');

const LOOPBACK_NAMES = ['127.0.0.1', 'localhost', '[::1]', '::1'];

/**
 * Which Host names a server bound to `bind` answers. Bound to a loopback address (the default), only local names
 * and those listed (SWF_ALLOWED_HOSTS, or the console's SWF_CONSOLE_ALLOWED_HOSTS): a rebinding page is refused.
 * Bound to another address, which the user chose, the check would only break real clients: every name is taken.
 */
export function localHostsOnly(
  bind: string,
  extra: readonly string[] = [],
): ((host: string) => boolean) | undefined {
  const loopback = LOOPBACK_NAMES.includes(bind) || bind.startsWith('127.');
  if (!loopback) return undefined;
  const listed = [
    ...extra,
    ...(process.env.SWF_ALLOWED_HOSTS?.split(',') ?? []),
    ...(process.env.SWF_CONSOLE_ALLOWED_HOSTS?.split(',') ?? []),
  ].map((name) => name.trim().toLowerCase());
  const allowed = new Set([...LOOPBACK_NAMES, bind, ...listed.filter(Boolean)]);
  return (host) => allowed.has(host) || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/** Starts swf-local: an SWF-compatible HTTP server any AWS SDK can point at. */
export async function startServer(options: ServerOptions = {}): Promise<RunningServer> {
  const logger = options.logger ?? createLogger(options.logLevel ?? 'info');
  const clock = options.virtualClock ? new VirtualClock() : new RealClock();
  const store = new SqliteStore(options.memory ? ':memory:' : (options.dbPath ?? DEFAULT_DB_PATH));
  const engine = new SwfEngine(clock, store, (error) =>
    logger.warn('a timeout or timer could not be written; it is tried again in a second', {
      error: String((error as Error)?.message ?? error),
    }),
  );
  const holdMs = Math.round((options.pollHoldSeconds ?? 60) * 1000);
  const advanceClock = (ms: number) => engine.advanceClock(ms);

  const adminRoutes = (
    request: IncomingMessage,
    response: ServerResponse,
    body: Buffer,
  ): boolean | Promise<boolean> => {
    const url = request.url ?? '/';
    const reply = (status: number, payload: unknown) => {
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(JSON.stringify(payload));
    };
    if (url === '/_admin/health') {
      reply(200, { status: 'ok', store: store.kind, virtualClock: clock.virtual, now: clock.now() / 1000 });
      return true;
    }
    if (url === '/_admin/clock/advance' && request.method === 'POST') {
      // A browser sends a cross-site text/plain or form POST without asking first: only JSON, and only from here.
      const type = String(request.headers['content-type'] ?? '')
        .split(';')[0]
        ?.trim()
        .toLowerCase();
      if (type !== 'application/json') {
        reply(415, { message: 'Send {"seconds": N} as application/json' });
        return true;
      }
      const origin = request.headers.origin;
      const site = request.headers['sec-fetch-site'];
      if (
        (site !== undefined && site !== 'same-origin' && site !== 'none') ||
        (origin && hostName(new URL(origin).host) !== hostName(request.headers.host))
      ) {
        reply(403, { message: 'The admin endpoints take requests from this machine, not from other sites' });
        return true;
      }
      try {
        const { seconds } = JSON.parse(body.toString('utf8') || '{}') as { seconds?: unknown };
        if (typeof seconds !== 'number' || !(seconds >= 0)) throw new Error('Send {"seconds": <number ≥ 0>}');
        const result = advanceClock(seconds * 1000);
        reply(200, { now: result.now / 1000, fired: result.fired });
      } catch (error) {
        reply(400, { message: (error as Error).message });
      }
      return true;
    }
    if (url.startsWith('/_admin')) {
      reply(404, {
        message: 'Admin endpoints: GET /_admin/health, POST /_admin/clock/advance {"seconds": N}',
      });
      return true;
    }
    return options.routes ? options.routes(request, response, body) : false;
  };

  const bodyBudget = new BodyBudget(options.bodyBudgetBytes);
  const host = options.host ?? '127.0.0.1';
  const hostAllowed = localHostsOnly(host, options.allowedHosts);
  // A request must arrive within the timeout: a stalled upload gives its connection (and budget) back. Node
  // checks it every `connectionsCheckingInterval`, so that runs at least as often as the timeout is short.
  const requestTimeout = options.requestTimeoutMs ?? 30_000;
  const server: Server = createServer(
    {
      requestTimeout,
      headersTimeout: requestTimeout,
      connectionsCheckingInterval: Math.min(30_000, Math.max(100, requestTimeout / 2)),
    },
    createRequestListener(engine, { holdMs, logger, routes: adminRoutes, hostAllowed, budget: bodyBudget }),
  );
  server.keepAliveTimeout = 75_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? DEFAULT_PORT, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const endpoint = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  logger.info('swf-local listening', {
    endpoint,
    store: store.kind,
    db: options.memory ? undefined : (options.dbPath ?? DEFAULT_DB_PATH),
    virtualClock: clock.virtual,
    pollHoldSeconds: holdMs / 1000,
  });

  return {
    endpoint,
    host,
    port,
    engine,
    clock,
    store,
    bodyBudget,
    advanceClock,
    close: async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      engine.close();
    },
  };
}
