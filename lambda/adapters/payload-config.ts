import { dirname, join } from 'node:path';
import * as z from 'zod';
import { ConfigError } from '../workflow/errors.js';
import type { Catalog } from '../workflow/module.js';
import { PAYLOAD_GRACE_DAYS, type PayloadStore, payloadLifetimeDays } from '../workflow/payloads.js';
import type { AwsClientSettings } from './create-ports.js';
import { DEFAULT_EFFECTS_DB } from './effects-config.js';

/**
 * Where payloads above the offload threshold go: an S3 bucket on AWS (PAYLOAD_BUCKET, set by the stack), a
 * directory next to the SQLite data locally (every local process shares it), or nowhere (inputs and results
 * must then fit SWF's 32,768 characters).
 */

export type PayloadSettings =
  | { backend: 's3'; bucket: string; threshold: number }
  | { backend: 'file'; directory: string; threshold: number; expireAfterDays: number }
  | { backend: 'none'; threshold: number };

const schema = z.object({
  SWF_EFFECTS: z.string().optional(),
  SWF_EFFECTS_DB: z.string().min(1).default(DEFAULT_EFFECTS_DB),
  PAYLOAD_BUCKET: z
    .string()
    .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'must be an S3 bucket name')
    .optional(),
  SWF_PAYLOADS_DIR: z.string().min(1).optional(),
  SWF_DOMAIN_RETENTION_DAYS: z.coerce.number().int().min(0).max(90).default(30),
  /** Characters of JSON above which a payload is stored (1,024 to 32,000; default 8,192). */
  SWF_OFFLOAD_THRESHOLD: z.coerce.number().int().min(1_024).max(32_000).default(8_192),
});

/**
 * Where payloads go, from the environment. With the catalog, local bodies are kept as long as the bucket keeps
 * them on AWS (`payloadLifetimeDays`); without it, the retention plus the grace period.
 */
export function loadPayloadSettings(
  env: Record<string, string | undefined>,
  options: { catalog?: Pick<Catalog, 'domain' | 'workflows'> } = {},
): PayloadSettings {
  const defined = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = schema.safeParse(defined);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`Invalid payload store configuration: ${problems.join('; ')}`);
  }
  const c = parsed.data;
  const threshold = c.SWF_OFFLOAD_THRESHOLD;
  if (c.PAYLOAD_BUCKET) return { backend: 's3', bucket: c.PAYLOAD_BUCKET, threshold };
  // Bodies outlive the histories that point at them, as the bucket's lifecycle rule says on AWS.
  const expireAfterDays = options.catalog
    ? payloadLifetimeDays(options.catalog)
    : c.SWF_DOMAIN_RETENTION_DAYS + PAYLOAD_GRACE_DAYS;
  if (c.SWF_PAYLOADS_DIR)
    return { backend: 'file', directory: c.SWF_PAYLOADS_DIR, threshold, expireAfterDays };
  if (c.SWF_EFFECTS === 'aws') return { backend: 'none', threshold };
  return {
    backend: 'file',
    directory: join(dirname(c.SWF_EFFECTS_DB), 'payloads'),
    threshold,
    expireAfterDays,
  };
}

/** The store the settings name, or undefined for none; the S3 client is loaded only when chosen. */
export async function createPayloadStore(
  settings: PayloadSettings,
  aws: AwsClientSettings = {},
): Promise<PayloadStore | undefined> {
  switch (settings.backend) {
    case 's3': {
      const [{ S3Client }, { S3PayloadStore }] = await Promise.all([
        import('@aws-sdk/client-s3'),
        import('./s3-payloads.js'),
      ]);
      // A peer at a custom endpoint (moto_server in tests and the rehearsal) serves path-style addresses.
      const custom = aws.endpoint ?? process.env.AWS_ENDPOINT_URL_S3 ?? process.env.AWS_ENDPOINT_URL;
      return new S3PayloadStore(new S3Client({ ...aws, forcePathStyle: Boolean(custom) }), settings.bucket);
    }
    case 'file': {
      const { FilePayloadStore } = await import('./file-payloads.js');
      // Expired by the writers, at their first write: a read-only command (history, describe) deletes nothing.
      return new FilePayloadStore(settings.directory, { expireAfterDays: settings.expireAfterDays });
    }
    case 'none':
      return undefined;
  }
}

/** Where the settings keep payloads, in words. */
export function describePayloadBackend(settings: PayloadSettings): string {
  if (settings.backend === 's3') return `S3 bucket ${settings.bucket}`;
  if (settings.backend === 'file') return `the directory ${settings.directory}`;
  return 'nowhere (no payload store: inputs and results must fit SWF)';
}

/** The store the settings name, built on first use (so callers that never offload never load a client). */
export function lazyPayloadStore(
  settings: PayloadSettings,
  aws: AwsClientSettings = {},
): PayloadStore | undefined {
  if (settings.backend === 'none') return undefined;
  let store: Promise<PayloadStore | undefined> | undefined;
  const ready = async () => {
    store ??= createPayloadStore(settings, aws);
    return (await store) as PayloadStore;
  };
  const address =
    settings.backend === 's3'
      ? (sha256: string) => `s3://${settings.bucket}/payloads/${sha256}`
      : (sha256: string) => `local:payloads/${sha256}`;
  return {
    address,
    put: async (sha256, body) => (await ready()).put(sha256, body),
    get: async (sha256) => (await ready()).get(sha256),
  };
}
