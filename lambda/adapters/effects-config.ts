import * as z from 'zod';
import { ConfigError } from '../workflow/errors.js';

/** Where order effects go: DynamoDB + SNS on AWS, one SQLite file locally, memory in unit tests only. */
export const EFFECTS_BACKENDS = ['aws', 'sqlite', 'memory'] as const;
export const DEFAULT_EFFECTS_DB = '.swf-local/orders.db';

const schema = z
  .object({
    SWF_EFFECTS: z.enum(EFFECTS_BACKENDS).default('sqlite'),
    SWF_EFFECTS_DB: z.string().min(1).default(DEFAULT_EFFECTS_DB),
    ORDERS_TABLE: z.string().min(3).max(255).optional(),
    ORDER_EVENTS_TOPIC_ARN: z
      .string()
      .regex(/^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}$/, 'must be an SNS topic ARN')
      .optional(),
    /**
     * How long a notification claim holds before another attempt may publish it: longer than a publish takes,
     * and shorter than NotifyCompletion's start-to-close timeout, so the retry of a killed attempt finds it lapsed.
     */
    NOTIFICATION_LEASE_SECONDS: z.coerce.number().int().min(5).max(3_600).default(60),
  })
  .superRefine((env, context) => {
    if (env.SWF_EFFECTS !== 'aws') return;
    for (const key of ['ORDERS_TABLE', 'ORDER_EVENTS_TOPIC_ARN'] as const) {
      if (!env[key])
        context.addIssue({ code: 'custom', path: [key], message: 'is required when SWF_EFFECTS=aws' });
    }
  });

export type EffectsSettings =
  | { backend: 'aws'; tableName: string; topicArn: string; leaseMs: number }
  | { backend: 'sqlite'; path: string; leaseMs: number }
  | { backend: 'memory'; leaseMs: number };

/** Reads and validates where effects go, from an environment map (pass `process.env` at the edge only). */
export function loadEffectsSettings(env: Record<string, string | undefined>): EffectsSettings {
  const defined = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = schema.safeParse(defined);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`Invalid effects configuration: ${problems.join('; ')}`);
  }
  const c = parsed.data;
  const leaseMs = c.NOTIFICATION_LEASE_SECONDS * 1000;
  if (c.SWF_EFFECTS === 'aws')
    return {
      backend: 'aws',
      tableName: c.ORDERS_TABLE as string,
      topicArn: c.ORDER_EVENTS_TOPIC_ARN as string,
      leaseMs,
    };
  if (c.SWF_EFFECTS === 'sqlite') return { backend: 'sqlite', path: c.SWF_EFFECTS_DB, leaseMs };
  return { backend: 'memory', leaseMs };
}

/** Where the settings send effects, in words (for `swfctl order` and logs). */
export function describeEffectsBackend(settings: EffectsSettings): string {
  switch (settings.backend) {
    case 'aws':
      return `DynamoDB table ${settings.tableName} and SNS topic ${settings.topicArn}`;
    case 'sqlite':
      return `SQLite ${settings.path}`;
    case 'memory':
      return 'memory (unit tests only)';
  }
}
