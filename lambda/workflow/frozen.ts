/**
 * Deep-freezes plain objects and arrays, leaving functions and class instances (a zod schema) as they are: a step
 * constant that several workflow versions share cannot then be changed under one of them at run time.
 */
export function frozen<T>(value: T): T {
  if (Array.isArray(value) || isPlainObject(value)) {
    for (const child of Object.values(value as object)) frozen(child);
    Object.freeze(value);
  }
  return value;
}

function isPlainObject(value: unknown): value is object {
  if (typeof value !== 'object' || value === null) return false;
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}
