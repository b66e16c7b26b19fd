/**
 * Payment card numbers (PANs) found anywhere in text: free text, e-mail addresses, digits grouped with spaces,
 * dots or dashes, full-width digits. A candidate is a maximal run of 13 to 19 digits (one separator allowed
 * between two digits) that has a card brand's prefix and length and passes the Luhn check, so ordinary numbers
 * (timestamps, phone numbers, ISBNs, IBANs, order ids) pass. No function here ever returns the number itself.
 */

/** Digits with at most one space, dot, dash or no-break space between two of them, bounded by non-digits. */
const RUN = /(?<!\d[ .\-\u00a0]?)\d(?:[ .\-\u00a0]?\d){12,22}(?![ .\-\u00a0]?\d)/g;

/** Brand prefixes and the lengths each brand issues (ISO/IEC 7812 ranges in use). */
const BRANDS: { prefix: RegExp; lengths: number[] }[] = [
  { prefix: /^4/, lengths: [13, 16, 19] }, // Visa
  { prefix: /^(5[1-5]|2(2[2-9][1-9]|2[3-9]\d|[3-6]\d\d|7[01]\d|720))/, lengths: [16] }, // Mastercard
  { prefix: /^3[47]/, lengths: [15] }, // American Express
  { prefix: /^(6011|65|64[4-9])/, lengths: [16, 19] }, // Discover
  { prefix: /^35(2[89]|[3-8]\d)/, lengths: [16, 17, 18, 19] }, // JCB
  { prefix: /^3(0[0-5]|[689])/, lengths: [14, 16, 19] }, // Diners Club
  { prefix: /^62/, lengths: [16, 17, 18, 19] }, // UnionPay
  { prefix: /^(50|5[6-9]|6[0-9])/, lengths: [12, 13, 14, 15, 16, 17, 18, 19] }, // Maestro
];

export function luhnValid(digits: string): boolean {
  let sum = 0;
  for (let index = 0; index < digits.length; index++) {
    let digit = digits.charCodeAt(digits.length - 1 - index) - 48;
    if (index % 2 === 1) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return sum % 10 === 0;
}

const isCard = (digits: string) =>
  digits.length >= 13 &&
  digits.length <= 19 &&
  BRANDS.some((brand) => brand.prefix.test(digits) && brand.lengths.includes(digits.length)) &&
  luhnValid(digits);

/** Full-width and other Unicode decimal digits read as ASCII digits (NFKC), so ４１１１… is seen. */
const normalized = (text: string) => (/[\u0080-\uffff]/.test(text) ? text.normalize('NFKC') : text);

/** Whether the text holds a payment card number anywhere. */
export function containsCardNumber(text: string): boolean {
  if (text.length < 13) return false;
  for (const match of normalized(text).matchAll(RUN)) {
    if (isCard(match[0].replace(/\D/g, ''))) return true;
  }
  return false;
}

/** The text with every card number replaced by `[card number redacted]` (for logs). */
export function redactCardNumbers(text: string): string {
  if (text.length < 13) return text;
  const plain = normalized(text);
  if (!containsCardNumber(plain)) return text;
  return plain.replace(RUN, (run) => (isCard(run.replace(/\D/g, '')) ? '[card number redacted]' : run));
}

/** The text with every card number masked to its last four digits (`[card ••••1111]`), for views of a history. */
export function maskCardNumbers(text: string): string {
  if (text.length < 13) return text;
  const plain = normalized(text);
  if (!containsCardNumber(plain)) return text;
  return plain.replace(RUN, (run) => {
    const digits = run.replace(/\D/g, '');
    return isCard(digits) ? `[card ••••${digits.slice(-4)}]` : run;
  });
}

/**
 * The paths (`items[2].note`, `customerEmail`) of every string, number or key in a JSON value that holds a card
 * number, within `limit` paths. Keys count too: a number used as a key is stored as well.
 */
export function cardNumberPaths(value: unknown, limit = 20): string[] {
  const paths: string[] = [];
  const visit = (entry: unknown, path: string) => {
    if (paths.length >= limit) return;
    if (typeof entry === 'string' || typeof entry === 'number') {
      if (containsCardNumber(String(entry))) paths.push(path || 'input');
      return;
    }
    if (Array.isArray(entry)) {
      entry.forEach((item, index) => {
        visit(item, `${path}[${index}]`);
      });
      return;
    }
    if (entry && typeof entry === 'object') {
      for (const [key, item] of Object.entries(entry)) {
        const cardKey = containsCardNumber(key);
        const name = cardKey ? '<key>' : key;
        const keyPath = path ? `${path}.${name}` : name;
        if (cardKey) paths.push(keyPath);
        visit(item, keyPath);
      }
    }
  };
  visit(value, '');
  return paths;
}

/** The refusal for a card number at `path`: where it is and what to do instead (`advice`), never the number. */
export const cardProblem = (
  path: string,
  advice = 'send a paymentToken from your payment provider instead',
) =>
  `${path || 'input'}: holds what looks like a payment card number, which is never accepted (it is not repeated here); ${advice}`;
