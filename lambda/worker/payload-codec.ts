import { createHash } from 'node:crypto';
import { parseBoundedJson } from '../workflow/bounded-json.js';
import {
  isPayloadRef,
  PayloadBudgetExceeded,
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
 * Stores again every body a value references, at any depth, so each one's age starts over: a run that carries
 * another run's references (a resume) then keeps its bodies as long as a run of its own, however long ago the
 * source stored them. Each body is checked first as `loadPayload` checks it: a foreign, missing or changed body
 * throws its error and nothing is stored. Returns how many bodies were stored again.
 */
export async function restorePayloads(store: PayloadStore, value: unknown): Promise<number> {
  const refs = new Map<string, PayloadRef>();
  const walk = (node: unknown): void => {
    if (isPayloadRef(node)) refs.set(node.$payload.sha256, node);
    else if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object') Object.values(node).forEach(walk);
  };
  walk(value);
  const bodies: [string, string][] = [];
  for (const ref of refs.values()) {
    const own = store.address(ref.$payload.sha256);
    if (ref.$payload.address !== own) throw new PayloadForeign(ref, own);
    const body = await store.get(ref.$payload.sha256);
    if (body === undefined) throw new PayloadMissing(ref);
    if (body.length !== ref.$payload.size || sha256Of(body) !== ref.$payload.sha256)
      throw new PayloadCorrupt(ref, 'its size or SHA-256 differs from the reference');
    bodies.push([ref.$payload.sha256, body]);
  }
  for (const [sha256, body] of bodies) await store.put(sha256, body);
  return bodies.length;
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

/**
 * The most characters of stored payloads one activity task resolves (its input and the results before it), a body
 * counted each time a reference to it appears, since the activity sees that many copies. 32 MiB is about 20 times
 * the largest order an input may hold (25,000 lines, about 1.5 MB) with all its results, and its text plus its
 * parsed form (about twice the text) stays well within the activity worker's 256 MB.
 */
export const ACTIVITY_PAYLOAD_BUDGET_CHARS = 32 * 2 ** 20;
/** The most characters of stored payloads one view shows (swfctl history and describe, the console's run page). */
export const VIEW_PAYLOAD_BUDGET_CHARS = 16 * 2 ** 20;
/** What the operations function's history inlines, at most: its answer must fit Lambda's 6 MB response. */
export const OPERATIONS_PAYLOAD_BUDGET_CHARS = 4 * 2 ** 20;

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
  /** The reference's address, escaped and cut short when it is not plain printable text. */
  address: string;
  size: number;
  /** false: left as its reference (larger than the view shows, past its budget, unreadable: see `problem`). */
  resolved: boolean;
  problem?: string;
}

/** A value with its references resolved, and the stored characters that took (each reference counted). */
interface Resolved {
  value: Json;
  chars: number;
}

/** Where a view is, and what it lists, while it resolves. */
interface ViewState {
  where: string;
  shown: ShownPayload[];
  maxChars: number;
  /** Set: every reference stays one, for this reason. */
  referencesOnly?: string;
}

/**
 * Resolves references for one activity task or one view: each body is read, checked and parsed once (the same
 * hash again is the same value, shared: treat it as read-only), and the stored characters resolved, each
 * reference counted, stay within `budgetChars`. An activity past the budget fails with `PayloadBudgetExceeded`;
 * a view leaves the references past it as they are, and says so.
 */
export class PayloadResolver {
  private readonly bodies = new Map<string, Promise<Resolved>>();
  private spent = 0;

  constructor(
    private readonly store: PayloadStore | undefined,
    readonly budgetChars: number,
  ) {}

  /** The stored characters resolved so far, each reference counted. */
  get spentChars(): number {
    return this.spent;
  }

  /** A value with its references (itself, or its fields) replaced; any problem is a `NonRetryableError` naming it. */
  async resolve(value: Json): Promise<Json> {
    return (await this.expand(value)).value;
  }

  /**
   * A value for people: its references replaced by the stored values, each listed in `shown` with its size; a
   * body above `maxChars`, past the budget, or unreadable stays a reference, and its entry says why.
   */
  async display(
    value: Json | undefined,
    where: string,
    shown: ShownPayload[],
    options: { maxChars?: number; referencesOnly?: string } = {},
  ): Promise<Json | undefined> {
    if (value === undefined) return undefined;
    const maxChars = options.maxChars ?? Number.POSITIVE_INFINITY;
    const view = { where, shown, maxChars, referencesOnly: options.referencesOnly };
    return (await this.expand(value, view)).value;
  }

  private async expand(value: Json, view?: ViewState): Promise<Resolved> {
    if (isPayloadRef(value)) return view ? this.show(value, view) : this.body(value);
    if (
      !value ||
      typeof value !== 'object' ||
      Array.isArray(value) ||
      !Object.values(value).some(isPayloadRef)
    )
      return { value, chars: 0 };
    const resolved: JsonObject = {};
    let chars = 0;
    for (const [key, field] of Object.entries(value)) {
      if (!isPayloadRef(field)) {
        resolved[key] = field;
        continue;
      }
      const inner = await this.expand(field, view && { ...view, where: `${view.where}.${key}` });
      resolved[key] = inner.value;
      chars += inner.chars;
    }
    return { value: resolved, chars };
  }

  private async show(ref: PayloadRef, view: ViewState): Promise<Resolved> {
    const entry: ShownPayload = {
      where: view.where,
      address: printableAddress(ref.$payload.address),
      size: ref.$payload.size,
      resolved: false,
    };
    view.shown.push(entry);
    const kept = (problem: string): Resolved => {
      entry.problem = problem;
      return { value: ref as unknown as Json, chars: 0 };
    };
    if (view.referencesOnly) return kept(view.referencesOnly);
    if (!this.store) return kept('no payload store is configured here');
    if (ref.$payload.size > view.maxChars)
      return kept(`larger than the ${view.maxChars.toLocaleString('en-US')} characters this view shows`);
    try {
      const resolved = await this.body(ref, view);
      entry.resolved = true;
      return resolved;
    } catch (error) {
      if (error instanceof PayloadBudgetExceeded)
        return kept(
          `past the ${this.budgetChars.toLocaleString('en-US')} characters of stored payloads this view shows (a body shown again counts again)`,
        );
      return kept((error as Error).message);
    }
  }

  /** A reference's body, resolved in turn: read once per hash, charged to the budget each time. */
  private async body(ref: PayloadRef, view?: ViewState): Promise<Resolved> {
    const store = this.store;
    if (!store) throw new PayloadMissing(ref);
    const own = store.address(ref.$payload.sha256);
    // Checked before the cache too: a forged reference to a body read before is still not one this store wrote.
    if (ref.$payload.address !== own) throw new PayloadForeign(ref, own);
    const key = `${ref.$payload.sha256}:${ref.$payload.size}`;
    const cached = this.bodies.get(key);
    if (cached) {
      const resolved = await cached;
      this.charge(resolved.chars, ref);
      return resolved;
    }
    // Charged before it is read: a body past the budget is never read at all.
    this.charge(ref.$payload.size, ref);
    const loading = (async () => {
      try {
        const inner = await this.expand(await loadPayload(store, ref), view);
        return { value: inner.value, chars: ref.$payload.size + inner.chars };
      } catch (error) {
        this.spent -= ref.$payload.size;
        throw error;
      }
    })();
    this.bodies.set(key, loading);
    return loading;
  }

  private charge(chars: number, ref: PayloadRef): void {
    if (this.spent + chars > this.budgetChars) throw new PayloadBudgetExceeded(this.budgetChars, ref);
    this.spent += chars;
  }
}

/** A value with its references (the value itself, or one of its fields) replaced, within an activity's budget. */
export function resolveValue(store: PayloadStore | undefined, value: Json): Promise<Json> {
  return new PayloadResolver(store, ACTIVITY_PAYLOAD_BUDGET_CHARS).resolve(value);
}
