/**
 * Measures decide() on histories of 1,000, 10,000 and 25,000 events (SWF's hard limit).
 * Not a test: run `npm run bench:decide`. Prints a table and writes bench/results/decide.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { measureDecide } from './decide-histories.js';

const SIZES = (process.env.BENCH_SIZES ?? '1000,10000,25000').split(',').map(Number);
const RUNS = Number(process.env.BENCH_RUNS ?? 30);
const rows = measureDecide(SIZES, RUNS);
const machine = {
  cpu: cpus()[0]?.model ?? 'unknown',
  cores: cpus().length,
  memoryGiB: Math.round(totalmem() / 2 ** 30),
  node: process.version,
};
console.log(`decide() on ${machine.cores} × ${machine.cpu}, Node ${machine.node}, ${RUNS} runs each`);
console.table(rows);
mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
writeFileSync(
  new URL('./results/decide.json', import.meta.url),
  `${JSON.stringify({ benchmark: 'decide', date: new Date().toISOString(), machine, runs: RUNS, rows }, null, 2)}\n`,
);
