import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as S from '@aws-sdk/client-swf';
import { FilePayloadStore } from '../lambda/adapters/file-payloads.js';
import { type OperationsContext, readEvents } from '../lambda/worker/operations.js';
import { startWorkflow } from '../lambda/worker/start-workflow.js';
import { eventually, orderEnvironment, startWorkers } from '../test/support/workers.js';
import { percentile } from './harness.js';

const STEPS = ['ValidateInput', 'ProcessData', 'EnrichData', 'SaveResults', 'NotifyCompletion'];

/**
 * Time per step of an order of 10 lines and one of 10,000 lines, with offload (the payload store in a directory),
 * on swf-local with the real workers: one order at a time, small and large interleaved, after one warm-up of each.
 * A step's time is from its ActivityTaskScheduled to its ActivityTaskCompleted (the worker resolving references,
 * the activity, storing a large result). Also the size of each step's input as SWF carries it: with every earlier
 * result a reference, it must not grow with the steps before it.
 */
export async function measurePayloads(runs: number) {
  const directory = mkdtempSync(join(tmpdir(), 'bench-payloads-'));
  const env = await orderEnvironment({ env: { SWF_WORKFLOW_VERSION: '1' } });
  const context: OperationsContext = {
    ...env.context,
    payloads: new FilePayloadStore(join(directory, 'payloads')),
    offloadThreshold: 8_192,
  };
  const workers = startWorkers({ swf: env.swf, context, ports: env.ports, pollHoldMs: 1_000 });
  const sizes = { '10 lines': 10, '10,000 lines': 10_000 } as const;
  const samples = new Map<string, { ms: number[]; inputChars: number[] }[]>();
  try {
    for (let round = 0; round <= runs; round++) {
      for (const [label, lines] of Object.entries(sizes)) {
        const orderId = `PB-${lines}-${round}`;
        const run = await startWorkflow(context, {
          input: {
            orderId,
            customerId: 'bench',
            currency: 'USD',
            paymentToken: 'tok_bench_1234',
            // Distinct lines per run: payloads are stored by content, so a repeat would cost nothing to store.
            items: Array.from({ length: lines }, (_, i) => ({
              sku: `S${round}-${i}`,
              quantity: 1,
              unitPrice: 0.01,
            })),
          },
        });
        await eventually(
          async () => {
            const info = await env.swf.send(
              new S.DescribeWorkflowExecutionCommand({ domain: env.config.domain, execution: run }),
            );
            return info.executionInfo?.executionStatus === 'CLOSED' ? true : undefined;
          },
          120_000,
          orderId,
        );
        if (round === 0) continue; // warm-up
        const events = await readEvents(context, run);
        const scheduled = new Map<number, { step: string; at: number; input: number }>();
        const perStep =
          samples.get(label) ?? STEPS.map(() => ({ ms: [] as number[], inputChars: [] as number[] }));
        for (const event of events) {
          const a = event.activityTaskScheduledEventAttributes;
          if (a?.activityId && event.eventId !== undefined)
            scheduled.set(event.eventId, {
              step: a.activityId.split('#')[0] ?? '',
              at: event.eventTimestamp?.getTime() ?? 0,
              input: a.input?.length ?? 0,
            });
          const done = event.activityTaskCompletedEventAttributes;
          const start =
            done?.scheduledEventId === undefined ? undefined : scheduled.get(done.scheduledEventId);
          const index = start ? STEPS.indexOf(start.step) : -1;
          if (start && index >= 0) {
            perStep[index]?.ms.push((event.eventTimestamp?.getTime() ?? 0) - start.at);
            perStep[index]?.inputChars.push(start.input);
          }
        }
        samples.set(label, perStep);
      }
    }
  } finally {
    await workers.stop();
    await env.server.close();
    rmSync(directory, { recursive: true, force: true });
  }
  return [...samples.entries()].flatMap(([order, perStep]) =>
    perStep.map((s, i) => ({
      order,
      step: `${i + 1}. ${STEPS[i]}`,
      medianMs: percentile(
        [...s.ms].sort((a, b) => a - b),
        50,
      ),
      inputChars: percentile(
        [...s.inputChars].sort((a, b) => a - b),
        50,
      ),
    })),
  );
}
