/**
 * JSON with a depth bound. A 10 KB input nested 5,000 levels deep parses, but every recursive reader after it
 * (JSON.stringify, zod, structuredClone) throws RangeError; in a decider that means a decision task timing out
 * again and again for the run's whole timeout. Inputs are refused above this depth everywhere they enter:
 * at every start (swfctl, the console, the starter) and in the decider (a run started through the raw API).
 */
export const MAX_JSON_DEPTH = 64;

/** Why a JSON text nests deeper than `maxDepth`, found in one pass without parsing (strings are skipped). */
export function jsonTextDepthProblem(text: string, maxDepth = MAX_JSON_DEPTH): string | undefined {
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
      if (depth > maxDepth) return depthProblem(maxDepth);
    } else if (char === 125 /* } */ || char === 93 /* ] */) depth--;
  }
  return undefined;
}

/** Why a parsed value nests deeper than `maxDepth` (an iterative walk: it never overflows the stack itself). */
export function valueDepthProblem(value: unknown, maxDepth = MAX_JSON_DEPTH): string | undefined {
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [entry, depth] = stack.pop() as [unknown, number];
    if (entry === null || typeof entry !== 'object') continue;
    if (depth + 1 > maxDepth) return depthProblem(maxDepth);
    for (const child of Array.isArray(entry) ? entry : Object.values(entry)) stack.push([child, depth + 1]);
  }
  return undefined;
}

const depthProblem = (maxDepth: number) =>
  `the input nests lists and objects more than ${maxDepth} levels deep; flatten it (no real input needs that many)`;

/** Parses JSON text within the depth bound; the error says what is wrong in words. */
export function parseBoundedJson(
  text: string,
  maxDepth = MAX_JSON_DEPTH,
): { ok: true; value: unknown } | { ok: false; error: string } {
  const problem = jsonTextDepthProblem(text, maxDepth);
  if (problem) return { ok: false, error: problem };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (error) {
    return { ok: false, error: `the input is not valid JSON (${(error as Error).message.slice(0, 200)})` };
  }
}
