import * as S from '@aws-sdk/client-swf';
import {
  type Decision,
  decide,
  type HistoryEvent,
  isCompensationId,
  parseTimerId,
} from '../decider/index.js';
import { durationSeconds } from '../workflow/durations.js';
import type { Catalog } from '../workflow/module.js';
import { errorName } from './errors.js';
import { type LoopResult, type PollerOptions, respondWithRetry, runPollLoop } from './poll-loop.js';
import type { WorkerTelemetry } from './telemetry.js';

export type DeciderOptions = PollerOptions;

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
      const details = JSON.parse(decision.failWorkflowExecutionDecisionAttributes.details) as {
        compensationFailures?: unknown[];
      };
      telemetry.count('CompensationsFailed', details.compensationFailures?.length ?? 1);
    }
  }
}

/** Handles one decision task: decide from the full history and respond. A decider error leaves the task to time out. */
export async function handleDecisionTask(task: DecisionTask, options: DeciderOptions): Promise<void> {
  const { telemetry } = options;
  telemetry.appendKeys({
    workflowId: task.workflowExecution.workflowId,
    runId: task.workflowExecution.runId,
    workflowType: `${task.workflowType.name}@${task.workflowType.version}`,
  });
  const started = performance.now();
  let decisions: Decision[];
  let phase: string;
  try {
    const result = decide(task.events as HistoryEvent[], options.catalog);
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
