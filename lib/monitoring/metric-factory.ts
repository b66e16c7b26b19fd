import { Duration } from 'aws-cdk-lib';
import { MathExpression, Metric } from 'aws-cdk-lib/aws-cloudwatch';
import type { ITable, Operation } from 'aws-cdk-lib/aws-dynamodb';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { ActivityType, WorkflowDefinition } from '../../lambda/workflow/types.js';

const PERIOD = Duration.minutes(5);

/** Builds every metric the alarms and the dashboard use, in one place. */
export class MetricFactory {
  constructor(
    readonly domain: string,
    readonly namespace: string,
    readonly serviceName: string,
  ) {}

  /** SWF's own per-workflow-type metric (`AWS/SWF`). */
  workflow(metricName: string, workflow: WorkflowDefinition, statistic = 'Sum'): Metric {
    return new Metric({
      namespace: 'AWS/SWF',
      metricName,
      dimensionsMap: {
        Domain: this.domain,
        WorkflowTypeName: workflow.name,
        WorkflowTypeVersion: workflow.version,
      },
      statistic,
      period: PERIOD,
    });
  }

  /** SWF's own per-activity-type metric (`AWS/SWF`). */
  activity(metricName: string, activity: ActivityType, statistic = 'Sum'): Metric {
    return new Metric({
      namespace: 'AWS/SWF',
      metricName,
      dimensionsMap: {
        Domain: this.domain,
        ActivityTypeName: activity.name,
        ActivityTypeVersion: activity.version,
      },
      statistic,
      period: PERIOD,
    });
  }

  /** A metric the pollers publish through Powertools (EMF): dimension `service`. */
  worker(metricName: string, statistic = 'Sum'): Metric {
    return new Metric({
      namespace: this.namespace,
      metricName,
      dimensionsMap: { service: this.serviceName },
      statistic,
      period: PERIOD,
    });
  }

  /**
   * A poller metric published with one more dimension than `service` (LoopExits carries its `reason`): one line
   * per value, found by a search, since an alarm or a graph must name the metric's full dimension set.
   */
  workerByDimension(metricName: string, dimension: string): MathExpression {
    return new MathExpression({
      expression: `SEARCH('{${this.namespace},${dimension},service} MetricName="${metricName}" service="${this.serviceName}"', 'Sum', 300)`,
      label: `${metricName} by ${dimension}`,
      period: PERIOD,
    });
  }

  /** A backlog gauge the monitor function publishes: dimension `Domain`. */
  backlog(metricName: 'OpenExecutions' | 'PendingDecisionTasks' | 'PendingActivityTasks'): Metric {
    return new Metric({
      namespace: this.namespace,
      metricName,
      dimensionsMap: { Domain: this.domain },
      statistic: 'Maximum',
      period: PERIOD,
    });
  }

  lambda(
    fn: IFunction,
    metricName: 'Errors' | 'Throttles' | 'Invocations' | 'Duration' | 'ConcurrentExecutions',
    statistic = 'Sum',
  ): Metric {
    return fn.metric(metricName, { statistic, period: PERIOD });
  }

  /**
   * A DynamoDB table metric summed over operations, each filled with 0 where it has no datapoint. DynamoDB
   * publishes ThrottledRequests and SystemErrors only when they happen, and CloudWatch ignores TreatMissingData
   * for AWS/DynamoDB alarms ("Alarms that evaluate metrics in the AWS/DynamoDB namespace always ignore missing
   * data", PutMetricAlarm): unfilled, an alarm stays in ALARM through every quiet period after a burst. Each term
   * is filled, not only the sum, so that one operation's burst counts while the others publish nothing.
   */
  tableOperations(
    table: ITable,
    metricName: 'ThrottledRequests' | 'SystemErrors',
    operations: readonly Operation[],
  ): MathExpression {
    const usingMetrics = Object.fromEntries(
      operations.map((operation) => [
        operation.toLowerCase(),
        table.metric(metricName, {
          dimensionsMap: { TableName: table.tableName, Operation: operation },
          statistic: 'Sum',
          period: PERIOD,
        }),
      ]),
    );
    return new MathExpression({
      expression: Object.keys(usingMetrics)
        .map((id) => `FILL(${id}, 0)`)
        .join(' + '),
      usingMetrics,
      label: `${metricName} across ${operations.join(', ')}`,
      period: PERIOD,
    });
  }

  /**
   * SWF throttling across APIs and decisions. Its dimension sets vary (APIName or DecisionName, with a
   * ThrottlingScope), so the search names no schema: a `{AWS/SWF,APIName}` schema would match none of them.
   */
  swfThrottling(): MathExpression {
    return new MathExpression({
      expression: `SEARCH('Namespace="AWS/SWF" MetricName="ThrottledEvents"', 'Sum', 300)`,
      label: 'SWF throttled events',
      period: PERIOD,
    });
  }
}
