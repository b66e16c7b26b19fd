import { parseBoundedJson } from '../workflow/bounded-json.js';
import type { HistoryFacts } from './history.js';
import type { Decision } from './swf-types.js';

/**
 * A resume block is a claim (this run continues that one, and owns its lineage's effects) that anyone allowed
 * to start a run can write. The decider worker checks it against SWF once; the verdict is recorded in the
 * run's history as a marker (only a decider can record one), so later decisions read it back, and replay
 * stays pure and deterministic.
 */
export type ResumeVerdict = { trusted: true; lineageId?: string } | { trusted: false; reason: string };

export const RESUME_VERDICT_MARKER = 'ResumeVerdict';

/** The verdict recorded in the history, if a decider recorded one. */
export function recordedVerdict(facts: HistoryFacts): ResumeVerdict | undefined {
  if (!facts.markers.has(RESUME_VERDICT_MARKER)) return undefined;
  const parsed = parseBoundedJson(facts.markers.get(RESUME_VERDICT_MARKER) ?? '');
  const value = (parsed.ok ? parsed.value : undefined) as Partial<
    { trusted: boolean; lineageId: unknown; reason: unknown } & object
  >;
  if (value?.trusted === true)
    return typeof value.lineageId === 'string'
      ? { trusted: true, lineageId: value.lineageId }
      : { trusted: true };
  return {
    trusted: false,
    reason: typeof value?.reason === 'string' ? value.reason : 'the recorded verdict cannot be read',
  };
}

/** The decision that records a verdict. */
export function verdictMarker(verdict: ResumeVerdict): Decision {
  return {
    decisionType: 'RecordMarker',
    recordMarkerDecisionAttributes: {
      markerName: RESUME_VERDICT_MARKER,
      details: JSON.stringify(
        verdict.trusted ? verdict : { ...verdict, reason: verdict.reason.slice(0, 1_000) },
      ),
    },
  };
}
