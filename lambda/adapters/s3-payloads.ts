import { GetObjectCommand, NoSuchKey, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { PayloadStore } from '../workflow/payloads.js';

/**
 * Payload bodies in S3, under `payloads/<sha256>` (the bucket encrypts them, refuses plain HTTP and expires them a
 * few days after the domain's retention: see lib/constructs/payload-bucket.ts).
 */
export class S3PayloadStore implements PayloadStore {
  constructor(
    private readonly s3: S3Client,
    readonly bucket: string,
    private readonly prefix = 'payloads/',
  ) {}

  address(sha256: string): string {
    return `s3://${this.bucket}/${this.prefix}${sha256}`;
  }

  async put(sha256: string, body: string): Promise<void> {
    // The key is the body's hash: writing it again writes the same bytes.
    await this.s3.send(
      new PutObjectCommand({
        Bucket: this.bucket,
        Key: `${this.prefix}${sha256}`,
        Body: body,
        ContentType: 'application/json',
      }),
    );
  }

  async get(sha256: string): Promise<string | undefined> {
    if (!/^[0-9a-f]{64}$/.test(sha256)) return undefined;
    try {
      const object = await this.s3.send(
        new GetObjectCommand({ Bucket: this.bucket, Key: `${this.prefix}${sha256}` }),
      );
      return (await object.Body?.transformToString('utf8')) ?? '';
    } catch (error) {
      if (error instanceof NoSuchKey || (error as { name?: string }).name === 'NoSuchKey') return undefined;
      throw error;
    }
  }
}
