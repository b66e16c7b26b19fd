import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { billableUnitsPerOrder, DEFAULT_INPUTS, estimateCost, PRICES } from '../../local/cli/cost.js';

const forOrders = (ordersPerDay: number, overrides = {}) =>
  estimateCost({ ...DEFAULT_INPUTS, ordersPerDay, busyMsPerStep: 6, ...overrides });

describe('the cost model', () => {
  it('charges idle polling as continuous GB-seconds: 2 kinds × 0.25 GB × a month', () => {
    const line = forOrders(0).lines.find((l) => l.item.startsWith('Lambda: pollers'));
    expect(line?.monthly).toBeCloseTo(2 * 0.25 * 2_592_000 * PRICES.lambdaGbSecond, 6);
    expect(forOrders(0, { pollerConcurrency: 3 }).lines[0]?.monthly).toBeCloseTo(3 * (line?.monthly ?? 0), 6);
  });

  it('charges SWF per execution, task and retained day, less its free tier (the first open day is free)', () => {
    const swf = forOrders(1000, { retriesPerOrder: 0 }).lines.find((l) => l.item.startsWith('SWF'));
    // 30,000 orders: (30,000 − 1,000) × $0.0001 + (330,000 − 10,000) tasks × $0.000025 + (900,000 − 30,000) days × $0.000005
    expect(swf?.monthly).toBeCloseTo(29_000 * 0.0001 + 320_000 * 0.000025 + 870_000 * 0.000005, 6);
    expect(forOrders(10, { retriesPerOrder: 0 }).lines.find((l) => l.item.startsWith('SWF'))?.monthly).toBe(
      0,
    );
  });

  it("counts each recorded history's billable units as the model does", () => {
    const units = (fixture: string) => {
      const events = JSON.parse(
        readFileSync(new URL(`../fixtures/histories/${fixture}.json`, import.meta.url), 'utf8'),
      ) as { eventType: string }[] | { events: { eventType: string }[] };
      const list = Array.isArray(events) ? events : events.events;
      const count = (type: string) => list.filter((e) => e.eventType === type).length;
      return {
        units: count('ActivityTaskScheduled') + count('DecisionTaskScheduled') + count('TimerStarted'),
        retries: count('TimerStarted'),
        compensations: list.filter(
          (e) => e.eventType === 'ActivityTaskScheduled' && /compensate/.test(JSON.stringify(e)),
        ).length,
      };
    };
    for (const fixture of ['happy', 'retried', 'compensated']) {
      const recorded = units(fixture);
      expect(
        billableUnitsPerOrder({ steps: 5, retries: recorded.retries, compensations: recorded.compensations }),
        fixture,
      ).toBe(recorded.units);
    }
    expect(units('retried')).toMatchObject({ retries: 2, units: 19 });
    expect(units('compensated')).toMatchObject({ compensations: 2, units: 15 });
  });

  it('adds the KMS keys, and an origination number once SMS is used', () => {
    const lines = forOrders(100).lines;
    expect(lines.find((l) => l.item.startsWith('KMS'))?.monthly).toBe(2);
    expect(lines.find((l) => l.item.startsWith('SNS: SMS'))?.monthly).toBe(0);
    expect(
      forOrders(100, { smsPerMonth: 10 }).lines.find((l) => l.item.startsWith('SNS: SMS'))?.monthly,
    ).toBeCloseTo(10 * PRICES.sms + 2, 6);
  });

  it('gives the example of docs/cost.md: about $52 a month for 1,000 orders a day', () => {
    const result = forOrders(1000);
    // The dev template's 88 alarms at $0.10 (test/infra/alarm-count.test.ts).
    expect(result.monthly).toBeGreaterThan(51);
    expect(result.monthly).toBeLessThan(53);
    expect(result.pollersNeeded).toBe(1);
  });

  it('sizes pollers from the measured busy time and compares Step Functions Standard', () => {
    expect(forOrders(1_000_000, { busyMsPerStep: 100 }).pollersNeeded).toBe(9);
    const result = forOrders(10_000);
    expect(result.stepFunctions.perOrder).toBeLessThan(result.perOrder);
    expect(result.breakEvenOrdersPerDay).toBeUndefined();
  });
});
