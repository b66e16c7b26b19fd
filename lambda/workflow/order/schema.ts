import * as z from 'zod';
import { cardProblem, containsCardNumber } from '../card-data.js';
import { ValidationError } from '../errors.js';

/** The order workflow's steps, in the order they run. */
export const ORDER_STEPS = [
  'ValidateInput',
  'ProcessData',
  'EnrichData',
  'SaveResults',
  'NotifyCompletion',
] as const;
export type OrderStepName = (typeof ORDER_STEPS)[number];

/**
 * The most lines an order may have. SWF is no limit (large inputs travel as references); the stock reservation
 * is: it is one DynamoDB item on AWS (400 KB), and 25,000 [sku, quantity] pairs keep well inside it.
 */
export const MAX_ITEMS = 25_000;

export const SUPPORTED_CURRENCIES = ['USD', 'EUR', 'GBP', 'BRL'] as const;

const identifier = (what: string) =>
  z
    .string({
      error: (issue) => (issue.input === undefined ? 'is required' : `must be a string (the ${what})`),
    })
    .min(1, 'must not be empty')
    .max(64, 'must be at most 64 characters')
    .regex(
      /^[A-Za-z0-9][A-Za-z0-9._-]*$/,
      'may contain only letters, digits, ".", "_" and "-", starting with a letter or digit',
    );

const money = z
  .number({ error: (issue) => (issue.input === undefined ? 'is required' : 'must be a number') })
  .positive('must be greater than 0')
  .max(1_000_000, 'must be at most 1,000,000')
  .refine(
    (value) => Math.abs(Math.round(value * 100) - value * 100) < 1e-6,
    'must have at most 2 decimal places',
  );

const item = z.strictObject({
  sku: identifier('stock keeping unit'),
  quantity: z
    .number({ error: (issue) => (issue.input === undefined ? 'is required' : 'must be a number') })
    .int('must be a whole number')
    .min(1, 'must be at least 1')
    .max(10_000, 'must be at most 10,000'),
  unitPrice: money,
});

/** Demo and test failure injection. Only honoured where SWF_ALLOW_FAILURE_INJECTION=true. */
export const simulateSchema = z.strictObject({
  failStep: z.enum(ORDER_STEPS).optional(),
  /** How many attempts of `failStep` fail before one succeeds; defaults to every attempt. */
  failTimes: z.number().int().min(1).max(100).optional(),
  nonRetryable: z.boolean().optional(),
  /** Seconds the `sleepStep` (default ProcessData) works, heartbeating, before it returns. */
  sleepSeconds: z.number().min(0).max(3_600).optional(),
  sleepStep: z.enum(ORDER_STEPS).optional(),
  /** Makes the compensation of this step fail on every attempt (to show CompensationFailed). */
  failCompensation: z.enum(ORDER_STEPS).optional(),
});
export type Simulation = z.infer<typeof simulateSchema>;

export const orderSchema = z.strictObject({
  orderId: identifier('order id'),
  customerId: identifier('customer id'),
  items: z
    .array(item, {
      error: (issue) => (issue.input === undefined ? 'is required' : 'must be a list of items'),
    })
    .min(1, 'must contain at least one item')
    // A real catalogue order: large inputs are stored outside SWF and travel as a reference.
    .max(MAX_ITEMS, `must contain at most ${MAX_ITEMS.toLocaleString('en-US')} items`),
  currency: z.enum(SUPPORTED_CURRENCIES, {
    error: (issue) =>
      issue.input === undefined
        ? 'is required'
        : `must be one of ${SUPPORTED_CURRENCIES.join(', ')} (got ${typeof issue.input === 'string' ? JSON.stringify(issue.input.slice(0, 16)) : `a ${Array.isArray(issue.input) ? 'list' : typeof issue.input}`})`,
  }),
  paymentToken: z
    .string({ error: (issue) => (issue.input === undefined ? 'is required' : 'must be a string') })
    .regex(
      /^tok_[A-Za-z0-9_-]{4,128}$/,
      'must be a payment token from your payment provider, such as "tok_4eC39HqLyjWDarjtT1zdp7dc"',
    ),
  customerEmail: z.email('must be an email address').max(254).optional(),
  shipping: z
    .strictObject({
      country: z.string().regex(/^[A-Z]{2}$/, 'must be a two-letter country code such as "US"'),
      express: z.boolean().default(false),
    })
    .optional(),
  notes: z.string().max(1_000, 'must be at most 1,000 characters').optional(),
  simulate: simulateSchema.optional(),
});

export type Order = z.infer<typeof orderSchema>;

const CARD_FIELD = /^(card[-_ ]?(number|num|no)|credit[-_ ]?card|cc[-_ ]?(number|num)?|pan|cvv|cvc|card)$/i;

/** Finds raw card data anywhere in the input, without ever echoing it. */
function findCardData(value: unknown, path: string, problems: string[]): void {
  if (typeof value === 'string' || typeof value === 'number') {
    if (containsCardNumber(String(value))) problems.push(cardProblem(path));
    return;
  }
  if (Array.isArray(value)) {
    value.forEach((entry, index) => {
      findCardData(entry, `${path}[${index}]`, problems);
    });
    return;
  }
  if (value && typeof value === 'object') {
    for (const [key, entry] of Object.entries(value)) {
      const entryPath = path ? `${path}.${key}` : key;
      if (CARD_FIELD.test(key)) {
        problems.push(
          `${entryPath}: raw card data is never accepted; send a paymentToken from your payment provider instead`,
        );
        continue;
      }
      findCardData(entry, entryPath, problems);
    }
  }
}

/**
 * Validates an order. Throws a `ValidationError` listing every problem (never the card number itself).
 * `allowFailureInjection` must be true for an input that carries a `simulate` block.
 */
export function parseOrder(input: unknown, options: { allowFailureInjection: boolean }): Order {
  if (!input || typeof input !== 'object' || Array.isArray(input)) {
    throw new ValidationError(['the order must be a JSON object'], { subject: 'order' });
  }
  const problems: string[] = [];
  if ('resume' in input) {
    // Only the resume operation builds this block, from the source run's recorded history.
    problems.push(
      'resume: a new order cannot carry a resume block; to run a closed order again from a step, use "swfctl resume <workflowId> --from <step>" (or the operations function\'s resume command)',
    );
  }
  const { resume: _resume, ...order } = input as Record<string, unknown>;
  findCardData(order, '', problems);
  const cardPaths = new Set(problems.map((problem) => problem.slice(0, problem.indexOf(':'))));
  const parsed = orderSchema.safeParse(order);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const path = issue.path
        .map((key) => (typeof key === 'number' ? `[${key}]` : `.${String(key)}`))
        .join('');
      const where = path.replace(/^\./, '') || 'order';
      if (cardPaths.has(where)) continue;
      const message =
        issue.code === 'unrecognized_keys'
          ? `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys
              .filter((key) => !CARD_FIELD.test(key))
              .map((key) => JSON.stringify(key))
              .join(', ')}`
          : issue.message;
      if (issue.code === 'unrecognized_keys' && issue.keys.every((key) => CARD_FIELD.test(key))) continue;
      problems.push(`${where}: ${message}`);
    }
  }
  const simulate = (input as { simulate?: unknown }).simulate;
  if (simulate !== undefined && !options.allowFailureInjection) {
    problems.push(
      'simulate: failure injection is disabled here; it exists for demos and tests and needs SWF_ALLOW_FAILURE_INJECTION=true',
    );
  }
  if (problems.length > 0 || !parsed.success) throw new ValidationError(problems, { subject: 'order' });
  return parsed.data;
}
