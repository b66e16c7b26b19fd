import type { Effects } from '../workflow/effects.js';
import type { WorkflowModule } from '../workflow/module.js';
import { OperationError } from './operations.js';

/** Effects as the views show them: with a line on the record, in the words of the module that saved it. */
export interface EffectsView extends Effects {
  recordSummary?: string;
}

const isEmpty = (effects: Effects) =>
  effects.ledger.length === 0 &&
  effects.notifications.length === 0 &&
  !effects.record &&
  !effects.reservation;

/**
 * What a run lineage left behind (record, reservation, notifications, ledger, the runs that touched it), by
 * workflowId (`order-A-1001`, `renewal-S-100`: the module that owns the prefix says where its effects are
 * stored) or by the stored subject itself (`A-1001`). Nothing stored at all is a `NotFound` refusal.
 */
export async function readEffects(
  modules: readonly WorkflowModule[],
  effectsOf: (subject: string) => Promise<Effects>,
  id: string,
): Promise<EffectsView> {
  const byPrefix = modules.find((module) => module.idPrefix && id.startsWith(module.idPrefix));
  // A bare subject (`A-1001`) belongs to the module that stores its runs' effects under it.
  const owner = byPrefix ?? modules.find((module) => module.effectsKey(`${module.idPrefix}${id}`) === id);
  const candidates = [...new Set([...(byPrefix ? [byPrefix.effectsKey(id)] : []), id])];
  for (const candidate of candidates) {
    const effects = await effectsOf(candidate);
    if (isEmpty(effects)) continue;
    const record = effects.record?.value;
    if (!record) return effects;
    return { ...effects, recordSummary: owner?.describeRecord?.(record) ?? scalars(record) };
  }
  const prefixes = modules.map((module) => `${module.idPrefix}<id>`).join(', ');
  throw new OperationError(
    'NotFound',
    `No effects recorded for ${id}: its runs never saved, reserved or notified anything yet (check the id with "swfctl list"; workflow ids look like ${prefixes})`,
  );
}

/** A record in one line when its module has no words for it: its scalar fields. */
const scalars = (record: object) =>
  Object.entries(record)
    .filter(([, value]) => value === null || typeof value !== 'object')
    .map(([key, value]) => `${key}=${String(value)}`)
    .join(' ');
