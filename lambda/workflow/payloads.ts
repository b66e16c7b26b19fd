import { durationSeconds } from './durations.js';
import { CatalogError, NonRetryableError } from './errors.js';
import type { Catalog } from './module.js';

/**
 * Large payloads live outside SWF (which takes at most 32,768 characters per field): a workflow input, an
 * activity result or close details above the offload threshold is stored under its content address, and this
 * small reference takes its place in the history. The decider passes references on and never reads them; the
 * workers resolve them (checking size and hash) before an activity runs, and every view resolves them for display.
 */
export interface PayloadRef {
  $payload: {
    /** Where the body is: `s3://bucket/payloads/<sha256>`, or `local:payloads/<sha256>`. */
    address: string;
    /** The body's length in characters (its JSON text). */
    size: number;
    /** The body's SHA-256, hex: the content address. */
    sha256: string;
  };
}

/** A store of payload bodies by content address: S3 on AWS, a directory next to the SQLite data locally. */
export interface PayloadStore {
  /** Where a body with this hash is (or would be) kept, for the reference. */
  address(sha256: string): string;
  /** Stores a body under its hash; storing the same body again changes nothing. */
  put(sha256: string, body: string): Promise<void>;
  /** The body stored under the hash, or undefined when there is none. */
  get(sha256: string): Promise<string | undefined>;
}

/**
 * An address as it may be printed: itself when it is plain printable ASCII of a sane length (what every store
 * writes); else quoted, with control, bidirectional and other invisible characters escaped, and cut to 80
 * characters (a forged reference's address may hold terminal escapes).
 */
export function printableAddress(address: string): string {
  if (/^[\x21-\x7e]{1,200}$/.test(address)) return address;
  const cut = address.length > 80 ? `${address.slice(0, 80)}…` : address;
  return JSON.stringify(cut).replace(
    /[\u007f-\u009f\u00ad\u061c\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/** A reference whose body is not in the store: the attempt cannot run, and retrying will not help. */
export class PayloadMissing extends NonRetryableError {
  override name = 'PayloadMissing';
  constructor(ref: PayloadRef) {
    super(
      `The payload ${printableAddress(ref.$payload.address)} (${ref.$payload.size} characters) is missing from the payload store (it may have expired, been deleted, or never been stored here); start the run again with its input`,
    );
  }
}

/**
 * A reference whose address is not the one this store gives its hash: the store never wrote it (it was forged,
 * or made for another store), so it is not read, whatever the store holds under that hash.
 */
export class PayloadForeign extends NonRetryableError {
  override name = 'PayloadForeign';
  constructor(ref: PayloadRef, ownAddress: string) {
    super(
      `The payload reference ${printableAddress(ref.$payload.address)} is not a reference this store wrote (this store keeps that SHA-256 at ${ownAddress}); references are made by the starter and the workers: start the run again with its input`,
    );
  }
}

/**
 * References that resolve to more stored characters than a task may take (a body counts each time a reference
 * to it appears, as the activity sees that many copies): the same input would do the same on every attempt.
 */
export class PayloadBudgetExceeded extends NonRetryableError {
  override name = 'PayloadBudgetExceeded';
  constructor(budgetChars: number, ref: PayloadRef) {
    super(
      `The references in this task resolve to more than ${budgetChars.toLocaleString('en-US')} characters of stored payloads, the most one activity task resolves (a body counts each time a reference to it appears; ${printableAddress(ref.$payload.address)} of ${ref.$payload.size.toLocaleString('en-US')} characters went past it): pass fewer or smaller references`,
    );
  }
}

/** A body that does not match its reference's size or hash: it was changed after it was stored. */
export class PayloadCorrupt extends NonRetryableError {
  override name = 'PayloadCorrupt';
  constructor(ref: PayloadRef, why: string) {
    super(
      `The payload ${printableAddress(ref.$payload.address)} does not match its reference (${why}); it was changed after it was stored`,
    );
  }
}

/** Whether a JSON value is a payload reference. */
export function isPayloadRef(value: unknown): value is PayloadRef {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return false;
  const keys = Object.keys(value);
  const inner = (value as { $payload?: unknown }).$payload as Record<string, unknown> | undefined;
  return (
    keys.length === 1 &&
    keys[0] === '$payload' &&
    !!inner &&
    typeof inner.address === 'string' &&
    typeof inner.size === 'number' &&
    typeof inner.sha256 === 'string' &&
    /^[0-9a-f]{64}$/.test(inner.sha256)
  );
}

/** Days a payload outlives the last history that can point at it (clock skew, a start stored before it runs). */
export const PAYLOAD_GRACE_DAYS = 7;

const DAY_SECONDS = 86_400;

/**
 * Days a stored payload must be kept: a run's history stays readable (history, describe, resume) until its close
 * plus the domain's retention, and a run closes at most its executionStartToCloseTimeout after it starts, so its
 * input, stored before the start, must outlive the catalog's longest run, the retention and a grace period.
 * Refuses a workflow without an execution timeout, as no expiry would then be safe.
 */
export function payloadLifetimeDays(
  catalog: Pick<Catalog, 'domain' | 'workflows'>,
  options: { graceDays?: number } = {},
): number {
  const unbounded = catalog.workflows.filter(
    (w) => !Number.isFinite(durationSeconds(w.executionStartToCloseTimeout)),
  );
  if (unbounded.length > 0)
    throw new CatalogError(
      `${unbounded.map((w) => `${w.name}@${w.version}`).join(', ')} has no executionStartToCloseTimeout ("NONE"): its run could read a stored payload at any age, so no payload expiry is safe; give it one (SWF allows up to a year)`,
    );
  const longest = Math.max(
    0,
    ...catalog.workflows.map((w) => durationSeconds(w.executionStartToCloseTimeout)),
  );
  return (
    catalog.domain.retentionDays +
    Math.ceil(longest / DAY_SECONDS) +
    (options.graceDays ?? PAYLOAD_GRACE_DAYS)
  );
}
