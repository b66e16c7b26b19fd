import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decide, type HistoryEvent } from '../../../lambda/decider/index.js';
import { catalog } from '../../support/order-fixtures.js';

/** Histories recorded from swf-local with the real workers (`npm run capture:histories`). */
const directory = new URL('../../fixtures/histories/', import.meta.url);
const fixtures = readdirSync(directory).filter((file) => file.endsWith('.json'));

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

describe('replaying recorded histories', () => {
  it('has fixtures to replay', () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(6);
  });

  for (const file of fixtures) {
    it(`makes the recorded decisions at every decision point of ${file}`, () => {
      const events = JSON.parse(readFileSync(new URL(file, directory), 'utf8')) as HistoryEvent[];
      const completions = events.filter((e) => e.eventType === 'DecisionTaskCompleted');
      expect(completions.length).toBeGreaterThan(0);
      for (const completed of completions) {
        const startedEventId = attributes(completed).startedEventId as number;
        const prefix = events.filter((e) => (e.eventId ?? 0) <= startedEventId);
        const recorded = events
          .filter(
            (e) =>
              attributes(e).decisionTaskCompletedEventId === completed.eventId &&
              e.eventType &&
              DECISION_OF[e.eventType],
          )
          .map((e) => DECISION_OF[e.eventType as string]?.(attributes(e)));
        const decided = decide(prefix, catalog).decisions.map((d) => describeDecision(d as unknown as Loose));
        expect(decided, `decision task completed at event ${completed.eventId}`).toEqual(recorded);
      }
    });
  }
});
