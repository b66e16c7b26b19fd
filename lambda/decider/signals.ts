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

/** A payload's refusal on one line: a schema's issues as `path: message` (zod's message is multi-line JSON). */
function refusalLine(error: unknown): string {
  const issues = (error as { issues?: unknown })?.issues;
  if (Array.isArray(issues) && issues.length > 0)
    return issues
      .map((issue: { path?: unknown[]; message?: unknown }) => {
        const path = Array.isArray(issue?.path) ? issue.path.map(String).join('.') : '';
        return `${path || 'payload'}: ${String(issue?.message ?? 'invalid')}`;
      })
      .join('; ');
  return String((error as Error)?.message ?? error).replace(/\s+/g, ' ');
}

/** The first signal a wait accepts (named by it, payload valid), in arrival order, not taken by an earlier wait. */
export function takeSignal(
  node: SignalNode,
  signals: readonly { name: string; input: string | undefined; eventId: number }[],
  consumed: Set<number>,
  /** The event that ended the wait (its timeout firing): a signal after it comes too late for this wait. */
  endedAtEventId?: number,
): SignalMatch | undefined {
  for (const signal of signals) {
    if (consumed.has(signal.eventId)) continue;
    if (endedAtEventId !== undefined && signal.eventId > endedAtEventId) break;
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
      return `invalid payload: ${refusalLine(error).slice(0, 300)}`;
    }
  }
  return undefined; // Valid, but its wait has not been reached yet (kept for it) or was already answered.
}
