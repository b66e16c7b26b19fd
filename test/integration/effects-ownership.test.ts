import * as S from '@aws-sdk/client-swf';
import { describe, expect, it } from 'vitest';
import { findRun, listRuns, runHistory } from '../../lambda/worker/operations.js';
import { ValidationError } from '../../lambda/workflow/errors.js';
import type { Catalog } from '../../lambda/workflow/module.js';
import { startOrder, workflowIdFor } from '../../lambda/workflow/order/operations.js';
import type { OrderPorts } from '../../lambda/workflow/order/ports.js';
import { ORDER_ACTIVITIES } from '../../lambda/workflow/order/steps.js';
import type { ActivityFunction } from '../../lambda/workflow/types.js';
import { anOrder } from '../support/order-fixtures.js';
import { eventually, startWorkers, useOrderWorkers } from '../support/workers.js';

/**
 * The three ways an order's effects were lost or corrupted before effects had owners (issue "Real side
 * effects"), each against the real decider and workers on swf-local.
 */
const setup = useOrderWorkers();

/** ProcessData that does not stop when cancellation is requested: it finishes its work and returns. */
const stubbornProcessData: ActivityFunction<OrderPorts> = async (payload, context) => {
  const until = Date.now() + 20_000;
  while (!context.signal.aborted && Date.now() < until) {
    await context.heartbeat('working');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return ORDER_ACTIVITIES.processData(payload, context);
};

function withStubbornProcessData(catalog: Catalog): Catalog {
  return {
    ...catalog,
    activity: (name, version) => {
      const type = catalog.activity(name, version);
      return type && name === 'ProcessData' ? { ...type, run: stubbornProcessData } : type;
    },
  };
}

async function closedRun(workflowId: string, runId: string) {
  return eventually(
    async () => {
      const info = await findRun(setup.env.context, workflowId, runId);
      return info.executionStatus === 'CLOSED'
        ? runHistory(setup.env.context, workflowId, { runId })
        : undefined;
    },
    20_000,
    `${workflowId} to close`,
  );
}

/** Starts a run the way a raw SWF client could, without the start operation's checks. */
async function rawStart(order: Record<string, unknown>): Promise<string> {
  const { runId } = await setup.env.swf.send(
    new S.StartWorkflowExecutionCommand({
      domain: setup.env.config.domain,
      workflowId: workflowIdFor(String(order.orderId)),
      workflowType: { name: 'OrderProcessing', version: setup.env.config.workflowVersion },
      input: JSON.stringify(order),
    }),
  );
  return runId ?? '';
}

const ledgerOf = (orderId: string) =>
  setup.env.ports.orderStore.ledger.filter((e) => e.orderId === orderId).map((e) => e.kind);

describe("an order's effects belong to its own runs", () => {
  it('refuses to start a completed order again, returning the completed run', async () => {
    const first = await startOrder(setup.env.context, anOrder({ orderId: 'DUP-0' }));
    await closedRun(first.workflowId, first.runId);
    const again = await startOrder(setup.env.context, anOrder({ orderId: 'DUP-0' }));
    expect(again).toEqual({ ...first, alreadyCompleted: true });
    expect(
      (await listRuns(setup.env.context)).filter((r) => r.execution?.workflowId === 'order-DUP-0'),
    ).toHaveLength(1);
  });

  it('a second run that fails at NotifyCompletion leaves the first run’s record and stock alone', async () => {
    const first = await startOrder(setup.env.context, anOrder({ orderId: 'DUP-1' }));
    expect((await closedRun(first.workflowId, first.runId)).timeline.status).toBe('completed');
    const second = await rawStart(
      anOrder({ orderId: 'DUP-1', simulate: { failStep: 'NotifyCompletion', nonRetryable: true } }),
    );
    const { timeline } = await closedRun(first.workflowId, second);
    expect(timeline.status).toBe('failed');
    // Its compensations ran, and found nothing of theirs to undo.
    const compensations = timeline.steps.filter((s) => s.kind === 'compensation');
    expect(compensations.map((s) => [s.step, s.attempts[0]?.result])).toEqual([
      ['SaveResults', { deleted: false, outcome: 'foreign', orderId: 'DUP-1' }],
      ['ProcessData', { released: false, outcome: 'foreign', orderId: 'DUP-1' }],
    ]);
    expect(ledgerOf('DUP-1')).toEqual(['reserve', 'save']);
    const effects = await setup.env.ports.orderStore.effectsOf('DUP-1');
    expect(effects.record?.runId).toBe(first.runId);
    expect(effects.reservation?.runId).toBe(first.runId);
  });

  it('a second run canceled after ProcessData leaves the first run’s effects alone', async () => {
    const first = await startOrder(setup.env.context, anOrder({ orderId: 'DUP-2' }));
    await closedRun(first.workflowId, first.runId);
    const second = await rawStart(
      anOrder({ orderId: 'DUP-2', simulate: { sleepStep: 'EnrichData', sleepSeconds: 30 } }),
    );
    await eventually(async () => {
      const { timeline } = await runHistory(setup.env.context, first.workflowId, { runId: second });
      return timeline.steps.find((s) => s.step === 'EnrichData')?.status === 'running' ? true : undefined;
    });
    await setup.env.swf.send(
      new S.RequestCancelWorkflowExecutionCommand({
        domain: setup.env.config.domain,
        workflowId: first.workflowId,
        runId: second,
      }),
    );
    expect((await closedRun(first.workflowId, second)).timeline.status).toBe('canceled');
    expect(ledgerOf('DUP-2')).toEqual(['reserve', 'save']);
    const effects = await setup.env.ports.orderStore.effectsOf('DUP-2');
    expect([effects.reservation?.runId, effects.record?.runId]).toEqual([first.runId, first.runId]);
  }, 30_000);

  it('refuses a resume block in a new order, and starts nothing', async () => {
    const error = await startOrder(
      setup.env.context,
      anOrder({
        orderId: 'SNEAKY-1',
        resume: { fromStep: 'SaveResults', previousResults: { ProcessData: { totals: { total: 0.01 } } } },
      }),
    ).catch((e) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.message).toMatch(/a new order cannot carry a resume block; .*swfctl resume/);
    await expect(findRun(setup.env.context, 'order-SNEAKY-1')).rejects.toMatchObject({ code: 'NotFound' });
    expect(ledgerOf('SNEAKY-1')).toEqual([]);
  });
});

describe('cancellation of an activity that finishes anyway', () => {
  it('reports it completed, so the decider compensates it', async () => {
    await setup.workers.stop();
    const stubborn = startWorkers({
      swf: setup.env.swf,
      context: setup.env.context,
      ports: setup.env.ports,
      pollHoldMs: 1_000,
      catalog: withStubbornProcessData(setup.env.catalog),
    });
    try {
      const { workflowId, runId } = await startOrder(setup.env.context, anOrder({ orderId: 'CANCEL-DONE' }));
      await eventually(async () => {
        const { timeline } = await runHistory(setup.env.context, workflowId, { runId });
        return timeline.steps.find((s) => s.step === 'ProcessData')?.status === 'running' ? true : undefined;
      });
      await setup.env.swf.send(
        new S.RequestCancelWorkflowExecutionCommand({ domain: setup.env.config.domain, workflowId, runId }),
      );
      const { timeline } = await closedRun(workflowId, runId);
      expect(timeline.status).toBe('canceled');
      expect(
        timeline.steps
          .find((s) => s.step === 'ProcessData' && s.kind === 'step')
          ?.attempts.map((a) => a.outcome),
      ).toEqual(['completed']);
      expect(timeline.steps.filter((s) => s.kind === 'compensation').map((s) => s.step)).toEqual([
        'ProcessData',
      ]);
      expect(ledgerOf('CANCEL-DONE')).toEqual(['reserve', 'release']);
    } finally {
      await stubborn.stop();
      setup.workers = startWorkers({
        swf: setup.env.swf,
        context: setup.env.context,
        ports: setup.env.ports,
        pollHoldMs: 1_000,
      });
    }
  }, 40_000);
});

describe('a resume block is a claim, checked against SWF before any effect is touched', () => {
  /** A raw start (what any SWF client may send) of the order with this resume block. */
  async function rawResume(order: Record<string, unknown>, resume: Record<string, unknown>) {
    const runId = await rawStart({ ...order, resume });
    return { runId, ...(await closedRun(workflowIdFor(String(order.orderId)), runId)) };
  }

  async function completedOrder(orderId: string) {
    const first = await startOrder(setup.env.context, anOrder({ orderId }));
    const { timeline } = await closedRun(first.workflowId, first.runId);
    expect(timeline.status).toBe('completed');
    const resultOf = (step: string) =>
      timeline.steps.find((s) => s.step === step && s.kind === 'step')?.attempts.at(-1)?.result;
    return { ...first, resultOf };
  }

  it('refuses a forged source or lineage, leaving a completed order’s reservation and record alone', async () => {
    const first = await completedOrder('FORGE-1');
    const other = await completedOrder('FORGE-OTHER');
    const forged: [string, Record<string, unknown>, RegExp][] = [
      ['no source run', { lineageId: first.runId }, /names no source run/],
      [
        'an unknown source run',
        { sourceRunId: 'not-a-run', lineageId: first.runId },
        /has no run "not-a-run"/,
      ],
      ['another order’s run', { sourceRunId: other.runId, lineageId: first.runId }, /has no run/],
      [
        'a lineage the source does not carry',
        { sourceRunId: first.runId, lineageId: other.runId },
        /claims lineage/,
      ],
      [
        'a result the source never recorded',
        {
          sourceRunId: first.runId,
          lineageId: first.runId,
          fromStep: 'EnrichData',
          previousResults: {
            ValidateInput: first.resultOf('ValidateInput'),
            ProcessData: { totals: { total: 0.01 } },
          },
        },
        /its result of ProcessData is not the one/,
      ],
    ];
    for (const [what, claim, why] of forged) {
      const { timeline } = await rawResume(anOrder({ orderId: 'FORGE-1' }), {
        fromStep: 'ProcessData',
        previousResults: { ValidateInput: first.resultOf('ValidateInput') },
        ...claim,
      });
      expect(timeline.status, what).toBe('failed');
      expect(timeline.failure?.reason, what).toBe('InvalidResume');
      expect((timeline.failure?.details as { message?: string })?.message, what).toMatch(why);
      // It ran nothing, so it undid nothing.
      expect(
        timeline.steps.filter((s) => s.attempts.length > 0),
        what,
      ).toEqual([]);
    }
    expect(ledgerOf('FORGE-1')).toEqual(['reserve', 'save']);
    const effects = await setup.env.ports.orderStore.effectsOf('FORGE-1');
    expect([effects.reservation?.runId, effects.record?.runId]).toEqual([first.runId, first.runId]);
  }, 60_000);

  it('accepts the block the resume operation would build, and records its verdict once', async () => {
    const first = await completedOrder('FORGE-2');
    const { runId, timeline } = await rawResume(
      anOrder({ orderId: 'FORGE-2', simulate: { failStep: 'NotifyCompletion', nonRetryable: true } }),
      {
        fromStep: 'ProcessData',
        previousResults: { ValidateInput: first.resultOf('ValidateInput') },
        sourceRunId: first.runId,
        lineageId: first.runId,
      },
    );
    // A true resume of the lineage: it may undo the lineage's effects, as `swfctl resume` promises.
    expect(timeline.status).toBe('failed');
    expect(timeline.failure?.reason).toBe('StepFailed');
    expect(ledgerOf('FORGE-2')).toEqual(['reserve', 'save', 'delete', 'release']);
    const events = await setup.env.swf.send(
      new S.GetWorkflowExecutionHistoryCommand({
        domain: setup.env.config.domain,
        execution: { workflowId: first.workflowId, runId },
      }),
    );
    const markers = (events.events ?? []).filter((e) => e.eventType === 'MarkerRecorded');
    expect(markers.map((e) => JSON.parse(e.markerRecordedEventAttributes?.details ?? ''))).toEqual([
      { trusted: true, lineageId: first.runId },
    ]);
  }, 30_000);
});
