/** The authoring form of a catalog (what `defineCatalog` validates), as zod schemas and their types. */
import * as z from 'zod';
import { swfNameProblem } from './swf-names.js';
import type { AnyActivityFunction, FlowPredicate, Json, JsonObject } from './types.js';

/** SWF names: 1..256 characters, no ':', '/', '|', control characters, and not the literal "arn". */
const swfNameOf = (maxLength: number) =>
  z.string().superRefine((value, context) => {
    const problem = swfNameProblem(value, maxLength);
    if (problem) context.addIssue({ code: 'custom', message: problem });
  });
const swfName = swfNameOf(256);
/** Step names become part of activity and timer ids, so they are kept short and plain. */
const stepName = z
  .string()
  .regex(/^[A-Za-z][A-Za-z0-9_-]{0,63}$/, 'must be 1-64 letters, digits, "_" or "-"');
const version = swfNameOf(64);
const durationInput = z.union([z.string(), z.number()]);

export const timeoutsSpec = z
  .object({
    scheduleToStart: durationInput,
    scheduleToClose: durationInput,
    startToClose: durationInput,
    heartbeat: durationInput,
  })
  .partial();

export const retrySpec = z
  .object({
    maximumAttempts: z.number().int().min(1).max(100),
    initialIntervalSeconds: z.number().int().min(0).max(86_400),
    backoffCoefficient: z.number().min(1).max(10),
    maximumIntervalSeconds: z.number().int().min(0).max(86_400),
    nonRetryableErrors: z.array(z.string().min(1).max(256)),
  })
  .partial();

export const activitySpec = z.object({
  name: swfName.optional(),
  version: version.optional(),
  taskList: swfName.optional(),
  description: z.string().max(1024).optional(),
  timeouts: timeoutsSpec.optional(),
  run: z.custom<AnyActivityFunction>((value) => typeof value === 'function', 'must be a function'),
});

const predicate = z.custom<FlowPredicate>((value) => typeof value === 'function', 'must be a function');

export const stepSpec = z.object({
  name: stepName,
  activity: activitySpec,
  retry: retrySpec.optional(),
  compensation: z.object({ activity: activitySpec.optional(), retry: retrySpec.optional() }).optional(),
  /** Runs the step only when this pure rule over the input and earlier results holds; skipped otherwise. */
  when: predicate.optional(),
});

/** Steps that run at the same time; the group ends when all complete, or fails when one is exhausted. */
export const parallelSpec = z.object({
  parallel: stepName,
  steps: z
    .array(stepSpec.omit({ when: true }))
    .min(2)
    .max(20),
  when: predicate.optional(),
});

const payloadParser = z.custom<{ parse(value: unknown): unknown }>(
  (value) => typeof (value as { parse?: unknown })?.parse === 'function',
  'must have a parse method (a zod schema)',
);

/** Waits for one of the named signals (its payload validated), for at most `timeout`. */
export const signalWaitSpec = z.object({
  waitForSignal: stepName,
  signals: z
    .record(
      swfName,
      z.object({
        payload: payloadParser.optional(),
        /** The run fails (compensating) with this reason when this signal arrives; it goes on otherwise. */
        fails: z.string().min(1).max(256).optional(),
      }),
    )
    .refine((signals) => Object.keys(signals).length > 0, 'name at least one signal'),
  /**
   * Whether a signal sent before the run reaches the wait counts (`keep`: it is kept for the wait) or not
   * (`ignore`: only signals sent while the run waits count, as a person's decision must be). Every wait says.
   */
  earlySignals: z.enum(['keep', 'ignore']),
  timeout: durationInput,
  /** What no answer in time does: fail the run (compensating) with this reason, or go on. */
  onTimeout: z.union([z.object({ fails: z.string().min(1).max(256) }), z.literal('continue')]),
  when: predicate.optional(),
});

/** A durable pause on an SWF timer: seconds, a duration, or a pure function of the input and earlier results. */
export const sleepSpec = z.object({
  sleep: stepName,
  duration: z.union([
    durationInput,
    z.custom<(input: JsonObject, results: Record<string, Json>) => number>(
      (value) => typeof value === 'function',
    ),
  ]),
  when: predicate.optional(),
});

export const flowEntrySpec = z.union([stepSpec, parallelSpec, signalWaitSpec, sleepSpec]);

export const workflowSpec = z.object({
  name: swfName,
  version,
  description: z.string().max(1024).default(''),
  taskList: swfName,
  executionStartToCloseTimeout: durationInput,
  taskStartToCloseTimeout: durationInput,
  childPolicy: z.enum(['TERMINATE', 'REQUEST_CANCEL', 'ABANDON']).default('TERMINATE'),
  defaults: z
    .object({
      activityVersion: version.optional(),
      activityTaskList: swfName.optional(),
      timeouts: timeoutsSpec.optional(),
      retry: retrySpec.optional(),
    })
    .default({}),
  steps: z.array(flowEntrySpec).min(1),
});

export const catalogSpec = z.object({
  domain: z.object({
    name: swfName,
    description: z.string().max(1024).default(''),
    retentionDays: z.number().int().min(0).max(90),
  }),
  workflows: z.array(workflowSpec).min(1),
});

/** The authoring form of a catalog: what `defineCatalog` accepts. */
export type CatalogSpec = z.input<typeof catalogSpec>;
export type ActivitySpec = z.input<typeof activitySpec>;
export type StepSpec = z.input<typeof stepSpec>;
export type FlowEntrySpec = z.input<typeof flowEntrySpec>;
export type WorkflowSpec = z.input<typeof workflowSpec>;
