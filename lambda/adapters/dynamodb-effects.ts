import { randomUUID } from 'node:crypto';
import {
  ConditionalCheckFailedException,
  type DynamoDBClient,
  TransactionCanceledException,
} from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  type NativeAttributeValue,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type {
  EffectOutcome,
  EffectOwner,
  LedgerEntry,
  Notification,
  NotificationState,
  OrderEffects,
  OrderRecord,
  OrderStore,
  OwnedEffect,
} from '../workflow/order/ports.js';
import type { Json } from '../workflow/types.js';
import type { NotificationClaim, NotificationLog } from './once-notifier.js';
import { applyVerdict, runsOf, undoVerdict } from './ownership.js';

/** The table's key: partition `pk` (the orderId), sort `sk` (what the item is). */
export const ORDERS_TABLE_KEY = { partition: 'pk', sort: 'sk' } as const;

const SK = {
  reservation: 'RESERVATION',
  record: 'RECORD',
  notification: (key: string) => `NOTIFICATION#${key}`,
  ledger: (at: string) => `LEDGER#${at}#${randomUUID()}`,
} as const;

type Item = Record<string, NativeAttributeValue>;
/** Conflicts between concurrent transactions on one item are retried this many times. */
const CONFLICT_RETRIES = 8;

/**
 * Order effects in DynamoDB, one item collection per order. Every effect is a conditional write in one
 * transaction with its ledger item: applying twice never duplicates, and only the owning lineage can undo.
 */
export class DynamoDbEffects implements OrderStore, NotificationLog {
  private readonly doc: DynamoDBDocumentClient;

  constructor(
    client: DynamoDBClient,
    readonly tableName: string,
  ) {
    this.doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  }

  async reserveStock(orderId: string, lines: Json, owner: EffectOwner): Promise<EffectOutcome> {
    return this.apply(SK.reservation, orderId, lines, owner, 'reserve');
  }

  async releaseStock(orderId: string, owner: EffectOwner): Promise<EffectOutcome> {
    return this.undo(SK.reservation, orderId, owner, 'release');
  }

  async saveOrder(record: OrderRecord, owner: EffectOwner): Promise<EffectOutcome> {
    return this.apply(SK.record, record.orderId, record as unknown as Json, owner, 'save');
  }

  async deleteOrder(orderId: string, owner: EffectOwner): Promise<EffectOutcome> {
    return this.undo(SK.record, orderId, owner, 'delete');
  }

  async getOrder(orderId: string): Promise<OrderRecord | undefined> {
    return (await this.get(orderId, SK.record))?.value as OrderRecord | undefined;
  }

  async effectsOf(orderId: string): Promise<OrderEffects> {
    const items: Item[] = [];
    let start: Item | undefined;
    do {
      const page = await this.doc.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': orderId },
          ConsistentRead: true,
          ExclusiveStartKey: start,
        }),
      );
      items.push(...(page.Items ?? []));
      start = page.LastEvaluatedKey;
    } while (start);
    const owned = (sk: string) => {
      const item = items.find((i) => i.sk === sk);
      return (
        item &&
        ({
          value: item.value,
          lineageId: item.lineageId,
          runId: item.runId,
          at: item.at,
        } as OwnedEffect<Json>)
      );
    };
    const ledger: LedgerEntry[] = items
      .filter((i) => String(i.sk).startsWith('LEDGER#'))
      .sort((a, b) => String(a.sk).localeCompare(String(b.sk)))
      .map((i, index) => ({
        kind: i.kind,
        orderId,
        sequence: index + 1,
        lineageId: i.lineageId,
        runId: i.runId,
        at: i.at,
      }));
    const notifications = items
      .filter((i) => String(i.sk).startsWith('NOTIFICATION#'))
      .map(notificationState);
    return {
      orderId,
      record: owned(SK.record) as OwnedEffect<OrderRecord> | undefined,
      reservation: owned(SK.reservation),
      notifications,
      ledger,
      runs: runsOf(ledger, notifications),
    };
  }

  async claimNotification(
    notification: Notification,
    owner: EffectOwner,
    claim: NotificationClaim,
  ): ReturnType<NotificationLog['claimNotification']> {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: notification.orderId, sk: SK.notification(notification.key) },
          UpdateExpression:
            'SET #key = :key, eventType = :eventType, #status = :pending, lineageId = :lineageId, runId = :runId, claim = :token, claimedUntil = :until, #at = :now',
          ConditionExpression: 'attribute_not_exists(pk) OR (#status = :pending AND claimedUntil < :now)',
          ExpressionAttributeNames: { '#key': 'key', '#status': 'status', '#at': 'at' },
          ExpressionAttributeValues: {
            ':key': notification.key,
            ':eventType': notification.eventType,
            ':pending': 'pending',
            ':lineageId': owner.lineageId,
            ':runId': owner.runId,
            ':token': claim.token,
            ':until': claim.untilIso,
            ':now': claim.nowIso,
          },
        }),
      );
      return { claimed: true as const };
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      const item = await this.get(notification.orderId, SK.notification(notification.key));
      if (!item) return this.claimNotification(notification, owner, claim);
      return { claimed: false as const, state: notificationState(item), claimedUntil: item.claimedUntil };
    }
  }

  async completeNotification(notification: Notification, token: string, messageId: string, at: string) {
    await this.ignoringFailedCondition(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { pk: notification.orderId, sk: SK.notification(notification.key) },
        UpdateExpression: 'SET #status = :sent, messageId = :messageId, #at = :at REMOVE claim, claimedUntil',
        ConditionExpression: 'claim = :token',
        ExpressionAttributeNames: { '#status': 'status', '#at': 'at' },
        ExpressionAttributeValues: { ':sent': 'sent', ':messageId': messageId, ':at': at, ':token': token },
      }),
    );
  }

  async releaseNotification(notification: Notification, token: string) {
    await this.ignoringFailedCondition(
      new DeleteCommand({
        TableName: this.tableName,
        Key: { pk: notification.orderId, sk: SK.notification(notification.key) },
        ConditionExpression: 'claim = :token',
        ExpressionAttributeValues: { ':token': token },
      }),
    );
  }

  private async get(orderId: string, sk: string): Promise<Item | undefined> {
    const { Item } = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: { pk: orderId, sk }, ConsistentRead: true }),
    );
    return Item;
  }

  private ledgerPut(kind: LedgerEntry['kind'], orderId: string, owner: EffectOwner, at: string) {
    return {
      Put: { TableName: this.tableName, Item: { pk: orderId, sk: SK.ledger(at), kind, ...owner, at } },
    };
  }

  private async apply(
    sk: string,
    orderId: string,
    value: Json,
    owner: EffectOwner,
    kind: LedgerEntry['kind'],
  ): Promise<EffectOutcome> {
    return this.conditionally(
      (at) => [
        {
          Put: {
            TableName: this.tableName,
            Item: { pk: orderId, sk, value, ...owner, at },
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        },
        this.ledgerPut(kind, orderId, owner, at),
      ],
      async () => applyVerdict((await this.get(orderId, sk)) as { lineageId: string } | undefined, owner),
    );
  }

  private async undo(
    sk: string,
    orderId: string,
    owner: EffectOwner,
    kind: LedgerEntry['kind'],
  ): Promise<EffectOutcome> {
    return this.conditionally(
      (at) => [
        {
          Delete: {
            TableName: this.tableName,
            Key: { pk: orderId, sk },
            ConditionExpression: 'lineageId = :lineageId',
            ExpressionAttributeValues: { ':lineageId': owner.lineageId },
          },
        },
        this.ledgerPut(kind, orderId, owner, at),
      ],
      async () => undoVerdict((await this.get(orderId, sk)) as { lineageId: string } | undefined, owner),
    );
  }

  /**
   * Runs the transaction; when its condition fails, asks `verdict` why (a retry of ours, or another lineage's).
   * A verdict of `applied` after a failed condition means the item changed in between: try again.
   */
  private async conditionally(
    transaction: (
      at: string,
    ) => NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']>,
    verdict: () => Promise<EffectOutcome>,
  ): Promise<EffectOutcome> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.doc.send(
          new TransactWriteCommand({ TransactItems: transaction(new Date().toISOString()) }),
        );
        return 'applied';
      } catch (error) {
        if (!(error instanceof TransactionCanceledException) || attempt > CONFLICT_RETRIES) throw error;
        const codes = (error.CancellationReasons ?? []).map((reason) => reason.Code);
        if (codes.includes('ConditionalCheckFailed')) {
          const outcome = await verdict();
          if (outcome !== 'applied') return outcome;
        }
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 20 * attempt));
      }
    }
  }

  private async ignoringFailedCondition(command: UpdateCommand | DeleteCommand): Promise<void> {
    try {
      await this.doc.send(command as UpdateCommand);
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }
}

function notificationState(item: Item): NotificationState {
  return {
    key: item.key,
    orderId: item.pk,
    eventType: item.eventType,
    status: item.status,
    lineageId: item.lineageId,
    runId: item.runId,
    ...(item.messageId ? { messageId: item.messageId } : {}),
    at: item.at,
  };
}
