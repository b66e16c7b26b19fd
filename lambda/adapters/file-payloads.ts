import {
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

/**
 * Payload bodies as files named by their hash, in a directory next to the SQLite data (`.swf-local/payloads/`),
 * shared by every local process: a body is written to a temporary file and renamed into place, so a reader never
 * sees half of one, and two writers of the same body end with the same file.
 */
export class FilePayloadStore implements PayloadStore {
  constructor(readonly directory: string) {
    mkdirSync(directory, { recursive: true });
  }

  address(sha256: string): string {
    return `local:payloads/${sha256}`;
  }

  async put(sha256: string, body: string): Promise<void> {
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
   * retention plus a week: no history can still point at them). Returns how many it deleted.
   */
  expire(days: number, now = Date.now()): number {
    let deleted = 0;
    for (const name of readdirSync(this.directory)) {
      const path = join(this.directory, name);
      try {
        if (now - statSync(path).mtimeMs > days * 86_400_000) {
          unlinkSync(path);
          deleted++;
        }
      } catch {
        // Gone meanwhile (another process expired it).
      }
    }
    return deleted;
  }

  async get(sha256: string): Promise<string | undefined> {
    if (!/^[0-9a-f]{64}$/.test(sha256)) return undefined;
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
