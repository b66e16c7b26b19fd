import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SwfEngine } from '../engine/engine.js';
import type { Logger } from '../logger.js';
import { SwfFault, serialization, unknownOperation, validation } from './faults.js';

/** SWF accepts requests up to 1 MB. */
const MAX_BODY_BYTES = 1024 * 1024;
/**
 * How much of a refused body the server reads and drops before it answers by closing: a client still sending
 * reads the refusal instead of a reset. Dropped bytes are never held, so they do not count in the budget.
 */
const MAX_DRAINED_BYTES = 16 * MAX_BODY_BYTES;
/** How many request-body bytes all connections together may hold while they arrive (64 requests at the limit). */
export const DEFAULT_BODY_BUDGET_BYTES = 64 * MAX_BODY_BYTES;
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * The bytes of request bodies held in memory, across every connection. A body over 1 MB is refused as soon as
 * it says or shows so, and one that would take the total past the budget is refused before it is held: a crowd
 * of slow or stalled uploads cannot take the server's memory. Bytes are given back when a request ends.
 */
export class BodyBudget {
  private held = 0;
  constructor(readonly limit = DEFAULT_BODY_BUDGET_BYTES) {}
  get inFlight(): number {
    return this.held;
  }
  take(bytes: number): boolean {
    if (this.held + bytes > this.limit) return false;
    this.held += bytes;
    return true;
  }
  give(bytes: number): void {
    this.held -= bytes;
  }
}
const JSON_TYPE = 'application/x-amz-json-1.0';
const TARGET_PREFIX = 'SimpleWorkflowService.';

export interface HttpOptions {
  holdMs: number;
  logger: Logger;
  /** Extra routes served beside the API (the admin endpoints, later the console). */
  routes?: (request: IncomingMessage, response: ServerResponse, body: Buffer) => boolean | Promise<boolean>;
  /**
   * Whether a Host header names this server. A page on another site whose name resolves to 127.0.0.1 (DNS
   * rebinding) sends its own name: the API, the admin endpoints and the console refuse it before anything else.
   */
  hostAllowed?: (host: string) => boolean;
  /** Shared by every connection of the server (see BodyBudget). */
  budget?: BodyBudget;
}

/** The host name of a Host header, without its port (`[::1]:7654` → `[::1]`). */
export const hostName = (header: string | undefined) =>
  (header ?? '').trim().toLowerCase().replace(/:\d+$/, '');

/** Serves the SWF JSON 1.0 protocol: `POST /` with `X-Amz-Target: SimpleWorkflowService.<Operation>`. */
export function createRequestListener(engine: SwfEngine, options: HttpOptions) {
  const budget = options.budget ?? new BodyBudget();
  return (request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    let held = 0;
    let refused = false;
    let drained = 0;
    const release = () => {
      budget.give(held);
      held = 0;
      chunks.length = 0;
    };
    // Refuses at once: the answer is written now, the rest of the body is read and dropped (never held), and the
    // response ends with the body, so the connection closes cleanly instead of resetting under a client that is
    // still sending (boto3 reads nothing before it has sent everything).
    const refuse = (fault: SwfFault) => {
      refused = true;
      release();
      const text = JSON.stringify({ __type: fault.type, message: fault.message });
      response.writeHead(fault.status, {
        'content-type': JSON_TYPE,
        'content-length': Buffer.byteLength(text),
        connection: 'close',
      });
      response.write(text);
      if (request.complete) response.end();
      else request.once('end', () => response.end());
      request.resume();
    };
    request.on('data', (chunk: Buffer) => {
      if (refused) {
        drained += chunk.length;
        // A client that goes on past the bound is cut off: dropping bytes costs no memory, but time.
        if (drained > MAX_DRAINED_BYTES) request.destroy();
        return;
      }
      if (held + chunk.length > MAX_BODY_BYTES) {
        refuse(
          validation(`The request is over ${MAX_BODY_BYTES} bytes; SWF accepts at most ${MAX_BODY_BYTES}`),
        );
        return;
      }
      if (!budget.take(chunk.length)) {
        refuse(
          new SwfFault(
            'ThrottlingException',
            'The server is holding as many request bodies as it allows; retry shortly',
            'com.amazon.coral.availability',
            503,
          ),
        );
        return;
      }
      held += chunk.length;
      chunks.push(chunk);
    });
    request.on('end', () => {
      if (refused) return;
      const body = Buffer.concat(chunks);
      release();
      void serve(engine, options, request, response, body);
    });
    request.on('close', release);
    request.on('error', () => {
      release();
      response.destroy();
    });
    const declared = Number(request.headers['content-length'] ?? 0);
    if (declared > MAX_BODY_BYTES)
      refuse(validation(`The request is ${declared} bytes; SWF accepts at most ${MAX_BODY_BYTES}`));
  };
}

async function serve(
  engine: SwfEngine,
  options: HttpOptions,
  request: IncomingMessage,
  response: ServerResponse,
  body: Buffer,
): Promise<void> {
  const requestId = randomUUID();
  const started = performance.now();
  const target = request.headers['x-amz-target'];
  const host = hostName(request.headers.host);
  if (options.hostAllowed && !options.hostAllowed(host)) {
    const text = JSON.stringify({
      __type: 'com.amazon.coral.service#AccessDeniedException',
      message: `swf-local answers only local host names (got "${host.slice(0, 100)}"); to serve another name, list it in SWF_ALLOWED_HOSTS`,
    });
    response.writeHead(403, { 'content-type': JSON_TYPE, 'content-length': Buffer.byteLength(text) });
    response.end(text);
    return;
  }
  if (typeof target !== 'string' && options.routes && (await options.routes(request, response, body))) return;

  let operation = '?';
  let answered = false;
  const goneCallbacks: (() => void)[] = [];
  response.on('close', () => {
    if (!answered) for (const callback of goneCallbacks) callback();
  });
  try {
    if (request.method !== 'POST')
      throw new SwfFault(
        'UnknownOperationException',
        'SWF requests are POST /',
        'com.amazon.coral.service',
        404,
      );
    if (typeof target !== 'string' || !target.startsWith(TARGET_PREFIX)) {
      throw unknownOperation(
        'Missing or unknown X-Amz-Target header; expected SimpleWorkflowService.<Operation>',
      );
    }
    operation = target.slice(TARGET_PREFIX.length);
    let input: unknown = {};
    if (body.length > 0) {
      let text: string;
      try {
        text = strictUtf8.decode(body);
      } catch {
        throw serialization('The request body is not valid UTF-8; send JSON encoded as UTF-8');
      }
      try {
        input = JSON.parse(text);
      } catch {
        throw serialization('The request body is not valid JSON');
      }
    }
    const output = await engine.handle(operation, input, {
      holdMs: options.holdMs,
      isGone: () => response.destroyed || request.socket.destroyed,
      onGone: (callback) => goneCallbacks.push(callback),
    });
    answered = true;
    if (response.destroyed) return;
    const text = output === undefined ? '' : JSON.stringify(output);
    response.writeHead(200, {
      'content-type': JSON_TYPE,
      'content-length': Buffer.byteLength(text),
      'x-amzn-requestid': requestId,
    });
    response.end(text);
    options.logger.debug('request', {
      requestId,
      operation,
      status: 200,
      ms: Math.round(performance.now() - started),
    });
  } catch (error) {
    answered = true;
    const fault =
      error instanceof SwfFault
        ? error
        : new SwfFault(
            'InternalFailure',
            'The server hit an unexpected error; see its log',
            'com.amazon.coral.service',
            500,
          );
    if (!(error instanceof SwfFault)) {
      options.logger.error('unexpected error', {
        requestId,
        operation,
        error: String((error as Error)?.stack ?? error),
      });
    }
    options.logger.debug('request', {
      requestId,
      operation,
      status: fault.status,
      fault: fault.fault,
      message: fault.message,
    });
    if (response.destroyed) return;
    const text = JSON.stringify({ __type: fault.type, message: fault.message });
    response.writeHead(fault.status, {
      'content-type': JSON_TYPE,
      'content-length': Buffer.byteLength(text),
      'x-amzn-requestid': requestId,
    });
    response.end(text);
  }
}
