import type { OrderEffects, OrderPorts } from '../workflow/order/ports.js';
import type { RunClaims } from '../workflow/run-claims.js';
import type { EffectsSettings } from './effects-config.js';
import { onceNotifier } from './once-notifier.js';

export interface AwsClientSettings {
  endpoint?: string;
  region?: string;
  credentials?: { accessKeyId: string; secretAccessKey: string };
}

/** The activities' ports plus a reader of an order's effects (for `swfctl order` and the operations function). */
export interface EffectPorts extends OrderPorts {
  effectsOf(orderId: string): Promise<OrderEffects>;
  close(): void;
}

/**
 * Builds the ports the settings name. Each adapter is loaded only when chosen, so a Lambda bundle never
 * loads the SQLite driver and a local run never needs AWS credentials.
 */
export async function createPorts(
  settings: EffectsSettings,
  /** Client settings for the AWS backend (tests point it at a peer); Lambda uses the default chain. */
  aws: AwsClientSettings = {},
): Promise<EffectPorts> {
  switch (settings.backend) {
    case 'aws': {
      const [{ DynamoDBClient }, { SNSClient }, { DynamoDbEffects }, { snsChannel }] = await Promise.all([
        import('@aws-sdk/client-dynamodb'),
        import('@aws-sdk/client-sns'),
        import('./dynamodb-effects.js'),
        import('./sns-channel.js'),
      ]);
      const dynamodb = new DynamoDBClient(aws);
      const sns = new SNSClient(aws);
      const effects = new DynamoDbEffects(dynamodb, settings.tableName);
      return {
        orderStore: effects,
        notifier: onceNotifier(effects, snsChannel(sns, settings.topicArn), { leaseMs: settings.leaseMs }),
        effectsOf: (orderId) => effects.effectsOf(orderId),
        close: () => {
          dynamodb.destroy();
          sns.destroy();
        },
      };
    }
    case 'sqlite': {
      const { SqliteEffects } = await import('./sqlite-effects.js');
      const effects = new SqliteEffects(settings.path);
      return {
        orderStore: effects,
        notifier: onceNotifier(effects, async (n, owner) => effects.publish(n, owner), {
          leaseMs: settings.leaseMs,
        }),
        effectsOf: (orderId) => effects.effectsOf(orderId),
        close: () => effects.close(),
      };
    }
    case 'memory': {
      const { inMemoryPorts } = await import('./memory-effects.js');
      const ports = inMemoryPorts();
      return {
        ...ports,
        effectsOf: (orderId) => ports.orderStore.effectsOf(orderId),
        close: () => undefined,
      };
    }
  }
}

/** The run claims the settings name, with a way to let their connection go. */
export async function createRunClaims(
  settings: EffectsSettings,
  aws: AwsClientSettings = {},
): Promise<RunClaims & { close(): void }> {
  switch (settings.backend) {
    case 'aws': {
      const [{ DynamoDBClient }, { DynamoDbRunClaims }] = await Promise.all([
        import('@aws-sdk/client-dynamodb'),
        import('./dynamodb-run-claims.js'),
      ]);
      const dynamodb = new DynamoDBClient(aws);
      return Object.assign(new DynamoDbRunClaims(dynamodb, settings.tableName), {
        close: () => dynamodb.destroy(),
      });
    }
    case 'sqlite': {
      const { SqliteRunClaims } = await import('./sqlite-run-claims.js');
      return new SqliteRunClaims(settings.path);
    }
    case 'memory': {
      const { InMemoryRunClaims } = await import('./memory-run-claims.js');
      return Object.assign(new InMemoryRunClaims(), { close: () => undefined });
    }
  }
}

/**
 * Run claims built on first use, from settings read then: a command that never starts a run never opens the
 * effects store, nor fails on its configuration.
 */
export function lazyRunClaims(settings: () => EffectsSettings, aws: AwsClientSettings = {}): RunClaims {
  let claims: Promise<RunClaims> | undefined;
  const ready = () => {
    claims ??= createRunClaims(settings(), aws);
    return claims;
  };
  return {
    claimRun: async (claim, options) => (await ready()).claimRun(claim, options),
    recordRun: async (key, token, runId) => (await ready()).recordRun(key, token, runId),
    releaseRun: async (key, token) => (await ready()).releaseRun(key, token),
  };
}
