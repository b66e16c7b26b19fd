import { Aws, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';

export interface AlarmTopicProps {
  alertEmail?: string;
  alertPhone?: string;
}

/**
 * Every alarm of the stack is named `<stack name>-<id>` (ASCII construct ids: AWS warns that an alarm ARN with
 * non-ASCII characters cannot be matched by aws:SourceArn).
 */
export function alarmNamePrefix(scope: Construct): string {
  return `${Stack.of(scope).stackName}-`;
}

/**
 * This stack's CloudWatch alarms, and nobody else's: the conditions on every grant to CloudWatch. Another
 * account's alarms, and this account's other alarms, cannot publish to the stack's pager.
 */
export function ownAlarmsCondition(scope: Construct) {
  const stack = Stack.of(scope);
  return {
    StringEquals: { 'aws:SourceAccount': stack.account },
    ArnLike: {
      'aws:SourceArn': `arn:${Aws.PARTITION}:cloudwatch:${stack.region}:${stack.account}:alarm:${alarmNamePrefix(scope)}*`,
    },
  };
}

/**
 * Where alarms go: an SNS topic encrypted with a customer-managed key that CloudWatch may use (alarms cannot
 * publish to a topic encrypted with the AWS-managed `alias/aws/sns` key), HTTPS only, with email and SMS
 * subscriptions when configured. The topic policy that `enforceSSL` creates replaces SNS's default policy, so it
 * must grant CloudWatch the publish itself (AWS Knowledge Center: "Why didn't I receive an SNS notification for
 * my CloudWatch alarm trigger?").
 */
export class AlarmTopic extends Construct {
  readonly topic: sns.Topic;
  readonly key: kms.Key;

  constructor(scope: Construct, id: string, props: AlarmTopicProps) {
    super(scope, id);
    this.key = new kms.Key(this, 'Key', {
      description: 'Encrypts the order workflow alarm topic',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'CloudWatchAlarmsPublish',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: ownAlarmsCondition(this),
      }),
    );
    this.topic = new sns.Topic(this, 'Topic', {
      displayName: 'Order workflow alarms',
      masterKey: this.key,
      enforceSSL: true,
    });
    this.topic.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'CloudWatchAlarmsPublish',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [this.topic.topicArn],
        conditions: ownAlarmsCondition(this),
      }),
    );
    if (props.alertEmail) this.topic.addSubscription(new subscriptions.EmailSubscription(props.alertEmail));
    if (props.alertPhone) this.topic.addSubscription(new subscriptions.SmsSubscription(props.alertPhone));
  }
}
