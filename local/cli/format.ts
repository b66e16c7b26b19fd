import type * as S from '@aws-sdk/client-swf';
import type { AttemptView, Timeline } from '../../lambda/decider/timeline.js';
import type { OrderEffects } from '../../lambda/workflow/order/ports.js';

/** Milliseconds as "850ms", "2.3s" or "4m05s". */
export function duration(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms)) return '–';
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  const minutes = Math.floor(ms / 60_000);
  return `${minutes}m${String(Math.round((ms % 60_000) / 1000)).padStart(2, '0')}s`;
}

/** Rows as an aligned text table. */
export function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (c ?? '').padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return [line(headers), line(widths.map((w) => '─'.repeat(w))), ...rows.map(line)].join('\n');
}

export function runStatus(info: Partial<S.WorkflowExecutionInfo>): string {
  return info.executionStatus === 'OPEN'
    ? info.cancelRequested
      ? 'OPEN (cancel requested)'
      : 'OPEN'
    : (info.closeStatus ?? 'CLOSED');
}

export function renderRuns(runs: S.WorkflowExecutionInfo[]): string {
  if (runs.length === 0) return 'No runs.';
  return table(
    ['workflowId', 'status', 'type', 'started', 'duration', 'runId'],
    runs.map((run) => [
      run.execution?.workflowId ?? '',
      runStatus(run),
      `${run.workflowType?.name}@${run.workflowType?.version}`,
      run.startTimestamp?.toISOString().replace('T', ' ').slice(0, 19) ?? '',
      duration((run.closeTimestamp?.getTime() ?? Date.now()) - (run.startTimestamp?.getTime() ?? Date.now())),
      run.execution?.runId ?? '',
    ]),
  );
}

function attemptLine(attempt: AttemptView): string {
  const took = duration((attempt.closedAt ?? Date.now()) - (attempt.startedAt ?? attempt.scheduledAt));
  const waited =
    attempt.startedAt !== undefined ? duration(attempt.startedAt - attempt.scheduledAt) : undefined;
  const what =
    attempt.outcome === 'failed'
      ? `failed ${attempt.reason ?? ''}${attempt.details ? `: ${attempt.details.slice(0, 120)}` : ''}`
      : attempt.outcome === 'timedOut'
        ? `timed out (${attempt.timeoutType})`
        : attempt.outcome === 'abandoned'
          ? `abandoned (${attempt.reason})`
          : attempt.outcome;
  return `#${attempt.attempt} ${what}${attempt.outcome === 'scheduled' ? '' : ` in ${took}`}${waited ? ` (queued ${waited})` : ''}`;
}

/** The step timeline `swfctl history` prints: attempts, durations, retries, compensations and the outcome. */
export function renderTimeline(workflowId: string, runId: string, timeline: Timeline): string {
  const lines: string[] = [];
  const type = `${timeline.workflowType?.name}@${timeline.workflowType?.version}`;
  // An open run's duration runs to now, as its running steps' do.
  const runMs =
    timeline.status === 'running' && timeline.startedAt !== undefined
      ? Date.now() - timeline.startedAt
      : timeline.durationMs;
  lines.push(`${workflowId}  ${type}  ${timeline.status.toUpperCase()}  ${duration(runMs)}`);
  lines.push(`run ${runId}`);
  if (timeline.resumedFrom)
    lines.push(`resumed from ${timeline.resumedFrom.fromStep} of run ${timeline.resumedFrom.sourceRunId}`);
  if (timeline.continuedFromRunId) lines.push(`continued from run ${timeline.continuedFromRunId}`);
  if (timeline.cancelRequestedAt)
    lines.push(`cancel requested at ${new Date(timeline.cancelRequestedAt).toISOString()}`);
  lines.push('');
  for (const step of timeline.steps) {
    const label = step.kind === 'compensation' ? `↩ ${step.step} (compensation)` : step.step;
    if (step.attempts.length === 0) {
      lines.push(
        `  ${label.padEnd(34)} ${step.status === 'carried' ? 'carried over from the resumed run' : 'not run'}`,
      );
      continue;
    }
    step.attempts.forEach((attempt, index) => {
      const wait = step.waits.find((w) => w.timerId.endsWith(`#${attempt.attempt + 1}`));
      const retry = wait ? `  → retry in ${wait.seconds}s${wait.canceledAt ? ' (canceled)' : ''}` : '';
      lines.push(`  ${(index === 0 ? label : '').padEnd(34)} ${attemptLine(attempt)}${retry}`);
    });
  }
  lines.push('');
  if (timeline.status === 'completed') lines.push('Completed.');
  if (timeline.failure) {
    const details = timeline.failure.details as Record<string, unknown> | string | undefined;
    lines.push(
      `${timeline.status === 'failed' ? 'Failed' : timeline.status}: ${timeline.failure.reason ?? ''}`,
    );
    if (details && typeof details === 'object') {
      const d = details as {
        failedStep?: string;
        attempts?: number;
        lastError?: { reason?: string; details?: string };
        compensated?: string[];
        compensationFailures?: { step: string }[];
      };
      if (d.failedStep) lines.push(`  failed step: ${d.failedStep} after ${d.attempts} attempt(s)`);
      if (d.lastError)
        lines.push(
          `  last error:  ${d.lastError.reason}${d.lastError.details ? `: ${d.lastError.details}` : ''}`,
        );
      if (d.compensated)
        lines.push(
          `  compensated: ${d.compensated.length > 0 ? d.compensated.join(', ') : 'nothing to undo'}`,
        );
      if (d.compensationFailures?.length)
        lines.push(`  compensation failures: ${d.compensationFailures.map((f) => f.step).join(', ')}`);
    } else if (details) {
      lines.push(`  ${String(details)}`);
    }
  }
  if (timeline.continuedAsRunId) lines.push(`continued as run ${timeline.continuedAsRunId}`);
  return lines.join('\n');
}

/** What `swfctl order` prints: the stored record, the reservation, notifications, the ledger and the runs. */
export function renderOrderEffects(effects: OrderEffects, where: string): string {
  const lines = [`order ${effects.orderId}   (effects in ${where})`];
  const owner = (e: { runId: string; lineageId: string; at: string }) =>
    `by run ${e.runId}${e.lineageId === e.runId ? '' : ` (lineage ${e.lineageId})`} at ${e.at}`;
  if (effects.record) {
    const r = effects.record.value;
    lines.push(`record        saved: ${r.total} ${r.currency} for ${r.customerId}, ${owner(effects.record)}`);
  } else lines.push('record        none');
  if (effects.reservation) {
    const count = Array.isArray(effects.reservation.value) ? effects.reservation.value.length : 0;
    lines.push(`reservation   held: ${count} line(s), ${owner(effects.reservation)}`);
  } else lines.push('reservation   none');
  if (effects.notifications.length === 0) lines.push('notifications none');
  for (const n of effects.notifications) {
    lines.push(
      `notification  ${n.eventType} ${n.status}${n.messageId ? ` (message ${n.messageId})` : ''}, ${owner(n)}`,
    );
  }
  lines.push('', 'ledger');
  lines.push(
    effects.ledger.length === 0
      ? '  (nothing applied)'
      : table(
          ['#', 'effect', 'run', 'lineage', 'at'],
          effects.ledger.map((e, i) => [String(i + 1), e.kind, e.runId, e.lineageId, e.at]),
        )
          .split('\n')
          .map((line) => `  ${line}`)
          .join('\n'),
  );
  lines.push('', `runs that touched it: ${effects.runs.join(', ') || 'none'}`);
  return lines.join('\n');
}

/** What a resume did, in words: the steps the source run compensated, and separately the steps redone. */
export function describeResume(resumed: {
  workflowId: string;
  runId: string;
  sourceRunId: string;
  fromStep: string;
  requestedStep: string;
  rolledBack: string[];
  redoing: string[];
}): string[] {
  const lines: string[] = [];
  if (resumed.rolledBack.length > 0)
    lines.push(`Compensated in run ${resumed.sourceRunId}: ${resumed.rolledBack.join(', ')}.`);
  if (resumed.redoing.length > 0)
    lines.push(
      `So the new run starts at ${resumed.fromStep} and does ${resumed.redoing.join(', ')} again before ${resumed.requestedStep}.`,
    );
  lines.push(
    `resumed ${resumed.workflowId} from ${resumed.fromStep} (run ${resumed.runId}, source run ${resumed.sourceRunId})`,
  );
  return lines;
}
