import { afterEach, describe, expect, it, vi } from 'vitest';
import { captureOutput } from '../../support/capture-output.js';

afterEach(() => {
  vi.restoreAllMocks();
  vi.resetModules();
});

describe('Powertools telemetry', () => {
  it('publishes EMF metrics after each flush, with a reason dimension on loop exits, and redacts logs', async () => {
    vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'false');
    vi.stubEnv('POWERTOOLS_DEV', 'false');
    vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'INFO');
    vi.stubEnv('POWERTOOLS_METRICS_NAMESPACE', 'SwfOrdersTest');
    const { powertoolsTelemetry } = await import('../../../lambda/handlers/powertools.js');
    const output = await captureOutput(() => {
      const telemetry = powertoolsTelemetry();
      telemetry.appendKeys({ workflowId: 'order-1', paymentToken: 'tok_secret' });
      telemetry.info('activity completed', { customerEmail: 'ana@example.com', attempt: 2 });
      telemetry.count('TasksHandled');
      telemetry.timing('DecisionLatency', 4.2);
      telemetry.flush();
      telemetry.flush();
      telemetry.count('LoopExits', 1, { reason: 'deadline' });
    });
    const emf = output.filter((entry) => entry._aws !== undefined);
    const names = (entry: Record<string, unknown>) =>
      (
        (entry._aws as { CloudWatchMetrics: { Metrics: { Name: string }[] }[] }).CloudWatchMetrics[0]
          ?.Metrics ?? []
      ).map((m) => m.Name);
    expect(emf.map(names)).toEqual([['TasksHandled', 'DecisionLatency'], ['LoopExits']]);
    expect(emf[0]).toMatchObject({ TasksHandled: 1, DecisionLatency: 4.2, service: 'swf-orders' });
    expect(emf[1]).toMatchObject({ LoopExits: 1, reason: 'deadline' });
    const log = output.find((entry) => entry.message === 'activity completed');
    expect(log).toMatchObject({
      workflowId: 'order-1',
      paymentToken: '[redacted]',
      customerEmail: '[redacted]',
      attempt: 2,
    });
    expect(JSON.stringify(output)).not.toContain('tok_secret');
    expect(JSON.stringify(output)).not.toContain('ana@example.com');
  });
});
