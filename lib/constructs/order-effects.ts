import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import { ORDERS_TABLE_KEY } from '../../lambda/adapters/dynamodb-effects.js';
import {
  RUN_CLAIMS_ACTIONS,
  RUN_CLAIMS_PARTITION_PREFIX,
} from '../../lambda/adapters/dynamodb-run-claims.js';

export interface OrderEffectsProps {
  /** `dev` tables may be destroyed with the stack; every other stage retains them, with deletion protection. */
  stage: string;
  /** Subscribes this address to the order-events topic (`-c notificationEmail=`). */
  notificationEmail?: string;
}

/**
 * What the effects adapter (lambda/adapters/dynamodb-effects.ts) does to the table, as IAM authorises it: its
 * transactions are authorised item by item (Put, Update, Delete), and a failed condition reads the item back
 * (GetItem) to tell a retry of its own from another run's. The operations function reads an order's items with
 * one Query. The deploy rehearsal's IAM evaluation fails if any of these is not needed or one is missing.
 */
export const EFFECTS_WRITE_ACTIONS = [
  'dynamodb:GetItem',
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
];
export const EFFECTS_READ_ACTIONS = ['dynamodb:Query'];
export const EFFECTS_OPERATIONS = [
  dynamodb.Operation.GET_ITEM,
  dynamodb.Operation.QUERY,
  dynamodb.Operation.UPDATE_ITEM,
  dynamodb.Operation.DELETE_ITEM,
  dynamodb.Operation.TRANSACT_WRITE_ITEMS,
];

/**
 * Where orders' side effects go on AWS: a DynamoDB table (records, stock reservations, notification log and
 * effect ledger, one item collection per order) and the order-events SNS topic. The adapters in
 * lambda/adapters read the names from the environment this construct gives the functions.
 */
export class OrderEffects extends Construct {
  readonly table: dynamodb.Table;
  readonly topic: sns.Topic;
  readonly key: kms.Key;
  /** SWF_EFFECTS=aws and where the table and topic are: given to every function. */
  readonly environment: Record<string, string>;

  constructor(scope: Construct, id: string, props: OrderEffectsProps) {
    super(scope, id);
    const keep = props.stage !== 'dev';
    this.table = new dynamodb.Table(this, 'Orders', {
      partitionKey: { name: ORDERS_TABLE_KEY.partition, type: dynamodb.AttributeType.STRING },
      sortKey: { name: ORDERS_TABLE_KEY.sort, type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: dynamodb.TableEncryption.AWS_MANAGED,
      deletionProtection: keep,
      removalPolicy: keep ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
    this.key = new kms.Key(this, 'TopicKey', {
      description: 'Encrypts the order-events topic',
      enableKeyRotation: true,
      removalPolicy: keep ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
    this.topic = new sns.Topic(this, 'Events', {
      displayName: 'Order events',
      masterKey: this.key,
      enforceSSL: true,
    });
    if (props.notificationEmail)
      this.topic.addSubscription(new subscriptions.EmailSubscription(props.notificationEmail));
    this.environment = {
      SWF_EFFECTS: 'aws',
      ORDERS_TABLE: this.table.tableName,
      ORDER_EVENTS_TOPIC_ARN: this.topic.topicArn,
    };
  }

  /** The activity worker: conditional writes to the table and publishing order events. */
  grantApplyEffects(role: iam.IGrantable): void {
    this.table.grant(role, ...EFFECTS_WRITE_ACTIONS);
    role.grantPrincipal.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'PublishOrderEvents',
        actions: ['sns:Publish'],
        resources: [this.topic.topicArn],
      }),
    );
    // The publisher is in the topic's account: its identity policy is enough (the topic policy only denies
    // publishing without TLS).
    // Publishing to an encrypted topic: SNS makes a data key under the caller's identity (no wildcard actions).
    this.key.grant(role, 'kms:GenerateDataKey', 'kms:Decrypt');
  }

  /** The operations function: reads an order's effects. */
  grantReadEffects(role: iam.IGrantable): void {
    this.table.grant(role, ...EFFECTS_READ_ACTIONS);
  }

  /**
   * The starter and the operations function: claim the run a start or a resume makes. Only the claim
   * partitions (`RUNS#…`): a starter cannot touch an order's record, reservation or notifications.
   */
  grantClaimRuns(role: iam.IGrantable): void {
    role.grantPrincipal.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: [...RUN_CLAIMS_ACTIONS].sort(),
        resources: [this.table.tableArn],
        conditions: {
          'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [`${RUN_CLAIMS_PARTITION_PREFIX}*`] },
        },
      }),
    );
  }
}
