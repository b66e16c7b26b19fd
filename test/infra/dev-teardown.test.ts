import { describe, expect, it } from 'vitest';
import { buildStack } from './stack-fixture.js';

/**
 * CloudFormation cannot delete a bucket that holds objects, so a dev stack that stored one payload could not be
 * destroyed: where the bucket goes with the stack, CDK's auto-delete custom resource empties it first.
 */
describe('tearing a dev stack down', () => {
  it('empties the dev payload bucket before deleting it', () => {
    const { template } = buildStack();
    const bucketId = Object.keys(template.findResources('AWS::S3::Bucket'))[0] as string;
    template.hasResource('AWS::S3::Bucket', { DeletionPolicy: 'Delete' });
    const emptying = Object.values(template.findResources('Custom::S3AutoDeleteObjects'));
    expect(emptying).toHaveLength(1);
    expect(emptying[0]?.Properties.BucketName).toEqual({ Ref: bucketId });
  });

  it('keeps every other stage’s bucket, and its objects', () => {
    const { template } = buildStack({ stage: 'prod' });
    template.hasResource('AWS::S3::Bucket', { DeletionPolicy: 'Retain' });
    expect(Object.keys(template.findResources('Custom::S3AutoDeleteObjects'))).toEqual([]);
  });
});
