import { vi } from 'vitest';

/** Parses captured lines as JSON where they are JSON. */
function jsonLines(lines: string[]): Record<string, unknown>[] {
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

/**
 * Captures everything written to stdout and the console from now on (Powertools writes its JSON logs and EMF
 * there); `entries()` parses it as JSON lines, `restore()` stops capturing.
 */
export function captureStdout() {
  const lines: string[] = [];
  const sink = (...args: unknown[]) => {
    lines.push(args.map(String).join(' '));
    return true;
  };
  const spies = [
    vi.spyOn(process.stdout, 'write').mockImplementation(sink as typeof process.stdout.write),
    ...(['log', 'info', 'warn', 'error', 'debug'] as const).map((method) =>
      vi.spyOn(console, method).mockImplementation(sink),
    ),
  ];
  return {
    entries: () => jsonLines(lines),
    restore: () => {
      for (const spy of spies) spy.mockRestore();
    },
  };
}

/** Everything written to stdout/console while `work` runs, parsed as JSON lines where possible. */
export async function captureOutput(work: () => Promise<void> | void): Promise<Record<string, unknown>[]> {
  const capture = captureStdout();
  try {
    await work();
  } finally {
    capture.restore();
  }
  return capture.entries();
}

/** One metric as CloudWatch keys it: namespace, name and the set of dimension names (values do not matter). */
export interface MetricKey {
  namespace: string;
  name: string;
  dimensions: string[];
}

/** The metrics in EMF blobs: each `_aws.CloudWatchMetrics` directive, each dimension set, each metric. */
export function emfMetrics(entries: Record<string, unknown>[]): MetricKey[] {
  return entries.flatMap((entry) => {
    const aws = entry._aws as
      | { CloudWatchMetrics?: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string }[] }[] }
      | undefined;
    return (aws?.CloudWatchMetrics ?? []).flatMap((directive) =>
      directive.Metrics.flatMap((metric) =>
        (directive.Dimensions.length ? directive.Dimensions : [[]]).map((dimensions) => ({
          namespace: directive.Namespace,
          name: metric.Name,
          dimensions: [...dimensions].sort(),
        })),
      ),
    );
  });
}
