/**
 * A small evaluator for the CloudWatch alarms of the template, over series the test supplies: the part of metric
 * math the stack uses (a metric id, `FILL(id, n)`, `+`), and the alarm rules for missing data. moto's CloudWatch
 * cannot do this: its metric math returns a query's values only when the expression is exactly that query's id,
 * and it never evaluates an alarm (its state changes only through SetAlarmState).
 *
 * Semantics, from the CloudWatch User Guide ("Using math expressions with CloudWatch metrics" and "Configuring
 * how CloudWatch alarms treat missing data"):
 * - a metric has a value only in the periods it has datapoints;
 * - `FILL(m, n)` gives every period of the evaluated range a value: m's where it has one, else n;
 * - `a + b` has a value only where both have one (the conservative reading: it never invents data);
 * - a period without a value is missing: TreatMissingData decides, except that "Alarms that evaluate metrics in
 *   the AWS/DynamoDB namespace always ignore missing data" (PutMetricAlarm), so such an alarm keeps its state.
 */

type Json = Record<string, unknown>;
/** Period index → value, for one metric (the test's datapoints, already aggregated per period). */
export type Series = Map<number, number>;
export type AlarmState = 'OK' | 'ALARM' | 'INSUFFICIENT_DATA';

interface MetricQuery {
  Id?: string;
  Expression?: string;
  MetricStat?: { Metric: { Namespace: string; MetricName: string; Dimensions?: { Name: string }[] } };
  ReturnData?: boolean;
}

/** The namespaces an alarm reads, from its single metric or its metric-math queries. */
export function alarmNamespaces(properties: Json): string[] {
  if (properties.Namespace) return [String(properties.Namespace)];
  return ((properties.Metrics ?? []) as MetricQuery[]).flatMap((q) =>
    q.MetricStat ? [q.MetricStat.Metric.Namespace] : [],
  );
}

/** The expression an alarm evaluates: its returned query's expression, or its metric's id for a plain alarm. */
export function returnedExpression(properties: Json): string | undefined {
  const queries = (properties.Metrics ?? []) as MetricQuery[];
  return queries.find((q) => q.ReturnData !== false && q.Expression)?.Expression;
}

/** The value of `expression` in each of `periods`, or undefined where it has none. */
export function evaluateExpression(
  expression: string,
  inputs: Record<string, Series>,
  periods: number[],
): (number | undefined)[] {
  const terms = expression.split('+').map((term) => term.trim());
  const values = terms.map((term) => {
    const fill = /^FILL\(\s*([a-z][A-Za-z0-9_]*)\s*,\s*(-?\d+(?:\.\d+)?)\s*\)$/.exec(term);
    const id = fill?.[1] ?? term;
    if (!/^[a-z][A-Za-z0-9_]*$/.test(id))
      throw new Error(`metric math this evaluator does not know: ${term}`);
    const series = inputs[id] ?? new Map<number, number>();
    return periods.map((p) => series.get(p) ?? (fill ? Number(fill[2]) : undefined));
  });
  return periods.map((_, i) => {
    const at = values.map((v) => v[i]);
    return at.some((v) => v === undefined) ? undefined : (at as number[]).reduce((a, b) => a + b, 0);
  });
}

/**
 * The alarm's state after each period (one evaluation period, one datapoint to alarm, as every alarm here):
 * `GreaterThanOrEqualToThreshold` or `LessThanThreshold`, and missing data as the alarm says, or as DynamoDB's
 * namespace forces.
 */
export function alarmStates(
  properties: Json,
  inputs: Record<string, Series>,
  periods: number[],
): AlarmState[] {
  // An alarm on one metric has no query ids: its series is given as `m`.
  const values = evaluateExpression(returnedExpression(properties) ?? 'm', inputs, periods);
  const threshold = Number(properties.Threshold);
  const breaches = (v: number) =>
    properties.ComparisonOperator === 'LessThanThreshold' ? v < threshold : v >= threshold;
  const ignoresMissing =
    alarmNamespaces(properties).includes('AWS/DynamoDB') || properties.TreatMissingData === 'ignore';
  let state: AlarmState = 'INSUFFICIENT_DATA';
  return values.map((value) => {
    // A missing period changes nothing for an alarm that ignores missing data: it keeps its state.
    if (value !== undefined) state = breaches(value) ? 'ALARM' : 'OK';
    else if (ignoresMissing) return state;
    else if (properties.TreatMissingData === 'breaching') state = 'ALARM';
    else if (properties.TreatMissingData === 'notBreaching') state = 'OK';
    else state = 'INSUFFICIENT_DATA';
    return state;
  });
}

/** The ids of an alarm's metric queries (`MetricStat`), to feed it series by id. */
export function metricIds(properties: Json): string[] {
  return ((properties.Metrics ?? []) as MetricQuery[]).flatMap((q) => (q.MetricStat && q.Id ? [q.Id] : []));
}
