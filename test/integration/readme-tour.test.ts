import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../../local/runtime/moto.js';
import { eventually } from '../support/workers.js';

/** The README's 5-minute tour, command by command, against `npm start` (swfctl dev), as a newcomer runs it. */
const root = fileURLToPath(new URL('../../', import.meta.url));
const CLI = join(root, 'bin/swfctl.mjs');
const directory = mkdtempSync(join(tmpdir(), 'readme-tour-'));
const env = {
  ...process.env,
  SWF_EFFECTS_DB: join(directory, 'orders.db'),
  SWF_PAYLOADS_DIR: join(directory, 'payloads'),
};
let dev: ChildProcess | undefined;
afterAll(() => {
  dev?.kill('SIGKILL');
});

/** The `npx swfctl …` lines of the tour's shell blocks, as argument lists (a trailing `# comment` dropped). */
function tourCommands(readme: string): string[][] {
  const tour = readme.split(/^## A 5-minute tour$/m)[1]?.split(/^## /m)[0] ?? '';
  return [...tour.matchAll(/^\s*npx swfctl (.+?)(?:\s+#.*)?$/gm)].map((m) => (m[1] ?? '').split(/\s+/));
}

function swfctl(endpoint: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) =>
    execFile(
      process.execPath,
      [CLI, ...args],
      { cwd: root, env: { ...env, SWF_ENDPOINT: endpoint }, timeout: 30_000 },
      (error, stdout, stderr) =>
        resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    ),
  );
}

describe("the README's 5-minute tour", () => {
  it('lists the commands it promises', () => {
    const commands = tourCommands(readFileSync(join(root, 'README.md'), 'utf8')).map((c) => c[0]);
    expect(commands).toEqual([
      'start',
      'history',
      'start',
      'history',
      'resume',
      'describe',
      'effects',
      'start',
      'approve',
    ]);
  });

  it('runs as written against npm start, and every order it starts completes', async () => {
    const port = await freePort();
    const endpoint = `http://127.0.0.1:${port}`;
    dev = spawn(
      process.execPath,
      [CLI, 'dev', '--port', String(port), '--db', join(directory, 'swf.db'), '--orders', '1'],
      {
        cwd: root,
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let output = '';
    dev.stdout?.on('data', (chunk: Buffer) => {
      output += chunk;
    });
    await eventually(
      async () => (output.includes('Still running') ? true : undefined),
      90_000,
      `dev: ${output}`,
    );

    const describeRun = async (workflowId: string) =>
      (await swfctl(endpoint, ['describe', workflowId])).stdout;
    const until = (workflowId: string, pattern: RegExp, what: string) =>
      eventually(async () => (pattern.test(await describeRun(workflowId)) ? true : undefined), 30_000, what);
    // A person runs each command once the run it acts on is ready: closed to resume it or read its effects,
    // waiting to approve it.
    const ready: Record<string, (target: string) => Promise<unknown>> = {
      resume: (id) => until(id, /^\S+ {2}(FAILED|COMPLETED|CANCELED)/, `${id} to close`),
      effects: (key) => until(`order-${key}`, /^\S+ {2}COMPLETED/, `order-${key} to complete`),
      approve: (id) => until(id, /waiting for Approve/, `${id} to wait for approval`),
      describe: (id) => until(id, /^\S+ {2}COMPLETED/, `${id} to complete`),
    };
    for (const args of tourCommands(readFileSync(join(root, 'README.md'), 'utf8'))) {
      const [command = '', target = ''] = args;
      await ready[command]?.(target);
      const result = await swfctl(endpoint, args);
      expect(result.code, `swfctl ${args.join(' ')}: ${result.stderr}`).toBe(0);
    }
    for (const workflowId of ['order-A-1001', 'order-A-1002', 'order-A-3001'])
      await until(workflowId, /^\S+ {2}COMPLETED/, `${workflowId} to complete`);

    const exited = once(dev, 'exit');
    dev.kill('SIGINT');
    await exited;
  }, 180_000);
});
