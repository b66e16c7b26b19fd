import type * as S from '@aws-sdk/client-swf';
import type { Timeline } from '../decider/index.js';
import type { Json } from '../workflow/types.js';
import {
  eventsPageToken,
  type OperationsContext,
  type RunRef,
  runHistory,
  withPayloads,
} from './operations.js';
import { OPERATIONS_PAYLOAD_BUDGET_CHARS } from './payload-codec.js';

/** The most a synchronous Lambda invocation may answer: 6 MB. */
export const LAMBDA_RESPONSE_LIMIT_BYTES = 6 * 1024 * 1024;
/** What the history answer may take (its JSON, in UTF-8): Lambda's limit less a megabyte for the envelope. */
export const HISTORY_ANSWER_MAX_BYTES = LAMBDA_RESPONSE_LIMIT_BYTES - 1024 * 1024;
/** The largest stored body the answer inlines, in characters. */
const MAX_INLINED_BODY_CHARS = 1_000_000;
/** When the timeline alone is too large, its values longer than this (in JSON characters) are left out. */
const ELIDED_VALUE_CHARS = 1_000;
/** Room kept for the note on a cut events page. */
const NOTE_ROOM_BYTES = 1_024;

/** The operations function's `history` answer: what `runHistory` reads, shaped to fit a Lambda response. */
export interface HistoryAnswer {
  execution: RunRef;
  info: Partial<S.WorkflowExecutionInfo>;
  timeline: Timeline;
  events: S.HistoryEvent[];
  nextPageToken?: string;
  /** What the answer left out to stay within Lambda's 6 MB response, and how to read it. */
  limits?: string[];
}

const bytesOf = (value: unknown) => Buffer.byteLength(JSON.stringify(value) ?? '', 'utf8');

/**
 * A run's history as the operations function answers it: the timeline with its stored payloads inlined (each up
 * to 1,000,000 characters, OPERATIONS_PAYLOAD_BUDGET_CHARS in all) and a page of raw events, within
 * HISTORY_ANSWER_MAX_BYTES whatever the history holds. What does not fit is left out in this order, each step
 * said in `limits`: events past the page that fits (the rest by `nextPageToken`), then the payloads' values (left
 * as references), then the timeline's long values, then the timeline's steps and signals.
 */
export async function historyAnswer(
  context: OperationsContext,
  workflowId: string,
  request: { runId?: string; pageSize?: number; nextPageToken?: string } = {},
): Promise<HistoryAnswer> {
  const raw = await runHistory(context, workflowId, { ...request, resolvePayloads: false });
  const unresolved = 'not shown: the answer would pass Lambda’s 6 MB response (swfctl history shows it)';
  const referencesOnly = () =>
    withPayloads(context, structuredClone(raw.timeline), { referencesOnly: unresolved });
  const shapes: (() => Promise<{ timeline: Timeline; limits: string[] }>)[] = [
    async () => ({
      timeline: await withPayloads(context, structuredClone(raw.timeline), {
        maxPayloadChars: MAX_INLINED_BODY_CHARS,
        payloadBudgetChars: OPERATIONS_PAYLOAD_BUDGET_CHARS,
      }),
      limits: [],
    }),
    async () => ({
      timeline: await referencesOnly(),
      limits: ['stored payloads are left as references (see timeline.payloads)'],
    }),
    async () => ({
      timeline: elideLongValues(await referencesOnly()),
      limits: [
        `timeline values over ${ELIDED_VALUE_CHARS.toLocaleString('en-US')} characters are left out: read them in the raw events`,
      ],
    }),
    async () => ({
      timeline: timelineSummary(raw.timeline),
      limits: [
        'the timeline is too large for one answer: its steps and signals are left out; page the raw events',
      ],
    }),
  ];
  for (const shape of shapes) {
    const { timeline, limits } = await shape();
    const fitted = fitEvents(
      { execution: raw.execution, info: raw.info, timeline, limits },
      { events: raw.events, offset: raw.offset, nextPageToken: raw.nextPageToken },
    );
    if (fitted) return fitted;
  }
  // A summary and one event always fit (an event's fields hold at most 32,768 characters each).
  throw new Error(`The history of ${workflowId} does not fit a Lambda response even as a summary`);
}

/** The answer with as many of the page's events as fit, or undefined when not even one does. */
function fitEvents(
  answer: Omit<HistoryAnswer, 'events'> & { limits: string[] },
  page: { events: S.HistoryEvent[]; offset: number; nextPageToken?: string },
): HistoryAnswer | undefined {
  const { limits, ...rest } = answer;
  const whole = { ...rest, events: page.events, nextPageToken: page.nextPageToken };
  const withLimits = (a: HistoryAnswer, notes: string[]) => (notes.length > 0 ? { ...a, limits: notes } : a);
  const head = bytesOf(withLimits({ ...rest, events: [] }, limits)) + NOTE_ROOM_BYTES;
  if (head > HISTORY_ANSWER_MAX_BYTES) return undefined;
  let used = head;
  let count = 0;
  for (const event of page.events) {
    used += bytesOf(event) + 1;
    if (used > HISTORY_ANSWER_MAX_BYTES) break;
    count++;
  }
  if (count === page.events.length) return withLimits(whole, limits);
  if (count === 0) return undefined;
  return withLimits(
    { ...rest, events: page.events.slice(0, count), nextPageToken: eventsPageToken(page.offset + count) },
    [
      ...limits,
      `the events page holds ${count} of the ${page.events.length} events asked for: send nextPageToken for the rest`,
    ],
  );
}

/** The timeline with every value over ELIDED_VALUE_CHARS replaced by a note of its size. */
function elideLongValues(timeline: Timeline): Timeline {
  const cut = <T extends Json | undefined>(value: T): T | string => {
    if (value === undefined) return value;
    let size: number;
    try {
      size = JSON.stringify(value).length;
    } catch {
      size = Number.POSITIVE_INFINITY;
    }
    return size <= ELIDED_VALUE_CHARS
      ? value
      : `[${Number.isFinite(size) ? size.toLocaleString('en-US') : 'too many'} characters left out: read the raw events]`;
  };
  timeline.input = cut(timeline.input);
  timeline.result = cut(timeline.result);
  if (timeline.failure) timeline.failure.details = cut(timeline.failure.details);
  for (const signal of timeline.signals) signal.input = cut(signal.input);
  for (const step of timeline.steps) {
    if (step.answer) step.answer.payload = cut(step.answer.payload);
    for (const attempt of step.attempts) {
      attempt.result = cut(attempt.result);
      if (attempt.details !== undefined) attempt.details = String(cut(attempt.details));
    }
  }
  return timeline;
}

/** What the run is, without its steps, signals and values. */
function timelineSummary(timeline: Timeline): Timeline {
  const {
    steps: _steps,
    signals: _signals,
    input: _input,
    result: _result,
    payloads: _payloads,
    ...rest
  } = timeline;
  return {
    ...rest,
    ...(timeline.failure
      ? { failure: { reason: timeline.failure.reason, cause: timeline.failure.cause } }
      : {}),
    steps: [],
    signals: [],
  };
}
