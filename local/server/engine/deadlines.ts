import type { ActivityTaskRecord, ExecutionRecord } from './records.js';

/** Seconds of an SWF duration string, or undefined for "NONE". */
export function seconds(duration: string | undefined): number | undefined {
  if (duration === undefined || duration === 'NONE') return undefined;
  const value = Number(duration);
  return Number.isFinite(value) ? value : undefined;
}

/** Every pending deadline of an execution, earliest first considered by the caller. */
export function deadlinesOf(execution: ExecutionRecord): { at: number; what: Deadline }[] {
  const list: { at: number; what: Deadline }[] = [];
  const add = (at: number | undefined, what: Deadline) => {
    if (at !== undefined && Number.isFinite(at)) list.push({ at, what });
  };
  const ms = (duration: string | undefined) => {
    const s = seconds(duration);
    return s === undefined ? undefined : s * 1000;
  };
  const plus = (base: number | undefined, duration: string | undefined) => {
    const d = ms(duration);
    return base === undefined || d === undefined ? undefined : base + d;
  };
  add(plus(execution.startTimestamp, execution.executionStartToCloseTimeout), { kind: 'workflow' });
  if (execution.decision.state === 'started') {
    add(plus(execution.decision.startedAt, execution.taskStartToCloseTimeout), { kind: 'decision' });
  }
  for (const activity of Object.values(execution.activities)) {
    add(plus(activity.scheduledAt, activity.scheduleToCloseTimeout), {
      kind: 'activity',
      activity,
      timeoutType: 'SCHEDULE_TO_CLOSE',
    });
    if (activity.status === 'scheduled') {
      add(plus(activity.scheduledAt, activity.scheduleToStartTimeout), {
        kind: 'activity',
        activity,
        timeoutType: 'SCHEDULE_TO_START',
      });
    } else {
      add(plus(activity.startedAt, activity.startToCloseTimeout), {
        kind: 'activity',
        activity,
        timeoutType: 'START_TO_CLOSE',
      });
      add(plus(activity.lastHeartbeatAt ?? activity.startedAt, activity.heartbeatTimeout), {
        kind: 'activity',
        activity,
        timeoutType: 'HEARTBEAT',
      });
    }
  }
  for (const timer of Object.values(execution.timers))
    add(timer.fireAt, { kind: 'timer', timerId: timer.timerId });
  return list;
}

export type Deadline =
  | { kind: 'workflow' }
  | { kind: 'decision' }
  | { kind: 'activity'; activity: ActivityTaskRecord; timeoutType: string }
  | { kind: 'timer'; timerId: string };

export function nextDeadline(execution: ExecutionRecord): number | undefined {
  let next: number | undefined;
  for (const { at } of deadlinesOf(execution)) if (next === undefined || at < next) next = at;
  return next;
}
