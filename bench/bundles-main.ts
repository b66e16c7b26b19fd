import { table } from '../local/cli/format.js';
import { measureBundles } from './bundles.js';

/** `npm run bench:bundles [-- --baseline <cdk.out dir>]`: poller bundle sizes and cold load times per profile. */
const baselineIndex = process.argv.indexOf('--baseline');
const figures = await measureBundles({
  iterations: Number(process.env.BENCH_ITERATIONS ?? 15),
  baseline: baselineIndex > 0 ? process.argv[baselineIndex + 1] : undefined,
});
console.log(
  table(
    ['profile', 'function', 'bundle KB', 'source map KB', 'load ms (median)', 'load ms (p90)'],
    figures.map((f) => [f.profile, f.fn, f.bundleKb, f.sourceMapKb, f.loadMsMedian, f.loadMsP90].map(String)),
  ),
);
