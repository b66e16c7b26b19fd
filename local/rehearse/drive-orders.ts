import type { RehearsalOrder } from './scenarios.js';

export interface OrderState {
  actual: string;
  runId?: string;
  acted: boolean;
  done: boolean;
  problems: string[];
}

/** Starts every order through the starter, then watches and acts (cancel, resume, start again) until all close. */
export async function driveOrders(
  orders: RehearsalOrder[],
  io: {
    /** Invokes the starter with a request it takes: an order, or { type, input }. */
    start: (request: unknown) => Promise<unknown>;
    ops: (command: Record<string, unknown>) => Promise<unknown>;
    timeoutMs: number;
    print: (line: string) => void;
  },
): Promise<Map<string, OrderState>> {
  const state = new Map<string, OrderState>();
  for (const order of orders) {
    const entry: OrderState = { actual: 'OPEN', acted: false, done: false, problems: [] };
    state.set(order.orderId, entry);
    try {
      const request = order.workflow ? { type: order.workflow.type, input: order.order } : order.order;
      const started = (await io.start(request)) as { runId: string; alreadyStarted: boolean };
      entry.runId = started.runId;
    } catch (error) {
      entry.actual =
        (error as { code?: string }).code === 'InvalidInput'
          ? 'REJECTED'
          : `ERROR ${(error as Error).message}`;
      entry.done = true;
    }
  }
  const until = Date.now() + io.timeoutMs;
  let last = -1;
  while (Date.now() < until && [...state.values()].some((e) => !e.done)) {
    for (const order of orders) {
      const entry = state.get(order.orderId) as OrderState;
      if (entry.done) continue;
      const workflowId = order.workflowId;
      const info = (await io.ops({ command: 'describe', workflowId })) as { status: string; runId: string };
      if (info.status === 'OPEN') {
        if (order.action === 'cancel-when-running' && !entry.acted) {
          const history = (await io.ops({ command: 'history', workflowId, pageSize: 1 })) as {
            timeline: { steps: { step: string; status: string }[] };
          };
          if (history.timeline.steps.some((s) => s.step === 'ProcessData' && s.status === 'running')) {
            await io.ops({ command: 'cancel', workflowId });
            entry.acted = true;
          }
        }
        if (order.action === 'approve-when-waiting' && !entry.acted) {
          const history = (await io.ops({ command: 'history', workflowId, pageSize: 1 })) as {
            timeline: { steps: { kind: string; status: string }[] };
          };
          if (history.timeline.steps.some((s) => s.kind === 'wait' && s.status === 'waiting')) {
            await io.ops({
              command: 'signal',
              workflowId,
              signalName: 'Approve',
              input: JSON.stringify({
                reviewer: 'rehearsal',
                note: 'approved through the operations function',
              }),
            });
            entry.acted = true;
          }
        }
        continue;
      }
      entry.actual = info.status;
      if (order.action === 'resume-after-failure' && entry.actual === 'FAILED' && !entry.acted) {
        await io.ops({ command: 'resume', workflowId, fromStep: 'NotifyCompletion', clearSimulation: true });
        entry.acted = true;
        continue;
      }
      if (order.action === 'start-again' && entry.actual === 'COMPLETED' && !entry.acted) {
        entry.acted = true;
        const again = (await io.start(order.order)) as { runId: string; alreadyCompleted?: boolean };
        if (!again.alreadyCompleted || again.runId !== info.runId)
          entry.problems.push(
            `started again: ${JSON.stringify(again)}, expected alreadyCompleted with its run`,
          );
      }
      entry.done = true;
    }
    const done = [...state.values()].filter((e) => e.done).length;
    if (done !== last) io.print(`    ${done}/${orders.length} orders closed`);
    last = done;
    if (done < orders.length) await new Promise((resolve) => setTimeout(resolve, 500));
  }
  return state;
}
