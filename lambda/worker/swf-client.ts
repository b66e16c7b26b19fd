import { SWFClient } from '@aws-sdk/client-swf';
import { NodeHttpHandler } from '@smithy/node-http-handler';

export interface SwfClientOptions {
  /** An SWF-compatible endpoint (swf-local); omit for AWS, found through the normal AWS chain. */
  endpoint?: string;
  region?: string;
  /** Whether AWS credentials exist in the environment; without them a local endpoint gets placeholders. */
  hasCredentials?: boolean;
}

/** Long polls are held 60 s: every timeout on the client side must be longer (SWF asks for 70 s). */
export const CLIENT_TIMEOUTS = {
  connectionTimeout: 5_000,
  socketTimeout: 75_000,
  requestTimeout: 75_000,
} as const;

/** The one place SWF clients are made: timeouts above the long poll, keep-alive, endpoint override. */
export function createSwfClient(options: SwfClientOptions = {}): SWFClient {
  const local = options.endpoint !== undefined;
  return new SWFClient({
    ...(local ? { endpoint: options.endpoint } : {}),
    region: options.region ?? (local ? 'us-east-1' : undefined),
    // swf-local accepts any signature; placeholders keep the SDK from searching for credentials that are not there.
    ...(local && !options.hasCredentials
      ? { credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }
      : {}),
    requestHandler: new NodeHttpHandler({
      ...CLIENT_TIMEOUTS,
      throwOnRequestTimeout: true,
      httpAgent: { keepAlive: true, maxSockets: 64 },
      httpsAgent: { keepAlive: true, maxSockets: 64 },
    }),
  });
}

/** Client options from an environment map: SWF_ENDPOINT, AWS_REGION, and whether credentials are set. */
export function swfClientOptionsFromEnv(
  env: Record<string, string | undefined>,
  endpoint?: string,
): SwfClientOptions {
  return {
    endpoint: endpoint ?? (env.SWF_ENDPOINT || undefined),
    region: env.AWS_REGION || env.AWS_DEFAULT_REGION || undefined,
    hasCredentials: Boolean(
      env.AWS_ACCESS_KEY_ID || env.AWS_PROFILE || env.AWS_CONTAINER_CREDENTIALS_FULL_URI,
    ),
  };
}
