import { parseBoundedJson, valueDepthProblem } from './bounded-json.js';
import { cardNumberPaths, cardProblem, containsCardNumber } from './card-data.js';
import { ValidationError } from './errors.js';
import { SWF_LIMITS } from './swf-names.js';

/**
 * The entry check for everything a caller sends before it reaches SWF: a start input, a signal's name and input,
 * a terminate reason, an operator's note. Size and depth first (a deeper value would overflow every reader after
 * it, this check included), then card numbers, which SWF would keep in the history for the domain's whole
 * retention. Every send path calls it once, before anything is sent, so a refusal changes nothing in SWF.
 */

/** The problems of a parsed value: too deep (then nothing else is read), else the path of every card number. */
export function valueProblems(
  value: unknown,
  options: { what?: string; cardAdvice?: string } = {},
): { tooDeep: boolean; problems: string[] } {
  const tooDeep = valueDepthProblem(value, undefined, options.what);
  if (tooDeep) return { tooDeep: true, problems: [tooDeep] };
  return {
    tooDeep: false,
    problems: cardNumberPaths(value).map((path) => cardProblem(path, options.cardAdvice)),
  };
}

/** What to do about a card number in a note or a reason (a start input's advice is a payment token). */
const LEAVE_IT_OUT = 'leave it out (the last four digits are enough to name a card)';

/** The problems of a free text (a reason, a note, a name): longer than `maxChars`, or holding a card number. */
export function textProblems(text: string, options: { what: string; maxChars: number }): string[] {
  if (text.length > options.maxChars)
    return [`${options.what}: is ${text.length} characters; at most ${options.maxChars} are accepted`];
  return containsCardNumber(text) ? [cardProblem(options.what, LEAVE_IT_OUT)] : [];
}

/**
 * The problems of a signal's input: longer than SWF takes, JSON nested too deep, or a card number in any field
 * (plain text is scanned as it is).
 */
export function signalInputProblems(input: string): string[] {
  if (input.length > SWF_LIMITS.data)
    return [`signal input: is ${input.length} characters; SWF accepts at most ${SWF_LIMITS.data}`];
  if (!/^\s*[[{"]/.test(input))
    return textProblems(input, { what: 'signal input', maxChars: SWF_LIMITS.data });
  const parsed = parseBoundedJson(input, { what: 'the signal input' });
  if (!parsed.ok && parsed.problem !== 'notJson') return [parsed.error];
  if (!parsed.ok) return textProblems(input, { what: 'signal input', maxChars: SWF_LIMITS.data });
  return valueProblems(parsed.value, { what: 'the signal input', cardAdvice: LEAVE_IT_OUT }).problems;
}

/** What a caller sends with a signal or a terminate; each field present is checked. */
export interface CallerInput {
  signalName?: string;
  signalInput?: string;
  reason?: string;
}

/**
 * Refuses, with every problem in words, what a caller sends with a signal or a terminate: called once at the
 * start of each send path (swfctl, the console, the operations function), before anything reaches SWF.
 */
export function checkCallerInput(input: CallerInput): void {
  const problems = [
    ...(input.signalName !== undefined
      ? textProblems(input.signalName, { what: 'signal name', maxChars: SWF_LIMITS.id })
      : []),
    ...(input.signalInput !== undefined ? signalInputProblems(input.signalInput) : []),
    ...(input.reason !== undefined
      ? textProblems(input.reason, { what: 'reason', maxChars: SWF_LIMITS.reason })
      : []),
  ];
  if (problems.length === 0) return;
  const subject =
    input.signalInput !== undefined || input.signalName !== undefined ? 'signal' : 'terminate request';
  throw new ValidationError(problems, { subject });
}
