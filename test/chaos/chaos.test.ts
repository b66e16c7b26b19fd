import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SCRIPT = fileURLToPath(new URL('../../local/chaos/chaos.ts', import.meta.url));
const TSX = fileURLToPath(new URL('../../node_modules/tsx/dist/cli.mjs', import.meta.url));

describe('chaos (reduced: `npm run chaos` runs 1,000 orders)', () => {
  it('reconciles every order after worker kills, three server kills and network faults', async () => {
    const orders = process.env.CHAOS_ORDERS ?? '40';
    const result = await new Promise<{ code: number; stdout: string }>((resolve) => {
      execFile(
        process.execPath,
        [TSX, SCRIPT, '--orders', orders],
        { timeout: 300_000, maxBuffer: 10_000_000 },
        (error, stdout) =>
          resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout }),
      );
    });
    if (result.code !== 0) console.log(result.stdout);
    expect(result.stdout).toMatch(/chaos: every order reconciled \(seed \d+\)/);
    const summary = /\n(\d+) +\d+ +(\d+) +(\d+) +(\d+) +\d+ +0\n/.exec(result.stdout);
    expect(summary?.[1]).toBe(orders);
    expect(Number(summary?.[2])).toBeGreaterThan(0);
    expect(Number(summary?.[3])).toBeGreaterThanOrEqual(3);
    expect(result.code).toBe(0);
  }, 320_000);
});
