import { NonRetryableError } from '../errors.js';
import type { ActivityContext, ActivityFunction, ActivityPayload } from '../types.js';
import type { OrderPorts } from './ports.js';
import { type OrderStepName, type Simulation, simulateSchema } from './schema.js';

/** A failure injected by `simulate` (retryable unless `nonRetryable` was set). */
export class SimulatedFailure extends Error {
  override name = 'SimulatedFailure';
}

export class SimulatedPermanentFailure extends NonRetryableError {
  override name = 'SimulatedPermanentFailure';
}

/** Heartbeat cadence while a simulated long activity works. */
const SLEEP_SLICE_MS = 2_000;

function simulationOf(
  payload: ActivityPayload,
  context: ActivityContext<OrderPorts>,
): Simulation | undefined {
  if (!context.allowFailureInjection) return undefined;
  const parsed = simulateSchema.safeParse(payload.input.simulate);
  return parsed.success ? parsed.data : undefined;
}

/**
 * Wraps a step's activity with the failure injection an input's `simulate` block asks for.
 * Without SWF_ALLOW_FAILURE_INJECTION=true the block is ignored here and rejected by ValidateInput.
 */
export function withSimulation(
  step: OrderStepName,
  run: ActivityFunction<OrderPorts>,
): ActivityFunction<OrderPorts> {
  return async (payload, context) => {
    const simulation = simulationOf(payload, context);
    if (simulation?.sleepSeconds && (simulation.sleepStep ?? 'ProcessData') === step) {
      await workWithHeartbeats(simulation.sleepSeconds * 1_000, context);
    }
    if (
      simulation?.failStep === step &&
      payload.attempt <= (simulation.failTimes ?? Number.POSITIVE_INFINITY)
    ) {
      const message = `simulated failure of ${step}, attempt ${payload.attempt}`;
      throw simulation.nonRetryable ? new SimulatedPermanentFailure(message) : new SimulatedFailure(message);
    }
    return run(payload, context);
  };
}

/** Wraps a compensation so `simulate.failCompensation` can make it fail on every attempt. */
export function withCompensationSimulation(
  step: OrderStepName,
  run: ActivityFunction<OrderPorts>,
): ActivityFunction<OrderPorts> {
  return async (payload, context) => {
    if (simulationOf(payload, context)?.failCompensation === step) {
      throw new SimulatedFailure(`simulated failure of the ${step} compensation, attempt ${payload.attempt}`);
    }
    return run(payload, context);
  };
}

async function workWithHeartbeats(totalMs: number, context: ActivityContext): Promise<void> {
  let remaining = totalMs;
  while (remaining > 0) {
    const slice = Math.min(SLEEP_SLICE_MS, remaining);
    await context.sleep(slice);
    remaining -= slice;
    await context.heartbeat(JSON.stringify({ workedMs: totalMs - remaining, totalMs }));
  }
}
