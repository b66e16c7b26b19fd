import { isPayloadRef } from '../workflow/payloads.js';
import type { Json, JsonObject } from '../workflow/types.js';

/**
 * Rules (`when`, a sleep's duration) read the input and earlier results as the history holds them, where a large
 * field may be a payload reference. A rule that read one would see `{ $payload }` and judge on nothing (an
 * order's total read as 0 skips its approval), so every read goes through this view, which throws instead:
 * a guard fails closed, never silently.
 */
export class RuleReadPayload extends Error {
  override name = 'RuleReadPayload';
  constructor(readonly path: string) {
    super(
      `the rule read ${path}, which is stored in the payload store (a reference in the history), not inline; a rule may read only inline fields: keep the fields rules read small and at the top of the step's result`,
    );
  }
}

const views = new WeakMap<object, object>();

/** A read-only view of a value that throws `RuleReadPayload` when a read meets a payload reference. */
export function ruleView<T extends Json | JsonObject | Record<string, Json>>(value: T, path: string): T {
  if (value === null || typeof value !== 'object') return value;
  if (isPayloadRef(value)) throw new RuleReadPayload(path);
  const known = views.get(value);
  if (known) return known as T;
  const view = new Proxy(value as object, {
    get(target, key, receiver) {
      const field = Reflect.get(target, key, receiver) as Json;
      if (typeof key === 'symbol') return field;
      const where = Array.isArray(target) ? `${path}[${key}]` : `${path}.${key}`;
      if (isPayloadRef(field)) throw new RuleReadPayload(where);
      return field !== null && typeof field === 'object' ? ruleView(field, where) : field;
    },
    set: () => false,
    deleteProperty: () => false,
  });
  views.set(value, view);
  return view as T;
}
