import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import type { NotificationChannel } from './once-notifier.js';

/** SNS limits a subject to 100 characters. */
const SUBJECT_LIMIT = 100;

/**
 * Publishes order events to the order-events topic. The orderId, the event type and the idempotency key travel
 * as message attributes, so subscribers (email, SQS, webhooks) can filter and deduplicate without parsing.
 */
export function snsChannel(client: SNSClient, topicArn: string): NotificationChannel {
  return async (notification, owner) => {
    const answer = await client.send(
      new PublishCommand({
        TopicArn: topicArn,
        Subject: notification.subject.slice(0, SUBJECT_LIMIT),
        Message: JSON.stringify({
          eventType: notification.eventType,
          orderId: notification.orderId,
          idempotencyKey: notification.key,
          recipient: notification.recipient,
          subject: notification.subject,
          body: notification.body,
          runId: owner.runId,
        }),
        MessageAttributes: {
          orderId: { DataType: 'String', StringValue: notification.orderId },
          eventType: { DataType: 'String', StringValue: notification.eventType },
          idempotencyKey: { DataType: 'String', StringValue: notification.key },
        },
      }),
    );
    return answer.MessageId ?? '';
  };
}
