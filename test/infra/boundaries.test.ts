import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const depcruise = (cwd: string, config: string) =>
  new Promise<{ code: number; output: string }>((resolve) =>
    execFile(
      process.execPath,
      [
        `${root}/node_modules/dependency-cruiser/bin/dependency-cruise.mjs`,
        'lambda',
        'local',
        '--config',
        config,
      ],
      { cwd, timeout: 60_000 },
      (error, stdout, stderr) =>
        resolve({
          code: error ? Number((error as { code?: number }).code ?? 1) : 0,
          output: stdout + stderr,
        }),
    ),
  );

describe('module boundaries (dependency-cruiser, also run by `npm run lint:deps`)', () => {
  it('catch a decider that imports a workflow module, swf-local importing lambda/, and a cycle', async () => {
    const { code, output } = await depcruise(
      `${root}/test/fixtures/boundaries`,
      `${root}/.dependency-cruiser.cjs`,
    );
    expect(code).not.toBe(0);
    expect(output).toMatch(
      /generic-decider-and-workers: lambda\/decider\/reaches-into-a-module\.ts → lambda\/workflow\/order\/thing\.ts/,
    );
    expect(output).toMatch(
      /swf-local-stands-alone: local\/server\/reaches-into-lambda\.ts → lambda\/workflow\/order\/thing\.ts/,
    );
    expect(output).toMatch(/no-circular: lambda\/decider\/cycle-a\.ts/);
  });

  it('pass on the project itself', async () => {
    const { code, output } = await depcruise(root, `${root}/.dependency-cruiser.cjs`);
    expect(output).toContain('no dependency violations found');
    expect(code).toBe(0);
  });
});

describe('one history reader', () => {
  const sources = (dir: string): string[] =>
    readdirSync(`${root}/${dir}`, { withFileTypes: true, recursive: true })
      .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
      .map((entry) => `${entry.parentPath.slice(root.length)}/${entry.name}`);

  it('lambda/decider/history.ts is the only application code that reads activity, timer and signal events', () => {
    // swf-local writes histories (it is SWF); the decider, the timeline, describe, swfctl and the console read
    // them, and only through readHistory/scanHistory, so they cannot disagree about a run.
    const readers = [...sources('lambda'), ...sources('local')]
      .filter((file) => !file.startsWith('local/server/'))
      .filter((file) =>
        /['"](ActivityTask(Scheduled|Completed|Failed|TimedOut|Canceled)|Timer(Started|Fired|Canceled)|WorkflowExecutionSignaled)['"]/.test(
          readFileSync(`${root}/${file}`, 'utf8'),
        ),
      );
    expect(readers).toEqual(['lambda/decider/history.ts']);
  });
});
