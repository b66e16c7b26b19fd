import type { EffectOutcome, EffectOwner } from '../workflow/order/ports.js';

/** What applying an effect means given who holds it now: apply it, or say whose it already is. */
export function applyVerdict(holder: { lineageId: string } | undefined, owner: EffectOwner): EffectOutcome {
  if (!holder) return 'applied';
  return holder.lineageId === owner.lineageId ? 'already' : 'foreign';
}

/** What undoing an effect means given who holds it now: only its own lineage may undo it. */
export function undoVerdict(holder: { lineageId: string } | undefined, owner: EffectOwner): EffectOutcome {
  if (!holder) return 'absent';
  return holder.lineageId === owner.lineageId ? 'applied' : 'foreign';
}

/** Runs that touched an order, oldest first, without repeats. */
export function runsOf(...groups: { runId: string; at: string }[][]): string[] {
  const all = groups.flat().sort((a, b) => a.at.localeCompare(b.at));
  return [...new Set(all.map((entry) => entry.runId))];
}
