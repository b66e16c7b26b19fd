/**
 * The subset of SWF's history and decision shapes the decider reads and writes. Field names match the
 * SWF JSON protocol (and so `@aws-sdk/client-swf`), without depending on the SDK. Every attribute is optional
 * because the decider must not throw on any history the service can produce.
 */
export interface TypeRef {
  name?: string;
  version?: string;
}

export interface HistoryEvent {
  eventId?: number;
  eventType?: string;
  eventTimestamp?: Date | number | string;
  workflowExecutionStartedEventAttributes?: {
    input?: string;
    workflowType?: TypeRef;
    continuedExecutionRunId?: string;
  };
  workflowExecutionSignaledEventAttributes?: { signalName?: string; input?: string };
  workflowExecutionCancelRequestedEventAttributes?: { cause?: string };
  activityTaskScheduledEventAttributes?: { activityId?: string; activityType?: TypeRef };
  activityTaskStartedEventAttributes?: { scheduledEventId?: number };
  activityTaskCompletedEventAttributes?: { scheduledEventId?: number; result?: string };
  activityTaskFailedEventAttributes?: { scheduledEventId?: number; reason?: string; details?: string };
  activityTaskTimedOutEventAttributes?: { scheduledEventId?: number; timeoutType?: string; details?: string };
  activityTaskCanceledEventAttributes?: { scheduledEventId?: number; details?: string };
  activityTaskCancelRequestedEventAttributes?: { activityId?: string };
  requestCancelActivityTaskFailedEventAttributes?: { activityId?: string; cause?: string };
  scheduleActivityTaskFailedEventAttributes?: { activityId?: string; activityType?: TypeRef; cause?: string };
  timerStartedEventAttributes?: { timerId?: string; startToFireTimeout?: string };
  timerFiredEventAttributes?: { timerId?: string };
  timerCanceledEventAttributes?: { timerId?: string };
  startTimerFailedEventAttributes?: { timerId?: string; cause?: string };
  markerRecordedEventAttributes?: { markerName?: string; details?: string };
  completeWorkflowExecutionFailedEventAttributes?: { cause?: string };
  failWorkflowExecutionFailedEventAttributes?: { cause?: string };
  cancelWorkflowExecutionFailedEventAttributes?: { cause?: string };
}

export interface ScheduleActivityTaskDecision {
  decisionType: 'ScheduleActivityTask';
  scheduleActivityTaskDecisionAttributes: {
    activityType: { name: string; version: string };
    activityId: string;
    input: string;
    control: string;
    taskList: { name: string };
    scheduleToStartTimeout: string;
    scheduleToCloseTimeout: string;
    startToCloseTimeout: string;
    heartbeatTimeout: string;
  };
}

export interface RequestCancelActivityTaskDecision {
  decisionType: 'RequestCancelActivityTask';
  requestCancelActivityTaskDecisionAttributes: { activityId: string };
}

export interface StartTimerDecision {
  decisionType: 'StartTimer';
  startTimerDecisionAttributes: { timerId: string; startToFireTimeout: string; control: string };
}

export interface CancelTimerDecision {
  decisionType: 'CancelTimer';
  cancelTimerDecisionAttributes: { timerId: string };
}

export interface CompleteWorkflowExecutionDecision {
  decisionType: 'CompleteWorkflowExecution';
  completeWorkflowExecutionDecisionAttributes: { result: string };
}

export interface FailWorkflowExecutionDecision {
  decisionType: 'FailWorkflowExecution';
  failWorkflowExecutionDecisionAttributes: { reason: string; details: string };
}

export interface CancelWorkflowExecutionDecision {
  decisionType: 'CancelWorkflowExecution';
  cancelWorkflowExecutionDecisionAttributes: { details: string };
}

export interface RecordMarkerDecision {
  decisionType: 'RecordMarker';
  recordMarkerDecisionAttributes: { markerName: string; details: string };
}

export type Decision =
  | RecordMarkerDecision
  | ScheduleActivityTaskDecision
  | RequestCancelActivityTaskDecision
  | StartTimerDecision
  | CancelTimerDecision
  | CompleteWorkflowExecutionDecision
  | FailWorkflowExecutionDecision
  | CancelWorkflowExecutionDecision;

/** SWF's limits on decision attributes (one fact, kept with SWF's naming rule). */
export { SWF_LIMITS } from '../workflow/swf-names.js';
