/** decide() timing on long histories (1,000 to 25,000 events, SWF's hard limit), shared by the benchmarks. */
import { performance } from 'node:perf_hooks';
import { type Decision, decide, type HistoryEvent } from '../lambda/decider/index.js';
import { defineCatalog } from '../lambda/workflow/index.js';
import { HistoryBuilder } from '../test/support/history-builder.js';

const work = () => null;
const undo = () => null;

/** A long workflow whose steps fail once and retry on a timer: the densest history per step. */
function longCatalog(steps: number) {
  return defineCatalog({
    domain: { name: 'bench', retentionDays: 1 },
    workflows: [
      {
        name: 'Long',
        version: '1',
        taskList: 'decisions',
        executionStartToCloseTimeout: '1d',
        taskStartToCloseTimeout: '30s',
        defaults: { activityTaskList: 'activities' },
        steps: Array.from({ length: steps }, (_, index) => ({
          name: `Step${index}`,
          activity: { name: 'Work', run: work },
          retry: { maximumAttempts: 3 },
          compensation: index % 2 === 0 ? { activity: { name: 'Undo', run: undo } } : undefined,
        })),
      },
    ],
  });
}

/**
 * Builds a history of about `size` events directly (replaying the decider after every task would be
 * quadratic): each step fails once, waits on its retry timer, then completes; the history ends with a
 * started decision task, where the decider has to work out the next step.
 */
function historyOf(size: number): { events: HistoryEvent[]; catalog: ReturnType<typeof longCatalog> } {
  const catalog = longCatalog(Math.ceil(size / 14) + 10);
  const workflow = catalog.workflow('Long', '1');
  if (!workflow) throw new Error('bench catalog has no workflow');
  const history = new HistoryBuilder().started({ name: 'Long', version: '1' }, { orderId: 'bench' });
  const schedule = (activityId: string): Decision => ({
    decisionType: 'ScheduleActivityTask',
    scheduleActivityTaskDecisionAttributes: {
      activityType: { name: 'Work', version: '1' },
      activityId,
      input: '{}',
      control: '{}',
      taskList: { name: 'activities' },
      scheduleToStartTimeout: '300',
      scheduleToCloseTimeout: '600',
      startToCloseTimeout: '120',
      heartbeatTimeout: 'NONE',
    },
  });
  for (const step of workflow.steps) {
    if (history.events.length >= size) break;
    history.decisionTaskStarted().completeDecisionTask([schedule(`${step.name}#1`)]);
    history
      .activityStarted(`${step.name}#1`)
      .activityFailed(`${step.name}#1`, 'Transient', 'first attempt fails');
    history.decisionTaskStarted().completeDecisionTask([
      {
        decisionType: 'StartTimer',
        startTimerDecisionAttributes: {
          timerId: `retry.${step.name}#2`,
          startToFireTimeout: '1',
          control: '{}',
        },
      },
    ]);
    history.timerFired(`retry.${step.name}#2`);
    history.decisionTaskStarted().completeDecisionTask([schedule(`${step.name}#2`)]);
    history.activityStarted(`${step.name}#2`).activityCompleted(`${step.name}#2`, null);
  }
  history.decisionTaskStarted();
  // Round-trip through JSON, as events arrive from the SWF API (strings not interned, plain objects).
  return { events: JSON.parse(JSON.stringify(history.events)) as HistoryEvent[], catalog };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

/** Median, p95 and max of decide() on histories of about each size. */
export function measureDecide(sizes: number[], runs: number) {
  return sizes.map((size) => {
    const { events, catalog } = historyOf(size);
    for (let i = 0; i < 5; i++) decide(events, catalog);
    const times: number[] = [];
    let decisions = 0;
    for (let i = 0; i < runs; i++) {
      const start = performance.now();
      decisions = decide(events, catalog).decisions.length;
      times.push(performance.now() - start);
    }
    times.sort((a, b) => a - b);
    return {
      events: events.length,
      decisions,
      medianMs: Number(percentile(times, 50).toFixed(3)),
      p95Ms: Number(percentile(times, 95).toFixed(3)),
      maxMs: Number((times[times.length - 1] ?? 0).toFixed(3)),
    };
  });
}
