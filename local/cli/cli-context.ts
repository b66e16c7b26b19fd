import { existsSync } from 'node:fs';
import type { OrderContext } from '../../lambda/worker/operations.js';
import { createSwfClient, swfClientOptionsFromEnv } from '../../lambda/worker/swf-client.js';
import { loadConfig } from '../../lambda/workflow/config.js';
import { buildCatalog } from '../../lambda/workflow/index.js';

/** Loads `.env` from the working directory, if there is one (variables already set win). */
export function loadDotEnv(path = '.env'): void {
  if (existsSync(path)) process.loadEnvFile(path);
}

/** An endpoint as users type it: `127.0.0.1:7654` means `http://127.0.0.1:7654`. */
export function normalizeEndpoint(endpoint: string | undefined): string | undefined {
  if (!endpoint) return undefined;
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(endpoint) ? endpoint : `http://${endpoint}`;
}

/** Config, catalog and client for a CLI command: endpoint from --endpoint, else SWF_ENDPOINT, else AWS. */
export function cliContext(options: { endpoint?: string }): OrderContext & { endpoint: string } {
  const config = loadConfig(process.env);
  const clientOptions = swfClientOptionsFromEnv(
    process.env,
    normalizeEndpoint(options.endpoint ?? process.env.SWF_ENDPOINT),
  );
  return {
    config,
    catalog: buildCatalog(config),
    swf: createSwfClient(clientOptions),
    endpoint: clientOptions.endpoint ?? 'AWS (the default credential chain and region)',
  };
}

/** A user-caused failure as one line and an exit code; never a stack trace (SWFCTL_DEBUG=1 shows it). */
export function describeFailure(error: unknown, endpoint: string): { message: string; exitCode: number } {
  const e = error as Error & { code?: string; problems?: string[]; cause?: { code?: string } };
  const code = e?.code ?? e?.cause?.code;
  if (e?.name === 'ValidationError') {
    // Several problems read best as a list, one per line, as the console shows them.
    const problems = e.problems ?? [];
    return {
      message:
        problems.length > 1 ? `Invalid order:\n${problems.map((p) => `  • ${p}`).join('\n')}` : e.message,
      exitCode: 2,
    };
  }
  if (e?.name === 'OperationError') return { message: e.message, exitCode: 3 };
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
  if (e?.name === 'UnknownResourceFault')
    return { message: `${e.message} (check the domain with "swfctl register")`, exitCode: 3 };
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
