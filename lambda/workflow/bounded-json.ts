import type { Json } from './types.js';

/**
 * The one way JSON from outside enters this code: start inputs, signal inputs, results and details read back
 * from a history, request bodies, payload bodies and files. A 10 KB input nested 5,000 levels deep parses, but
 * every recursive reader after it (JSON.stringify, zod, structuredClone) throws RangeError; in a decider that
 * means a decision task timing out again and again, in a view a run nobody can look at. So size and depth are
 * bounded before anything parses, and a failure is an answer in words, never an exception.
 */
export const MAX_JSON_DEPTH = 64;

/**
 * The longest JSON text parsed here unless a caller says less: far above any real input (a 25,000-line order is
 * about 1.5 M characters), far below what exhausts a process.
 */
export const MAX_JSON_CHARS = 64 * 2 ** 20;

/** Why a text was not read: too long, nested too deep, or not JSON at all. */
export type JsonProblem = 'tooLarge' | 'tooDeep' | 'notJson';

export type BoundedJson = { ok: true; value: unknown } | { ok: false; error: string; problem: JsonProblem };

export interface JsonBounds {
  maxDepth?: number;
  maxChars?: number;
  /** What the text is, for the error ("the input", "the signal input", "the request body"). */
  what?: string;
}

/** Why a JSON text nests deeper than `maxDepth`, found in one pass without parsing (strings are skipped). */
export function jsonTextDepthProblem(
  text: string,
  maxDepth = MAX_JSON_DEPTH,
  what = 'the input',
): string | undefined {
  let depth = 0;
  let inString = false;
  for (let index = 0; index < text.length; index++) {
    const char = text.charCodeAt(index);
    if (inString) {
      if (char === 92 /* \ */) index++;
      else if (char === 34 /* " */) inString = false;
      continue;
    }
    if (char === 34) inString = true;
    else if (char === 123 /* { */ || char === 91 /* [ */) {
      depth++;
      if (depth > maxDepth) return depthProblem(maxDepth, what);
    } else if (char === 125 /* } */ || char === 93 /* ] */) depth--;
  }
  return undefined;
}

/** Why a parsed value nests deeper than `maxDepth` (an iterative walk: it never overflows the stack itself). */
export function valueDepthProblem(
  value: unknown,
  maxDepth = MAX_JSON_DEPTH,
  what = 'the input',
): string | undefined {
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [entry, depth] = stack.pop() as [unknown, number];
    if (entry === null || typeof entry !== 'object') continue;
    if (depth + 1 > maxDepth) return depthProblem(maxDepth, what);
    for (const child of Array.isArray(entry) ? entry : Object.values(entry)) stack.push([child, depth + 1]);
  }
  return undefined;
}

const depthProblem = (maxDepth: number, what: string) =>
  `${what} nests lists and objects more than ${maxDepth} levels deep; flatten it (no real input needs that many)`;

/** Parses JSON text within the size and depth bounds; the error says what is wrong in words. */
export function parseBoundedJson(text: string, bounds: JsonBounds = {}): BoundedJson {
  const what = bounds.what ?? 'the input';
  const maxChars = bounds.maxChars ?? MAX_JSON_CHARS;
  if (text.length > maxChars)
    return {
      ok: false,
      problem: 'tooLarge',
      error: `${what} is ${text.length.toLocaleString('en-US')} characters; at most ${maxChars.toLocaleString('en-US')} are read`,
    };
  const tooDeep = jsonTextDepthProblem(text, bounds.maxDepth ?? MAX_JSON_DEPTH, what);
  if (tooDeep) return { ok: false, problem: 'tooDeep', error: tooDeep };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (error) {
    return {
      ok: false,
      problem: 'notJson',
      error: `${what} is not valid JSON (${(error as Error).message.slice(0, 200)})`,
    };
  }
}

/** The value of a JSON text within the bounds, or undefined when it is none (for fields read when they are there). */
export function jsonOrUndefined(text: string | undefined, bounds: JsonBounds = {}): unknown {
  if (text === undefined || text === '') return undefined;
  const parsed = parseBoundedJson(text, bounds);
  return parsed.ok ? parsed.value : undefined;
}

/** How much of an unreadable text a view shows. */
const SHOWN_CHARS = 200;

/** A value a view could not read, as it shows it: the start of its text and why. */
export interface UnreadableJson {
  $unreadable: { reason: string; text: string };
}

export function isUnreadable(value: unknown): value is UnreadableJson {
  const inner = (value as { $unreadable?: unknown } | null)?.$unreadable;
  return (
    typeof inner === 'object' && inner !== null && typeof (inner as { reason?: unknown }).reason === 'string'
  );
}

/**
 * A text that usually holds JSON, for a view: its value when it is JSON within the bounds; the text itself when it
 * is plain text (a signal's note, a terminate's details); and for a text too deep or too long to read,
 * `{ $unreadable: { reason, text } }` with the start of the text, so the view shows it instead of failing.
 */
export function jsonForView(text: string, bounds: JsonBounds = {}): Json {
  const parsed = parseBoundedJson(text, { what: 'the value', ...bounds });
  if (parsed.ok) return parsed.value as Json;
  if (parsed.problem === 'notJson') return text;
  return {
    $unreadable: {
      reason: parsed.error,
      text: text.length > SHOWN_CHARS ? `${text.slice(0, SHOWN_CHARS)}…` : text,
    },
  };
}
