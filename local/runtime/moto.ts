import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { promisify } from 'node:util';

export interface MotoServer {
  endpoint: string;
  child: ChildProcess;
  stop(): void;
}

/** Whether `moto_server` (Python's moto, server mode) is installed. */
export async function motoInstalled(): Promise<boolean> {
  return promisify(execFile)('moto_server', ['--help'], { timeout: 20_000 }).then(
    () => true,
    () => false,
  );
}

/** A free TCP port on 127.0.0.1. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * moto_server's own app, served one request at a time. moto's conditional writes and transactions are not
 * atomic under concurrent requests (two "exactly once" writes can both land), while DynamoDB's are; serving
 * requests one by one makes moto a faithful peer for the conditional-write contract.
 */
const SERIAL_MOTO = `
import sys
from werkzeug.serving import run_simple
from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app
run_simple("127.0.0.1", int(sys.argv[1]), DomainDispatcherApplication(create_backend_app), threaded=False)
`;

export interface MotoOptions {
  /** moto's own threaded server (as \`moto_server\` runs it); the default serves one request at a time. */
  threaded?: boolean;
  timeoutMs?: number;
}

/**
 * Starts moto on a free local port (one process serves DynamoDB, SNS, SQS, S3, CloudWatch and SWF) and
 * resolves once it answers; rejects with a clear message when it is not installed or never answers.
 */
export async function startMoto(options: MotoOptions = {}): Promise<MotoServer> {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const port = await freePort();
  const child = options.threaded
    ? spawn('moto_server', ['-H', '127.0.0.1', '-p', String(port)], { stdio: 'ignore' })
    : spawn('python3', ['-c', SERIAL_MOTO, String(port)], {
        stdio: 'ignore',
        env: { ...process.env, MOTO_PORT: String(port) },
      });
  const endpoint = `http://127.0.0.1:${port}`;
  const spawnError = new Promise<Error>((resolve) => child.once('error', resolve));
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    const answered = await Promise.race([
      fetch(endpoint).then(
        () => true,
        () => false,
      ),
      spawnError,
    ]);
    if (answered instanceof Error) {
      throw new Error(
        `cannot start moto_server (${answered.message}); install it with "pip install 'moto[server]'"`,
      );
    }
    if (answered) return { endpoint, child, stop: () => child.kill('SIGKILL') };
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  child.kill('SIGKILL');
  throw new Error(`moto_server did not answer on ${endpoint} within ${timeoutMs / 1000} s`);
}
