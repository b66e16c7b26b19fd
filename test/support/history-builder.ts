import type { Decision, HistoryEvent } from '../../lambda/decider/index.js';
import { swfNameProblem } from '../../lambda/workflow/swf-names.js';

type Attributes = Record<string, unknown>;

const lcFirst = (text: string) => text.charAt(0).toLowerCase() + text.slice(1);

/**
 * Builds SWF event histories that read like a story, and applies decisions the way SWF records them
 * (including the checks SWF makes before accepting a decision list).
 */
export class HistoryBuilder {
  readonly events: HistoryEvent[] = [];
  private clock = 1_700_000_000;
  private lastDecisionStarted = 0;
  private openDecision: { scheduled: number; started?: number } | undefined;

  /** Records WorkflowExecutionStarted and the first DecisionTaskScheduled. */
  started(workflow: { name: string; version: string }, input: unknown): this {
    this.add('WorkflowExecutionStarted', {
      input: typeof input === 'string' ? input : JSON.stringify(input),
      workflowType: workflow,
      taskList: { name: 'order-decisions' },
      childPolicy: 'TERMINATE',
      executionStartToCloseTimeout: '3600',
      taskStartToCloseTimeout: '30',
    });
    this.scheduleDecisionTask();
    return this;
  }

  /** Starts the pending decision task (as a poll would), scheduling one first if none is pending. */
  decisionTaskStarted(): this {
    if (!this.openDecision) this.scheduleDecisionTask();
    const open = this.openDecision as { scheduled: number; started?: number };
    if (open.started === undefined) {
      open.started = this.add('DecisionTaskStarted', {
        scheduledEventId: open.scheduled,
        identity: 'test-decider',
      });
    }
    return this;
  }

  get hasPendingDecisionTask(): boolean {
    return this.openDecision !== undefined;
  }

  /** Completes the started decision task with `decisions`, validating them as SWF does, then records each. */
  completeDecisionTask(decisions: readonly Decision[]): this {
    const open = this.openDecision;
    if (open?.started === undefined) throw new Error('no decision task is started');
    assertAcceptable(decisions);
    const completed = this.add('DecisionTaskCompleted', {
      scheduledEventId: open.scheduled,
      startedEventId: open.started,
    });
    this.openDecision = undefined;
    this.lastDecisionStarted = open.started;
    for (const decision of decisions) this.recordDecision(decision, completed);
    if (this.pendingAfterCompletion && !this.openDecision && !this.isClosed()) this.scheduleDecisionTask();
    this.pendingAfterCompletion = false;
    return this;
  }

  activityStarted(activityId: string): this {
    const scheduled = this.scheduledEvent(activityId);
    this.add('ActivityTaskStarted', { scheduledEventId: scheduled.eventId, identity: 'test-worker' });
    return this;
  }

  activityCompleted(activityId: string, result: unknown = { ok: true }): this {
    return this.closeActivity(activityId, 'ActivityTaskCompleted', { result: JSON.stringify(result) });
  }

  activityFailed(activityId: string, reason = 'Error', details = 'it broke'): this {
    return this.closeActivity(activityId, 'ActivityTaskFailed', { reason, details });
  }

  activityTimedOut(activityId: string, timeoutType = 'START_TO_CLOSE'): this {
    return this.closeActivity(activityId, 'ActivityTaskTimedOut', { timeoutType });
  }

  activityCanceled(activityId: string): this {
    return this.closeActivity(activityId, 'ActivityTaskCanceled', { details: 'canceled by request' });
  }

  timerFired(timerId: string): this {
    const started = this.findLast('TimerStarted', (a) => a.timerId === timerId);
    if (!started) throw new Error(`timer ${timerId} was never started`);
    this.add('TimerFired', { timerId, startedEventId: started.eventId });
    this.scheduleDecisionTask();
    return this;
  }

  cancelRequested(): this {
    this.add('WorkflowExecutionCancelRequested', {});
    this.scheduleDecisionTask();
    return this;
  }

  /** Appends an arbitrary event (for histories other deciders or services produce). */
  raw(eventType: string, attributes: Attributes = {}, scheduleDecision = false): this {
    this.add(eventType, attributes);
    if (scheduleDecision) this.scheduleDecisionTask();
    return this;
  }

  /** Activity ids scheduled and not yet closed. */
  openActivities(): string[] {
    const closedIds = new Set(
      this.events
        .filter((e) => /^ActivityTask(Completed|Failed|TimedOut|Canceled)$/.test(e.eventType ?? ''))
        .map((e) => (attributesOf(e) as { scheduledEventId: number }).scheduledEventId),
    );
    return this.events
      .filter((e) => e.eventType === 'ActivityTaskScheduled' && !closedIds.has(e.eventId as number))
      .map((e) => (attributesOf(e) as { activityId: string }).activityId);
  }

  /** Timer ids started and neither fired nor canceled. */
  openTimers(): string[] {
    const open = new Set<string>();
    for (const event of this.events) {
      const timerId = (attributesOf(event) as { timerId?: string }).timerId;
      if (event.eventType === 'TimerStarted' && timerId) open.add(timerId);
      if ((event.eventType === 'TimerFired' || event.eventType === 'TimerCanceled') && timerId)
        open.delete(timerId);
    }
    return [...open];
  }

  isClosed(): boolean {
    return this.events.some((e) =>
      /^WorkflowExecution(Completed|Failed|Canceled|Terminated|TimedOut)$/.test(e.eventType ?? ''),
    );
  }

  lastEvent(): HistoryEvent {
    return this.events[this.events.length - 1] as HistoryEvent;
  }

  get previousStartedEventId(): number {
    return this.lastDecisionStarted;
  }

  private scheduleDecisionTask(): void {
    if (this.isClosed()) return;
    if (this.openDecision && this.openDecision.started === undefined) return;
    if (this.openDecision) {
      // A task is running: SWF queues exactly one more, recorded once the running one completes.
      this.pendingAfterCompletion = true;
      return;
    }
    this.openDecision = {
      scheduled: this.add('DecisionTaskScheduled', { taskList: { name: 'order-decisions' } }),
    };
  }

  private pendingAfterCompletion = false;

  private closeActivity(activityId: string, eventType: string, attributes: Attributes): this {
    const scheduled = this.scheduledEvent(activityId);
    const started = this.findLast('ActivityTaskStarted', (a) => a.scheduledEventId === scheduled.eventId);
    this.add(eventType, {
      ...attributes,
      scheduledEventId: scheduled.eventId,
      startedEventId: started?.eventId ?? 0,
    });
    this.scheduleDecisionTask();
    return this;
  }

  private scheduledEvent(activityId: string): HistoryEvent {
    const event = this.findLast('ActivityTaskScheduled', (a) => a.activityId === activityId);
    if (!event) throw new Error(`activity ${activityId} was never scheduled`);
    return event;
  }

  private findLast(eventType: string, match: (attributes: Attributes) => boolean): HistoryEvent | undefined {
    for (let index = this.events.length - 1; index >= 0; index--) {
      const event = this.events[index] as HistoryEvent;
      if (event.eventType === eventType && match(attributesOf(event))) return event;
    }
    return undefined;
  }

  private add(eventType: string, attributes: Attributes): number {
    const eventId = this.events.length + 1;
    this.clock += 1;
    this.events.push({
      eventId,
      eventType,
      eventTimestamp: new Date(this.clock * 1000),
      [`${lcFirst(eventType)}EventAttributes`]: attributes,
    } as HistoryEvent);
    return eventId;
  }

  private recordDecision(decision: Decision, completedEventId: number): void {
    const base = { decisionTaskCompletedEventId: completedEventId };
    switch (decision.decisionType) {
      case 'ScheduleActivityTask': {
        const a = decision.scheduleActivityTaskDecisionAttributes;
        if (this.openActivities().includes(a.activityId)) {
          this.add('ScheduleActivityTaskFailed', {
            ...base,
            activityId: a.activityId,
            activityType: a.activityType,
            cause: 'ACTIVITY_ID_ALREADY_IN_USE',
          });
          this.scheduleDecisionTask();
        } else {
          this.add('ActivityTaskScheduled', { ...base, ...a });
        }
        break;
      }
      case 'RequestCancelActivityTask': {
        const { activityId } = decision.requestCancelActivityTaskDecisionAttributes;
        if (!this.openActivities().includes(activityId)) {
          this.add('RequestCancelActivityTaskFailed', { ...base, activityId, cause: 'ACTIVITY_ID_UNKNOWN' });
          this.scheduleDecisionTask();
          break;
        }
        this.add('ActivityTaskCancelRequested', { ...base, activityId });
        const scheduled = this.scheduledEvent(activityId);
        const started = this.findLast('ActivityTaskStarted', (a) => a.scheduledEventId === scheduled.eventId);
        if (!started) this.activityCanceled(activityId);
        break;
      }
      case 'StartTimer': {
        const a = decision.startTimerDecisionAttributes;
        if (this.openTimers().includes(a.timerId)) {
          this.add('StartTimerFailed', { ...base, timerId: a.timerId, cause: 'TIMER_ID_ALREADY_IN_USE' });
          this.scheduleDecisionTask();
        } else {
          this.add('TimerStarted', { ...base, ...a });
        }
        break;
      }
      case 'CancelTimer': {
        const { timerId } = decision.cancelTimerDecisionAttributes;
        const started = this.findLast('TimerStarted', (a) => a.timerId === timerId);
        if (!this.openTimers().includes(timerId) || !started) {
          this.add('CancelTimerFailed', { ...base, timerId, cause: 'TIMER_ID_UNKNOWN' });
          this.scheduleDecisionTask();
        } else {
          this.add('TimerCanceled', { ...base, timerId, startedEventId: started.eventId });
        }
        break;
      }
      case 'CompleteWorkflowExecution':
        this.add('WorkflowExecutionCompleted', {
          ...base,
          ...decision.completeWorkflowExecutionDecisionAttributes,
        });
        break;
      case 'FailWorkflowExecution':
        this.add('WorkflowExecutionFailed', { ...base, ...decision.failWorkflowExecutionDecisionAttributes });
        break;
      case 'CancelWorkflowExecution':
        this.add('WorkflowExecutionCanceled', {
          ...base,
          ...decision.cancelWorkflowExecutionDecisionAttributes,
        });
        break;
    }
  }
}

export function attributesOf(event: HistoryEvent): Attributes {
  const key = `${lcFirst(event.eventType ?? '')}EventAttributes`;
  return ((event as Record<string, unknown>)[key] ?? {}) as Attributes;
}

const CLOSE_DECISIONS = new Set([
  'CompleteWorkflowExecution',
  'FailWorkflowExecution',
  'CancelWorkflowExecution',
]);

/** The checks SWF applies to a decision list before accepting it (ValidationException otherwise). */
export function assertAcceptable(decisions: readonly Decision[]): void {
  decisions.forEach((decision, index) => {
    if (CLOSE_DECISIONS.has(decision.decisionType) && index !== decisions.length - 1) {
      throw new Error('SWF would reject: Close must be last decision in list');
    }
    const attributes = Object.values(decision).find((value) => typeof value === 'object') as Attributes;
    for (const [key, value] of Object.entries(attributes)) {
      if (typeof value !== 'string') continue;
      if ((key === 'activityId' || key === 'timerId') && swfNameProblem(value)) {
        throw new Error(`SWF would reject ${key} ${JSON.stringify(value)}`);
      }
      const limit = key === 'reason' ? 256 : 32_768;
      if (value.length > limit) throw new Error(`SWF would reject ${key} of ${value.length} characters`);
      if (/Timeout$/.test(key) && !/^(\d{1,8}|NONE)$/.test(value))
        throw new Error(`SWF would reject ${key}=${value}`);
    }
  });
}
