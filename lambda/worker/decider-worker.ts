import * as S from '@aws-sdk/client-swf';
import {
  type Decision,
  decide,
  type HistoryEvent,
  isCompensationId,
  parseTimerId,
  parseWorkflowInput,
  RESUME_VERDICT_MARKER,
  type ResumeVerdict,
} from '../decider/index.js';
import { jsonOrUndefined, parseBoundedJson } from '../workflow/bounded-json.js';
import { durationSeconds } from '../workflow/durations.js';
import type { Catalog } from '../workflow/module.js';
import type { PayloadStore } from '../workflow/payloads.js';
import type { Json } from '../workflow/types.js';
import { errorName } from './errors.js';
import { DEFAULT_OFFLOAD_THRESHOLD, offloadValue } from './payload-codec.js';
import { type LoopResult, type PollerOptions, respondWithRetry, runPollLoop } from './poll-loop.js';
import { checkResume } from './resume-source.js';
import type { WorkerTelemetry } from './telemetry.js';

export interface DeciderOptions extends PollerOptions {
  /** Where close results and details above `offloadThreshold` are stored; without one they are cut to fit SWF. */
  payloads?: PayloadStore;
  offloadThreshold?: number;
}

export interface DecisionTask {
  taskToken: string;
  workflowExecution: Partial<S.WorkflowExecution>;
  workflowType: Partial<S.WorkflowType>;
  events: S.HistoryEvent[];
  previousStartedEventId: number;
}

/** The longest a decision may take: the workflows' task start-to-close timeout (60 s if "NONE"). */
export function decisionBudgetMs(catalog: Catalog): number {
  const seconds = catalog.workflows.map((w) => durationSeconds(w.taskStartToCloseTimeout));
  return Math.max(...seconds.map((s) => (Number.isFinite(s) ? s : 60))) * 1000;
}

/** Polls one decision task and reads all of its history pages (PollForDecisionTask with nextPageToken). */
export async function pollDecisionTask(
  swf: S.SWFClient,
  request: { domain: string; taskList: string; identity: string },
  signal?: AbortSignal,
): Promise<DecisionTask | undefined> {
  const input = { domain: request.domain, taskList: { name: request.taskList }, identity: request.identity };
  const first = await swf.send(new S.PollForDecisionTaskCommand(input), { abortSignal: signal });
  if (!first.taskToken) return undefined;
  const events = [...(first.events ?? [])];
  let nextPageToken = first.nextPageToken;
  while (nextPageToken) {
    // Further pages belong to the same task; they are served at once, so no abort signal here.
    const page = await swf.send(new S.PollForDecisionTaskCommand({ ...input, nextPageToken }));
    events.push(...(page.events ?? []));
    nextPageToken = page.nextPageToken;
  }
  return {
    taskToken: first.taskToken,
    workflowExecution: first.workflowExecution ?? {},
    workflowType: first.workflowType ?? {},
    events,
    previousStartedEventId: first.previousStartedEventId ?? 0,
  };
}

/** Counts what a decision list does, for the Retries and Compensations metrics. */
function countDecisions(decisions: readonly Decision[], telemetry: WorkerTelemetry): void {
  for (const decision of decisions) {
    // Only retry timers count as retries: signal-wait timeouts and durable sleeps are timers too.
    if (
      decision.decisionType === 'StartTimer' &&
      parseTimerId(decision.startTimerDecisionAttributes.timerId)?.kind === 'retry'
    )
      telemetry.count('Retries');
    if (
      decision.decisionType === 'ScheduleActivityTask' &&
      isCompensationId(decision.scheduleActivityTaskDecisionAttributes.activityId)
    ) {
      telemetry.count('CompensationsRun');
    }
    if (
      decision.decisionType === 'FailWorkflowExecution' &&
      decision.failWorkflowExecutionDecisionAttributes.reason === 'CompensationFailed'
    ) {
      const details = jsonOrUndefined(decision.failWorkflowExecutionDecisionAttributes.details) as
        | { compensationFailures?: unknown[] }
        | undefined;
      const failures = details?.compensationFailures;
      telemetry.count('CompensationsFailed', Array.isArray(failures) ? failures.length : 1);
    }
  }
}

/** The longest close result or details a decider with a store writes (then stores): far above any real run. */
const MAX_STORED_CLOSE = 16 * 2 ** 20;

/** Close results and details above the threshold, stored: a reference takes their place in the decision. */
async function offloadClose(
  decisions: Decision[],
  store: PayloadStore,
  threshold = DEFAULT_OFFLOAD_THRESHOLD,
): Promise<Decision[]> {
  // Field by field, so what tools read from a close (failedStep, reason, the run's small results) stays inline.
  const stored = async (text: string) => {
    if (text.length <= threshold) return text;
    // The decider's own JSON, so always readable; were it not, it would go as it is.
    const parsed = parseBoundedJson(text, { maxChars: MAX_STORED_CLOSE });
    return parsed.ok ? JSON.stringify(await offloadValue(store, parsed.value as Json, threshold)) : text;
  };
  return Promise.all(
    decisions.map(async (decision): Promise<Decision> => {
      switch (decision.decisionType) {
        case 'CompleteWorkflowExecution': {
          const result = await stored(decision.completeWorkflowExecutionDecisionAttributes.result);
          return { ...decision, completeWorkflowExecutionDecisionAttributes: { result } };
        }
        case 'FailWorkflowExecution': {
          const a = decision.failWorkflowExecutionDecisionAttributes;
          return {
            ...decision,
            failWorkflowExecutionDecisionAttributes: { ...a, details: await stored(a.details) },
          };
        }
        case 'CancelWorkflowExecution': {
          const details = await stored(decision.cancelWorkflowExecutionDecisionAttributes.details);
          return { ...decision, cancelWorkflowExecutionDecisionAttributes: { details } };
        }
        default:
          return decision;
      }
    }),
  );
}

/**
 * The verdict on the run's resume block, when it has one no decider has judged yet (the first decision task of
 * a resumed run): checked against SWF here, recorded in the history by decide().
 */
async function resumeVerdictFor(
  task: DecisionTask,
  options: DeciderOptions,
): Promise<ResumeVerdict | undefined> {
  const raw = task.events.find((e) => e.eventType === 'WorkflowExecutionStarted')
    ?.workflowExecutionStartedEventAttributes?.input;
  if (!raw?.includes('"resume"')) return undefined;
  const judged = task.events.some(
    (e) =>
      e.eventType === 'MarkerRecorded' &&
      e.markerRecordedEventAttributes?.markerName === RESUME_VERDICT_MARKER,
  );
  const type = { name: task.workflowType.name ?? '', version: task.workflowType.version ?? '' };
  const workflow = options.catalog.workflow(type.name, type.version);
  if (judged || !workflow) return undefined;
  const parsed = parseWorkflowInput(raw, workflow);
  if ('error' in parsed || !parsed.resume) return undefined;
  return checkResume(
    { swf: options.swf, domain: options.domain, catalog: options.catalog },
    {
      workflowId: task.workflowExecution.workflowId ?? '',
      runId: task.workflowExecution.runId ?? '',
      workflowType: type,
    },
    parsed.resume,
  );
}

/** Handles one decision task: decide from the full history and respond. A decider error leaves the task to time out. */
export async function handleDecisionTask(task: DecisionTask, options: DeciderOptions): Promise<void> {
  const { telemetry } = options;
  telemetry.appendKeys({
    workflowId: task.workflowExecution.workflowId,
    runId: task.workflowExecution.runId,
    workflowType: `${task.workflowType.name}@${task.workflowType.version}`,
  });
  let resumeVerdict: ResumeVerdict | undefined;
  try {
    resumeVerdict = await resumeVerdictFor(task, options);
  } catch (error) {
    // SWF could not be asked: the task times out and a later one checks again. Never decide on an unchecked claim.
    telemetry.count('DecisionErrors');
    telemetry.error("checking the run's resume block failed; leaving the decision task to time out", {
      error: errorName(error),
    });
    return;
  }
  if (resumeVerdict && !resumeVerdict.trusted)
    telemetry.warn('refused a resume block that does not match its source run', {
      reason: resumeVerdict.reason,
    });
  const started = performance.now();
  let decisions: Decision[];
  let phase: string;
  try {
    // With a payload store, close results and details are written whole and stored above the threshold.
    const result = decide(task.events as HistoryEvent[], options.catalog, {
      closeLimit: options.payloads ? MAX_STORED_CLOSE : undefined,
      resumeVerdict,
    });
    decisions = result.decisions;
    phase = result.state.phase;
  } catch (error) {
    // Never fail the workflow for the decider's own problem (an unknown version, say): a decider that knows
    // better can still take the task once this one times out. The alarm on DecisionErrors tells a person.
    telemetry.count('DecisionErrors');
    telemetry.error('decide() failed; leaving the decision task to time out', {
      error: errorName(error),
      message: (error as Error)?.message,
    });
    return;
  }
  telemetry.timing('DecisionLatency', performance.now() - started);
  if (options.payloads) {
    try {
      decisions = await offloadClose(decisions, options.payloads, options.offloadThreshold);
    } catch (error) {
      // The store is unreachable: close with what fits SWF, as a decider without a store does.
      telemetry.warn('storing a close payload failed; closing with what fits SWF', {
        error: errorName(error),
      });
      decisions = decide(task.events as HistoryEvent[], options.catalog, { resumeVerdict }).decisions;
    }
  }
  countDecisions(decisions, telemetry);
  const outcome = await respondWithRetry(
    () =>
      options.swf.send(
        new S.RespondDecisionTaskCompletedCommand({
          taskToken: task.taskToken,
          decisions: decisions as S.Decision[],
        }),
      ),
    { deadline: options.deadline, telemetry, what: 'RespondDecisionTaskCompleted' },
  );
  telemetry.info('decision task handled', {
    decisions: decisions.map((d) => d.decisionType),
    phase,
    outcome,
  });
}

/** The decider's poll loop, shared by the Lambda handler, `swfctl worker decider` and the local runtime. */
export function runDecider(options: DeciderOptions): Promise<LoopResult> {
  return runPollLoop<DecisionTask>({
    kind: 'decision',
    deadline: options.deadline,
    budget: {
      pollHoldMs: options.pollHoldMs ?? 60_000,
      taskBudgetMs: decisionBudgetMs(options.catalog),
      marginMs: options.marginMs ?? 5_000,
    },
    telemetry: options.telemetry,
    signal: options.signal,
    maxTasks: options.maxTasks,
    pollWindowMs: options.pollWindowMs,
    poll: (signal) => pollDecisionTask(options.swf, options, signal),
    handle: (task) => handleDecisionTask(task, options),
  });
}
