import { redactCardNumbers } from '../workflow/card-data.js';

/** Fields never written to logs: payment data and personal data the inputs carry. */
const SENSITIVE =
  /^(paymentToken|customerEmail|cardNumber|card|cvv|cvc|pan|email|password|secret|token|authorization)$/i;

/**
 * What a log line may carry: sensitive fields, at any depth, replaced with "[redacted]", and a payment card
 * number anywhere in any text (an error message quoting an input, a free-text field that slipped past
 * validation by another path) replaced with "[card number redacted]".
 */
export function redact(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return redactCardNumbers(value);
  if (depth > 8 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((item) => redact(item, depth + 1));
  if (value instanceof Error) return redact({ name: value.name, message: value.message }, depth);
  return Object.fromEntries(
    Object.entries(value as Record<string, unknown>).map(([key, item]) => [
      redactCardNumbers(key),
      SENSITIVE.test(key) ? '[redacted]' : redact(item, depth + 1),
    ]),
  );
}
