import { createServer, type IncomingMessage, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One AWS call as it left a sandbox: who signed it, for which service, what it asked and how it was answered. */
export interface RecordedCall {
  /** The access key the sandbox signed with: the rehearsal gives each function its own. */
  accessKeyId: string;
  /** The SigV4 signing name (`swf`, `dynamodb`, `s3`, `sns`, `monitoring`, …). */
  signingName: string;
  method: string;
  /** Path and query, as sent (S3's REST requests name their bucket and key here). */
  path: string;
  /** `X-Amz-Target` of the JSON protocols (`SimpleWorkflowService.PollForDecisionTask`). */
  target?: string;
  /** The request body, as text. */
  body: string;
  status: number;
  /** The response body, kept for the polls (their task tokens say which domain a later respond acts on). */
  response?: string;
}

export interface CallRecorder {
  /** Where the sandboxes send SWF calls (forwarded to swf-local). */
  swfEndpoint: string;
  /** Where they send every other AWS call (forwarded to moto_server). */
  awsEndpoint: string;
  calls: RecordedCall[];
  close(): Promise<void>;
}

const CREDENTIAL = /Credential=([^/,\s]+)\/\d{8}\/[^/]+\/([^/]+)\/aws4_request/;

/**
 * Two loopback proxies in front of the rehearsal's peers that record every call the sandboxes make, exactly as
 * it would reach AWS (the signed headers, the body, the answer), so each can be evaluated against the role of
 * the function that made it. Long polls stream through: the proxy answers when the peer does.
 */
export async function startCallRecorder(upstream: { swf: string; aws: string }): Promise<CallRecorder> {
  const calls: RecordedCall[] = [];
  const servers: Server[] = [];
  const proxyTo = async (target: string): Promise<string> => {
    const to = new URL(target);
    const server = createServer((incoming, outgoing) => {
      readAll(incoming).then((body) => {
        const forward = request(
          {
            hostname: to.hostname,
            port: to.port,
            method: incoming.method,
            path: incoming.url,
            headers: { ...incoming.headers, host: to.host },
          },
          (answer) => {
            readAll(answer).then((response) => {
              const credential = CREDENTIAL.exec(String(incoming.headers.authorization ?? ''));
              const targetHeader = incoming.headers['x-amz-target'];
              calls.push({
                accessKeyId: credential?.[1] ?? '',
                signingName: credential?.[2] ?? '',
                method: incoming.method ?? 'GET',
                path: incoming.url ?? '/',
                ...(typeof targetHeader === 'string' ? { target: targetHeader } : {}),
                body: body.toString('utf8'),
                status: answer.statusCode ?? 0,
                ...(typeof targetHeader === 'string' && /\.PollFor/.test(targetHeader)
                  ? { response: response.toString('utf8') }
                  : {}),
              });
              outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
              outgoing.end(response);
            }, fail);
          },
        );
        forward.on('error', fail);
        forward.end(body);
      }, fail);
      function fail(error: Error) {
        if (!outgoing.headersSent) outgoing.writeHead(502, { 'content-type': 'text/plain' });
        outgoing.end(`rehearsal proxy: ${error.message}`);
      }
    });
    // A poll is held up to 60 s: no socket timeout on either side.
    server.requestTimeout = 0;
    server.headersTimeout = 0;
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  };
  const swfEndpoint = await proxyTo(upstream.swf);
  const awsEndpoint = await proxyTo(upstream.aws);
  return {
    swfEndpoint,
    awsEndpoint,
    calls,
    close: async () => {
      await Promise.all(
        servers.map(
          (server) =>
            new Promise<void>((resolve) => {
              server.closeAllConnections();
              server.close(() => resolve());
            }),
        ),
      );
    },
  };
}

function readAll(stream: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('end', () => resolve(Buffer.concat(chunks)));
    stream.on('error', reject);
  });
}
