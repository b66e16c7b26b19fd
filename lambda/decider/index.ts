export { retryDelaySeconds } from './backoff.js';
export {
  type CompensationFailure,
  type DecideResult,
  decide,
  type StepFailure,
  type WorkflowState,
} from './decide.js';
export { MalformedHistoryError, UnknownWorkflowTypeError } from './errors.js';
export { attemptsKey, type HistoryFacts, readHistory, scanHistory } from './history.js';
export {
  activityIdFor,
  isCompensationId,
  parseActivityId,
  parseTimerId,
  retryTimerIdFor,
  sleepTimerIdFor,
  waitTimerIdFor,
} from './ids.js';
export { RESUME_VERDICT_MARKER, type ResumeVerdict, recordedVerdict } from './resume-verdict.js';
export type { Decision, HistoryEvent } from './swf-types.js';
export { type AttemptView, buildTimeline, type RunStatus, type StepView, type Timeline } from './timeline.js';
export { parseWorkflowInput, type ResumeRequest } from './workflow-input.js';
