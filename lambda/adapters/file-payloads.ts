import {
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  statSync,
  unlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import type { PayloadStore } from '../workflow/payloads.js';

/** A body's file name: its SHA-256 in lower-case hex, nothing else. */
const BODY_NAME = /^[0-9a-f]{64}$/;
/** A temporary file `put` writes before renaming it into place: `<sha256>.<pid>.<ms>.tmp`. */
const TEMPORARY_NAME = /^[0-9a-f]{64}\.\d+\.\d+\.tmp$/;
/** A temporary file older than this was left by a writer that died between writing and renaming it. */
const STALE_TEMPORARY_MS = 60 * 60_000;
/** How often a long-running writer expires again (it expires at its first write, then daily). */
const EXPIRY_INTERVAL_MS = 86_400_000;

export interface FilePayloadStoreOptions {
  /**
   * Expire bodies last stored more than this many days ago, at this process's first write and daily after;
   * a process that only reads (`swfctl history`, `describe`, the console) never deletes anything.
   */
  expireAfterDays?: number;
}

/**
 * Payload bodies as files named by their hash, in a directory next to the SQLite data (`.swf-local/payloads/`),
 * shared by every local process: a body is written to a temporary file and renamed into place, so a reader never
 * sees half of one, and two writers of the same body end with the same file.
 */
export class FilePayloadStore implements PayloadStore {
  private lastExpiry = Number.NEGATIVE_INFINITY;

  constructor(
    readonly directory: string,
    private readonly options: FilePayloadStoreOptions = {},
  ) {
    mkdirSync(directory, { recursive: true });
  }

  address(sha256: string): string {
    return `local:payloads/${sha256}`;
  }

  async put(sha256: string, body: string): Promise<void> {
    if (!BODY_NAME.test(sha256))
      throw new Error(`Not a SHA-256 in hex: ${JSON.stringify(sha256.slice(0, 80))}`);
    this.expireWhenDue();
    const path = join(this.directory, sha256);
    try {
      if (statSync(path).size > 0) {
        // Stored before: a new reference to it starts its age again, as a PutObject does in S3.
        const now = new Date();
        utimesSync(path, now, now);
        return;
      }
    } catch {
      // Not stored yet.
    }
    const temporary = `${path}.${process.pid}.${Date.now()}.tmp`;
    writeFileSync(temporary, body, 'utf8');
    renameSync(temporary, path);
  }

  /**
   * Deletes bodies last stored more than `days` ago, as the bucket's lifecycle rule does on AWS (the domain's
   * retention plus a week: no history can still point at them), and temporary files a dead writer left. Only
   * files the store names itself are touched (SWF_PAYLOADS_DIR may point at a folder that holds others). Returns
   * how many it deleted.
   */
  expire(days: number, now = Date.now()): number {
    let deleted = 0;
    for (const name of readdirSync(this.directory)) {
      const maxAgeMs = BODY_NAME.test(name)
        ? days * 86_400_000
        : TEMPORARY_NAME.test(name)
          ? STALE_TEMPORARY_MS
          : undefined;
      if (maxAgeMs === undefined) continue;
      const path = join(this.directory, name);
      try {
        // lstat: a link or a folder under a body's name is not a body this store wrote.
        const stat = lstatSync(path);
        if (stat.isFile() && now - stat.mtimeMs > maxAgeMs) {
          unlinkSync(path);
          deleted++;
        }
      } catch {
        // Gone meanwhile (another process expired it).
      }
    }
    return deleted;
  }

  private expireWhenDue(): void {
    const days = this.options.expireAfterDays;
    const now = Date.now();
    if (days === undefined || now - this.lastExpiry < EXPIRY_INTERVAL_MS) return;
    this.lastExpiry = now;
    this.expire(days, now);
  }

  async get(sha256: string): Promise<string | undefined> {
    if (!BODY_NAME.test(sha256)) return undefined;
    try {
      return readFileSync(join(this.directory, sha256), 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }
}

/** Payload bodies in memory: unit tests only. */
export class MemoryPayloadStore implements PayloadStore {
  readonly bodies = new Map<string, string>();
  address(sha256: string): string {
    return `memory:${sha256}`;
  }
  async put(sha256: string, body: string): Promise<void> {
    if (!this.bodies.has(sha256)) this.bodies.set(sha256, body);
  }
  async get(sha256: string): Promise<string | undefined> {
    return this.bodies.get(sha256);
  }
}
