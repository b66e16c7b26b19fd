import type { SwfDuration } from './durations.js';

/** Any JSON value. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

/** What every activity receives: the workflow's original input, earlier steps' results, and the attempt. */
export interface ActivityPayload {
  input: JsonObject;
  previousResults: Record<string, Json>;
  attempt: number;
  /** The lineage that owns this run's effects, set by the decider for a resumed run (else the runId). */
  lineageId?: string;
  /** Present when the activity runs as the compensation of `step`. */
  compensation?: { step: string };
}

/**
 * The side-effect ports the worker hands to activities: every port any registered workflow module needs, by
 * name (adapters are chosen by configuration, lambda/adapters). A module's activities declare the ports they use
 * as the type parameter of `ActivityFunction`; generic code never names them.
 */
export type ActivityPorts = object;

/** Runtime services the worker hands to a running activity. */
export interface ActivityContext<Ports = ActivityPorts> {
  attempt: number;
  workflowId: string;
  runId: string;
  activityId: string;
  /** Who owns the effects this attempt applies: the first run of the resume chain (this run if not resumed). */
  lineageId: string;
  /** Records a heartbeat (details ≤ 2,048 characters); resolves even when SWF is unreachable. */
  heartbeat(details?: string): Promise<void>;
  /** Fires when SWF reports that cancellation of this activity was requested. */
  signal: AbortSignal;
  /** Waits, waking early (with an AbortError) when `signal` fires. */
  sleep(milliseconds: number): Promise<void>;
  ports: Ports;
  /** Whether inputs may carry a `simulate` block (demos and tests only). */
  allowFailureInjection: boolean;
}

/** An activity implementation: plain async code that returns JSON or throws a named error. */
export type ActivityFunction<Ports = ActivityPorts> = (
  payload: ActivityPayload,
  context: ActivityContext<Ports>,
) => Promise<Json> | Json;

/** An activity function of any module, whatever ports it declares (the worker hands it every port). */
// biome-ignore lint/suspicious/noExplicitAny: a module's activities declare their own ports; the catalog holds them all
export type AnyActivityFunction = ActivityFunction<any>;

/** The four SWF activity timeouts. */
export interface ActivityTimeouts {
  scheduleToStart: SwfDuration;
  scheduleToClose: SwfDuration;
  startToClose: SwfDuration;
  heartbeat: SwfDuration;
}

/** A registered SWF activity type plus the function that implements it. */
export interface ActivityType {
  name: string;
  version: string;
  taskList: string;
  description: string;
  timeouts: ActivityTimeouts;
  run: AnyActivityFunction;
}

/** How failed attempts of an activity are retried, on SWF timers with exponential backoff. */
export interface RetryPolicy {
  maximumAttempts: number;
  initialIntervalSeconds: number;
  backoffCoefficient: number;
  maximumIntervalSeconds: number;
  /** Error names (the SWF `reason`) that end the step at once. `ValidationError` always does. */
  nonRetryableErrors: string[];
}

export interface Compensation {
  activity: ActivityType;
  retry: RetryPolicy;
}

export interface Step {
  name: string;
  activity: ActivityType;
  retry: RetryPolicy;
  compensation?: Compensation;
}

/** A pure rule over the workflow input and the results so far: no clock, no I/O, the same answer on replay. */
export type FlowPredicate = (input: JsonObject, results: Record<string, Json>) => boolean;

/** What a failing node does to the run: fail it, compensating, with this reason. */
export interface FailWith {
  fails: string;
}

/** One signal a wait accepts: its payload parser (an invalid payload is ignored and reported) and its effect. */
export interface SignalChoice {
  parse?: (payload: unknown) => unknown;
  /** Set when this signal fails the run (compensating): the failure's reason. */
  fails?: string;
}

/** The workflow as the decider walks it: steps, parallel groups, signal waits and durable sleeps, in order. */
export type FlowNode =
  | { kind: 'step'; name: string; step: Step; when?: FlowPredicate }
  | { kind: 'parallel'; name: string; steps: Step[]; when?: FlowPredicate }
  | {
      kind: 'signal';
      name: string;
      signals: Record<string, SignalChoice>;
      /** `keep`: a signal sent before the run reaches the wait counts; `ignore`: only signals sent while it waits. */
      earlySignals: 'keep' | 'ignore';
      timeoutSeconds: number;
      onTimeout: FailWith | 'continue';
      when?: FlowPredicate;
    }
  | {
      kind: 'sleep';
      name: string;
      seconds: (input: JsonObject, results: Record<string, Json>) => number;
      when?: FlowPredicate;
    };

export interface WorkflowDefinition {
  name: string;
  version: string;
  description: string;
  taskList: string;
  executionStartToCloseTimeout: SwfDuration;
  taskStartToCloseTimeout: SwfDuration;
  childPolicy: 'TERMINATE' | 'REQUEST_CANCEL' | 'ABANDON';
  /** Every activity step, in flow order (parallel branches included): registration, resume, the timeline. */
  steps: Step[];
  /** The nodes the decider walks. */
  flow: FlowNode[];
}

export interface DomainDefinition {
  name: string;
  description: string;
  retentionDays: number;
}
