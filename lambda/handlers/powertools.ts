import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { redact } from '../worker/redact.js';
import type { WorkerMetric, WorkerTelemetry } from '../worker/telemetry.js';
import { redactCardNumbers } from '../workflow/card-data.js';

/** One Logger and one Metrics for the whole function, created once per container. */
export const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'swf-orders' });
export const metrics = new Metrics({
  namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? 'SwfOrders',
  serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'swf-orders',
});

export { redact };

const UNITS: Partial<Record<WorkerMetric, (typeof MetricUnit)[keyof typeof MetricUnit]>> = {
  DecisionLatency: MetricUnit.Milliseconds,
};

/** The poll loops' telemetry, backed by Powertools: structured JSON logs and EMF metrics. */
export function powertoolsTelemetry(): WorkerTelemetry {
  let pending = false;
  const fields = (extra?: Record<string, unknown>) =>
    extra ? (redact(extra) as Record<string, unknown>) : {};
  return {
    debug: (message, extra) => logger.debug(redactCardNumbers(message), fields(extra)),
    info: (message, extra) => logger.info(redactCardNumbers(message), fields(extra)),
    warn: (message, extra) => logger.warn(redactCardNumbers(message), fields(extra)),
    error: (message, extra) => logger.error(redactCardNumbers(message), fields(extra)),
    appendKeys: (keys) => logger.appendKeys(redact(keys) as Record<string, string>),
    resetKeys: () => logger.resetKeys(),
    count: (metric, value = 1, dimensions) => {
      if (dimensions) {
        // A single metric blob carries its own dimensions without touching the others.
        const single = metrics.singleMetric();
        for (const [name, dimension] of Object.entries(dimensions)) single.addDimension(name, dimension);
        single.addMetric(metric, MetricUnit.Count, value);
        return;
      }
      metrics.addMetric(metric, MetricUnit.Count, value);
      pending = true;
    },
    timing: (metric, milliseconds) => {
      metrics.addMetric(metric, UNITS[metric] ?? MetricUnit.Milliseconds, milliseconds);
      pending = true;
    },
    flush: () => {
      // An empty flush makes Powertools warn; publish only what was counted.
      if (!pending) return;
      pending = false;
      metrics.publishStoredMetrics();
    },
  };
}
