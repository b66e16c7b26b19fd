import { createPorts, type EffectPorts, lazyRunClaims } from '../adapters/create-ports.js';
import { loadEffectsSettings } from '../adapters/effects-config.js';

/**
 * Where effects go (SWF_EFFECTS: aws on Lambda, sqlite locally), validated when the function starts. A module of
 * its own, so only the functions that touch effects (activity worker, operations) bundle the adapters.
 */
export const effectsSettings = loadEffectsSettings(process.env);

let ports: Promise<EffectPorts> | undefined;
/** The activities' side-effect ports, built on first use and kept for the container's life. */
export function effectPorts(): Promise<EffectPorts> {
  ports ??= createPorts(effectsSettings);
  return ports;
}

/** The run claims of starts and resumes, in the same store (the orders table on AWS), opened on first use. */
export const runClaims = lazyRunClaims(() => effectsSettings);
