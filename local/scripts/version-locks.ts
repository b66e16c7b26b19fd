/**
 * Reading and extending the modules' version locks (`versions.lock.json`): `npm run versions:lock` records every
 * new workflow version; a released version whose definition changed is refused, and nothing is written.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../../lambda/workflow/index.js';
import type { WorkflowModule } from '../../lambda/workflow/module.js';
import { WORKFLOW_MODULES } from '../../lambda/workflow/modules.js';
import type { WorkflowSpec } from '../../lambda/workflow/spec.js';
import { extendLock, type VersionLock } from '../../lambda/workflow/version-lock.js';

const ROOT = new URL('../../', import.meta.url);
const BIOME = fileURLToPath(new URL('node_modules/@biomejs/biome/bin/biome', ROOT));

/** The configuration shapes are taken under: the defaults, whatever this shell's environment says. */
export const LOCK_CONFIG = loadConfig({});

/** A module's lock as checked in, or undefined before its first version is recorded. */
export function readLock(module: WorkflowModule): VersionLock | undefined {
  const file = new URL(module.versionLock, ROOT);
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as VersionLock) : undefined;
}

/** The version specs a module defines under the lock's configuration. */
export function lockedSpecs(module: WorkflowModule): WorkflowSpec[] {
  return module.definitions(LOCK_CONFIG);
}

/** Records every module's new versions in its lock; writes nothing and returns false if any is refused. */
export function recordNewVersions(log: (line: string) => void): boolean {
  const results = WORKFLOW_MODULES.map((module) => ({
    module,
    ...extendLock(readLock(module), lockedSpecs(module), module.versionLock),
  }));
  const refused = results.flatMap((result) => result.refused);
  if (refused.length > 0) {
    log(`Nothing written.\n${refused.join('\n')}`);
    return false;
  }
  for (const { module, lock, added } of results) {
    if (added.length === 0) {
      log(`${module.name}: up to date (${Object.keys(lock.versions).join(', ')})`);
      continue;
    }
    const file = fileURLToPath(new URL(module.versionLock, ROOT));
    writeFileSync(file, `${JSON.stringify(lock, null, 2)}\n`);
    // The project's formatter lays the file out, so the lock passes `npm run lint` as written.
    execFileSync(process.execPath, [BIOME, 'format', '--write', file], { stdio: 'ignore' });
    log(`${module.name}: recorded version ${added.join(', ')} in ${module.versionLock}`);
  }
  return true;
}
