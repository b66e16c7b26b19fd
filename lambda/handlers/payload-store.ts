import { lazyPayloadStore, loadPayloadSettings } from '../adapters/payload-config.js';
import type { OperationsContext } from '../worker/operations.js';
import { catalog, operationsContext } from './function-runtime.js';

/**
 * Where large inputs and results are kept (PAYLOAD_BUCKET, set by the stack), validated when the function starts.
 * A module of its own, so only the functions that offload (starter, activity worker, operations) bundle the S3
 * client; it is loaded on first use.
 */
export const payloadSettings = loadPayloadSettings(process.env, { catalog });
export const payloads = lazyPayloadStore(payloadSettings);

/** The operations context with the payload store: what the starter and the operations function use. */
export const offloadingContext: OperationsContext = {
  ...operationsContext,
  payloads,
  offloadThreshold: payloadSettings.threshold,
};
