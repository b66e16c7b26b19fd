/** Opens a swf-local database as the server does at startup; prints the time it took and the memory it holds. */
import { RealClock } from '../local/server/clock.js';
import { SwfEngine } from '../local/server/engine/engine.js';
import { SqliteStore } from '../local/server/store/sqlite-store.js';

const path = process.argv[2] as string;
const started = performance.now();
const engine = new SwfEngine(new RealClock(), new SqliteStore(path));
const ms = performance.now() - started;
(globalThis as { gc?: () => void }).gc?.();
const memory = process.memoryUsage();
engine.close();
const mb = (bytes: number) => Math.round((bytes / 2 ** 20) * 10) / 10;
console.log(
  JSON.stringify({ ms: Math.round(ms * 10) / 10, heapMb: mb(memory.heapUsed), rssMb: mb(memory.rss) }),
);
