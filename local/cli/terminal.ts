import { safeText } from '../shared/display.js';

/**
 * swfctl's output boundary: everything it writes to the terminal passes here, so no text that came from SWF or
 * a caller can drive the terminal (retitle it, clear it, draw a fake line). Layout newlines stay; values are
 * escaped to one line where they are placed (see format.ts).
 */
export const print = (text: string): void => {
  process.stdout.write(`${safeText(text, { keepNewlines: true })}\n`);
};

/** A value as indented JSON (JSON already escapes C0 controls; DEL, C1 and bidi controls are escaped here). */
export const printJson = (value: unknown): void => print(JSON.stringify(value, null, 2));

/** One message on stderr, escaped the same way. */
export const printError = (text: string): void => {
  process.stderr.write(`${safeText(text, { keepNewlines: true })}\n`);
};
