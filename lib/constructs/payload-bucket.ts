import { type CfnElement, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import type { Catalog } from '../../lambda/workflow/module.js';
import { payloadLifetimeDays } from '../../lambda/workflow/payloads.js';

export interface PayloadBucketProps {
  /** `dev` buckets go with the stack; every other stage keeps its bucket. */
  stage: string;
  /** The domain (its retention) and every registered workflow (its execution timeout): the payloads' lifetime. */
  catalog: Pick<Catalog, 'domain' | 'workflows'>;
}

export const PAYLOAD_PREFIX = 'payloads/';

/**
 * Where inputs and results above the offload threshold live (lambda/adapters/s3-payloads.ts): encrypted, HTTPS
 * only, never public, owned by the account, and expired once no history can point at them any more: the catalog's
 * longest run, plus the domain's retention, plus a week (`payloadLifetimeDays`). Objects are named by their SHA-256, so writes are idempotent and never overwrite
 * other content.
 */
export class PayloadBucket extends Construct {
  readonly bucket: s3.Bucket;
  /** PAYLOAD_BUCKET: given to every function (the adapter is loaded only by those that offload). */
  readonly environment: Record<string, string>;

  constructor(scope: Construct, id: string, props: PayloadBucketProps) {
    super(scope, id);
    const keep = props.stage !== 'dev';
    this.bucket = new s3.Bucket(this, 'Payloads', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      lifecycleRules: [
        {
          id: 'expire-after-retention',
          prefix: PAYLOAD_PREFIX,
          expiration: Duration.days(Math.max(1, payloadLifetimeDays(props.catalog))),
          abortIncompleteMultipartUploadAfter: Duration.days(1),
        },
      ],
      removalPolicy: keep ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
      // CloudFormation deletes only an empty bucket: a dev stack that stored one payload could not be destroyed.
      autoDeleteObjects: !keep,
    });
    Validations.of(this.bucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason:
        'Payload bodies are content-addressed copies of SWF inputs and results, read and written only by this stack’s function roles; server access logs would need a second bucket per stage for no audit value beyond CloudTrail.',
    });
    this.environment = { PAYLOAD_BUCKET: this.bucket.bucketName };
  }

  /** The starter and the activity worker store bodies (under payloads/, by hash): PutObject only. */
  grantWrite(role: iam.IGrantable): void {
    this.grant(role, 'StorePayloads', 's3:PutObject');
  }

  /**
   * The activity worker and the operations function read them back: GetObject, and ListBucket so that a missing
   * body answers 404 (PayloadMissing, not retried) rather than 403 (PayloadUnreadable, retried). S3 GetObject:
   * "If you have the s3:ListBucket permission on the bucket, Amazon S3 returns an HTTP status code 404 Not Found
   * error. If you don't have the s3:ListBucket permission, Amazon S3 returns an HTTP status code 403 Forbidden
   * error." No `s3:prefix` condition: S3 does not document that this implicit check carries one, and listing
   * reveals nothing a reader lacks, as the bucket holds only payloads named by the SHA-256 of their content.
   */
  grantRead(role: iam.IGrantable): void {
    this.grant(role, 'ReadPayloads', 's3:GetObject');
    role.grantPrincipal.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'TellMissingPayloads',
        actions: ['s3:ListBucket'],
        resources: [this.bucket.bucketArn],
      }),
    );
  }

  private grant(role: iam.IGrantable, sid: string, action: string): void {
    role.grantPrincipal.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid,
        actions: [action],
        resources: [this.bucket.arnForObjects(`${PAYLOAD_PREFIX}*`)],
      }),
    );
    const logicalId = Stack.of(this).getLogicalId(this.bucket.node.defaultChild as CfnElement);
    Validations.of(role as unknown as Construct).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${logicalId}.Arn>/${PAYLOAD_PREFIX}*]`,
      reason:
        'Payload objects are named by the SHA-256 of their content, unknown in advance; the grant is one action on this bucket’s payloads/ prefix.',
    });
  }
}
