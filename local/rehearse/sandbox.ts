import { type ChildProcess, fork } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { TemplateFunction } from './assembly.js';

const HOST = fileURLToPath(new URL('./lambda-host.mjs', import.meta.url));

/** What a failed invocation reports, as `aws lambda invoke` shows a function error. */
export class FunctionError extends Error {
  constructor(
    override readonly name: string,
    message: string,
    readonly code?: string,
  ) {
    super(message);
  }
}

/**
 * A function's answer, with a refusal (`{ ok: false, error: { code, message } }`: the caller's mistake, answered
 * rather than thrown) turned into a `FunctionError` named `Refusal`, so a driver branches on its code.
 */
export async function answerOrRefusal(answer: Promise<unknown>): Promise<unknown> {
  const value = (await answer) as { ok?: unknown; error?: { code?: string; message?: string } } | null;
  if (value && typeof value === 'object' && value.ok === false && value.error)
    throw new FunctionError('Refusal', value.error.message ?? 'refused', value.error.code);
  return value;
}

/**
 * One Lambda sandbox: a process that loaded the function's real bundle with its environment, running one
 * invocation at a time (a new invocation while one runs is refused, as a sandbox never takes two).
 */
export class Sandbox {
  private invocations = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private nextId = 1;
  private exited: Promise<void>;

  private constructor(
    readonly name: string,
    private readonly fn: TemplateFunction,
    private readonly child: ChildProcess,
  ) {
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
    child.on(
      'message',
      (message: {
        id?: number;
        result?: unknown;
        error?: { name: string; message: string; code?: string };
      }) => {
        const pending = message.id === undefined ? undefined : this.invocations.get(message.id);
        if (!pending || message.id === undefined) return;
        this.invocations.delete(message.id);
        if (message.error)
          pending.reject(new FunctionError(message.error.name, message.error.message, message.error.code));
        else pending.resolve(message.result);
      },
    );
    child.once('exit', (code) => {
      for (const pending of this.invocations.values())
        pending.reject(new Error(`${name}: the sandbox exited (${code}) during an invocation`));
      this.invocations.clear();
    });
  }

  /** Starts the sandbox and waits until the bundle is loaded (its init phase). */
  static async start(
    fn: TemplateFunction,
    name: string,
    environment: Record<string, string>,
    logFile: string,
  ): Promise<Sandbox> {
    const child = fork(HOST, [fn.bundleDir, fn.handler, name], {
      env: environment,
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    const log = createWriteStream(logFile, { flags: 'a' });
    child.stdout?.pipe(log);
    child.stderr?.pipe(log);
    await new Promise<void>((resolve, reject) => {
      child.once('message', () => resolve());
      child.once('exit', (code) =>
        reject(new Error(`${name} failed to load its bundle (exit ${code}); see ${logFile}`)),
      );
    });
    return new Sandbox(name, fn, child);
  }

  get busy(): boolean {
    return this.invocations.size > 0;
  }

  /** Invokes the handler with `event`, its deadline the function's timeout (as Lambda sets it). */
  invoke(event: unknown): Promise<unknown> {
    if (this.busy)
      return Promise.reject(new Error(`${this.name} is busy: a sandbox runs one invocation at a time`));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.invocations.set(id, { resolve, reject });
      this.child.send({ invoke: { id, event, timeoutMs: this.fn.timeoutSeconds * 1000 } });
    });
  }

  /** Asks the running invocation to finish what it holds, then ends the sandbox. */
  async stop(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.send({ stop: true });
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.exited, new Promise((resolve) => (timer = setTimeout(resolve, 30_000)))]);
    clearTimeout(timer);
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
  }
}

/**
 * EventBridge's schedule for one rule: every `rateMs`, each target's sandbox that is idle gets a Scheduled
 * Event (a busy one skips the tick). Resolves once `signal` fires.
 */
export function runSchedule(
  targets: Sandbox[],
  rateMs: number,
  signal: AbortSignal,
  onError: (target: Sandbox, error: Error) => void,
): Promise<void> {
  const tick = () => {
    for (const target of targets) {
      if (target.busy || signal.aborted) continue;
      const event = {
        source: 'aws.events',
        'detail-type': 'Scheduled Event',
        time: new Date().toISOString(),
      };
      target.invoke(event).catch((error: Error) => onError(target, error));
    }
  };
  tick();
  const timer = setInterval(tick, rateMs);
  return new Promise((resolve) =>
    signal.addEventListener(
      'abort',
      () => {
        clearInterval(timer);
        resolve();
      },
      { once: true },
    ),
  );
}
