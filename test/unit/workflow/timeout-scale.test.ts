import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildCatalog, loadConfig } from '../../../lambda/workflow/index.js';
import { SqliteOrderStore } from '../../../local/runtime/sqlite-order-store.js';

describe('SWF_TIMEOUT_SCALE', () => {
  it('scales every order timeout and versions the activity types, since SWF types are immutable', () => {
    const catalog = buildCatalog(loadConfig({ SWF_TIMEOUT_SCALE: '0.1' }));
    expect(catalog.workflows[0]).toMatchObject({
      executionStartToCloseTimeout: '360',
      taskStartToCloseTimeout: '3',
    });
    expect(catalog.activity('ProcessData', '1-x0.1')?.timeouts).toEqual({
      scheduleToStart: '30',
      scheduleToClose: '60',
      startToClose: '30',
      heartbeat: '3',
    });
    expect(catalog.activity('ProcessData', '1')).toBeUndefined();
    expect(buildCatalog(loadConfig({})).activity('ProcessData', '1')?.timeouts.startToClose).toBe('300');
    expect(() => loadConfig({ SWF_TIMEOUT_SCALE: '3' })).toThrow(/SWF_TIMEOUT_SCALE/);
  });
});

describe('SqliteOrderStore', () => {
  it('applies each effect once, records it in the ledger, and shares it across store instances', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'ledger-'));
    try {
      const path = join(directory, 'ledger.db');
      const one = new SqliteOrderStore(path);
      const two = new SqliteOrderStore(path);
      const record = { orderId: 'L-1', customerId: 'c', currency: 'USD', total: 1, details: null };
      expect(await one.reserveStock('L-1', [])).toBe(true);
      expect(await two.reserveStock('L-1', [])).toBe(false);
      expect(await one.saveOrder(record)).toBe(true);
      expect(await two.saveOrder(record)).toBe(false);
      expect(await two.getOrder('L-1')).toEqual(record);
      expect(await two.deleteOrder('L-1')).toBe(true);
      expect(await one.deleteOrder('L-1')).toBe(false);
      expect(await one.releaseStock('L-1')).toBe(true);
      expect(two.ledger().map((e) => e.kind)).toEqual(['reserve', 'save', 'delete', 'release']);
      one.close();
      two.close();
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });
});
