import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SNSClient } from '@aws-sdk/client-sns';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPorts } from '../../lambda/adapters/create-ports.js';
import { DynamoDbEffects } from '../../lambda/adapters/dynamodb-effects.js';
import { DynamoDbRunClaims } from '../../lambda/adapters/dynamodb-run-claims.js';
import { loadEffectsSettings } from '../../lambda/adapters/effects-config.js';
import { InMemoryOrderStore } from '../../lambda/adapters/memory-effects.js';
import { InMemoryRunClaims } from '../../lambda/adapters/memory-run-claims.js';
import {
  type NotificationChannel,
  type NotificationLog,
  onceNotifier,
} from '../../lambda/adapters/once-notifier.js';
import { snsChannel } from '../../lambda/adapters/sns-channel.js';
import { SqliteEffects } from '../../lambda/adapters/sqlite-effects.js';
import { SqliteRunClaims } from '../../lambda/adapters/sqlite-run-claims.js';
import type { EffectOwner, Notification, OrderStore } from '../../lambda/workflow/order/ports.js';
import type { RunClaim, RunClaims } from '../../lambda/workflow/run-claims.js';
import {
  createEventsTopicWithQueue,
  createOrdersTable,
  peerClientSettings,
} from '../../local/runtime/aws-effects-peer.js';
import { type MotoServer, startMoto } from '../../local/runtime/moto.js';
import { motoForTests } from '../support/moto.js';

/**
 * One contract for every effects adapter: in memory (unit tests), SQLite (every local run), and DynamoDB + SNS
 * on moto_server (what Lambda uses), with an SQS queue subscribed to the topic to read what was published.
 */
interface Backend {
  store: OrderStore & NotificationLog;
  /** The run claims of starts and resumes, in the same store (for SQLite, through a second connection too). */
  claims: RunClaims;
  otherClaims: RunClaims;
  channel: NotificationChannel;
  /** Every message published since the backend was made, with its attributes where the channel has them. */
  published(): Promise<{ key: string; attributes?: Record<string, string> }[]>;
  close(): void;
}

const hasMoto = await motoForTests('the DynamoDB/SNS adapter contract');
const directory = mkdtempSync(join(tmpdir(), 'effects-'));
let moto: MotoServer | undefined;

const backends: Record<string, () => Promise<Backend>> = {
  memory: async () => {
    const store = new InMemoryOrderStore();
    const sent: Notification[] = [];
    const claims = new InMemoryRunClaims();
    return {
      store,
      claims,
      otherClaims: claims,
      channel: async (n) => {
        sent.push(n);
        return `m-${sent.length}`;
      },
      published: async () => sent.map((n) => ({ key: n.key })),
      close: () => undefined,
    };
  },
  sqlite: async () => {
    const path = join(directory, `${randomUUID()}.db`);
    const store = new SqliteEffects(path);
    // A second connection to the same file, as a second worker process would have.
    const other = new SqliteEffects(path);
    const claims = new SqliteRunClaims(path);
    const otherClaims = new SqliteRunClaims(path);
    return {
      store,
      claims,
      otherClaims,
      channel: async (n, owner) => other.publish(n, owner),
      published: async () => store.outbox().map((m) => ({ key: m.key })),
      close: () => {
        store.close();
        other.close();
        claims.close();
        otherClaims.close();
      },
    };
  },
  ...(hasMoto
    ? {
        'dynamodb+sns (moto)': async (): Promise<Backend> => {
          const settings = peerClientSettings((moto as MotoServer).endpoint);
          const name = `orders-${randomUUID().slice(0, 8)}`;
          await createOrdersTable(settings, name);
          const topic = await createEventsTopicWithQueue(settings, name);
          const dynamodb = new DynamoDBClient(settings);
          const sns = new SNSClient(settings);
          const seen: { key: string; attributes: Record<string, string> }[] = [];
          const claims = new DynamoDbRunClaims(dynamodb, name);
          return {
            store: new DynamoDbEffects(dynamodb, name),
            claims,
            otherClaims: claims,
            channel: snsChannel(sns, topic.topicArn),
            published: async () => {
              for (const event of await topic.drain())
                seen.push({ key: String(event.message.idempotencyKey), attributes: event.attributes });
              return seen;
            },
            close: () => {
              dynamodb.destroy();
              sns.destroy();
              topic.close();
            },
          };
        },
      }
    : {}),
};

beforeAll(async () => {
  if (hasMoto) moto = await startMoto();
}, 40_000);
afterAll(() => {
  moto?.stop();
  rmSync(directory, { recursive: true, force: true });
});

const lineageA: EffectOwner = { lineageId: 'run-A', runId: 'run-A' };
const resumedA: EffectOwner = { lineageId: 'run-A', runId: 'run-A2' };
const lineageB: EffectOwner = { lineageId: 'run-B', runId: 'run-B' };
const record = (orderId: string) => ({
  orderId,
  customerId: 'c-1',
  currency: 'USD',
  total: 12.5,
  details: { lines: [1, 2] },
});
const confirmation = (orderId: string): Notification => ({
  key: `order-confirmed:${orderId}`,
  orderId,
  eventType: 'OrderConfirmed',
  recipient: 'ana@example.com',
  subject: `Order ${orderId} confirmed`,
  body: 'confirmed',
});

for (const [name, make] of Object.entries(backends)) {
  describe(`effects contract: ${name}`, () => {
    let backend: Backend;
    beforeAll(async () => {
      backend = await make();
    }, 30_000);
    afterAll(() => backend?.close());

    it('is idempotent: a retried effect is applied once and reported as already applied', async () => {
      const { store } = backend;
      expect(await store.reserveStock('I-1', [{ sku: 'A' }], lineageA)).toBe('applied');
      expect(await store.reserveStock('I-1', [{ sku: 'A' }], resumedA)).toBe('already');
      expect(await store.saveOrder(record('I-1'), lineageA)).toBe('applied');
      expect(await store.saveOrder(record('I-1'), lineageA)).toBe('already');
      expect(await store.getOrder('I-1')).toEqual(record('I-1'));
      expect(await store.deleteOrder('I-1', lineageA)).toBe('applied');
      expect(await store.deleteOrder('I-1', lineageA)).toBe('absent');
      const effects = await store.effectsOf('I-1');
      expect(effects.ledger.map((e) => e.kind)).toEqual(['reserve', 'save', 'delete']);
      expect(effects.reservation).toMatchObject({
        value: [{ sku: 'A' }],
        lineageId: 'run-A',
        runId: 'run-A',
      });
      expect(effects.record).toBeUndefined();
      expect(effects.runs).toEqual(['run-A']);
    });

    it('lets only the owning lineage undo an effect', async () => {
      const { store } = backend;
      await store.reserveStock('O-1', [], lineageA);
      await store.saveOrder(record('O-1'), lineageA);
      expect(await store.reserveStock('O-1', [], lineageB)).toBe('foreign');
      expect(await store.saveOrder({ ...record('O-1'), total: 0.01 }, lineageB)).toBe('foreign');
      expect(await store.deleteOrder('O-1', lineageB)).toBe('foreign');
      expect(await store.releaseStock('O-1', lineageB)).toBe('foreign');
      expect(await store.getOrder('O-1')).toEqual(record('O-1'));
      // A run resumed from the owner carries its lineage, so it may undo.
      expect(await store.deleteOrder('O-1', resumedA)).toBe('applied');
      expect(await store.releaseStock('O-1', resumedA)).toBe('applied');
      const effects = await store.effectsOf('O-1');
      expect(effects.ledger.map((e) => `${e.kind}:${e.runId}`)).toEqual([
        'reserve:run-A',
        'save:run-A',
        'delete:run-A2',
        'release:run-A2',
      ]);
      expect(effects.runs).toEqual(['run-A', 'run-A2']);
    });

    it('applies an effect exactly once under 16 concurrent attempts, of one lineage or of many', async () => {
      const { store } = backend;
      const same = await Promise.all(
        Array.from({ length: 16 }, (_, i) =>
          store.saveOrder(record('R-1'), { lineageId: 'L', runId: `r${i}` }),
        ),
      );
      expect(same.filter((o) => o === 'applied')).toHaveLength(1);
      expect(same.filter((o) => o === 'already')).toHaveLength(15);
      const many = await Promise.all(
        Array.from({ length: 16 }, (_, i) =>
          store.reserveStock('R-2', [], { lineageId: `L${i}`, runId: `r${i}` }),
        ),
      );
      expect(many.filter((o) => o === 'applied')).toHaveLength(1);
      expect(many.filter((o) => o === 'foreign')).toHaveLength(15);
      const undo = await Promise.all(
        Array.from({ length: 16 }, () => store.deleteOrder('R-1', { lineageId: 'L', runId: 'undo' })),
      );
      expect(undo.filter((o) => o === 'applied')).toHaveLength(1);
      expect((await store.effectsOf('R-1')).ledger.map((e) => e.kind)).toEqual(['save', 'delete']);
      expect((await store.effectsOf('R-2')).ledger.map((e) => e.kind)).toEqual(['reserve']);
    }, 30_000);

    it('publishes a notification once: retries find it sent, 16 concurrent attempts publish one message', async () => {
      const notifier = onceNotifier(backend.store, backend.channel);
      expect(await notifier.send(confirmation('N-1'), lineageA)).toBe('sent');
      expect(await notifier.send(confirmation('N-1'), resumedA)).toBe('duplicate');
      const racing = await Promise.allSettled(
        Array.from({ length: 16 }, (_, i) =>
          notifier.send(confirmation('N-2'), { lineageId: 'L', runId: `r${i}` }),
        ),
      );
      const outcomes = racing.map((r) => (r.status === 'fulfilled' ? r.value : (r.reason as Error).name));
      expect(outcomes.filter((o) => o === 'sent')).toHaveLength(1);
      expect(outcomes.every((o) => ['sent', 'duplicate', 'NotificationInProgress'].includes(o))).toBe(true);
      const published = await backend.published();
      expect(published.filter((m) => m.key === 'order-confirmed:N-1')).toHaveLength(1);
      expect(published.filter((m) => m.key === 'order-confirmed:N-2')).toHaveLength(1);
      const effects = await backend.store.effectsOf('N-1');
      expect(effects.notifications).toMatchObject([
        { key: 'order-confirmed:N-1', status: 'sent', eventType: 'OrderConfirmed', runId: 'run-A' },
      ]);
      expect(effects.notifications[0]?.messageId).toBeTruthy();
    }, 30_000);

    it('gives the claim back when publishing fails, and lets a lapsed claim be taken over', async () => {
      let fail = true;
      const flaky: NotificationChannel = async (n, owner) => {
        if (fail) throw new Error('channel down');
        return backend.channel(n, owner);
      };
      let now = Date.parse('2026-01-01T00:00:00Z');
      const notifier = onceNotifier(backend.store, flaky, { leaseMs: 60_000, now: () => now });
      await expect(notifier.send(confirmation('F-1'), lineageA)).rejects.toThrow('channel down');
      fail = false;
      expect(await notifier.send(confirmation('F-1'), lineageA)).toBe('sent');

      // An attempt that claimed and died: the claim blocks others until it lapses, then a retry publishes.
      const dying = onceNotifier(backend.store, () => new Promise<string>(() => undefined), {
        leaseMs: 60_000,
        now: () => now,
      });
      void dying.send(confirmation('F-2'), lineageA);
      await new Promise((resolve) => setTimeout(resolve, 200));
      await expect(notifier.send(confirmation('F-2'), lineageA)).rejects.toMatchObject({
        name: 'NotificationInProgress',
      });
      now += 61_000;
      expect(await notifier.send(confirmation('F-2'), lineageA)).toBe('sent');
      const published = await backend.published();
      expect(published.filter((m) => m.key.startsWith('order-confirmed:F-'))).toHaveLength(2);
    }, 30_000);
  });
}

const T0 = Date.parse('2026-01-01T00:00:00Z');
const iso = (ms: number) => new Date(ms).toISOString();
/** A claim by `token` taken at `at` (ms), holding 60 s. */
const claimBy = (workflowId: string, token: string, at = T0): RunClaim => ({
  workflowId,
  predecessor: 'none',
  token,
  action: 'start',
  at: iso(at),
  claimedUntil: iso(at + 60_000),
});

for (const [name, make] of Object.entries(backends)) {
  describe(`run claims contract: ${name}`, () => {
    let backend: Backend;
    beforeAll(async () => {
      backend = await make();
    }, 30_000);
    afterAll(() => backend?.close());

    it('gives a key to the first claimant; the others see its claim, then its run, and never take it', async () => {
      const { claims, otherClaims } = backend;
      const key = { workflowId: 'wf-1', predecessor: 'none' };
      expect(await claims.claimRun(claimBy('wf-1', 'a'), { nowIso: iso(T0) })).toEqual({ claimed: true });
      const lost = await otherClaims.claimRun(claimBy('wf-1', 'b'), { nowIso: iso(T0 + 1) });
      expect(lost).toEqual({ claimed: false, holder: claimBy('wf-1', 'a') });
      expect(await otherClaims.recordRun(key, 'b', 'run-b')).toBe(false);
      expect(await claims.recordRun(key, 'a', 'run-a')).toBe(true);
      // A claim with its run holds for good, lease or not; giving it back is refused.
      await claims.releaseRun(key, 'a');
      const later = await otherClaims.claimRun(claimBy('wf-1', 'c', T0 + 3_600_000), {
        nowIso: iso(T0 + 3_600_000),
      });
      expect(later).toEqual({ claimed: false, holder: { ...claimBy('wf-1', 'a'), runId: 'run-a' } });
      // Its run gone from SWF (past the retention), the caller that saw so replaces it, and is told what it replaced.
      const replaced = await otherClaims.claimRun(claimBy('wf-1', 'c', T0 + 3_600_000), {
        nowIso: iso(T0 + 3_600_000),
        replacing: 'a',
      });
      expect(replaced).toEqual({ claimed: true, previous: { ...claimBy('wf-1', 'a'), runId: 'run-a' } });
      // Keys differ by predecessor: the run after run-a is another claim.
      expect(
        await claims.claimRun({ ...claimBy('wf-1', 'd'), predecessor: 'run-a' }, { nowIso: iso(T0) }),
      ).toEqual({ claimed: true });
    });

    it('lets a claim with no run lapse after its lease, and frees a key its claimant gave back', async () => {
      const { claims, otherClaims } = backend;
      const key = { workflowId: 'wf-2', predecessor: 'none' };
      await claims.claimRun(claimBy('wf-2', 'a'), { nowIso: iso(T0) });
      const early = await otherClaims.claimRun(claimBy('wf-2', 'b', T0 + 59_000), {
        nowIso: iso(T0 + 59_000),
      });
      expect(early.claimed).toBe(false);
      const lapsed = await otherClaims.claimRun(claimBy('wf-2', 'b', T0 + 61_000), {
        nowIso: iso(T0 + 61_000),
      });
      expect(lapsed).toEqual({ claimed: true, previous: claimBy('wf-2', 'a') });
      // The first claimant, back too late, can neither record nor give back what is no longer its claim.
      expect(await claims.recordRun(key, 'a', 'run-a')).toBe(false);
      await claims.releaseRun(key, 'a');
      expect(
        (await claims.claimRun(claimBy('wf-2', 'c', T0 + 62_000), { nowIso: iso(T0 + 62_000) })).claimed,
      ).toBe(false);
      await otherClaims.releaseRun(key, 'b');
      expect(await claims.claimRun(claimBy('wf-2', 'c', T0 + 63_000), { nowIso: iso(T0 + 63_000) })).toEqual({
        claimed: true,
      });
    });

    it('gives a key to exactly one of 16 concurrent claimants', async () => {
      const outcomes = await Promise.all(
        Array.from({ length: 16 }, (_, i) =>
          (i % 2 ? backend.otherClaims : backend.claims).claimRun(claimBy('wf-3', `t${i}`), {
            nowIso: iso(T0),
          }),
        ),
      );
      const winners = outcomes.filter((o) => o.claimed);
      expect(winners).toHaveLength(1);
      const holders = new Set(outcomes.map((o) => (o.claimed ? undefined : o.holder.token)).filter(Boolean));
      expect(holders.size).toBe(1);
    }, 30_000);
  });
}

describe.skipIf(!hasMoto)('SNS order events', () => {
  it('carry the orderId, the event type and the idempotency key as message attributes', async () => {
    const settings = peerClientSettings((moto as MotoServer).endpoint);
    const name = `events-${randomUUID().slice(0, 8)}`;
    await createOrdersTable(settings, name);
    const topic = await createEventsTopicWithQueue(settings, name);
    const ports = await createPorts(
      loadEffectsSettings({
        SWF_EFFECTS: 'aws',
        ORDERS_TABLE: name,
        ORDER_EVENTS_TOPIC_ARN: topic.topicArn,
      }),
      settings,
    );
    try {
      expect(await ports.notifier.send(confirmation('S-1'), lineageA)).toBe('sent');
      expect(await ports.notifier.send(confirmation('S-1'), lineageA)).toBe('duplicate');
      const events = await topic.drain(1_000);
      expect(events).toHaveLength(1);
      expect(events[0]?.attributes).toEqual({
        orderId: 'S-1',
        eventType: 'OrderConfirmed',
        idempotencyKey: 'order-confirmed:S-1',
      });
      expect(events[0]?.message).toMatchObject({
        orderId: 'S-1',
        subject: 'Order S-1 confirmed',
        runId: 'run-A',
      });
    } finally {
      ports.close();
      topic.close();
    }
  }, 30_000);
});

describe('effects configuration', () => {
  it('defaults to SQLite under .swf-local, and names what the AWS backend is missing', () => {
    expect(loadEffectsSettings({})).toMatchObject({ backend: 'sqlite', path: '.swf-local/orders.db' });
    expect(() => loadEffectsSettings({ SWF_EFFECTS: 'aws' })).toThrow(
      /ORDERS_TABLE: is required when SWF_EFFECTS=aws; ORDER_EVENTS_TOPIC_ARN: is required/,
    );
    expect(() => loadEffectsSettings({ SWF_EFFECTS: 'redis' })).toThrow(/SWF_EFFECTS/);
    expect(() =>
      loadEffectsSettings({ SWF_EFFECTS: 'aws', ORDERS_TABLE: 'orders', ORDER_EVENTS_TOPIC_ARN: 'topic' }),
    ).toThrow(/must be an SNS topic ARN/);
  });
});
