import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { S3PayloadStore } from '../../lambda/adapters/s3-payloads.js';
import { loadPayload } from '../../lambda/worker/payload-codec.js';
import { isNonRetryable } from '../../lambda/workflow/errors.js';
import { buildStack, statementsOf } from '../infra/stack-fixture.js';

/**
 * S3 GetObject (API Reference, Permissions): "If the object you request doesn't exist, the error that Amazon S3
 * returns depends on whether you also have the s3:ListBucket permission. If you have the s3:ListBucket permission
 * on the bucket, Amazon S3 returns an HTTP status code 404 Not Found error. If you don't have the s3:ListBucket
 * permission, Amazon S3 returns an HTTP status code 403 Forbidden error." A missing payload is PayloadMissing
 * (non-retryable) only if the readers may list the bucket; a 403 is PayloadUnreadable, retried.
 */
describe('the payload readers', () => {
  const { template } = buildStack();
  const bucketId = Object.keys(template.findResources('AWS::S3::Bucket'))[0] as string;
  const listing = (role: string) =>
    statementsOf(template, role).filter((s) => JSON.stringify(s.Action).includes('s3:ListBucket'));

  it('may list the payload bucket, so that a missing key answers 404 rather than 403', () => {
    for (const role of ['PollersActivityWorkerRole', 'ApiOperationsRole']) {
      expect(listing(role), role).toEqual([
        expect.objectContaining({
          Effect: 'Allow',
          Action: 's3:ListBucket',
          Resource: { 'Fn::GetAtt': [bucketId, 'Arn'] },
        }),
      ]);
      // No s3:prefix condition: S3 does not document that its implicit check carries one (see payload-bucket.ts).
      expect(listing(role)[0]?.Condition, role).toBeUndefined();
    }
    // The roles that only write never need to tell a missing key from a forbidden one.
    for (const role of ['ApiStarterRole', 'PollersDeciderRole', 'ApiMonitorRole'])
      expect(listing(role)).toEqual([]);
  });
});

/**
 * The store's reading of S3's two answers for a key it cannot return, over HTTP with the real SDK. moto answers
 * NoSuchKey whatever the caller's grants (test/integration/payload-store-contract.test.ts reads a missing key
 * there) and has no IAM here to refuse one, so S3's documented error bodies are served by a small server.
 */
describe('the S3 payload store', () => {
  let server: Server;
  let store: S3PayloadStore;
  const answers = new Map<string, { status: number; code: string; message: string }>();

  beforeAll(async () => {
    server = createServer((request, response) => {
      const key = decodeURIComponent(request.url?.split('?')[0]?.split('/').pop() ?? '');
      const answer = answers.get(key) ?? { status: 500, code: 'InternalError', message: 'unexpected key' };
      response.writeHead(answer.status, { 'content-type': 'application/xml', 'x-amz-request-id': 'test' });
      response.end(
        `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${answer.code}</Code><Message>${answer.message}</Message><RequestId>test</RequestId></Error>`,
      );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    store = new S3PayloadStore(
      new S3Client({
        endpoint: `http://127.0.0.1:${port}`,
        region: 'us-east-1',
        forcePathStyle: true,
        maxAttempts: 1,
        credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      }),
      'payloads-bucket',
    );
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const refTo = (sha256: string) => ({
    $payload: { address: store.address(sha256), size: 10, sha256 },
  });

  it('reads 404 NoSuchKey as a missing payload, which no retry can fix', async () => {
    const sha = 'a'.repeat(64);
    answers.set(sha, { status: 404, code: 'NoSuchKey', message: 'The specified key does not exist.' });
    expect(await store.get(sha)).toBeUndefined();
    const error = await loadPayload(store, refTo(sha)).catch((e: Error) => e);
    expect(error).toMatchObject({ name: 'PayloadMissing' });
    expect(isNonRetryable(error)).toBe(true);
  });

  it('reads 403 AccessDenied as an unreadable store, which the worker retries (PayloadUnreadable)', async () => {
    const sha = 'b'.repeat(64);
    answers.set(sha, { status: 403, code: 'AccessDenied', message: 'Access Denied' });
    const error = await loadPayload(store, refTo(sha)).catch((e: Error) => e);
    expect(error).toMatchObject({ name: 'AccessDenied' });
    expect(isNonRetryable(error)).toBe(false);
  });
});
