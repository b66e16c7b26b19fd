import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

let cached: Promise<string> | undefined;

/** The console's browser code, bundled once by esbuild in memory (nothing built is written or committed). */
export function consoleBundle(): Promise<string> {
  cached ??= build({
    entryPoints: [fileURLToPath(new URL('./app/main.ts', import.meta.url))],
    bundle: true,
    write: false,
    format: 'iife',
    target: 'es2022',
    minify: true,
    logLevel: 'silent',
  }).then((result) => result.outputFiles[0]?.text ?? '');
  return cached;
}
