/**
 * A request body, already checked against the SWF model by `validateInput` before any operation runs,
 * so its members have the modelled types; operations read it like the API reference describes.
 */
// biome-ignore lint/suspicious/noExplicitAny: members are validated against the SWF model at the protocol edge
export type Input = Record<string, any>;
