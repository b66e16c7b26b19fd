import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../local/server/server.js';
import { startLocal } from '../support/swf-local.js';

const run = promisify(execFile);
const script = fileURLToPath(new URL('../support/boto3_workflow.py', import.meta.url));

/** Whether a command works here; CI sets SWF_REQUIRE_PYTHON_PEERS=1, which turns a missing peer into a failure. */
async function available(command: string, args: string[]): Promise<boolean> {
  try {
    await run(command, args, { timeout: 20_000 });
    return true;
  } catch {
    if (process.env.SWF_REQUIRE_PYTHON_PEERS === '1')
      throw new Error(`${command} ${args.join(' ')} is required in CI but failed`);
    return false;
  }
}

const hasBoto3 = await available('python3', ['-c', 'import boto3']);
const hasAwsCli = await available('aws', ['--version']);
if (!hasBoto3) console.warn('skipping the boto3 test: python3 with boto3 is not installed here');
if (!hasAwsCli) console.warn('skipping the aws CLI test: the aws CLI is not installed here');

let server: RunningServer;
beforeAll(async () => {
  ({ server } = await startLocal({ pollHoldSeconds: 2 }));
});
afterAll(() => server.close());

describe('other SDKs against swf-local', () => {
  it.skipIf(!hasBoto3)(
    'boto3 drives a whole workflow, paging a decision task and catching modelled faults',
    async () => {
      const { stdout } = await run('python3', [script, server.endpoint], { timeout: 60_000 });
      expect(JSON.parse(stdout)).toEqual({
        closeStatus: 'COMPLETED',
        result: 'HELLO',
        pagedEvents: 9,
        fault: 'Unknown execution: WorkflowExecution=[workflowId=py-1, runId=nope]',
      });
    },
  );

  it.skipIf(!hasAwsCli)('the aws CLI registers and lists domains', async () => {
    const env = {
      ...process.env,
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
      AWS_DEFAULT_REGION: 'us-east-1',
    };
    const aws = (...args: string[]) =>
      run('aws', ['--endpoint-url', server.endpoint, 'swf', ...args], { env, timeout: 30_000 });
    await aws(
      'register-domain',
      '--name',
      'cli-domain',
      '--workflow-execution-retention-period-in-days',
      '1',
    );
    const { stdout } = await aws('list-domains', '--registration-status', 'REGISTERED', '--output', 'json');
    expect(JSON.parse(stdout).domainInfos).toContainEqual(
      expect.objectContaining({ name: 'cli-domain', status: 'REGISTERED' }),
    );
    const failure = await aws('describe-domain', '--name', 'missing').catch(
      (error: { stderr: string }) => error.stderr,
    );
    expect(failure).toMatch(/UnknownResourceFault.*Unknown domain: missing/);
  });
});
