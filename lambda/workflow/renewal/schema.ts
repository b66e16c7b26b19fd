import * as z from 'zod';
import { ValidationError } from '../errors.js';

/** A subscription to renew: who, which plan, how much, and how long before the renewal to remind them. */
export const renewalSchema = z.strictObject({
  subscriptionId: z
    .string()
    .regex(
      /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/,
      'must be 1-64 letters, digits, "_" or "-", starting with a letter or digit',
    ),
  customerId: z.string().min(1).max(128),
  email: z.email('must be an e-mail address'),
  plan: z.enum(['monthly', 'yearly']),
  amount: z.number().positive().max(100_000),
  currency: z.enum(['USD', 'EUR', 'GBP', 'BRL']),
  /** Seconds between the reminder and the charge (a durable sleep on an SWF timer); 3 days by default. */
  reminderLeadSeconds: z
    .number()
    .int()
    .min(0)
    .max(30 * 86_400)
    .default(3 * 86_400),
});

export type Renewal = z.infer<typeof renewalSchema>;

/** Validates a renewal input; every problem at once, as a `ValidationError`. */
export function parseRenewal(input: unknown): Renewal {
  if (!input || typeof input !== 'object' || Array.isArray(input))
    throw new ValidationError(['the renewal must be a JSON object'], { subject: 'renewal' });
  const parsed = renewalSchema.safeParse(input);
  if (!parsed.success)
    throw new ValidationError(
      parsed.error.issues.map((i) => `${i.path.join('.') || 'renewal'}: ${i.message}`),
      { subject: 'renewal' },
    );
  return parsed.data;
}
