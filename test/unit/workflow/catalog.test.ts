import { describe, expect, it } from 'vitest';
import { defineCatalog } from '../../../lambda/workflow/catalog.js';
import { CatalogError, type CatalogSpec } from '../../../lambda/workflow/index.js';
import { catalog } from '../../support/order-fixtures.js';

const run = () => ({ ok: true });

function spec(steps: unknown[], overrides: Record<string, unknown> = {}): CatalogSpec {
  return {
    domain: { name: 'test-domain', retentionDays: 7 },
    workflows: [
      {
        name: 'Flow',
        version: '1',
        taskList: 'decisions',
        executionStartToCloseTimeout: '1h',
        taskStartToCloseTimeout: 30,
        defaults: { activityTaskList: 'activities' },
        steps,
        ...overrides,
      },
    ],
  } as CatalogSpec;
}

describe('the order catalog', () => {
  it('declares the domain, the workflow type and its five steps in order', () => {
    expect(catalog.domain).toEqual({
      name: 'order-processing-dev',
      description: 'Order processing workflows',
      retentionDays: 30,
    });
    const workflow = catalog.workflow('OrderProcessing', '1');
    expect(workflow).toMatchObject({
      taskList: 'order-decisions',
      executionStartToCloseTimeout: '3600',
      taskStartToCloseTimeout: '30',
      childPolicy: 'TERMINATE',
    });
    expect(workflow?.steps.map((s) => s.name)).toEqual([
      'ValidateInput',
      'ProcessData',
      'EnrichData',
      'SaveResults',
      'NotifyCompletion',
    ]);
  });

  it('gives every step a full retry policy (three attempts by default) and compensations where declared', () => {
    const steps = catalog.workflow('OrderProcessing', '1')?.steps ?? [];
    expect(steps[2]?.retry).toEqual({
      maximumAttempts: 3,
      initialIntervalSeconds: 1,
      backoffCoefficient: 2,
      maximumIntervalSeconds: 60,
      nonRetryableErrors: ['ValidationError', 'NonRetryableError', 'SimulatedPermanentFailure'],
    });
    expect(steps.filter((s) => s.compensation).map((s) => [s.name, s.compensation?.activity.name])).toEqual([
      ['ProcessData', 'ReleaseProcessData'],
      ['SaveResults', 'DeleteSavedResults'],
    ]);
    expect(steps[1]?.activity.timeouts).toEqual({
      scheduleToStart: '300',
      scheduleToClose: '600',
      startToClose: '300',
      heartbeat: '30',
    });
  });

  it('lists every distinct activity type, steps and compensations, for registration', () => {
    expect(catalog.activityTypes().map((a) => `${a.name}@${a.version}`)).toEqual([
      'ValidateInput@1',
      'ProcessData@1',
      'ReleaseProcessData@1',
      'EnrichData@1',
      'SaveResults@1',
      'DeleteSavedResults@1',
      'NotifyCompletion@1',
      'FraudCheck@1',
      'SendReminder@1',
      'ChargeRenewal@1',
      'RefundRenewal@1',
      'ExtendSubscription@1',
      'NotifyRenewed@1',
    ]);
    expect(catalog.activity('SaveResults', '1')?.taskList).toBe('order-activities');
    expect(catalog.activity('SaveResults', '2')).toBeUndefined();
  });
});

describe('defineCatalog validation', () => {
  it('rejects a step name that appears twice, naming it', () => {
    expect(() =>
      defineCatalog(
        spec([
          { name: 'A', activity: { run } },
          { name: 'A', activity: { run } },
        ]),
      ),
    ).toThrow(
      new CatalogError(
        'workflow Flow@1, step "A": the name appears twice (steps, groups, waits and sleeps share one namespace)',
      ),
    );
  });

  it('rejects a timeout that does not parse, naming the entry', () => {
    expect(() =>
      defineCatalog(spec([{ name: 'Slow', activity: { run, timeouts: { startToClose: '5 minutes' } } }])),
    ).toThrow(/workflow Flow@1, step "Slow": startToClose timeout: cannot parse "5 minutes"/);
    expect(() =>
      defineCatalog(spec([{ name: 'A', activity: { run } }], { executionStartToCloseTimeout: 'NONE' })),
    ).toThrow(/workflow Flow@1: executionStartToCloseTimeout: "NONE" is not allowed here/);
  });

  it('rejects a compensation with no activity, naming the step', () => {
    expect(() => defineCatalog(spec([{ name: 'Pay', activity: { run }, compensation: {} }]))).toThrow(
      'workflow Flow@1, step "Pay": the compensation has no activity',
    );
  });

  it('rejects shape errors with a path that names the workflow and the step', () => {
    expect(() => defineCatalog(spec([{ name: 'Pay', activity: { run: 'nope' } }]))).toThrow(
      /workflow Flow@1 > steps > step "Pay" > activity > run: must be a function/,
    );
    expect(() =>
      defineCatalog(spec([{ name: 'Pay', activity: { run }, retry: { maximumAttempts: 0 } }])),
    ).toThrow(/step "Pay" > retry > maximumAttempts/);
    expect(() => defineCatalog(spec([{ name: 'has space', activity: { run } }]))).toThrow(
      /name: must be 1-64 letters/,
    );
  });

  it('resolves parallel groups, signal waits and sleeps into flow nodes, with every step listed once', () => {
    const parse = (value: unknown) => value;
    const flow = defineCatalog(
      spec([
        { name: 'A', activity: { run } },
        {
          parallel: 'Checks',
          steps: [
            { name: 'B', activity: { run } },
            { name: 'C', activity: { run } },
          ],
        },
        {
          waitForSignal: 'Approval',
          signals: { Approve: { payload: { parse } }, Reject: { fails: 'Rejected' } },
          earlySignals: 'ignore',
          timeout: '24h',
          onTimeout: { fails: 'Rejected' },
        },
        { sleep: 'Pause', duration: '1d' },
      ]),
    ).workflow('Flow', '1');
    expect(flow?.steps.map((s) => s.name)).toEqual(['A', 'B', 'C']);
    expect(flow?.flow.map((n) => [n.kind, n.name])).toEqual([
      ['step', 'A'],
      ['parallel', 'Checks'],
      ['signal', 'Approval'],
      ['sleep', 'Pause'],
    ]);
    const wait = flow?.flow[2] as {
      timeoutSeconds: number;
      earlySignals: string;
      signals: Record<string, { fails?: string }>;
    };
    expect(wait.timeoutSeconds).toBe(86_400);
    expect(wait.earlySignals).toBe('ignore');
    expect(wait.signals.Reject?.fails).toBe('Rejected');
    const sleep = flow?.flow[3] as { seconds: (i: object, r: object) => number };
    expect(sleep.seconds({}, {})).toBe(86_400);
  });

  it('refuses flow entries that cannot work, naming them', () => {
    expect(() =>
      defineCatalog(spec([{ parallel: 'Alone', steps: [{ name: 'B', activity: { run } }] }])),
    ).toThrow(/workflow Flow@1 > steps > group "Alone" > steps: Too small/i);
    expect(() =>
      defineCatalog(
        spec([
          { waitForSignal: 'W', signals: {}, earlySignals: 'keep', timeout: '1h', onTimeout: 'continue' },
        ]),
      ),
    ).toThrow(/signals: name at least one signal/);
    // Every wait says whether a signal sent before the run reaches it counts.
    expect(() =>
      defineCatalog(
        spec([{ waitForSignal: 'W', signals: { Go: {} }, timeout: '1h', onTimeout: 'continue' } as never]),
      ),
    ).toThrow(/wait "W".*earlySignals/);
    expect(() =>
      defineCatalog(
        spec([
          { name: 'Same', activity: { run } },
          { sleep: 'Same', duration: 5 },
        ]),
      ),
    ).toThrow(/sleep "Same": the name appears twice/);
  });

  it('rejects timeouts that contradict each other', () => {
    expect(() =>
      defineCatalog(
        spec([{ name: 'A', activity: { run, timeouts: { startToClose: '10m', scheduleToClose: '5m' } } }]),
      ),
    ).toThrow(/scheduleToClose \(300s\) is shorter than startToClose \(600s\)/);
    expect(() =>
      defineCatalog(
        spec([{ name: 'A', activity: { run, timeouts: { startToClose: '1m', heartbeat: '2m' } } }]),
      ),
    ).toThrow(/heartbeat \(120s\) exceeds startToClose \(60s\)/);
  });

  it('rejects one activity type version declared with two configurations', () => {
    expect(() =>
      defineCatalog(
        spec([
          { name: 'A', activity: { name: 'Shared', run } },
          { name: 'B', activity: { name: 'Shared', run, timeouts: { startToClose: '30s' } } },
        ]),
      ),
    ).toThrow(/Activity type Shared@1 .* declared twice with different settings; .* new version/);
  });

  it('rejects the same workflow version declared twice', () => {
    const one = spec([{ name: 'A', activity: { run } }]);
    expect(() => defineCatalog({ ...one, workflows: [...one.workflows, ...one.workflows] })).toThrow(
      'Workflow Flow@1 is declared twice',
    );
  });

  it('keeps several versions of a workflow side by side', () => {
    const one = spec([{ name: 'A', activity: { run } }]);
    const two = spec(
      [
        { name: 'A', activity: { run } },
        { name: 'B', activity: { run } },
      ],
      { version: '2' },
    );
    const both = defineCatalog({ ...one, workflows: [...one.workflows, ...two.workflows] });
    expect(both.workflow('Flow', '1')?.steps).toHaveLength(1);
    expect(both.workflow('Flow', '2')?.steps).toHaveLength(2);
  });
});
