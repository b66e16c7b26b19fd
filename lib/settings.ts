import * as z from 'zod';
import { reservedConcurrencyProblem } from './concurrency-check.js';

const bool = z.union([z.boolean(), z.enum(['true', 'false']).transform((v) => v === 'true')], {
  error: 'must be true or false',
});
const int = (min: number, max: number) =>
  z.coerce
    .number({ error: 'must be a number' })
    .int(`must be a whole number from ${min} to ${max}`)
    .min(min, `must be a whole number from ${min} to ${max}`)
    .max(max, `must be a whole number from ${min} to ${max}`);

/** The stack's settings, read from CDK context (`-c key=value` or cdk.json) and validated at synth. */
export const settingsSchema = z.object({
  stage: z
    .string()
    .regex(
      /^[a-z][a-z0-9]{0,15}$/,
      'use 1-16 lower-case letters and digits, starting with a letter (e.g. -c stage=prod)',
    )
    .default('dev'),
  alertEmail: z.email('must be an email address, e.g. -c alertEmail=oncall@example.com').optional(),
  alertPhone: z
    .string()
    .regex(/^\+[1-9]\d{6,14}$/, 'must be an E.164 phone number, e.g. -c alertPhone=+5511999998888')
    .optional(),
  /** Subscribes this address to the order-events topic (one message per confirmed order). */
  notificationEmail: z
    .email('must be an email address, e.g. -c notificationEmail=orders@example.com')
    .optional(),
  /** Lets orders carry a `simulate` block (game days, `npm run rehearse`); never on the prod stage. */
  allowFailureInjection: bool.default(false),
  /** Pollers of each kind invoked on every schedule tick (one EventBridge target each, at most 5). */
  pollerConcurrency: int(1, 5).default(1),
  /** Each poller invocation's timeout: long invocations keep a poller alive between ticks. */
  pollerTimeoutMinutes: int(2, 15).default(15),
  /** Reserved concurrency per poller function; 0 (default) reserves none, which new accounts cannot. */
  reservedConcurrency: int(0, 1000).default(0),
  /** Keep the SWF domain when the stack is deleted (default); false deprecates it. */
  retainDomain: bool.default(true),
  workflowVersion: z
    .string()
    .regex(
      /^[^\s:/|]{1,64}$/,
      'must be 1-64 characters without spaces, ":", "/" or "|" (e.g. -c workflowVersion=2)',
    )
    .optional(),
  /** `Name=version,…`: the version new runs of each named workflow start on (default: each module's current). */
  workflowVersions: z
    .string()
    .regex(
      /^[A-Za-z0-9_.-]+=[A-Za-z0-9_.-]+(,[A-Za-z0-9_.-]+=[A-Za-z0-9_.-]+)*$/,
      'must read Name=version,… (e.g. -c workflowVersions=OrderProcessing=1)',
    )
    .optional(),
  /** `Name.key=value,…`: a workflow module's own settings. */
  workflowSettings: z
    .string()
    .regex(
      /^[A-Za-z0-9_-]+\.[A-Za-z0-9_]+=[^,=]+(,[A-Za-z0-9_-]+\.[A-Za-z0-9_]+=[^,=]+)*$/,
      'must read Name.key=value,… (e.g. -c workflowSettings=OrderProcessing.approvalTimeout=48h)',
    )
    .optional(),
  /** The lean production profile (no source maps, the runtime's AWS SDK, INFO logs); default: stage prod. */
  production: bool.optional(),
});

export type StackSettings = z.infer<typeof settingsSchema>;

const refined = settingsSchema.superRefine((settings, context) => {
  if (settings.allowFailureInjection && settings.stage === 'prod')
    context.addIssue({
      code: 'custom',
      path: ['allowFailureInjection'],
      message: 'failure injection is never allowed on the prod stage',
    });
  const concurrency = reservedConcurrencyProblem(settings);
  if (concurrency) context.addIssue({ code: 'custom', path: ['reservedConcurrency'], message: concurrency });
});

/** Validates settings; throws one clear error listing every bad key and how to set it. */
export function readSettings(context: Record<string, unknown>): StackSettings {
  const defined = Object.fromEntries(Object.entries(context).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = refined.safeParse(defined);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `-c ${issue.path.join('.')}: ${issue.message}`);
    throw new Error(`Invalid stack settings: ${problems.join('; ')}`);
  }
  return parsed.data;
}
