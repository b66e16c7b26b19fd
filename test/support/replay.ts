/** Replaying recorded histories (test/fixtures/histories, `npm run capture:histories`) through the decider. */
import { readdirSync, readFileSync } from 'node:fs';
import { decide, type HistoryEvent } from '../../lambda/decider/index.js';
import type { Catalog } from '../../lambda/workflow/module.js';

const directory = new URL('../fixtures/histories/', import.meta.url);

/** The recorded history files, by name. */
export const historyFixtures = readdirSync(directory).filter((file) => file.endsWith('.json'));

/** One recorded history's events. */
export function readHistoryFixture(file: string): HistoryEvent[] {
  return JSON.parse(readFileSync(new URL(file, directory), 'utf8')) as HistoryEvent[];
}

type Loose = Record<string, unknown>;
const attributes = (event: HistoryEvent): Loose => {
  const type = event.eventType ?? '';
  return ((event as Loose)[`${type.charAt(0).toLowerCase()}${type.slice(1)}EventAttributes`] ?? {}) as Loose;
};

/** The decision each recorded event stands for, as "Type:id". */
const DECISION_OF: Record<string, (a: Loose) => string> = {
  ActivityTaskScheduled: (a) => `ScheduleActivityTask:${a.activityId}`,
  ScheduleActivityTaskFailed: (a) => `ScheduleActivityTask:${a.activityId}`,
  TimerStarted: (a) => `StartTimer:${a.timerId}`,
  TimerCanceled: (a) => `CancelTimer:${a.timerId}`,
  ActivityTaskCancelRequested: (a) => `RequestCancelActivityTask:${a.activityId}`,
  RequestCancelActivityTaskFailed: (a) => `RequestCancelActivityTask:${a.activityId}`,
  WorkflowExecutionCompleted: () => 'CompleteWorkflowExecution:',
  WorkflowExecutionFailed: (a) => `FailWorkflowExecution:${a.reason}`,
  WorkflowExecutionCanceled: () => 'CancelWorkflowExecution:',
};

const describeDecision = (decision: Loose): string => {
  const type = decision.decisionType as string;
  const a = (decision[`${type.charAt(0).toLowerCase()}${type.slice(1)}DecisionAttributes`] ?? {}) as Loose;
  const id = a.activityId ?? a.timerId ?? (type === 'FailWorkflowExecution' ? a.reason : '');
  return `${type}:${id}`;
};

/** At each decision point of a recorded history: what was decided then, and what `catalog`'s decider decides now. */
export function replayDecisionPoints(
  events: readonly HistoryEvent[],
  catalog: Catalog,
): { completedEventId: number; recorded: string[]; decided: string[] }[] {
  return events
    .filter((e) => e.eventType === 'DecisionTaskCompleted')
    .map((completed) => {
      const startedEventId = attributes(completed).startedEventId as number;
      const prefix = events.filter((e) => (e.eventId ?? 0) <= startedEventId);
      const recorded = events
        .filter(
          (e) =>
            attributes(e).decisionTaskCompletedEventId === completed.eventId &&
            e.eventType &&
            DECISION_OF[e.eventType],
        )
        .map((e) => DECISION_OF[e.eventType as string]?.(attributes(e)) ?? '');
      const decided = decide([...prefix], catalog).decisions.map((d) =>
        describeDecision(d as unknown as Loose),
      );
      return { completedEventId: completed.eventId ?? 0, recorded, decided };
    });
}
