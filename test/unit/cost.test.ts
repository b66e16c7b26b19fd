import { describe, expect, it } from 'vitest';
import { DEFAULT_INPUTS, estimateCost, PRICES } from '../../local/cli/cost.js';

const forOrders = (ordersPerDay: number, overrides = {}) =>
  estimateCost({ ...DEFAULT_INPUTS, ordersPerDay, busyMsPerStep: 6, ...overrides });

describe('the cost model', () => {
  it('charges idle polling as continuous GB-seconds: 2 kinds × 0.25 GB × a month', () => {
    const line = forOrders(0).lines.find((l) => l.item.startsWith('Lambda: pollers'));
    expect(line?.monthly).toBeCloseTo(2 * 0.25 * 2_592_000 * PRICES.lambdaGbSecond, 6);
    expect(forOrders(0, { pollerConcurrency: 3 }).lines[0]?.monthly).toBeCloseTo(3 * (line?.monthly ?? 0), 6);
  });

  it('charges SWF per execution, task and retained day', () => {
    const swf = forOrders(1000, { retriesPerOrder: 0 }).lines.find((l) => l.item.startsWith('SWF'));
    // 30,000 orders × ($0.0001 + 11 tasks × $0.000025 + 31 days × $0.000005)
    expect(swf?.monthly).toBeCloseTo(30_000 * (0.0001 + 11 * 0.000025 + 31 * 0.000005), 6);
  });

  it('gives the README example: about $46 a month for 1,000 orders a day', () => {
    const result = forOrders(1000);
    expect(result.monthly).toBeGreaterThan(45);
    expect(result.monthly).toBeLessThan(48);
    expect(result.pollersNeeded).toBe(1);
  });

  it('sizes pollers from the measured busy time and compares Step Functions Standard', () => {
    expect(forOrders(1_000_000, { busyMsPerStep: 100 }).pollersNeeded).toBe(9);
    const result = forOrders(10_000);
    expect(result.stepFunctions.perOrder).toBeLessThan(result.perOrder);
    expect(result.breakEvenOrdersPerDay).toBeUndefined();
  });
});
