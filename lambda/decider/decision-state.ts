import type { Json, JsonObject, WorkflowDefinition } from '../workflow/types.js';
import type { AttemptError } from './attempt-progress.js';
import type { HistoryFacts, RejectedDecision } from './history.js';
import type { ResumeVerdict } from './resume-verdict.js';
import type { Decision } from './swf-types.js';

/** Where the execution stands after replay; what `swfctl history` and the console summarise. */
export interface WorkflowState {
  workflow: { name: string; version: string };
  phase: 'running' | 'compensating' | 'canceling' | 'closing' | 'closed' | 'stuck';
  /** The step in progress (or the one that failed). */
  currentStep?: string;
  /** Steps whose results are known, in order; carried ones came from the resumed run. */
  completedSteps: string[];
  carriedSteps: string[];
  results: Record<string, Json>;
  attempts: Record<string, number>;
  cancelRequested: boolean;
  failure?: StepFailure;
  compensated: string[];
  compensationFailures: CompensationFailure[];
  /** Why the decider cannot go on, when `phase` is `stuck`. */
  stuckReason?: string;
  /** Nodes a `when` rule skipped. */
  skippedSteps: string[];
  /** The signal wait the run is in, and the signals it accepts. */
  waitingFor?: { node: string; signals: string[] };
  /** Signals no wait took: unknown names or invalid payloads (recorded, reported, never fatal). */
  ignoredSignals: { name: string; eventId: number; why: string }[];
  /** The signal events a wait took (their event ids): what `swfctl signal` checks after sending. */
  takenSignals: number[];
  /** The run's failure reason when a node other than an exhausted step failed it (a rejection, say). */
  failureReason?: string;
  /** Why the run is ending, once it is: every ending runs the compensations of the completed steps first. */
  ending?: RunEnding;
}

/**
 * Every way a run ends other than completing. Each goes through the same compensation (completed compensable
 * steps undone newest first, each once) before the run fails or is canceled.
 */
export type EndingCause =
  | 'StepFailed'
  | 'SignalFailed'
  | 'PredicateError'
  | 'RuleReadPayload'
  | 'PayloadTooLarge'
  | 'PayloadInvalid'
  | 'ScheduleActivityTaskFailed'
  | 'StartTimerFailed'
  | 'InvalidInput'
  | 'InvalidResume'
  | 'CancelRequested';

export interface RunEnding {
  cause: EndingCause;
  /** The node it happened at, when there is one. */
  node?: string;
}

/** The causes an attempt never ran for: the decider could not schedule it (or its retry timer). */
export const UNSCHEDULABLE = new Set<string>([
  'PayloadTooLarge',
  'PayloadInvalid',
  'ScheduleActivityTaskFailed',
  'StartTimerFailed',
]);

export interface StepFailure {
  failedStep: string;
  attempts: number;
  lastError: AttemptError;
}

export interface CompensationFailure {
  step: string;
  attempts: number;
  lastError: AttemptError;
}

export interface DecideOptions {
  /**
   * The longest close result or details to write whole (default SWF's 32,768 characters; longer ones are cut
   * down). A decider worker that stores large payloads passes more, and stores what exceeds its threshold.
   */
  closeLimit?: number;
  /**
   * What the decider worker found when it checked the run's resume block against SWF (see resume-verdict.ts);
   * recorded in the history on the first decision. A refused block fails the run as InvalidResume; without a
   * verdict (the views), the block is read as written.
   */
  resumeVerdict?: ResumeVerdict;
}

export interface DecideResult {
  decisions: Decision[];
  state: WorkflowState;
}

/** What the decider's helpers share while deciding one task. */
export interface DecisionContext {
  workflow: WorkflowDefinition;
  facts: HistoryFacts;
  input: JsonObject;
  state: WorkflowState;
  /** A resumed run's lineage, passed to every activity so its effects belong to the first run of the chain. */
  lineageId?: string;
  /** Decisions SWF refused, by activity or timer id. */
  refused: ReadonlyMap<string, RejectedDecision>;
  /** The longest close result or details written whole (see DecideOptions). */
  closeLimit: number;
}
