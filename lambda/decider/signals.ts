import { parseBoundedJson } from '../workflow/bounded-json.js';
import type { FlowNode, Json, SignalChoice } from '../workflow/types.js';

/**
 * How signal waits take signals, shared by the decider and the timeline so both tell the same story: a wait takes
 * the first signal it names whose payload is valid, in arrival order, that no earlier wait took; the others are
 * ignored and reported.
 */
type SignalNode = Extract<FlowNode, { kind: 'signal' }>;

export interface SignalMatch {
  name: string;
  payload: Json;
  choice: SignalChoice;
  eventId: number;
}

const isWait = (node: FlowNode): node is SignalNode => node.kind === 'signal';

/**
 * A signal's input as waits read it: JSON when it is JSON within the bounds, plain text otherwise, no input null.
 * Text nested too deep stays text (no schema takes it), with the reason the timeline reports.
 */
function readSignalInput(input: string | undefined): { value: unknown; problem?: string } {
  if (input === undefined || input === '') return { value: null };
  const parsed = parseBoundedJson(input, { what: 'the signal input' });
  if (parsed.ok) return { value: parsed.value };
  return parsed.problem === 'notJson' ? { value: input } : { value: input, problem: parsed.error };
}

/** Parses a signal's input as JSON when it is JSON; plain text stays text, no input is null. */
export function signalPayload(input: string | undefined): unknown {
  return readSignalInput(input).value;
}

/** One readable line from a payload parser's error (a zod error's issues: `path: message; …`, not zod's JSON). */
export function payloadProblem(error: unknown): string {
  const issues = (error as { issues?: { path?: PropertyKey[]; message?: string }[] })?.issues;
  if (Array.isArray(issues) && issues.length > 0)
    return issues
      .slice(0, 5)
      .map((issue) => `${issue.path?.length ? `${issue.path.map(String).join('.')}: ` : ''}${issue.message}`)
      .join('; ');
  return ((error as Error)?.message ?? String(error)).split('\n')[0]?.slice(0, 300) ?? 'invalid';
}

/** Where a wait stands when a signal is judged: not reached yet, waiting (its timer started at `since`), or over. */
export interface WaitStanding {
  standing: 'ahead' | 'waiting' | 'ended';
  /** The TimerStarted event of the wait's timeout: when the run began waiting. */
  since?: number;
}

/** The first signal a wait accepts (named by it, payload valid), in arrival order, not taken by an earlier wait. */
export function takeSignal(
  node: SignalNode,
  signals: readonly { name: string; input: string | undefined; eventId: number }[],
  consumed: Set<number>,
  window: {
    /** The event that ended the wait (its timeout firing): a signal after it comes too late for this wait. */
    endedAt?: number;
    /** The event the wait began at (its timer started); a wait that ignores early signals takes none before it. */
    since?: number;
  } = {},
): SignalMatch | undefined {
  // A wait that takes no early signal takes none at all until the run is waiting in it.
  const earliest = node.earlySignals === 'ignore' ? (window.since ?? Number.POSITIVE_INFINITY) : 0;
  for (const signal of signals) {
    if (consumed.has(signal.eventId)) continue;
    if (window.endedAt !== undefined && signal.eventId > window.endedAt) break;
    if (signal.eventId < earliest) continue;
    const choice = Object.hasOwn(node.signals, signal.name) ? node.signals[signal.name] : undefined;
    if (!choice) continue;
    let payload: unknown;
    try {
      payload = choice.parse ? choice.parse(signalPayload(signal.input)) : signalPayload(signal.input);
    } catch {
      continue; // Invalid payload: ignored (and reported), the wait goes on.
    }
    consumed.add(signal.eventId);
    return { name: signal.name, payload: (payload ?? null) as Json, choice, eventId: signal.eventId };
  }
  return undefined;
}

/**
 * Why a valid signal no wait took is not taken: it came before a wait that counts only signals sent while it
 * waits, or after every wait that names it was over. Undefined when a wait not reached yet keeps it.
 */
export function whyNotTaken(
  signal: { name: string; eventId: number },
  flow: readonly FlowNode[],
  standingOf: (node: SignalNode) => WaitStanding,
): string | undefined {
  const waits = flow.filter(isWait).filter((node) => Object.hasOwn(node.signals, signal.name));
  let reason: string | undefined;
  for (const node of waits) {
    const { standing, since } = standingOf(node);
    const early = node.earlySignals === 'ignore' && (since === undefined || signal.eventId < since);
    if (early) {
      reason ??= `sent before the run reached ${node.name}, which takes only signals sent while it waits; send it again now if the run is waiting`;
      continue;
    }
    if (standing === 'ended') {
      reason ??= `arrived after ${node.name} was over (answered, timed out or skipped)`;
      continue;
    }
    return undefined; // Kept for a wait not reached yet, or about to be taken by the one waiting.
  }
  return reason;
}

/** Why a signal no wait took is ignored: no wait names it, or its payload is invalid for every wait that does. */
export function whyIgnored(
  signal: { name: string; input: string | undefined },
  flow: readonly FlowNode[],
): string | undefined {
  const waits = flow.filter(isWait).filter((node) => Object.hasOwn(node.signals, signal.name));
  if (waits.length === 0) return 'no wait in this workflow accepts it';
  const read = readSignalInput(signal.input);
  if (read.problem) return `invalid payload: ${read.problem}`;
  for (const node of waits) {
    try {
      node.signals[signal.name]?.parse?.(read.value);
    } catch (error) {
      return `invalid payload: ${payloadProblem(error).slice(0, 300)}`;
    }
  }
  return undefined; // Valid, but its wait has not been reached yet (kept for it) or was already answered.
}
