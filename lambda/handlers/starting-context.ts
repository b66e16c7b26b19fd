import type { OperationsContext } from '../worker/operations.js';
import { runClaims } from './effect-ports.js';
import { offloadingContext } from './payload-store.js';

/**
 * The context of the functions that start runs (the starter, and the operations function's resumes): the
 * payload store, and the run claims that keep concurrent starts and resumes to one new run each.
 */
export const startingContext: OperationsContext = { ...offloadingContext, claims: runClaims };
