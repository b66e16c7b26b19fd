import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readAssembly, synthesize } from '../local/rehearse/assembly.js';
import { percentile } from './harness.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const POLLERS = {
  decider: 'PollersDeciderFunction',
  activityWorker: 'PollersActivityWorkerFunction',
} as const;

export interface BundleFigures {
  profile: string;
  fn: string;
  bundleKb: number;
  sourceMapKb: number;
  loadMsMedian: number;
  loadMsP90: number;
}

/**
 * Cold module load of one bundle: a fresh Node.js process requires it with the function's NODE_OPTIONS (source
 * maps are parsed at load when enabled), the AWS SDK found on NODE_PATH when the bundle leaves it to the runtime.
 */
function loadMs(bundle: string, nodeOptions: string | undefined): number {
  const script = `const t=performance.now();require(${JSON.stringify(bundle)});process.stdout.write(String(performance.now()-t))`;
  const run = spawnSync(process.execPath, ['-e', script], {
    env: {
      PATH: process.env.PATH,
      NODE_PATH: join(ROOT, 'node_modules'),
      ...(nodeOptions ? { NODE_OPTIONS: nodeOptions } : {}),
      // The handlers validate their configuration at load, as in Lambda.
      SWF_EFFECTS: 'aws',
      ORDERS_TABLE: 'orders',
      ORDER_EVENTS_TOPIC_ARN: 'arn:aws:sns:us-east-1:123456789012:events',
      AWS_REGION: 'us-east-1',
      POWERTOOLS_DEV: 'true',
    },
    encoding: 'utf8',
  });
  if (run.status !== 0) throw new Error(`loading ${bundle} failed: ${run.stderr}`);
  return Number(run.stdout);
}

/**
 * Each poller's bundle size and cold module-load time, per bundling profile, side by side in one run: every
 * profile warmed alike, loads interleaved, medians reported. `baseline` adds an assembly synthesized earlier.
 */
export async function measureBundles(options: {
  iterations: number;
  baseline?: string;
}): Promise<BundleFigures[]> {
  const directory = mkdtempSync(join(tmpdir(), 'bundles-'));
  try {
    const profiles: { profile: string; dir: string }[] = [];
    if (options.baseline && existsSync(options.baseline))
      profiles.push({ profile: 'baseline', dir: options.baseline });
    for (const production of [false, true]) {
      const dir = join(directory, production ? 'production' : 'default');
      await synthesize(dir, { stage: 'bench', production: String(production) });
      profiles.push({ profile: production ? 'production' : 'default', dir });
    }
    const targets = profiles.flatMap(({ profile, dir }) => {
      const assembly = readAssembly(dir);
      return Object.entries(POLLERS).map(([fn, prefix]) => {
        const found = [...assembly.functions.values()].find((f) => f.logicalId.startsWith(prefix));
        if (!found) throw new Error(`no ${prefix} in ${dir}`);
        const bundle = join(found.bundleDir, 'index.js');
        return {
          profile,
          fn,
          bundle,
          nodeOptions: found.environment.NODE_OPTIONS as string | undefined,
          samples: [] as number[],
        };
      });
    });
    for (const target of targets) loadMs(target.bundle, target.nodeOptions); // warm the file cache alike
    for (let i = 0; i < options.iterations; i++)
      for (const target of targets) target.samples.push(loadMs(target.bundle, target.nodeOptions));
    return targets.map((t) => {
      const sorted = [...t.samples].sort((a, b) => a - b);
      const map = `${t.bundle}.map`;
      return {
        profile: t.profile,
        fn: t.fn,
        bundleKb: Math.round(statSync(t.bundle).size / 1024),
        sourceMapKb: existsSync(map) ? Math.round(statSync(map).size / 1024) : 0,
        loadMsMedian: Number(percentile(sorted, 50).toFixed(1)),
        loadMsP90: Number(percentile(sorted, 90).toFixed(1)),
      };
    });
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}
