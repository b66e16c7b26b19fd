import { SWFClient } from '@aws-sdk/client-swf';
import { type RunningServer, type ServerOptions, startServer } from '../../local/server/server.js';

/** A swf-local server on a free port (memory store, virtual clock, 1 s poll hold unless told otherwise) and an SDK client. */
export async function startLocal(
  options: ServerOptions = {},
): Promise<{ server: RunningServer; swf: SWFClient }> {
  const server = await startServer({
    port: 0,
    memory: true,
    virtualClock: true,
    pollHoldSeconds: 1,
    logLevel: 'silent',
    ...options,
  });
  return { server, swf: clientFor(server.endpoint) };
}

/** An SDK v3 client for a local endpoint, with placeholder credentials (signatures are not checked). */
export function clientFor(endpoint: string): SWFClient {
  return new SWFClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
  });
}
