import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import type { Catalog } from '../../lambda/workflow/module.js';
import { EFFECTS_OPERATIONS } from '../constructs/order-effects.js';
import { hasHeartbeat } from './alarm-count.js';
import type { MetricFactory } from './metric-factory.js';

export interface OrderDashboardProps {
  dashboardName: string;
  catalog: Catalog;
  metrics: MetricFactory;
  pollers: Record<string, IFunction>;
  functions: Record<string, IFunction>;
  /** The orders table: a row of its traffic, latency, throttles and errors. */
  table?: ITable;
}

/** One dashboard, a row per concern: workflows, decisions, activities, backlog, pollers, errors, throttling. */
export class OrderDashboard extends Construct {
  readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: OrderDashboardProps) {
    super(scope, id);
    const m = props.metrics;
    const graph = (title: string, left: cloudwatch.IMetric[], width = 8) =>
      new cloudwatch.GraphWidget({ title, left, width });
    const workflows = props.catalog.workflows;
    const activities = props.catalog.activityTypes();
    const functions = Object.values(props.functions);
    const pollers = Object.values(props.pollers);
    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', { dashboardName: props.dashboardName });
    this.dashboard.addWidgets(new cloudwatch.TextWidget({ markdown: '## Workflows', width: 24, height: 1 }));
    this.dashboard.addWidgets(
      graph(
        'Runs closed',
        workflows.flatMap((w) =>
          ['WorkflowsCompleted', 'WorkflowsFailed', 'WorkflowsTimedOut', 'WorkflowsCanceled'].map((n) =>
            m.workflow(n, w),
          ),
        ),
      ),
      graph(
        'Run duration (ms)',
        workflows.map((w) => m.workflow('WorkflowStartToCloseTime', w, 'Average')),
      ),
      graph('Compensations', [
        m.worker('CompensationsRun'),
        m.worker('CompensationsFailed'),
        m.worker('Retries'),
      ]),
    );
    this.dashboard.addWidgets(new cloudwatch.TextWidget({ markdown: '## Decisions', width: 24, height: 1 }));
    this.dashboard.addWidgets(
      graph(
        'Decision wait and work (ms, max)',
        workflows.flatMap((w) => [
          m.workflow('DecisionTaskScheduleToStartTime', w, 'Maximum'),
          m.workflow('DecisionTaskStartToCloseTime', w, 'Maximum'),
        ]),
      ),
      graph('decide() latency (ms)', [
        m.worker('DecisionLatency', 'p99'),
        m.worker('DecisionLatency', 'Average'),
      ]),
      graph('Decision problems', [
        ...workflows.map((w) => m.workflow('StartedDecisionTasksTimedOutOnClose', w)),
        m.worker('DecisionErrors'),
      ]),
    );
    this.dashboard.addWidgets(new cloudwatch.TextWidget({ markdown: '## Activities', width: 24, height: 1 }));
    this.dashboard.addWidgets(
      graph(
        'Completed and failed',
        activities.flatMap((a) => [
          m.activity('ActivityTasksCompleted', a),
          m.activity('ActivityTasksFailed', a),
        ]),
        12,
      ),
      graph(
        'Wait for a worker (ms, max)',
        activities.map((a) => m.activity('ActivityTaskScheduleToStartTime', a, 'Maximum')),
        12,
      ),
    );
    this.dashboard.addWidgets(
      graph(
        'Timeouts',
        activities.flatMap((a) => [
          m.activity('ScheduledActivityTasksTimedOutOnStart', a),
          ...(hasHeartbeat(a) ? [m.activity('StartedActivityTasksTimedOutOnHeartbeat', a)] : []),
          m.activity('StartedActivityTasksTimedOutOnClose', a),
        ]),
        24,
      ),
    );
    this.dashboard.addWidgets(new cloudwatch.TextWidget({ markdown: '## Backlog', width: 24, height: 1 }));
    this.dashboard.addWidgets(
      new cloudwatch.SingleValueWidget({
        title: 'Open runs',
        metrics: [m.backlog('OpenExecutions')],
        width: 8,
      }),
      graph('Pending tasks', [m.backlog('PendingDecisionTasks'), m.backlog('PendingActivityTasks')], 16),
    );
    this.dashboard.addWidgets(new cloudwatch.TextWidget({ markdown: '## Pollers', width: 24, height: 1 }));
    this.dashboard.addWidgets(
      graph(
        'Invocations',
        pollers.map((fn) => m.lambda(fn, 'Invocations')),
      ),
      graph('Tasks handled and empty polls', [
        m.worker('TasksHandled'),
        m.worker('EmptyPolls'),
        m.workerByDimension('LoopExits', 'reason'),
      ]),
      graph(
        'Concurrent executions',
        pollers.map((fn) => m.lambda(fn, 'ConcurrentExecutions', 'Maximum')),
      ),
    );
    this.dashboard.addWidgets(
      new cloudwatch.TextWidget({ markdown: '## Errors and throttling', width: 24, height: 1 }),
    );
    this.dashboard.addWidgets(
      graph(
        'Function errors',
        functions.map((fn) => m.lambda(fn, 'Errors')),
      ),
      graph('Worker errors', [m.worker('ActivityFailures'), m.worker('PollErrors')]),
      graph('Throttling', [...functions.map((fn) => m.lambda(fn, 'Throttles')), m.swfThrottling()]),
    );
    if (props.table) {
      const table = props.table;
      const period = Duration.minutes(5);
      this.dashboard.addWidgets(
        new cloudwatch.TextWidget({ markdown: '## Orders table', width: 24, height: 1 }),
      );
      this.dashboard.addWidgets(
        graph(
          'Consumed capacity',
          [
            table.metricConsumedReadCapacityUnits({ period }),
            table.metricConsumedWriteCapacityUnits({ period }),
          ],
          6,
        ),
        graph(
          'Latency (average)',
          EFFECTS_OPERATIONS.map((operation) =>
            table.metricSuccessfulRequestLatency({
              dimensionsMap: { TableName: table.tableName, Operation: operation },
              period,
            }),
          ),
          6,
        ),
        // Each per-operation sum is its own graph: their inner metrics share ids. Filled as the alarms are, so a
        // quiet period draws 0 rather than a gap.
        graph('Throttled requests', [m.tableOperations(table, 'ThrottledRequests', EFFECTS_OPERATIONS)], 6),
        graph('System errors', [m.tableOperations(table, 'SystemErrors', EFFECTS_OPERATIONS)], 6),
      );
    }
  }
}
