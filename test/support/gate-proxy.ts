import { createServer, request as httpRequest, type IncomingHttpHeaders } from 'node:http';

/** One SWF call as the gate sees it: the action (`StartWorkflowExecution`) and the parsed JSON body. */
export interface GatedCall {
  action: string;
  body: Record<string, unknown> & { workflowId?: string; executionFilter?: { workflowId?: string } };
}

/**
 * An HTTP proxy in front of swf-local that lets a test hold chosen calls until it says so: every request is
 * passed to `gate` first and forwarded when the promise it returns settles. This is how a test makes a race
 * happen every time (hold one process's start until the other's look was answered), instead of hoping for it.
 */
export async function startGateProxy(
  target: string,
  gate: (call: GatedCall) => Promise<void> | void,
  /** Called once the server's answer to a call has been passed back in full. */
  answered: (call: GatedCall) => void = () => undefined,
) {
  const upstream = new URL(target);
  const server = createServer((incoming, outgoing) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', async () => {
      const body = Buffer.concat(chunks);
      const action = String(incoming.headers['x-amz-target'] ?? '').replace(/^SimpleWorkflowService\./, '');
      let parsed: GatedCall['body'] = {};
      try {
        parsed = JSON.parse(body.toString('utf8') || '{}');
      } catch {
        // Not JSON: forwarded as it is, the server answers it.
      }
      const call = { action, body: parsed };
      await gate(call);
      const forwarded = httpRequest(
        {
          host: upstream.hostname,
          port: upstream.port,
          method: incoming.method,
          path: incoming.url,
          headers: { ...incoming.headers, host: upstream.host } as IncomingHttpHeaders,
        },
        (answer) => {
          outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(outgoing);
          answer.on('end', () => answered(call));
        },
      );
      forwarded.on('error', () => outgoing.destroy());
      forwarded.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    endpoint: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A count a test can wait on: `wait(n)` resolves once `add()` was called n times (or at `timeoutMs`, so a bug never hangs the suite). */
export function counter(timeoutMs = 10_000) {
  let count = 0;
  const waiters: { n: number; resolve: () => void }[] = [];
  return {
    get count() {
      return count;
    },
    add() {
      count++;
      for (const waiter of waiters.filter((w) => count >= w.n)) waiter.resolve();
    },
    wait(n: number): Promise<void> {
      if (count >= n) return Promise.resolve();
      return new Promise((resolve) => {
        const timer = setTimeout(resolve, timeoutMs);
        waiters.push({
          n,
          resolve: () => {
            clearTimeout(timer);
            resolve();
          },
        });
      });
    },
  };
}
