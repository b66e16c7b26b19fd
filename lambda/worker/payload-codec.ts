import { createHash } from 'node:crypto';
import { parseBoundedJson } from '../workflow/bounded-json.js';
import {
  isPayloadRef,
  PayloadCorrupt,
  PayloadMissing,
  type PayloadRef,
  type PayloadStore,
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

/** Reads a reference's body back, checking its size and hash; a missing or changed body is a non-retryable error naming it. */
export async function loadPayload(store: PayloadStore, ref: PayloadRef): Promise<Json> {
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
