import { CreateTableCommand, DynamoDBClient, waitUntilTableExists } from '@aws-sdk/client-dynamodb';
import { CreateTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import {
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import type { AwsClientSettings } from '../../lambda/adapters/create-ports.js';

/** Placeholder credentials for a local peer (moto accepts any). */
export function peerClientSettings(endpoint: string): Required<AwsClientSettings> {
  return {
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
  };
}

/** One message an SQS queue subscribed to the order-events topic received. */
export interface ReceivedEvent {
  message: Record<string, unknown>;
  attributes: Record<string, string>;
}

/** Creates the orders table (the stack's key schema unless given) on a peer and waits until it is active. */
export async function createOrdersTable(
  settings: AwsClientSettings,
  tableName: string,
  definition: Partial<ConstructorParameters<typeof CreateTableCommand>[0]> = {},
): Promise<void> {
  const client = new DynamoDBClient(settings);
  try {
    await client.send(
      new CreateTableCommand({
        TableName: tableName,
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
        AttributeDefinitions: [
          { AttributeName: 'pk', AttributeType: 'S' },
          { AttributeName: 'sk', AttributeType: 'S' },
        ],
        BillingMode: 'PAY_PER_REQUEST',
        ...definition,
      }),
    );
    await waitUntilTableExists({ client, maxWaitTime: 30 }, { TableName: tableName });
  } finally {
    client.destroy();
  }
}

/**
 * Creates a topic and an SQS queue subscribed to it, so a test can read what was published; returns the topic
 * ARN and a reader that drains the queue.
 */
export async function createEventsTopicWithQueue(
  settings: AwsClientSettings,
  topicName: string,
  attributes: Record<string, string> = {},
): Promise<{ topicArn: string; drain: (waitMs?: number) => Promise<ReceivedEvent[]>; close: () => void }> {
  const sns = new SNSClient(settings);
  const sqs = new SQSClient(settings);
  const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: topicName, Attributes: attributes }));
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: `${topicName}-reader` }));
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }),
  );
  await sns.send(new SubscribeCommand({ TopicArn, Protocol: 'sqs', Endpoint: Attributes?.QueueArn }));
  const drain = async (waitMs = 500): Promise<ReceivedEvent[]> => {
    const events: ReceivedEvent[] = [];
    const until = Date.now() + waitMs;
    do {
      const { Messages = [] } = await sqs.send(
        new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }),
      );
      for (const m of Messages) {
        const envelope = JSON.parse(m.Body ?? '{}') as {
          Message: string;
          MessageAttributes?: Record<string, { Value: string }>;
        };
        events.push({
          message: JSON.parse(envelope.Message) as Record<string, unknown>,
          attributes: Object.fromEntries(
            Object.entries(envelope.MessageAttributes ?? {}).map(([k, v]) => [k, v.Value]),
          ),
        });
      }
      if (Messages.length > 0) {
        await sqs.send(
          new DeleteMessageBatchCommand({
            QueueUrl,
            Entries: Messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle })),
          }),
        );
        continue;
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    } while (Date.now() < until);
    return events;
  };
  return {
    topicArn: TopicArn ?? '',
    drain,
    close: () => {
      sns.destroy();
      sqs.destroy();
    },
  };
}
