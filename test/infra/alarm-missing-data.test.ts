import { describe, expect, it } from 'vitest';
import {
  alarmNamespaces,
  alarmStates,
  metricIds,
  returnedExpression,
  type Series,
} from '../support/metric-math.js';
import { buildStack } from './stack-fixture.js';

type Resource = { Type: string; Properties: Record<string, unknown> };

/**
 * CloudWatch ignores TreatMissingData for AWS/DynamoDB metrics (PutMetricAlarm: "Alarms that evaluate metrics in
 * the AWS/DynamoDB namespace always ignore missing data even if you choose a different option"), and DynamoDB
 * publishes ThrottledRequests and SystemErrors only when they happen: a quiet period must read 0 by metric math.
 */
describe('alarms on DynamoDB metrics', () => {
  const resources = buildStack().template.toJSON().Resources as Record<string, Resource>;
  const dynamo = Object.entries(resources).filter(
    ([, r]) => r.Type === 'AWS::CloudWatch::Alarm' && alarmNamespaces(r.Properties).includes('AWS/DynamoDB'),
  );

  it('fill every metric they read with 0', () => {
    expect(dynamo.map(([id]) => id.replace(/[0-9A-F]{8}$/, ''))).toEqual([
      'AlarmsOrdersTableThrottled',
      'AlarmsOrdersTableSystemErrors',
    ]);
    for (const [id, alarm] of dynamo) {
      const expression = returnedExpression(alarm.Properties) ?? '';
      for (const metric of metricIds(alarm.Properties))
        expect(expression, id).toContain(`FILL(${metric}, 0)`);
    }
  });

  // Periods 0-1 quiet, 2 a burst, 3-5 quiet (no datapoint at all), 6 another burst.
  const periods = [0, 1, 2, 3, 4, 5, 6];
  const burst = (): Series =>
    new Map([
      [2, 4],
      [6, 2],
    ]);

  it('go back to OK in the first quiet period after a burst, and alarm again on the next one', () => {
    for (const [id, alarm] of dynamo) {
      const everyOperation = Object.fromEntries(metricIds(alarm.Properties).map((m) => [m, burst()]));
      expect(alarmStates(alarm.Properties, everyOperation, periods), id).toEqual([
        'OK',
        'OK',
        'ALARM',
        'OK',
        'OK',
        'OK',
        'ALARM',
      ]);
    }
  });

  it('alarm on a burst of one operation while the others publish nothing (each term is filled, not only the sum)', () => {
    for (const [id, alarm] of dynamo) {
      const [first] = metricIds(alarm.Properties);
      expect(alarmStates(alarm.Properties, { [first as string]: burst() }, periods), id).toEqual([
        'OK',
        'OK',
        'ALARM',
        'OK',
        'OK',
        'OK',
        'ALARM',
      ]);
    }
  });
});
