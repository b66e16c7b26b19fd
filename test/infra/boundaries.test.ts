import { execFile } from 'node:child_process';
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
