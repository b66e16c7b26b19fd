/**
 * Version locks: each workflow module keeps a checked-in `versions.lock.json` with the shape of every released
 * version (`version-shape.ts`). A released version never changes, because runs in flight replay against it; a
 * new behaviour is a new version. These functions are pure: the script (`npm run versions:lock`) and the test
 * read and write the files.
 */
import type { WorkflowSpec } from './spec.js';
import type { Json, JsonObject } from './types.js';
import { fingerprintOf, type VersionShape, versionShape } from './version-shape.js';

/** The command that records new versions in their module's lock. */
export const LOCK_COMMAND = 'npm run versions:lock';

export interface VersionLockEntry {
  fingerprint: string;
  shape: VersionShape;
}

/** One module's lock file: the workflow type and its released versions, oldest first. */
export interface VersionLock {
  $comment?: string;
  workflow: string;
  versions: Record<string, VersionLockEntry>;
}

const COMMENT = `Released versions of this workflow, frozen: runs in flight replay against them. Written by ${LOCK_COMMAND}, which adds new versions and refuses to change a released one.`;

/** The lock entry a version spec would get. */
export function lockEntryOf(spec: WorkflowSpec): VersionLockEntry {
  const shape = versionShape(spec);
  return { fingerprint: fingerprintOf(shape), shape };
}

/**
 * Every way the definitions disagree with the lock, one sentence each: a released version whose shape changed
 * (what changed, and "add version N+1 instead"), a version with no entry yet, a locked version no longer defined,
 * an entry edited by hand. `lockPath` names the file in the sentences.
 */
export function lockProblems(
  lock: VersionLock | undefined,
  specs: readonly WorkflowSpec[],
  lockPath: string,
): string[] {
  const name = specs[0]?.name ?? lock?.workflow ?? 'workflow';
  const locked = lock?.versions ?? {};
  const problems: string[] = [];
  for (const spec of specs) {
    const entry = locked[spec.version];
    const current = lockEntryOf(spec);
    if (!entry) {
      problems.push(
        `${name} version ${spec.version} has no entry in ${lockPath}: run ${LOCK_COMMAND} to record it (that freezes it)`,
      );
    } else if (entry.fingerprint !== fingerprintOf(entry.shape)) {
      problems.push(
        `${name} version ${spec.version}: its entry in ${lockPath} was edited by hand (the fingerprint does not match the shape); restore the file from git`,
      );
    } else if (entry.fingerprint !== current.fingerprint) {
      const changes = differences(entry.shape, current.shape).map((line) => `\n  - ${line}`);
      problems.push(
        `${name} version ${spec.version} is released and frozen, but its definition no longer matches ${lockPath}:${changes.join('')}\n` +
          `  Runs in flight replay against version ${spec.version}, so put it back as it was and add version ${nextVersion(specs, lock)} instead ` +
          `(a new literal flow in the module's definitions, then ${LOCK_COMMAND}).`,
      );
    }
  }
  for (const version of Object.keys(locked)) {
    if (!specs.some((spec) => spec.version === version))
      problems.push(
        `${name} version ${version} is in ${lockPath} but no longer defined: runs in flight on it could not finish. ` +
          'Define it again; delete its entry by hand only once no run is on it.',
      );
  }
  return problems;
}

/**
 * The lock with an entry added for every defined version it lacks. A released version whose definition
 * changed is refused, never rewritten: `refused` lists the problems, and the lock comes back unchanged.
 */
export function extendLock(
  lock: VersionLock | undefined,
  specs: readonly WorkflowSpec[],
  lockPath: string,
): { lock: VersionLock; added: string[]; refused: string[] } {
  const workflow = specs[0]?.name ?? lock?.workflow ?? '';
  const base: VersionLock = { $comment: COMMENT, workflow, versions: { ...lock?.versions } };
  const refused = lockProblems(lock, specs, lockPath).filter(
    (problem) => !problem.includes(' has no entry '),
  );
  if (refused.length > 0) return { lock: base, added: [], refused };
  const added = specs.filter((spec) => !base.versions[spec.version]).map((spec) => spec.version);
  for (const spec of specs) if (added.includes(spec.version)) base.versions[spec.version] = lockEntryOf(spec);
  return { lock: base, added, refused };
}

/** The version to add instead: one past the highest numbered one, or a word when versions are not numbers. */
function nextVersion(specs: readonly WorkflowSpec[], lock: VersionLock | undefined): string {
  const numbers = [...specs.map((spec) => spec.version), ...Object.keys(lock?.versions ?? {})]
    .map(Number)
    .filter(Number.isInteger);
  return numbers.length > 0 ? String(Math.max(...numbers) + 1) : 'a new version';
}

/** What changed between two shapes, one line per leaf, labelled by flow node rather than by index. */
export function differences(locked: Json, now: Json, path = ''): string[] {
  const where = path || 'the version';
  if (Array.isArray(locked) && Array.isArray(now)) {
    const lockedNames = names(locked);
    const nowNames = names(now);
    if (lockedNames && nowNames) {
      const order =
        lockedNames.join() === nowNames.join()
          ? []
          : [`${where}: the nodes were ${lockedNames.join(', ')}; now ${nowNames.join(', ')}`];
      return [
        ...order,
        ...lockedNames.flatMap((name, index) => {
          const later = nowNames.indexOf(name);
          if (later < 0) return [];
          const node = locked[index] as JsonObject;
          return differences(
            node,
            now[later] as Json,
            `${path} ${String(node.kind ?? 'step')} "${name}"`.trim(),
          );
        }),
      ];
    }
    if (locked.length !== now.length) return [`${where}: locked ${brief(locked)}, now ${brief(now)}`];
    return locked.flatMap((item, index) => differences(item, now[index] as Json, `${path}[${index}]`));
  }
  if (isObject(locked) && isObject(now)) {
    const keys = [...new Set([...Object.keys(locked), ...Object.keys(now)])];
    return keys.flatMap((key) => {
      const next = path ? `${path} > ${key}` : key;
      if (!(key in now)) return [`${next}: locked ${brief(locked[key] as Json)}, now absent`];
      if (!(key in locked)) return [`${next}: not in the lock, now ${brief(now[key] as Json)}`];
      return differences(locked[key] as Json, now[key] as Json, next);
    });
  }
  return JSON.stringify(locked) === JSON.stringify(now)
    ? []
    : [`${where}: locked ${brief(locked)}, now ${brief(now)}`];
}

const isObject = (value: Json): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The names of a list of flow nodes or steps, if every item has one. */
function names(items: Json[]): string[] | undefined {
  const found = items.map((item) =>
    isObject(item) && typeof item.name === 'string' ? item.name : undefined,
  );
  return found.every((name) => name !== undefined) && found.length > 0 ? (found as string[]) : undefined;
}

function brief(value: Json): string {
  const text = JSON.stringify(value);
  return text.length > 160 ? `${text.slice(0, 157)}...` : text;
}
