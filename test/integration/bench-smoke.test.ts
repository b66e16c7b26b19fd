import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const TSX = fileURLToPath(new URL('../../node_modules/tsx/dist/cli.mjs', import.meta.url));
const BENCH = fileURLToPath(new URL('../../bench/run-all.ts', import.meta.url));

describe('npm run bench, smoke mode (the full run is not for CI)', () => {
  it('prints every table and writes the results file', async () => {
    const stdout = await new Promise<string>((resolve, reject) => {
      execFile(
        process.execPath,
        [TSX, BENCH, '--smoke'],
        { timeout: 240_000, maxBuffer: 10_000_000 },
        (error, out) => (error ? reject(error) : resolve(out)),
      );
    });
    expect(stdout).toContain('SMOKE benchmark on');
    for (const target of ['swf-local memory', 'swf-local SQLite', 'HTTP echo (floor)'])
      expect(stdout).toContain(target);
    expect(stdout).toMatch(/long polls: 50 open → server \d+ MB/);
    const results = JSON.parse(
      readFileSync(new URL('../../bench/results/bench-smoke.json', import.meta.url), 'utf8'),
    );
    expect(results.smoke).toBe(true);
    expect(
      results.throughput.filter((r: { stepsPerSecond?: number }) => (r.stepsPerSecond ?? 0) > 0).length,
    ).toBeGreaterThanOrEqual(4);
    expect(results.decide[0].events).toBeGreaterThan(1000);
    // Time per step with offload, 10 and 10,000 lines: each step of both measured, inputs the same size
    // whatever the step (every earlier result a reference).
    expect(stdout).toContain('step (with offload)');
    const payloads = results.payloads as {
      order: string;
      step: string;
      medianMs: number;
      inputChars: number;
    }[];
    expect(payloads).toHaveLength(10);
    for (const row of payloads) expect(row.medianMs).toBeGreaterThanOrEqual(0);
    const large = payloads.filter((r) => r.order === '10,000 lines').map((r) => r.inputChars);
    expect(Math.max(...large)).toBeLessThan(4_000);
  }, 250_000);
});
