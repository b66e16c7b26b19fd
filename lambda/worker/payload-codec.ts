import { createHash } from 'node:crypto';
import { parseBoundedJson } from '../workflow/bounded-json.js';
import {
  isPayloadRef,
  PayloadCorrupt,
  PayloadForeign,
  PayloadMissing,
  type PayloadRef,
  type PayloadStore,
  printableAddress,
} from '../workflow/payloads.js';
import type { Json, JsonObject } from '../workflow/types.js';

/** Payloads above this many characters of JSON are stored, and a reference travels instead (SWF_OFFLOAD_THRESHOLD). */
export const DEFAULT_OFFLOAD_THRESHOLD = 8_192;

const sha256Of = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

/** Stores a JSON text and returns its reference. */
export async function storePayload(store: PayloadStore, text: string): Promise<PayloadRef> {
  const sha256 = sha256Of(text);
  await store.put(sha256, text);
  return { $payload: { address: store.address(sha256), size: text.length, sha256 } };
}

/**
 * Reads a reference's body back, checking its address (this store's own for that hash), size and hash; a foreign
 * reference, or a missing or changed body, is a non-retryable error naming it.
 */
export async function loadPayload(store: PayloadStore, ref: PayloadRef): Promise<Json> {
  const own = store.address(ref.$payload.sha256);
  if (ref.$payload.address !== own) throw new PayloadForeign(ref, own);
  const body = await store.get(ref.$payload.sha256);
  if (body === undefined) throw new PayloadMissing(ref);
  if (body.length !== ref.$payload.size)
    throw new PayloadCorrupt(ref, `${body.length} characters, the reference says ${ref.$payload.size}`);
  if (sha256Of(body) !== ref.$payload.sha256) throw new PayloadCorrupt(ref, 'its SHA-256 differs');
  const parsed = parseBoundedJson(body);
  if (!parsed.ok) throw new PayloadCorrupt(ref, parsed.error);
  return parsed.value as Json;
}

/**
 * A JSON value as it travels through SWF: itself when its JSON fits within `threshold` characters; else, for an
 * object, its largest fields stored one by one (so small fields, which rules may read, stay in the history)
 * until the rest fits; else the whole value stored. Without a store, the value itself.
 */
export async function offloadValue(
  store: PayloadStore | undefined,
  value: Json,
  threshold = DEFAULT_OFFLOAD_THRESHOLD,
): Promise<Json> {
  if (!store) return value;
  const text = JSON.stringify(value);
  if (text.length <= threshold) return value;
  if (value && typeof value === 'object' && !Array.isArray(value) && !isPayloadRef(value)) {
    const object: JsonObject = { ...value };
    const sizes = Object.entries(object)
      .map(([key, field]) => [key, JSON.stringify(field).length] as const)
      .sort((a, b) => b[1] - a[1]);
    let length = text.length;
    for (const [key, size] of sizes) {
      if (length <= threshold || size < 256) break;
      const ref = await storePayload(store, JSON.stringify(object[key]));
      object[key] = ref as unknown as Json;
      length += JSON.stringify(ref).length - size;
    }
    if (length <= threshold) return object;
  }
  return (await storePayload(store, text)) as unknown as Json;
}

/** A value with its references (the value itself, or one of its fields) replaced by what they stand for. */
export async function resolveValue(store: PayloadStore | undefined, value: Json): Promise<Json> {
  if (isPayloadRef(value)) {
    if (!store) throw new PayloadMissing(value);
    return resolveValue(store, await loadPayload(store, value));
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) return value;
  if (!Object.values(value).some(isPayloadRef)) return value;
  const resolved: JsonObject = {};
  for (const [key, field] of Object.entries(value)) {
    resolved[key] = isPayloadRef(field) ? await resolveValue(store, field) : field;
  }
  return resolved;
}

/** The references in a value (itself or its fields), for views that show sizes. */
export function refsIn(value: unknown): PayloadRef[] {
  if (isPayloadRef(value)) return [value];
  if (!value || typeof value !== 'object' || Array.isArray(value)) return [];
  return Object.values(value).filter(isPayloadRef);
}

/** A payload a view resolved (or could not), with where it was and how large it is. */
export interface ShownPayload {
  /** Where in the run it was: `input.items`, `ProcessData#1 result`, `result.ProcessData.totals`. */
  where: string;
  address: string;
  size: number;
  /** false: left as its reference (larger than the view shows, or missing from the store: see `problem`). */
  resolved: boolean;
  problem?: string;
}

/**
 * A value for people: its references (the value itself, or its fields) replaced by the stored values, each
 * listed in `shown` with its size; a body above `maxChars`, or one that cannot be read, stays a reference.
 */
export async function resolveForDisplay(
  store: PayloadStore | undefined,
  value: Json | undefined,
  where: string,
  shown: ShownPayload[],
  maxChars = 16_000_000,
): Promise<Json | undefined> {
  if (value === undefined) return undefined;
  if (isPayloadRef(value)) {
    const entry: ShownPayload = {
      where,
      address: printableAddress(value.$payload.address),
      size: value.$payload.size,
      resolved: false,
    };
    shown.push(entry);
    if (!store) {
      entry.problem = 'no payload store is configured here';
      return value;
    }
    if (value.$payload.size > maxChars) {
      entry.problem = `larger than the ${maxChars.toLocaleString('en-US')} characters this view shows`;
      return value;
    }
    try {
      const body = await loadPayload(store, value);
      entry.resolved = true;
      return resolveForDisplay(store, body, where, shown, maxChars);
    } catch (error) {
      entry.problem = (error as Error).message;
      return value;
    }
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) return value;
  if (!Object.values(value).some(isPayloadRef)) return value;
  const resolved: JsonObject = {};
  for (const [key, field] of Object.entries(value))
    resolved[key] = (await resolveForDisplay(store, field, `${where}.${key}`, shown, maxChars)) as Json;
  return resolved;
}
