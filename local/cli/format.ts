import type * as S from '@aws-sdk/client-swf';
import type { AttemptView, Timeline } from '../../lambda/decider/timeline.js';
import type { EffectsView } from '../../lambda/worker/effects-view.js';
import type { RunDescription } from '../../lambda/worker/run-description.js';
import { isUnreadable } from '../../lambda/workflow/bounded-json.js';
import type { Json } from '../../lambda/workflow/types.js';
import { duration, formatTime, safeText } from '../shared/display.js';

export { duration, formatTime };

/** A value from SWF or a caller, placed on one line of a view: control characters and line breaks escaped. */
const oneLine = (text: unknown): string => safeText(String(text ?? ''));

/** Rows as an aligned text table. With `width`, the last column wraps at word boundaries to fit it. */
export function table(headers: string[], rows: string[][], options: { width?: number } = {}): string {
  const last = headers.length - 1;
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  if (options.width !== undefined) {
    const before = widths.slice(0, last).reduce((sum, w) => sum + w + 2, 0);
    widths[last] = Math.max(
      headers[last]?.length ?? 0,
      20,
      Math.min(widths[last] ?? 0, options.width - before),
    );
  }
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (c ?? '').padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  const lines = [line(headers), line(widths.map((w) => '─'.repeat(w)))];
  for (const row of rows) {
    const [first, ...more] = wrapText(row[last] ?? '', widths[last] ?? 0);
    lines.push(line([...row.slice(0, last), first ?? '']));
    for (const rest of more) lines.push(line([...row.slice(0, last).map(() => ''), rest]));
  }
  return lines.join('\n');
}

/** Text cut into lines of at most `width` characters, at spaces where it can (never mid-word unless a word is longer). */
export function wrapText(text: string, width: number): string[] {
  if (text.length <= width || width <= 0) return [text];
  const lines: string[] = [];
  let current = '';
  for (const word of text.split(' ')) {
    let rest = word;
    while (rest.length > width) {
      if (current) lines.push(current);
      current = '';
      lines.push(rest.slice(0, width));
      rest = rest.slice(width);
    }
    if (!current) current = rest;
    else if (current.length + 1 + rest.length <= width) current += ` ${rest}`;
    else {
      lines.push(current);
      current = rest;
    }
  }
  if (current) lines.push(current);
  return lines;
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
      formatTime(run.startTimestamp),
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
      ? `failed ${oneLine(attempt.reason)}${attempt.details ? `: ${oneLine(attempt.details.slice(0, 120))}` : ''}`
      : attempt.outcome === 'timedOut'
        ? `timed out (${attempt.timeoutType})`
        : attempt.outcome === 'abandoned'
          ? `abandoned (${oneLine(attempt.reason)})`
          : attempt.outcome;
  return `#${attempt.attempt} ${what}${attempt.outcome === 'scheduled' ? '' : ` in ${took}`}${waited ? ` (queued ${waited})` : ''}`;
}

/** A wait's or a sleep's line: waiting since when, answered by what, timed out, slept, skipped. */
function flowLine(step: Timeline['steps'][number], timeline: Timeline): string {
  const timer = step.waits[0];
  if (step.status === 'skipped') return 'skipped (its rule did not hold)';
  if (step.status === 'carried') return 'carried over from the resumed run';
  if (step.kind === 'wait') {
    const accepts = (step.accepts ?? []).join(' or ');
    if (step.answer)
      return `answered ${oneLine(step.answer.signal)}${payload(step.answer.payload)} at ${formatTime(step.answer.at)}${step.status === 'failed' ? ': the run fails' : ''}`;
    if (step.status === 'waiting' && timer)
      return `waiting for ${accepts} since ${formatTime(timer.startedAt)} (times out in ${duration(timer.startedAt + timer.seconds * 1000 - Date.now())})`;
    if (step.status === 'failed' && timer)
      return `no ${accepts} within ${duration(timer.seconds * 1000)}: timed out`;
    if (step.status === 'completed' && timer)
      return `no ${accepts} within ${duration(timer.seconds * 1000)}: went on`;
    if (step.status === 'abandoned')
      return `stopped waiting for ${accepts} (${timeline.status === 'running' ? 'canceled' : `run ${timeline.status}`})`;
    return 'not reached';
  }
  if (!timer) return 'not reached';
  if (step.status === 'waiting')
    return `sleeping ${duration(timer.seconds * 1000)}, until ${formatTime(timer.startedAt + timer.seconds * 1000)}`;
  if (step.status === 'completed') return `slept ${duration(timer.seconds * 1000)}`;
  return `sleep of ${duration(timer.seconds * 1000)} canceled`;
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
  const status = timeline.status.replace(/([A-Z])/g, ' $1').toUpperCase();
  lines.push(`${workflowId}  ${type}  ${status}  ${duration(runMs)}`);
  lines.push(`run ${runId}, started ${formatTime(timeline.startedAt)}`);
  if (timeline.resumedFrom)
    lines.push(
      `resumed from ${oneLine(timeline.resumedFrom.fromStep)} of run ${oneLine(timeline.resumedFrom.sourceRunId)}`,
    );
  if (timeline.continuedFromRunId) lines.push(`continued from run ${timeline.continuedFromRunId}`);
  if (timeline.cancelRequestedAt) lines.push(`cancel requested at ${formatTime(timeline.cancelRequestedAt)}`);
  lines.push('');
  for (const step of timeline.steps) {
    const label =
      step.kind === 'compensation'
        ? `↩ ${step.step} (compensation)`
        : step.kind === 'wait'
          ? `⏸ ${step.step} (wait)`
          : step.kind === 'sleep'
            ? `☾ ${step.step} (sleep)`
            : step.group
              ? `‖ ${step.step} (${step.group})`
              : step.step;
    if (step.kind === 'wait' || step.kind === 'sleep') {
      lines.push(`  ${label.padEnd(34)} ${flowLine(step, timeline)}`);
      continue;
    }
    if (step.status === 'skipped') {
      lines.push(`  ${label.padEnd(34)} skipped (its rule did not hold)`);
      continue;
    }
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
  if (timeline.signals.length > 0) {
    lines.push('', 'signals');
    for (const signal of timeline.signals)
      lines.push(
        `  ${formatTime(signal.at)}  ${oneLine(signal.name ?? '(unnamed)')}${payload(signal.input)}${signal.takenBy ? `  → ${signal.takenBy}` : ''}${signal.ignored ? `  (ignored: ${oneLine(signal.ignored)})` : ''}`,
      );
  }
  if (timeline.payloads?.length) {
    lines.push('', 'payloads stored outside SWF (references in the history, resolved here)');
    for (const p of timeline.payloads)
      lines.push(
        `  ${oneLine(p.where).padEnd(32)} ${p.size.toLocaleString('en-US').padStart(11)} characters  ${oneLine(p.address)}${p.resolved ? '' : `  (not shown: ${oneLine(p.problem)})`}`,
      );
  }
  lines.push('', ...closingSection(timeline));
  return lines.join('\n');
}

/** A payload on one line, shortened: ` {"reviewer":"ana"}`; one a view could not read, with why; nothing when none. */
function payload(value: Json | undefined, max = 100): string {
  if (value === undefined || value === null || value === '') return '';
  if (isUnreadable(value))
    return `  ${oneLine(value.$unreadable.text.slice(0, 40))}…  (not shown: ${oneLine(value.$unreadable.reason)})`;
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return `  ${oneLine(text.length > max ? `${text.slice(0, max - 1)}…` : text)}`;
}

interface CloseDetails {
  reason?: string;
  failedStep?: string | null;
  canceledAtStep?: string | null;
  attempts?: number;
  lastError?: { reason?: string; details?: string } | null;
  compensated?: string[];
  compensationFailures?: { step: string }[];
}

/** How a run ended, as its own section: one heading per status, never an empty field. */
export function closingSection(timeline: Timeline): string[] {
  const failure = timeline.failure;
  const details =
    failure?.details && typeof failure.details === 'object' && !Array.isArray(failure.details)
      ? (failure.details as CloseDetails)
      : undefined;
  const plain = typeof failure?.details === 'string' ? oneLine(failure.details) : undefined;
  const undo = (d: CloseDetails | undefined): string[] => [
    ...(d?.compensated
      ? [`  compensated: ${d.compensated.length > 0 ? oneLine(d.compensated.join(', ')) : 'nothing to undo'}`]
      : []),
    ...(d?.compensationFailures?.length
      ? [`  compensation failures: ${oneLine(d.compensationFailures.map((f) => f.step).join(', '))}`]
      : []),
  ];
  switch (timeline.status) {
    case 'running':
      return [timeline.cancelRequestedAt ? 'Running (cancel requested).' : 'Running.'];
    case 'completed':
      return ['Completed.'];
    case 'failed':
      return [
        `Failed: ${oneLine(failure?.reason ?? 'no reason given')}`,
        ...(details?.failedStep
          ? [`  failed step: ${oneLine(details.failedStep)} after ${details.attempts ?? '?'} attempt(s)`]
          : []),
        ...(details?.lastError
          ? [
              `  last error:  ${oneLine(details.lastError.reason)}${details.lastError.details ? `: ${oneLine(details.lastError.details)}` : ''}`,
            ]
          : []),
        ...undo(details),
        ...(plain ? [`  ${plain}`] : []),
      ];
    case 'canceled':
      return [
        `Canceled${details?.canceledAtStep ? ` at ${oneLine(details.canceledAtStep)}` : ''}${timeline.cancelRequestedAt ? ` (requested at ${formatTime(timeline.cancelRequestedAt)})` : ''}.`,
        ...undo(details),
        ...(plain ? [`  ${plain}`] : []),
      ];
    case 'terminated':
      return [
        `Terminated: ${oneLine(failure?.reason || 'no reason given')}`,
        ...(failure?.cause ? [`  cause: ${oneLine(failure.cause)}`] : []),
        ...(plain ? [`  ${plain}`] : []),
        '  no compensation ran: terminate stops the run where it is',
      ];
    case 'timedOut':
      return [
        `Timed out: the run exceeded its ${failure?.reason === 'START_TO_CLOSE' || !failure?.reason ? 'start-to-close timeout' : failure.reason}`,
        '  no compensation ran',
      ];
    case 'continuedAsNew':
      return [`Continued as new: run ${timeline.continuedAsRunId ?? '?'}`];
  }
}

/** What `swfctl describe` prints: status, times, where an open run is, how a closed one ended, its lineage. */
export function renderDescription(d: RunDescription): string {
  const status = d.status === 'OPEN' && d.cancelRequested ? 'OPEN (cancel requested)' : d.status;
  const lines = [`${d.workflowId}  ${status}  ${d.type.name}@${d.type.version}`];
  const field = (name: string, value: string) => {
    lines.push(`${name.padEnd(14)}${value}`);
  };
  field('run', d.runId);
  field('started', formatTime(d.startedAt));
  if (d.closedAt !== undefined)
    field('closed', `${formatTime(d.closedAt)}  (took ${duration(d.durationMs)})`);
  else field('open for', duration(d.durationMs));
  if (d.status === 'OPEN') field('now at', d.currentSteps.join(', ') || 'between steps (a decision is due)');
  if (d.status !== 'OPEN' && d.status !== 'COMPLETED') {
    const [heading, ...rest] = closingSection(d.timeline);
    field('outcome', heading ?? d.status);
    for (const line of rest) field('', line.trim());
  }
  if (d.lineage.resumedFrom)
    field(
      'resumed from',
      `run ${oneLine(d.lineage.resumedFrom.runId)} at ${oneLine(d.lineage.resumedFrom.fromStep ?? '?')}`,
    );
  for (const [i, r] of d.lineage.resumedBy.entries())
    field(i === 0 ? 'resumed by' : '', `run ${r.runId} from ${oneLine(r.fromStep ?? '?')} (${r.status})`);
  if (d.lineage.continuedFrom) field('continued from', `run ${d.lineage.continuedFrom}`);
  if (d.lineage.continuedAs) field('continued as', `run ${d.lineage.continuedAs}`);
  if (d.parent) field('parent', `${d.parent.workflowId} (run ${d.parent.runId})`);
  return lines.join('\n');
}

/** What `swfctl effects` prints: the stored record, the reservation, notifications, the ledger and the runs. */
export function renderEffects(effects: EffectsView, where: string): string {
  const lines = [`${effects.orderId}   (effects in ${where})`];
  const owner = (e: { runId: string; lineageId: string; at: string }) =>
    `by run ${e.runId}${e.lineageId === e.runId ? '' : ` (lineage ${e.lineageId})`} at ${formatTime(Date.parse(e.at))}`;
  if (effects.record) {
    lines.push(`record        saved: ${oneLine(effects.recordSummary ?? 'yes')}, ${owner(effects.record)}`);
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
          effects.ledger.map((e, i) => [
            String(i + 1),
            e.kind,
            e.runId,
            e.lineageId,
            formatTime(Date.parse(e.at)),
          ]),
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
