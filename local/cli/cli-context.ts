import { existsSync } from 'node:fs';
import { lazyRunClaims } from '../../lambda/adapters/create-ports.js';
import { loadEffectsSettings } from '../../lambda/adapters/effects-config.js';
import { lazyPayloadStore, loadPayloadSettings } from '../../lambda/adapters/payload-config.js';
import type { OperationsContext } from '../../lambda/worker/operations.js';
import { createSwfClient, swfClientOptionsFromEnv } from '../../lambda/worker/swf-client.js';
import { loadConfig } from '../../lambda/workflow/config.js';
import { buildCatalog } from '../../lambda/workflow/modules.js';

/** Loads `.env` from the working directory, if there is one (variables already set win). */
export function loadDotEnv(path = '.env'): void {
  if (existsSync(path)) process.loadEnvFile(path);
}

/** An endpoint as users type it: `127.0.0.1:7654` means `http://127.0.0.1:7654`. */
export function normalizeEndpoint(endpoint: string | undefined): string | undefined {
  if (!endpoint) return undefined;
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(endpoint) ? endpoint : `http://${endpoint}`;
}

/** Whether an endpoint names this machine (swf-local), not a service elsewhere. */
export function isLoopback(endpoint: string): boolean {
  try {
    const host = new URL(endpoint).hostname.replace(/^\[|\]$/g, '');
    return host === 'localhost' || host === '::1' || /^127\./.test(host);
  } catch {
    return false;
  }
}

/** Config, catalog and client for a CLI command: endpoint from --endpoint, else SWF_ENDPOINT, else AWS. */
export function cliContext(options: { endpoint?: string }): OperationsContext & { endpoint: string } {
  const config = loadConfig(process.env);
  const clientOptions = swfClientOptionsFromEnv(
    process.env,
    normalizeEndpoint(options.endpoint ?? process.env.SWF_ENDPOINT),
  );
  // Against swf-local (a loopback endpoint), demo failure injection is on unless the environment says
  // otherwise, as it is for the workers `npm start` runs; against AWS it stays off unless set.
  const local = clientOptions.endpoint !== undefined && isLoopback(clientOptions.endpoint);
  if (local && process.env.SWF_ALLOW_FAILURE_INJECTION === undefined) config.allowFailureInjection = true;
  const catalog = buildCatalog(config);
  const payloadSettings = loadPayloadSettings(process.env, { catalog });
  return {
    config,
    catalog,
    swf: createSwfClient(clientOptions),
    payloads: lazyPayloadStore(payloadSettings),
    offloadThreshold: payloadSettings.threshold,
    // Starts and resumes claim their run where this machine's effects go (SWF_EFFECTS; read on first use).
    claims: lazyRunClaims(() => loadEffectsSettings(process.env)),
    endpoint: clientOptions.endpoint ?? 'AWS (the default credential chain and region)',
  };
}

/**
 * Every fault SWF (or swf-local) can answer, in words, with what to do. The service's own message follows
 * in parentheses, since it names the resource.
 */
export const SWF_FAULT_WORDS: Record<string, { words: string; exitCode: number }> = {
  UnknownResourceFault: {
    words:
      'no such domain, workflow type, activity type or run: check the name and version ("swfctl register" registers the catalog, "swfctl list" shows runs)',
    exitCode: 3,
  },
  DomainDeprecatedFault: {
    words:
      'the domain is deprecated and takes no new work: undeprecate it or set SWF_DOMAIN to another domain',
    exitCode: 3,
  },
  TypeDeprecatedFault: {
    words:
      'that workflow or activity type version is deprecated: start the current version (see "swfctl register") or undeprecate it',
    exitCode: 3,
  },
  TypeNotDeprecatedFault: {
    words: 'that type is not deprecated, so there is nothing to undeprecate',
    exitCode: 3,
  },
  DomainAlreadyExistsFault: {
    words: 'the domain already exists (registering again is harmless)',
    exitCode: 3,
  },
  TypeAlreadyExistsFault: {
    words: 'that type and version are already registered (registering again is harmless)',
    exitCode: 3,
  },
  WorkflowExecutionAlreadyStartedFault: {
    words:
      'a run with this workflowId is already open: wait for it, or cancel or terminate it ("swfctl describe <workflowId>")',
    exitCode: 3,
  },
  DefaultUndefinedFault: {
    words:
      'a required setting has no default on the type (a timeout, task list or child policy): re-register the catalog with "swfctl register"',
    exitCode: 3,
  },
  LimitExceededFault: {
    words:
      'an SWF limit was reached (open runs, registered types or domains): close or deprecate some, or ask AWS for a higher quota',
    exitCode: 3,
  },
  OperationNotPermittedFault: {
    words:
      'the caller may not do this: check the IAM policy of these credentials (SWF actions on this domain)',
    exitCode: 4,
  },
  AccessDeniedException: {
    words: 'access denied: the IAM policy of these credentials does not allow this SWF action on this domain',
    exitCode: 4,
  },
  TooManyTagsFault: {
    words: 'too many tags: SWF allows at most 5 tags on a run and 50 on a domain',
    exitCode: 2,
  },
  ThrottlingException: {
    words: 'SWF is throttling these calls: retry in a moment, or lower --max-per-second',
    exitCode: 5,
  },
  LimitExceededException: {
    words: 'SWF is throttling these calls: retry in a moment, or lower --max-per-second',
    exitCode: 5,
  },
  ValidationException: { words: 'SWF refused the request as invalid', exitCode: 2 },
  SerializationException: { words: 'SWF could not read the request (malformed JSON or text)', exitCode: 2 },
  UnrecognizedClientException: {
    words:
      'the access key is not recognized: check AWS_ACCESS_KEY_ID / the profile (swf-local accepts any key)',
    exitCode: 4,
  },
  InvalidSignatureException: {
    words: 'the request signature is wrong: check AWS_SECRET_ACCESS_KEY and the machine clock',
    exitCode: 4,
  },
  ExpiredTokenException: {
    words: 'the session credentials expired: refresh them (aws sso login, or a new session)',
    exitCode: 4,
  },
  InternalFailure: {
    words: 'SWF failed internally: retry; if it persists, check the server log',
    exitCode: 5,
  },
  ServiceUnavailable: { words: 'SWF is unavailable right now: retry in a moment', exitCode: 5 },
};

/** A user-caused failure as one line and an exit code; never a stack trace (SWFCTL_DEBUG=1 shows it). */
export function describeFailure(error: unknown, endpoint: string): { message: string; exitCode: number } {
  const e = error as Error & {
    code?: string;
    problems?: string[];
    subject?: string;
    cause?: { code?: string };
  };
  const code = e?.code ?? e?.cause?.code;
  if (e?.name === 'ValidationError') {
    // Several problems read best as a list, one per line, as the console shows them, under what was refused.
    const problems = e.problems ?? [];
    return {
      message:
        problems.length > 1
          ? `Invalid ${e.subject ?? 'input'}:\n${problems.map((p) => `  • ${p}`).join('\n')}`
          : e.message,
      exitCode: 2,
    };
  }
  if (e?.name === 'OperationError') return { message: e.message, exitCode: 3 };
  if (e?.name === 'InvalidArgumentError') return { message: e.message, exitCode: 2 };
  if (code === 'ECONNREFUSED' || /ECONNREFUSED/.test(String(e?.message))) {
    return {
      message: `cannot reach SWF at ${endpoint}: is swf-local running? Start it with "npx swfctl server" (or "npm start")`,
      exitCode: 4,
    };
  }
  if (e?.name === 'CredentialsProviderError' || /credential/i.test(e?.name ?? '')) {
    return {
      message: 'no AWS credentials found: set SWF_ENDPOINT for swf-local, or configure AWS credentials',
      exitCode: 4,
    };
  }
  if (/region is missing/i.test(e?.message ?? '')) {
    return {
      message:
        'no AWS region: set AWS_REGION (e.g. AWS_REGION=us-east-1) to use AWS, or SWF_ENDPOINT=http://127.0.0.1:7654 for swf-local',
      exitCode: 4,
    };
  }
  const fault = e?.name ? SWF_FAULT_WORDS[e.name] : undefined;
  if (fault) {
    const detail = e.message && e.message !== e.name ? ` (${e.message})` : '';
    return { message: `${e.name}: ${fault.words}${detail}`, exitCode: fault.exitCode };
  }
  if (e instanceof SyntaxError) return { message: `invalid JSON: ${e.message}`, exitCode: 2 };
  if (code === 'ENOENT' || code === 'EISDIR' || code === 'EACCES') {
    const path = (e as { path?: string }).path ?? 'the file';
    return {
      message: `cannot read ${path}: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : 'permission denied'}`,
      exitCode: 2,
    };
  }
  return { message: `${e?.name ?? 'Error'}: ${e?.message ?? String(error)}`, exitCode: 1 };
}
