import type * as Swf from '@aws-sdk/client-swf';

/**
 * A loosely typed bag: operation outputs and event attributes, which the engine builds member by member.
 */
// biome-ignore lint/suspicious/noExplicitAny: outputs and attribute bags are written member by member
export type Input = Record<string, any>;

type RequiredKeys<T> = { [K in keyof T]-?: object extends Pick<T, K> ? never : K }[keyof T];
type OptionalKeys<T> = Exclude<keyof T, RequiredKeys<T>>;

/**
 * An SDK input shape as it reaches an operation: `validateInput` has checked it against the SWF model at the
 * protocol edge, so every required member is present (nested ones too), and timestamps are epoch seconds, as
 * they travel on the wire.
 */
export type Checked<T> = T extends Date
  ? number
  : T extends string | number | boolean
    ? T
    : T extends readonly (infer U)[]
      ? Checked<U>[]
      : T extends object
        ? { [K in RequiredKeys<T>]-?: Checked<NonNullable<T[K]>> } & {
            [K in OptionalKeys<T>]?: Checked<NonNullable<T[K]>>;
          }
        : T;

export type { Swf };
