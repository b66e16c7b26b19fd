import { maskCardNumbers } from '../workflow/card-data.js';

/**
 * What views (swfctl, the console, the operations function) do to a history before they show it. A raw SWF
 * caller can store what our entry check would refuse (a card number in a signal, a terminate reason, a start
 * input); we cannot refuse it there, so views mask it: every card number down to its last four digits.
 */
export function maskedForView<T>(value: T): T {
  return mapStrings(value, maskCardNumbers) as T;
}

/** A copy of plain objects and arrays with every string (keys too) passed through `map`; other objects kept. */
function mapStrings(value: unknown, map: (text: string) => string): unknown {
  if (typeof value === 'string') return map(value);
  if (Array.isArray(value)) return value.map((item) => mapStrings(item, map));
  if (value && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [map(key), mapStrings(item, map)]));
  }
  return value;
}
