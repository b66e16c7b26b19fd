import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FilePayloadStore, MemoryPayloadStore } from '../../lambda/adapters/file-payloads.js';
import {
  createPayloadStore,
  lazyPayloadStore,
  loadPayloadSettings,
} from '../../lambda/adapters/payload-config.js';
import { S3PayloadStore } from '../../lambda/adapters/s3-payloads.js';
import {
  loadPayload,
  offloadValue,
  PayloadResolver,
  resolveValue,
  type ShownPayload,
  storePayload,
  VIEW_PAYLOAD_BUDGET_CHARS,
} from '../../lambda/worker/payload-codec.js';
import { NonRetryableError } from '../../lambda/workflow/errors.js';
import { isPayloadRef, type PayloadRef, type PayloadStore } from '../../lambda/workflow/payloads.js';
import { peerClientSettings } from '../../local/runtime/aws-effects-peer.js';
import { type MotoServer, startMoto } from '../../local/runtime/moto.js';
import { motoForTests } from '../support/moto.js';

/**
 * One contract for every payload store: in memory (unit tests), a directory next to the SQLite data (every local
 * process), and S3 on moto_server (what Lambda uses). `tamper` changes a stored body behind the store's back.
 */
interface Backend {
  store: PayloadStore;
  tamper(sha256: string, body: string): Promise<void>;
}

/** Whether a text holds a C0 or C1 control character (a terminal escape starts with one). */
const hasControlCharacter = (text: string) =>
  [...text].some((c) => {
    const code = c.charCodeAt(0);
    return code <= 0x1f || (code >= 0x7f && code <= 0x9f);
  });

const hasMoto = await motoForTests('the S3 payload store contract');
const directory = mkdtempSync(join(tmpdir(), 'payloads-'));
let moto: MotoServer | undefined;

const backends: Record<string, () => Promise<Backend>> = {
  memory: async () => {
    const store = new MemoryPayloadStore();
    return { store, tamper: async (sha, body) => void store.bodies.set(sha, body) };
  },
  file: async () => {
    const dir = join(directory, randomUUID());
    const store = new FilePayloadStore(dir);
    return { store, tamper: async (sha, body) => writeFileSync(join(dir, sha), body) };
  },
  ...(hasMoto
    ? {
        's3 (moto)': async (): Promise<Backend> => {
          const s3 = new S3Client({
            ...peerClientSettings((moto as MotoServer).endpoint),
            forcePathStyle: true,
          });
          const bucket = `payloads-${randomUUID().slice(0, 8)}`;
          await s3.send(new CreateBucketCommand({ Bucket: bucket }));
          return {
            store: new S3PayloadStore(s3, bucket),
            tamper: async (sha, body) =>
              void (await s3.send(
                new PutObjectCommand({ Bucket: bucket, Key: `payloads/${sha}`, Body: body }),
              )),
          };
        },
      }
    : {}),
};

beforeAll(async () => {
  if (hasMoto) moto = await startMoto();
});
afterAll(() => {
  moto?.stop();
  rmSync(directory, { recursive: true, force: true });
});

describe.each(Object.keys(backends))('payload store: %s', (name) => {
  let backend: Backend;
  beforeAll(async () => {
    backend = await (backends[name] as () => Promise<Backend>)();
  });

  it('stores a body under its hash and reads it back; storing it again changes nothing', async () => {
    const text = JSON.stringify({ items: Array.from({ length: 2_000 }, (_, i) => ({ sku: `S${i}` })) });
    const ref = await storePayload(backend.store, text);
    expect(ref.$payload).toMatchObject({
      size: text.length,
      sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    expect(ref.$payload.address).toContain(ref.$payload.sha256);
    expect(await storePayload(backend.store, text)).toEqual(ref);
    expect(await loadPayload(backend.store, ref)).toEqual(JSON.parse(text));
    expect(await backend.store.get('0'.repeat(64))).toBeUndefined();
  });

  it('fails a missing or changed body with a non-retryable error that names it', async () => {
    const ref = await storePayload(backend.store, JSON.stringify({ note: 'x'.repeat(10_000) }));
    const gone = backend.store.address('f'.repeat(64));
    const missing: PayloadRef = { $payload: { ...ref.$payload, sha256: 'f'.repeat(64), address: gone } };
    const size = ref.$payload.size;
    const error = await loadPayload(backend.store, missing).catch((e: Error) => e);
    expect(error).toBeInstanceOf(NonRetryableError);
    expect(error).toMatchObject({
      name: 'PayloadMissing',
      message: `The payload ${gone} (${size} characters) is missing from the payload store (it may have expired, been deleted, or never been stored here); start the run again with its input`,
    });
    await backend.tamper(ref.$payload.sha256, JSON.stringify({ note: 'y'.repeat(10_000) }));
    await expect(loadPayload(backend.store, ref)).rejects.toMatchObject({
      name: 'PayloadCorrupt',
      message: expect.stringContaining('its SHA-256 differs'),
    });
    await backend.tamper(ref.$payload.sha256, '{}');
    await expect(loadPayload(backend.store, ref)).rejects.toMatchObject({
      name: 'PayloadCorrupt',
      message: expect.stringContaining(`2 characters, the reference says ${size}`),
    });
  });

  it('refuses a reference whose address is not the one this store gives its hash, without printing it raw', async () => {
    const ref = await storePayload(backend.store, JSON.stringify({ note: 'f'.repeat(10_000) }));
    const address = `\u001b]0;owned\u0007\u001b[2J${'x'.repeat(200)}`;
    const forged: PayloadRef = { $payload: { ...ref.$payload, address } };
    const error = (await loadPayload(backend.store, forged).catch((e: Error) => e)) as Error;
    expect(error).toBeInstanceOf(NonRetryableError);
    expect(error.name).toBe('PayloadForeign');
    expect(error.message).toContain('is not a reference this store wrote');
    expect(error.message).toContain(backend.store.address(ref.$payload.sha256));
    // Quoted and escaped, and cut short: no control character reaches a terminal.
    expect(error.message).toContain('"\\u001b]0;owned\\u0007\\u001b[2J');
    expect(hasControlCharacter(error.message)).toBe(false);
    expect(error.message).not.toContain('x'.repeat(100));
    const shown: ShownPayload[] = [];
    const view = new PayloadResolver(backend.store, VIEW_PAYLOAD_BUDGET_CHARS);
    expect(await view.display(forged as never, 'input', shown)).toEqual(forged);
    expect(shown[0]?.resolved).toBe(false);
    expect(shown[0]?.problem).toContain('is not a reference this store wrote');
    expect(hasControlCharacter(shown[0]?.address ?? '')).toBe(false);
  });

  it('offloads the large fields of a value and keeps the small ones inline, and resolves them back', async () => {
    const order = {
      orderId: 'A-1',
      currency: 'USD',
      items: Array.from({ length: 1_000 }, (_, i) => ({ sku: `S${i}`, quantity: 1, unitPrice: 1 })),
    };
    const travelled = (await offloadValue(backend.store, order, 8_192)) as Record<string, unknown>;
    expect(travelled.orderId).toBe('A-1');
    expect(isPayloadRef(travelled.items)).toBe(true);
    expect(JSON.stringify(travelled).length).toBeLessThan(400);
    expect(await resolveValue(backend.store, travelled as never)).toEqual(order);
    // Small values travel as they are; a large array travels as one reference.
    expect(await offloadValue(backend.store, { a: 1 }, 8_192)).toEqual({ a: 1 });
    const list = await offloadValue(backend.store, order.items, 8_192);
    expect(isPayloadRef(list)).toBe(true);
    expect(await resolveValue(backend.store, list)).toEqual(order.items);
  });
});

describe('the local payload directory', () => {
  it('expires bodies a week after the retention, as the bucket does, and a new reference renews one', async () => {
    const dir = join(directory, 'expiry');
    const store = new FilePayloadStore(dir);
    const old = await storePayload(store, JSON.stringify({ old: 'x'.repeat(9_000) }));
    const renewed = await storePayload(store, JSON.stringify({ renewed: 'y'.repeat(9_000) }));
    const fresh = await storePayload(store, JSON.stringify({ fresh: 'z'.repeat(9_000) }));
    const longAgo = new Date(Date.now() - 40 * 86_400_000);
    for (const ref of [old, renewed]) utimesSync(join(dir, ref.$payload.sha256), longAgo, longAgo);
    await storePayload(store, JSON.stringify({ renewed: 'y'.repeat(9_000) }));
    expect(store.expire(37)).toBe(1);
    expect(await store.get(old.$payload.sha256)).toBeUndefined();
    expect(await store.get(renewed.$payload.sha256)).toBeDefined();
    expect(await store.get(fresh.$payload.sha256)).toBeDefined();
  });

  it('expires only the bodies it wrote and its own stale temporary files, never anything else', async () => {
    const dir = join(directory, 'mixed');
    const store = new FilePayloadStore(dir);
    const old = await storePayload(store, JSON.stringify({ old: 'o'.repeat(9_000) }));
    const sha = old.$payload.sha256;
    const hexLike = 'a'.repeat(64);
    const decoys = {
      notes: join(dir, 'notes.txt'),
      withExtension: join(dir, `${hexLike}.json`),
      upperCase: join(dir, 'A'.repeat(64)),
      folder: join(dir, 'b'.repeat(64)),
      folderFile: join(dir, 'b'.repeat(64), 'inside.txt'),
      namedLikeTemporary: join(dir, `${hexLike}.tmp`),
    };
    const staleTemporary = join(dir, `${sha}.4242.1700000000000.tmp`);
    const freshTemporary = join(dir, `${hexLike}.4243.${Date.now()}.tmp`);
    mkdirSync(decoys.folder);
    for (const path of [...Object.values(decoys), staleTemporary, freshTemporary])
      if (path !== decoys.folder) writeFileSync(path, 'a document the store did not write');
    const longAgo = new Date(Date.now() - 60 * 86_400_000);
    for (const path of [join(dir, sha), ...Object.values(decoys), staleTemporary])
      utimesSync(path, longAgo, longAgo);

    expect(store.expire(37)).toBe(2);
    expect(await store.get(sha)).toBeUndefined();
    expect(existsSync(staleTemporary)).toBe(false);
    // A temporary file being written now is another writer's, not stale: it stays.
    expect(existsSync(freshTemporary)).toBe(true);
    for (const path of Object.values(decoys)) expect(existsSync(path), path).toBe(true);
  });

  it('deletes nothing for a process that only reads (history, describe); the first write expires', async () => {
    const dir = join(directory, 'read-only');
    const writer = new FilePayloadStore(dir);
    const old = await storePayload(writer, JSON.stringify({ old: 'r'.repeat(9_000) }));
    const longAgo = new Date(Date.now() - 60 * 86_400_000);
    utimesSync(join(dir, old.$payload.sha256), longAgo, longAgo);
    const settings = { ...loadPayloadSettings({ SWF_PAYLOADS_DIR: dir }), expireAfterDays: 37 };
    const reader = lazyPayloadStore(settings) as PayloadStore;
    expect(await reader.get(old.$payload.sha256)).toBeDefined();
    expect(await reader.get(old.$payload.sha256)).toBeDefined();
    await storePayload(reader, JSON.stringify({ fresh: 'w'.repeat(9_000) }));
    expect(await reader.get(old.$payload.sha256)).toBeUndefined();
  });
});

describe('the payload resolver', () => {
  it('reads a body once however often it is referenced, counts every reference, and never reads past its budget', async () => {
    const inner = new MemoryPayloadStore();
    const reads: string[] = [];
    const store: PayloadStore = {
      address: (sha) => inner.address(sha),
      put: (sha, body) => inner.put(sha, body),
      get: (sha) => {
        reads.push(sha);
        return inner.get(sha);
      },
    };
    const small = await storePayload(store, JSON.stringify({ s: 's'.repeat(1_000) }));
    const large = await storePayload(store, JSON.stringify({ l: 'l'.repeat(5_000) }));
    // A body whose fields are references: resolved in turn, and counted with them.
    const nested = await storePayload(store, JSON.stringify({ a: small, b: small }));
    const resolver = new PayloadResolver(store, 10_000);
    const value = (await resolver.resolve({ x: nested, y: nested, z: small } as never)) as Record<
      string,
      unknown
    >;
    expect(value.z).toEqual({ s: 's'.repeat(1_000) });
    expect(value.x).toEqual({ a: value.z, b: value.z });
    expect(reads.filter((sha) => sha === small.$payload.sha256)).toHaveLength(1);
    expect(reads.filter((sha) => sha === nested.$payload.sha256)).toHaveLength(1);
    const each = small.$payload.size;
    expect(resolver.spentChars).toBe(2 * (nested.$payload.size + 2 * each) + each);
    // Past the budget: refused before the body is read.
    await expect(resolver.resolve(large as never)).rejects.toMatchObject({ name: 'PayloadBudgetExceeded' });
    expect(reads).not.toContain(large.$payload.sha256);
    await expect(resolver.resolve(large as never)).rejects.toBeInstanceOf(NonRetryableError);
  });
});

describe('payload settings', () => {
  it('keeps payloads next to the SQLite data locally, in the bucket on AWS, and nowhere without one', async () => {
    expect(loadPayloadSettings({})).toEqual({
      backend: 'file',
      directory: '.swf-local/payloads',
      threshold: 8_192,
      expireAfterDays: 37,
    });
    expect(loadPayloadSettings({ SWF_DOMAIN_RETENTION_DAYS: '7' })).toMatchObject({ expireAfterDays: 14 });
    expect(
      loadPayloadSettings({ SWF_EFFECTS_DB: '/data/x/orders.db', SWF_OFFLOAD_THRESHOLD: '2048' }),
    ).toEqual({
      backend: 'file',
      directory: '/data/x/payloads',
      threshold: 2_048,
      expireAfterDays: 37,
    });
    expect(loadPayloadSettings({ SWF_EFFECTS: 'aws', PAYLOAD_BUCKET: 'my-payloads' })).toMatchObject({
      backend: 's3',
      bucket: 'my-payloads',
    });
    expect(loadPayloadSettings({ SWF_EFFECTS: 'aws' })).toMatchObject({ backend: 'none' });
    expect(await createPayloadStore({ backend: 'none', threshold: 8_192 })).toBeUndefined();
    expect(() => loadPayloadSettings({ SWF_OFFLOAD_THRESHOLD: '100' })).toThrow(
      /Invalid payload store configuration: SWF_OFFLOAD_THRESHOLD/,
    );
  });
});
