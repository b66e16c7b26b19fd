import { Aws, type Stack } from 'aws-cdk-lib';

/**
 * The domain's ARN in both forms in circulation: the developer guide's `arn:aws:swf:REGION:ACCOUNT:/domain/NAME`
 * and the Service Authorization Reference's region-less `arn:aws:swf::ACCOUNT:/domain/NAME`. Which one IAM
 * evaluates cannot be settled without an account; granting both costs nothing.
 */
export function domainArns(stack: Stack, domain: string): string[] {
  return [
    `arn:${Aws.PARTITION}:swf:${stack.region}:${stack.account}:/domain/${domain}`,
    `arn:${Aws.PARTITION}:swf::${stack.account}:/domain/${domain}`,
  ];
}
