import { motoInstalled } from '../../local/runtime/moto.js';

/**
 * Whether the tests that need moto_server can run: in CI (SWF_REQUIRE_PYTHON_PEERS=1) its absence is an error,
 * elsewhere the suite says why it skips.
 */
export async function motoForTests(what: string): Promise<boolean> {
  const installed = await motoInstalled();
  if (!installed && process.env.SWF_REQUIRE_PYTHON_PEERS === '1')
    throw new Error(`moto_server is required in CI (${what}) but is not installed`);
  if (!installed) console.warn(`skipping ${what}: moto_server is not installed here`);
  return installed;
}
