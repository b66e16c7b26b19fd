import { ConditionalCheckFailedException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  type NativeAttributeValue,
  PutCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { RunClaim, RunClaimKey, RunClaims } from '../workflow/run-claims.js';

/**
 * Where run claims live in the orders table: their own partitions (`RUNS#<workflowId>`), apart from every
 * order's effects, so the starter's and the operations function's grants can be limited to them.
 */
export const RUN_CLAIMS_PARTITION_PREFIX = 'RUNS#';
/** The table actions the claims take, and no others (granted on the claim partitions only). */
export const RUN_CLAIMS_ACTIONS = [
  'dynamodb:GetItem',
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
];

const keyOf = (key: RunClaimKey) => ({
  pk: `${RUN_CLAIMS_PARTITION_PREFIX}${key.workflowId}`,
  sk: `CLAIM#${key.predecessor}`,
});

/** Run claims in the orders table: each claim is one conditional put, so of two callers only one wins a key. */
export class DynamoDbRunClaims implements RunClaims {
  private readonly doc: DynamoDBDocumentClient;

  constructor(
    client: DynamoDBClient,
    readonly tableName: string,
  ) {
    this.doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  }

  async claimRun(
    claim: RunClaim,
    options: { nowIso: string; replacing?: string },
  ): ReturnType<RunClaims['claimRun']> {
    const free = 'attribute_not_exists(pk) OR (attribute_not_exists(runId) AND claimedUntil <= :now)';
    try {
      const { Attributes } = await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...keyOf(claim), ...claim },
          ReturnValues: 'ALL_OLD',
          ConditionExpression: options.replacing === undefined ? free : `${free} OR #token = :replacing`,
          ExpressionAttributeValues: {
            ':now': options.nowIso,
            ...(options.replacing === undefined ? {} : { ':replacing': options.replacing }),
          },
          ...(options.replacing === undefined ? {} : { ExpressionAttributeNames: { '#token': 'token' } }),
        }),
      );
      return { claimed: true, ...(Attributes ? { previous: claimOf(Attributes) } : {}) };
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      const { Item } = await this.doc.send(
        new GetCommand({ TableName: this.tableName, Key: keyOf(claim), ConsistentRead: true }),
      );
      // Given back between our put and our read: the key is free again.
      if (!Item) return this.claimRun(claim, options);
      return { claimed: false, holder: claimOf(Item) };
    }
  }

  async recordRun(key: RunClaimKey, token: string, runId: string): Promise<boolean> {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keyOf(key),
          UpdateExpression: 'SET runId = :runId',
          ConditionExpression: '#token = :token',
          ExpressionAttributeNames: { '#token': 'token' },
          ExpressionAttributeValues: { ':runId': runId, ':token': token },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  async releaseRun(key: RunClaimKey, token: string): Promise<void> {
    try {
      await this.doc.send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: keyOf(key),
          ConditionExpression: '#token = :token AND attribute_not_exists(runId)',
          ExpressionAttributeNames: { '#token': 'token' },
          ExpressionAttributeValues: { ':token': token },
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }
}

function claimOf(item: Record<string, NativeAttributeValue>): RunClaim {
  return {
    workflowId: item.workflowId,
    predecessor: item.predecessor,
    token: item.token,
    action: item.action,
    ...(item.runId === undefined ? {} : { runId: item.runId }),
    at: item.at,
    claimedUntil: item.claimedUntil,
  };
}
