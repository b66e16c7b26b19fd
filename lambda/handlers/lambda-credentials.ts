import { fromEnv } from '@aws-sdk/credential-provider-env';

/**
 * Stands in for `@aws-sdk/credential-provider-node` in production bundles (an esbuild alias): in Lambda the
 * function's role credentials are always in the environment, so the SSO, INI, process and IMDS providers of the
 * default chain (about 100 KB of bundle) are never used.
 */
export const defaultProvider = () => fromEnv();
