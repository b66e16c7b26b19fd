import type { MetricKey } from './capture-output.js';

/** A metric an alarm or a dashboard widget reads; a search names the dimension set it matches, if any. */
export interface ReadMetric extends MetricKey {
  where: string;
  /** A SEARCH without a `{namespace,dims}` schema matches any dimension set: only its name is checked. */
  anyDimensions?: boolean;
}

type Json = Record<string, unknown>;
const sorted = (names: string[]) => [...names].sort();

/** `SEARCH('{ns,dim,...} MetricName="X" …')` or `SEARCH('Namespace="ns" MetricName="X"')` → what it reads. */
function parseSearch(expression: string, where: string): ReadMetric | undefined {
  const name = /MetricName="([^"]+)"/.exec(expression)?.[1];
  if (!name) return undefined;
  const schema = /\{([^}]+)\}/.exec(expression)?.[1];
  if (schema) {
    const [namespace, ...dimensions] = schema.split(',').map((s) => s.trim());
    return { where, namespace: namespace as string, name, dimensions: sorted(dimensions) };
  }
  const namespace = /Namespace="([^"]+)"/.exec(expression)?.[1] ?? '';
  return { where, namespace, name, dimensions: [], anyDimensions: true };
}

/** Every metric the template's alarms and dashboards read. */
export function metricsReadByTemplate(template: {
  Resources: Record<string, { Type: string; Properties: Json }>;
}) {
  const read: ReadMetric[] = [];
  for (const [id, resource] of Object.entries(template.Resources)) {
    const p = resource.Properties;
    if (resource.Type === 'AWS::CloudWatch::Alarm') {
      if (p.MetricName) {
        read.push({
          where: `alarm ${id}`,
          namespace: String(p.Namespace),
          name: String(p.MetricName),
          dimensions: sorted(((p.Dimensions ?? []) as { Name: string }[]).map((d) => d.Name)),
        });
      }
      for (const m of (p.Metrics ?? []) as { MetricStat?: { Metric: Json }; Expression?: string }[]) {
        if (m.MetricStat) {
          const metric = m.MetricStat.Metric;
          read.push({
            where: `alarm ${id}`,
            namespace: String(metric.Namespace),
            name: String(metric.MetricName),
            dimensions: sorted(((metric.Dimensions ?? []) as { Name: string }[]).map((d) => d.Name)),
          });
        } else if (m.Expression?.startsWith('SEARCH')) {
          const search = parseSearch(m.Expression, `alarm ${id}`);
          if (search) read.push(search);
        }
      }
    }
    if (resource.Type === 'AWS::CloudWatch::Dashboard') {
      const body = p.DashboardBody as { 'Fn::Join'?: [string, unknown[]] } | string;
      // Tokens (function names, table names) stand in as placeholders: only names and namespaces matter here.
      const text =
        typeof body === 'string'
          ? body
          : (body['Fn::Join']?.[1] ?? []).map((part) => (typeof part === 'string' ? part : 'TOKEN')).join('');
      const widgets = (
        JSON.parse(text) as { widgets: { properties: { title?: string; metrics?: unknown[][] } }[] }
      ).widgets;
      for (const widget of widgets) {
        const where = `dashboard widget "${widget.properties.title}"`;
        for (const entry of widget.properties.metrics ?? []) {
          const first = entry[0];
          if (first && typeof first === 'object') {
            const expression = String((first as { expression?: string }).expression ?? '');
            const search = expression.startsWith('SEARCH') ? parseSearch(expression, where) : undefined;
            if (search) read.push(search);
            continue;
          }
          const strings = entry.filter((e): e is string => typeof e === 'string');
          const [namespace, name, ...pairs] = strings;
          read.push({
            where,
            namespace: namespace as string,
            name: name as string,
            dimensions: sorted(pairs.filter((_, i) => i % 2 === 0)),
          });
        }
      }
    }
  }
  return read;
}
