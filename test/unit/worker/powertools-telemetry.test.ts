import { afterEach, describe, expect, it, vi } from 'vitest';

afterEach(() => {
  vi.restoreAllMocks();
  vi.resetModules();
});

/** Everything written to stdout/console while `work` runs, parsed as JSON lines where possible. */
async function captureOutput(work: () => Promise<void> | void): Promise<Record<string, unknown>[]> {
  const lines: string[] = [];
  const sink = (...args: unknown[]) => {
    lines.push(args.map(String).join(' '));
    return true;
  };
  vi.spyOn(process.stdout, 'write').mockImplementation(sink as typeof process.stdout.write);
  for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const)
    vi.spyOn(console, method).mockImplementation(sink);
  await work();
  return lines
    .flatMap((line) => line.split('\n'))
    .flatMap((line) => {
      try {
        return [JSON.parse(line) as Record<string, unknown>];
      } catch {
        return [];
      }
    });
}

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
