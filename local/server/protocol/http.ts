import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SwfEngine } from '../engine/engine.js';
import type { Logger } from '../logger.js';
import { SwfFault, serialization, unknownOperation, validation } from './faults.js';

/** SWF accepts requests up to 1 MB. */
const MAX_BODY_BYTES = 1024 * 1024;
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
}

/** The host name of a Host header, without its port (`[::1]:7654` → `[::1]`). */
export const hostName = (header: string | undefined) =>
  (header ?? '').trim().toLowerCase().replace(/:\d+$/, '');

/** Serves the SWF JSON 1.0 protocol: `POST /` with `X-Amz-Target: SimpleWorkflowService.<Operation>`. */
export function createRequestListener(engine: SwfEngine, options: HttpOptions) {
  return (request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    request.on('end', () => {
      const body = Buffer.concat(chunks);
      void serve(engine, options, request, response, body, size);
    });
    request.on('error', () => response.destroy());
  };
}

async function serve(
  engine: SwfEngine,
  options: HttpOptions,
  request: IncomingMessage,
  response: ServerResponse,
  body: Buffer,
  size: number,
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
    if (size > MAX_BODY_BYTES)
      throw validation(`The request is ${size} bytes; SWF accepts at most ${MAX_BODY_BYTES}`);
    let input: unknown = {};
    if (body.length > 0) {
      try {
        input = JSON.parse(body.toString('utf8'));
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
