import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../local/server/server.js';
import { startLocal } from '../support/swf-local.js';

let server: RunningServer;
beforeAll(async () => {
  ({ server } = await startLocal());
});
afterAll(() => server.close());

/**
 * Sends `total` bytes to the API in 64 KB chunks without reading anything until it has sent them all (as boto3's
 * urllib3 does), then reads: the status and body it could read, or the socket error it got instead.
 */
function uploadThenRead(endpoint: string, total: number, options: { declareLength: boolean }) {
  const url = new URL(endpoint);
  return new Promise<{ status?: number; body?: string; error?: string }>((resolve) => {
    const socket = connect(Number(url.port), url.hostname);
    let received = '';
    socket.pause();
    socket.on('data', (chunk) => {
      received += chunk;
    });
    socket.on('end', () => {
      const [head = '', body = ''] = received.split('\r\n\r\n');
      resolve({ status: Number(head.split(' ')[1]), body });
    });
    socket.on('error', (error: NodeJS.ErrnoException) => resolve({ error: error.code ?? error.message }));
    const headers = [
      'POST / HTTP/1.1',
      `host: ${url.host}`,
      'content-type: application/x-amz-json-1.0',
      'x-amz-target: SimpleWorkflowService.ListDomains',
      options.declareLength ? `content-length: ${total}` : 'transfer-encoding: chunked',
    ];
    socket.write(`${headers.join('\r\n')}\r\n\r\n`);
    const chunk = Buffer.alloc(64 * 1024, 0x20);
    const framed = options.declareLength
      ? chunk
      : Buffer.concat([Buffer.from(`${chunk.length.toString(16)}\r\n`), chunk, Buffer.from('\r\n')]);
    let sent = 0;
    const pump = () => {
      while (sent < total) {
        sent += chunk.length;
        if (!socket.write(framed)) return void socket.once('drain', pump);
      }
      if (!options.declareLength) socket.write('0\r\n\r\n');
      // Everything is sent: only now does this client read the answer.
      socket.resume();
    };
    pump();
  });
}

describe('an oversized request body', () => {
  it.each([
    { declareLength: true, what: 'declared in content-length' },
    { declareLength: false, what: 'sent chunked' },
  ])('is answered with a 400 the client can read, not a reset ($what)', async ({ declareLength }) => {
    const answer = await uploadThenRead(server.endpoint, 4 * 1024 * 1024, { declareLength });
    expect(answer.error).toBeUndefined();
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.body ?? '{}').message).toMatch(/SWF accepts at most 1048576/);
  });

  it('is read and dropped only up to a bound: a client that goes on sending is cut off', async () => {
    const answer = await uploadThenRead(server.endpoint, 40 * 1024 * 1024, { declareLength: true });
    expect(answer.error).toMatch(/ECONNRESET|EPIPE/);
    // The server is fine, and held none of it.
    expect(server.bodyBudget.inFlight).toBe(0);
    const after = await uploadThenRead(server.endpoint, 2 * 1024 * 1024, { declareLength: false });
    expect(after.status).toBe(400);
  });
});
