import { existsSync, readFileSync } from 'node:fs';
import { jsonOrUndefined } from '../../lambda/workflow/bounded-json.js';
import { loadConfig } from '../../lambda/workflow/config.js';
import { buildCatalog } from '../../lambda/workflow/modules.js';
import { stackAlarmCount } from '../../lib/monitoring/alarm-count.js';
import { table } from './format.js';

/** List prices, us-east-1, at the time of writing: check the pricing pages before relying on them. */
export const PRICES = {
  lambdaGbSecond: 0.0000133334, // arm64
  lambdaRequest: 0.2 / 1_000_000,
  swfExecution: 0.0001,
  swfTask: 0.000025, // activity or decision task, timer, signal, marker
  swfRetainedDay: 0.000005, // per run, per 24 hours open or retained
  alarm: 0.1,
  dashboard: 3,
  customMetric: 0.3,
  logsGb: 0.5,
  sms: 0.00645,
  kmsKey: 1, // per key a month; each yearly rotation adds $1 for the first two
  smsOriginationNumber: 2, // a US toll-free number a month (US SMS needs an origination number)
  dynamoWriteUnit: 0.625 / 1_000_000, // on-demand write request unit
  snsPublish: 0.5 / 1_000_000,
  stepFunctionsTransition: 0.000025,
} as const;

const SECONDS_PER_MONTH = 30 * 86_400;

export interface CostInputs {
  ordersPerDay: number;
  stepsPerOrder: number;
  /** Average retries per order (each adds an activity task, a timer and two decision tasks). */
  retriesPerOrder: number;
  /** Average compensations per order (each adds an activity task and a decision task). */
  compensationsPerOrder: number;
  pollerConcurrency: number;
  pollerMemoryMb: number;
  retentionDays: number;
  alarms: number;
  /** Customer-managed KMS keys (the alarm topic's and the order-events topic's). */
  kmsKeys: number;
  customMetrics: number;
  smsPerMonth: number;
  /** Busy milliseconds per workflow step (an activity task plus its decision), measured by `npm run bench`. */
  busyMsPerStep: number;
}

export const DEFAULT_INPUTS: Omit<CostInputs, 'ordersPerDay' | 'busyMsPerStep'> = {
  stepsPerOrder: 5,
  retriesPerOrder: 0.1,
  compensationsPerOrder: 0,
  pollerConcurrency: 1,
  pollerMemoryMb: 256,
  retentionDays: 30,
  // As many as the stack creates for the catalog (test/infra/alarm-count.test.ts compares it with the template).
  alarms: stackAlarmCount(buildCatalog(loadConfig({}))),
  kmsKeys: 2,
  customMetrics: 16,
  smsPerMonth: 0,
};

/**
 * The busy time per step the benchmark measured (one order at a time through the real workers, SQLite), from
 * bench/results/bench.json when present, else the figure recorded in docs/performance.md.
 */
export function measuredBusyMsPerStep(path = new URL('../../bench/results/bench.json', import.meta.url)): {
  ms: number;
  source: string;
} {
  const recorded = {
    ms: 3.2,
    source: 'docs/performance.md (swf-local SQLite, one order at a time: 16 ms per 5-step order)',
  };
  if (!existsSync(path)) return recorded;
  try {
    const bench = jsonOrUndefined(readFileSync(path, 'utf8')) as
      | { throughput?: { target: string; p50Ms?: number }[] }
      | undefined;
    const row = bench?.throughput?.find((r) => r.target === 'swf-local SQLite, one order at a time');
    return row?.p50Ms
      ? { ms: row.p50Ms / DEFAULT_INPUTS.stepsPerOrder, source: 'bench/results/bench.json' }
      : recorded;
  } catch {
    return recorded;
  }
}

/** SWF's free tier, every month: executions, tasks (activity, decision), timers and signals, and run-days. */
export const SWF_FREE_TIER = { executions: 1_000, tasks: 10_000, runDays: 30_000 } as const;

/**
 * SWF's billable tasks, timers and signals for one order: each step's activity task and the decision task
 * after it, plus the first decision; a retry adds an activity task, its timer and two decision tasks (the
 * failure's and the timer's); a compensation adds an activity task and a decision task.
 */
export function billableUnitsPerOrder(input: {
  steps: number;
  retries: number;
  compensations: number;
}): number {
  return input.steps + (input.steps + 1) + 4 * input.retries + 2 * input.compensations;
}

export interface CostBreakdown {
  lines: { item: string; formula: string; monthly: number }[];
  monthly: number;
  perOrder: number;
  /** Pollers of each kind the workload needs at the measured busy time. */
  pollersNeeded: number;
  stepFunctions: { monthly: number; perOrder: number };
  breakEvenOrdersPerDay: number | undefined;
}

/** Monthly AWS cost of the deployed stack for a workload, line by line, and Step Functions Standard beside it. */
export function estimateCost(input: CostInputs): CostBreakdown {
  const orders = input.ordersPerDay * 30;
  const gb = input.pollerMemoryMb / 1024;
  const pollers = 2 * input.pollerConcurrency;
  const stepsPerSecond =
    (input.ordersPerDay * input.stepsPerOrder * (1 + input.retriesPerOrder / input.stepsPerOrder)) / 86_400;
  const pollersNeeded = Math.max(1, Math.ceil((stepsPerSecond * input.busyMsPerStep) / 1000 / 0.7));
  const tasksPerOrder = billableUnitsPerOrder({
    steps: input.stepsPerOrder,
    retries: input.retriesPerOrder,
    compensations: input.compensationsPerOrder,
  });
  // A run closes within its first day, which is free: what is billed is the retention after it.
  const swfPerOrder =
    PRICES.swfExecution + tasksPerOrder * PRICES.swfTask + input.retentionDays * PRICES.swfRetainedDay;
  const swfMonthly =
    Math.max(0, orders - SWF_FREE_TIER.executions) * PRICES.swfExecution +
    Math.max(0, orders * tasksPerOrder - SWF_FREE_TIER.tasks) * PRICES.swfTask +
    Math.max(0, orders * input.retentionDays - SWF_FREE_TIER.runDays) * PRICES.swfRetainedDay;
  const lines = [
    {
      item: 'Lambda: pollers, idle and busy',
      formula: `${pollers} pollers × ${gb} GB × ${SECONDS_PER_MONTH} s × $${PRICES.lambdaGbSecond}/GB-s`,
      monthly: pollers * gb * SECONDS_PER_MONTH * PRICES.lambdaGbSecond,
    },
    {
      item: 'Lambda: requests',
      formula: `(${pollers} pollers + monitor) × 43,200 invocations × $0.20/M`,
      monthly: (pollers + 1) * 43_200 * PRICES.lambdaRequest,
    },
    {
      item: 'Lambda: monitor function',
      formula: '43,200 × 0.3 s × 0.25 GB',
      monthly: 43_200 * 0.3 * 0.25 * PRICES.lambdaGbSecond,
    },
    {
      item: 'SWF: executions, tasks, retention',
      formula: `${orders.toLocaleString('en-US')} orders × ($${PRICES.swfExecution} + ${tasksPerOrder.toFixed(1)} tasks × $${PRICES.swfTask} + ${input.retentionDays} retained days × $${PRICES.swfRetainedDay}), less the free tier (1,000 executions, 10,000 tasks, 30,000 run-days)`,
      monthly: swfMonthly,
    },
    {
      item: 'KMS: topic keys',
      formula: `${input.kmsKeys} keys × $${PRICES.kmsKey} (each yearly rotation adds $1 a key, for the first two)`,
      monthly: input.kmsKeys * PRICES.kmsKey,
    },
    {
      item: 'CloudWatch: alarms, dashboard, metrics',
      formula: `${input.alarms} × $0.10 + $3 + ${input.customMetrics} × $0.30`,
      monthly: input.alarms * PRICES.alarm + PRICES.dashboard + input.customMetrics * PRICES.customMetric,
    },
    {
      item: 'CloudWatch: logs',
      formula: `${orders.toLocaleString('en-US')} orders × ${tasksPerOrder.toFixed(1)} tasks × 1 KB × $0.50/GB`,
      monthly: (orders * tasksPerOrder * 1024 * PRICES.logsGb) / 1024 ** 3,
    },
    {
      // Two transactional effects (an item and its ledger entry, 2 units each) and the notification's claim and
      // completion; storage (about 2 KB per order, plus point-in-time recovery) grows with the orders kept.
      item: 'DynamoDB + SNS: order effects',
      formula: `${orders.toLocaleString('en-US')} orders × (10 write units × $0.625/M + 1 publish × $0.50/M)`,
      monthly: orders * (10 * PRICES.dynamoWriteUnit + PRICES.snsPublish),
    },
    {
      item: 'SNS: SMS alerts',
      formula:
        input.smsPerMonth > 0
          ? `${input.smsPerMonth} × $${PRICES.sms} + a US origination number $${PRICES.smsOriginationNumber}`
          : 'none (no SMS subscription)',
      monthly: input.smsPerMonth > 0 ? input.smsPerMonth * PRICES.sms + PRICES.smsOriginationNumber : 0,
    },
  ];
  const monthly = lines.reduce((sum, line) => sum + line.monthly, 0);
  // Step Functions Standard, same workflow: a transition per state (start, 5 tasks, end, plus retries), each task a Lambda.
  const transitions = input.stepsPerOrder + 2 + input.retriesPerOrder;
  const taskLambda =
    (input.stepsPerOrder + input.retriesPerOrder) *
    (PRICES.lambdaRequest + 0.125 * (input.busyMsPerStep / 1000 + 0.05) * PRICES.lambdaGbSecond);
  const sfnPerOrder = transitions * PRICES.stepFunctionsTransition + taskLambda;
  const logs = lines.find((line) => line.item === 'CloudWatch: logs')?.monthly ?? 0;
  const fixed = monthly - swfMonthly - logs;
  const variable = swfPerOrder + (tasksPerOrder * 1024 * PRICES.logsGb) / 1024 ** 3;
  const breakEven = variable < sfnPerOrder ? fixed / (sfnPerOrder - variable) / 30 : undefined;
  return {
    lines,
    monthly,
    perOrder: orders > 0 ? monthly / orders : 0,
    pollersNeeded,
    stepFunctions: { monthly: orders * sfnPerOrder, perOrder: sfnPerOrder },
    breakEvenOrdersPerDay: breakEven,
  };
}

const usd = (value: number) => `$${value < 0.01 ? value.toFixed(6) : value.toFixed(2)}`;

/** What `swfctl cost` prints: each line with its formula, the total, Step Functions beside it, and poller sizing. */
export function renderCost(
  result: CostBreakdown,
  busy: { ms: number; source: string },
  pollers: number,
): string {
  const lines = [
    table(
      ['item', 'formula', 'monthly'],
      result.lines.map((line) => [line.item, line.formula, usd(line.monthly)]),
    ),
    '',
    `total ${usd(result.monthly)} a month, ${usd(result.perOrder)} per order (us-east-1 list prices; check the pricing pages)`,
    `Step Functions Standard, same workflow: ${usd(result.stepFunctions.monthly)} a month, ${usd(result.stepFunctions.perOrder)} per order`,
    result.breakEvenOrdersPerDay === undefined
      ? 'break-even: none; Step Functions costs less per order, so it is cheaper at every volume for this workflow'
      : `break-even: above ${Math.ceil(result.breakEvenOrdersPerDay).toLocaleString('en-US')} orders a day SWF costs less`,
    `busy time per step: ${busy.ms.toFixed(1)} ms, from ${busy.source}; pollers needed per kind: ${result.pollersNeeded}`,
  ];
  if (result.pollersNeeded > pollers)
    lines.push(`warning: raise --pollers (pollerConcurrency) to ${result.pollersNeeded}`);
  return lines.join('\n');
}
