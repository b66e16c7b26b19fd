/// <reference lib="dom" />
import type { AttemptView, StepView, Timeline } from '../../../lambda/decider/timeline.js';
import { duration, svg } from './dom.js';

const COLORS: Record<string, string> = {
  completed: '#2e7d32',
  failed: '#c62828',
  timedOut: '#ef6c00',
  canceled: '#6b7280',
  running: '#1565c0',
  scheduled: '#93c5fd',
};

/**
 * The run as a picture: a row per step (compensations after), each attempt a bar over time from start to close,
 * its queue time lighter, the backoff wait before a retry drawn as a dashed gap, timeouts flagged. Clicking a bar
 * shows its events.
 */
export function timelineSvg(
  timeline: Timeline,
  onSelect: (attempt: AttemptView) => void,
  now = Date.now(),
): SVGElement {
  const rows = timeline.steps;
  const start = timeline.startedAt ?? now;
  const end = Math.max(timeline.closedAt ?? now, start + 1);
  const label = 190;
  const width = 960;
  const plot = width - label - 20;
  const rowHeight = 28;
  const height = 30 + rows.length * rowHeight + 24;
  const x = (t: number) => label + ((t - start) / (end - start)) * plot;
  const root = svg('svg', {
    width,
    height,
    viewBox: `0 0 ${width} ${height}`,
    role: 'img',
    'data-testid': 'timeline',
  });
  root.appendChild(
    svg('title', {}, `Timeline of ${timeline.workflowType?.name ?? 'run'}: ${duration(end - start)}`),
  );
  for (const tick of [0, 0.25, 0.5, 0.75, 1]) {
    const tx = label + tick * plot;
    root.appendChild(svg('line', { x1: tx, x2: tx, y1: 20, y2: height - 20, stroke: '#e5e7eb' }));
    root.appendChild(
      svg(
        'text',
        { x: tx, y: height - 6, 'text-anchor': 'middle', fill: '#6b7280' },
        duration((end - start) * tick),
      ),
    );
  }
  rows.forEach((step: StepView, index) => {
    const y = 30 + index * rowHeight;
    const name =
      step.kind === 'compensation'
        ? `↩ ${step.step}`
        : step.kind === 'wait'
          ? `◇ ${step.step}`
          : step.kind === 'sleep'
            ? `◔ ${step.step}`
            : step.group
              ? `‖ ${step.step}`
              : step.step;
    const group = svg('g', { 'data-step': name, 'data-kind': step.kind, 'data-status': step.status });
    group.appendChild(
      svg('text', { x: 8, y: y + 14, fill: step.kind === 'compensation' ? '#ef6c00' : '#111827' }, name),
    );
    if (step.status === 'carried') {
      group.appendChild(
        svg('text', { x: label, y: y + 14, fill: '#6b7280' }, 'carried over from the source run'),
      );
    }
    if (step.status === 'skipped') {
      group.appendChild(
        svg('text', { x: label, y: y + 14, fill: '#6b7280' }, 'skipped: its rule did not hold'),
      );
    }
    for (const wait of step.waits) {
      const from = x(wait.startedAt);
      const to = x(wait.firedAt ?? wait.canceledAt ?? timeline.closedAt ?? now);
      if (step.kind === 'wait' || step.kind === 'sleep') {
        // A wait or a sleep: a hollow bar from its timer's start to its answer, its end, or now.
        const end = step.answer ? x(step.answer.at) : to;
        group.appendChild(
          svg(
            'rect',
            {
              x: from,
              y: y + 4,
              width: Math.max(3, end - from),
              height: 12,
              rx: 3,
              fill: 'none',
              stroke:
                step.status === 'failed' ? '#c62828' : step.status === 'completed' ? '#2e7d32' : '#1565c0',
              'stroke-dasharray': step.status === 'waiting' ? '5 3' : undefined,
              class: `bar bar-${step.kind}`,
              'data-outcome': step.status,
            },
            svg(
              'title',
              {},
              step.kind === 'wait'
                ? `waiting for ${(step.accepts ?? []).join(' or ')}${step.answer ? `: ${step.answer.signal}` : ''}`
                : `sleep of ${duration(wait.seconds * 1000)}`,
            ),
          ),
        );
        continue;
      }
      group.appendChild(
        svg(
          'line',
          {
            x1: from,
            x2: Math.max(to, from + 2),
            y1: y + 10,
            y2: y + 10,
            stroke: '#9ca3af',
            'stroke-dasharray': '4 3',
            class: 'backoff',
          },
          svg('title', {}, `backoff: retry in ${wait.seconds}s${wait.canceledAt ? ' (canceled)' : ''}`),
        ),
      );
    }
    for (const attempt of step.attempts) {
      const scheduled = x(attempt.scheduledAt);
      const started = x(attempt.startedAt ?? attempt.scheduledAt);
      const closed = x(attempt.closedAt ?? now);
      const bar = svg('g', {
        class: `bar bar-${attempt.outcome}`,
        'data-activity-id': attempt.activityId,
        'data-outcome': attempt.outcome,
        cursor: 'pointer',
      });
      bar.appendChild(
        svg(
          'title',
          {},
          `${attempt.activityId}: ${attempt.outcome}${attempt.reason ? ` (${attempt.reason})` : ''}${attempt.timeoutType ? ` timeout ${attempt.timeoutType}` : ''}, ${duration((attempt.closedAt ?? now) - (attempt.startedAt ?? attempt.scheduledAt))}`,
        ),
      );
      if (started > scheduled)
        bar.appendChild(
          svg('rect', { x: scheduled, y: y + 4, width: started - scheduled, height: 12, fill: '#dbeafe' }),
        );
      bar.appendChild(
        svg('rect', {
          x: started,
          y: y + 2,
          width: Math.max(3, closed - started),
          height: 16,
          rx: 3,
          fill: COLORS[attempt.outcome] ?? '#6b7280',
        }),
      );
      if (attempt.outcome === 'timedOut') {
        bar.appendChild(
          svg(
            'text',
            { x: closed + 3, y: y + 14, fill: '#ef6c00', class: 'timeout-flag' },
            attempt.timeoutType === 'HEARTBEAT' ? '♥ timeout' : '⏱ timeout',
          ),
        );
      }
      if (step.attempts.length > 1)
        bar.appendChild(svg('text', { x: started + 2, y: y - 1, fill: '#6b7280' }, `#${attempt.attempt}`));
      bar.addEventListener('click', () => onSelect(attempt));
      group.appendChild(bar);
    }
    root.appendChild(group);
  });
  return root;
}
