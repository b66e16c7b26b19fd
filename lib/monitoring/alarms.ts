import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import type { Catalog } from '../../lambda/workflow/module.js';
import { EFFECTS_OPERATIONS } from '../constructs/order-effects.js';
import { type FunctionName, hasHeartbeat, type PollerName } from './alarm-count.js';
import { alarmNamePrefix } from './alarm-topic.js';
import type { MetricFactory } from './metric-factory.js';

/** Alarm thresholds, each a named prop so a team can tune it (`new OrderWorkflowStack(..., { thresholds })`). */
export interface AlarmThresholds {
  workflowsFailed: number;
  workflowsTimedOut: number;
  activityTasksFailed: number;
  activityTasksTimedOutOnStart: number;
  activityTasksTimedOutOnHeartbeat: number;
  activityTasksTimedOutOnClose: number;
  decisionTasksTimedOutOnClose: number;
  /** Seconds a task may wait for a poller before it alarms (ScheduleToStartTime, maximum). */
  scheduleToStartSeconds: number;
  lambdaErrors: number;
  lambdaThrottles: number;
  compensationsFailed: number;
  decisionErrors: number;
  openExecutions: number;
  tableThrottledRequests: number;
  tableSystemErrors: number;
}

export const DEFAULT_THRESHOLDS: AlarmThresholds = {
  workflowsFailed: 1,
  workflowsTimedOut: 1,
  activityTasksFailed: 5,
  activityTasksTimedOutOnStart: 1,
  activityTasksTimedOutOnHeartbeat: 1,
  activityTasksTimedOutOnClose: 1,
  decisionTasksTimedOutOnClose: 1,
  scheduleToStartSeconds: 90,
  lambdaErrors: 1,
  lambdaThrottles: 1,
  compensationsFailed: 1,
  decisionErrors: 1,
  openExecutions: 1000,
  tableThrottledRequests: 1,
  tableSystemErrors: 1,
};

export interface OrderAlarmsProps {
  catalog: Catalog;
  metrics: MetricFactory;
  topic: ITopic;
  /** Every function of the stack, by the names the alarm count knows (lib/monitoring/alarm-count.ts). */
  functions: Record<FunctionName, IFunction>;
  pollers: Record<PollerName, IFunction>;
  /** The orders table: alarms on its throttled requests and system errors. */
  table?: ITable;
  thresholds?: Partial<AlarmThresholds>;
}

/** Every alarm of the stack, each sent to the alarm topic. */
export class OrderAlarms extends Construct {
  readonly alarms: cloudwatch.Alarm[] = [];

  constructor(scope: Construct, id: string, props: OrderAlarmsProps) {
    super(scope, id);
    const t = { ...DEFAULT_THRESHOLDS, ...props.thresholds };
    const m = props.metrics;
    const action = new SnsAction(props.topic);
    const alarm = (
      name: string,
      metric: cloudwatch.IMetric,
      threshold: number,
      description: string,
      options: { comparison?: cloudwatch.ComparisonOperator; missing?: cloudwatch.TreatMissingData } = {},
    ) => {
      const created = new cloudwatch.Alarm(this, name, {
        // Named after the stack, so the alarm topic and its key take deliveries from this stack's alarms only.
        alarmName: `${alarmNamePrefix(this)}${name}`,
        metric,
        threshold,
        evaluationPeriods: 1,
        comparisonOperator:
          options.comparison ?? cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: options.missing ?? cloudwatch.TreatMissingData.NOT_BREACHING,
        alarmDescription: description,
      });
      created.addAlarmAction(action);
      this.alarms.push(created);
      return created;
    };

    for (const workflow of props.catalog.workflows) {
      const label = `${workflow.name}${workflow.version}`;
      alarm(
        `${label}WorkflowsFailed`,
        m.workflow('WorkflowsFailed', workflow),
        t.workflowsFailed,
        `${workflow.name}@${workflow.version} runs failed (a step was exhausted and compensated): swfctl history <workflowId>`,
      );
      alarm(
        `${label}WorkflowsTimedOut`,
        m.workflow('WorkflowsTimedOut', workflow),
        t.workflowsTimedOut,
        `${workflow.name}@${workflow.version} runs hit their execution timeout: pollers down or a step stuck`,
      );
      alarm(
        `${label}DecisionTasksTimedOut`,
        m.workflow('StartedDecisionTasksTimedOutOnClose', workflow),
        t.decisionTasksTimedOutOnClose,
        'A decider took a decision task and never answered: it crashed, or its Lambda froze mid-task',
      );
      alarm(
        `${label}DecisionScheduleToStart`,
        m.workflow('DecisionTaskScheduleToStartTime', workflow, 'Maximum'),
        t.scheduleToStartSeconds * 1000,
        `Decision tasks waited over ${t.scheduleToStartSeconds}s for a decider: raise pollerConcurrency or check the decider`,
      );
    }
    for (const activity of props.catalog.activityTypes()) {
      const label = `${activity.name}${activity.version}`;
      alarm(
        `${label}Failed`,
        m.activity('ActivityTasksFailed', activity),
        t.activityTasksFailed,
        `${activity.name} failed ${t.activityTasksFailed}+ times in 5 minutes (retries may still absorb it)`,
      );
      alarm(
        `${label}TimedOutOnStart`,
        m.activity('ScheduledActivityTasksTimedOutOnStart', activity),
        t.activityTasksTimedOutOnStart,
        `${activity.name} tasks were never picked up: no activity worker is polling`,
      );
      // SWF reports heartbeat timeouts only for types that have one; a worker that dies mid-task on the others
      // surfaces as a start-to-close timeout.
      if (hasHeartbeat(activity))
        alarm(
          `${label}TimedOutOnHeartbeat`,
          m.activity('StartedActivityTasksTimedOutOnHeartbeat', activity),
          t.activityTasksTimedOutOnHeartbeat,
          `${activity.name} stopped heartbeating: a worker died mid-task`,
        );
      alarm(
        `${label}TimedOutOnClose`,
        m.activity('StartedActivityTasksTimedOutOnClose', activity),
        t.activityTasksTimedOutOnClose,
        `${activity.name} was started and never finished within its start-to-close timeout: a worker died or froze mid-task`,
      );
      alarm(
        `${label}ScheduleToStart`,
        m.activity('ActivityTaskScheduleToStartTime', activity, 'Maximum'),
        t.scheduleToStartSeconds * 1000,
        `${activity.name} tasks waited over ${t.scheduleToStartSeconds}s for a worker: raise pollerConcurrency`,
      );
    }
    for (const [name, fn] of Object.entries(props.functions)) {
      alarm(
        `${name}Errors`,
        m.lambda(fn, 'Errors'),
        t.lambdaErrors,
        `The ${name} function raised errors: see its log group`,
      );
      alarm(
        `${name}Throttles`,
        m.lambda(fn, 'Throttles'),
        t.lambdaThrottles,
        `The ${name} function was throttled: check account concurrency`,
      );
    }
    for (const [name, fn] of Object.entries(props.pollers)) {
      alarm(
        `${name}NotRunning`,
        fn.metric('Invocations', { statistic: 'Sum', period: Duration.minutes(5) }),
        1,
        `The ${name} poller was not invoked in 5 minutes: its schedule is disabled or failing, and SWF tasks will pile up`,
        {
          comparison: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
          missing: cloudwatch.TreatMissingData.BREACHING,
        },
      );
    }
    alarm(
      'CompensationsFailed',
      m.worker('CompensationsFailed'),
      t.compensationsFailed,
      'A compensation stayed exhausted: an order is partly rolled back and needs a person (reason CompensationFailed)',
    );
    alarm(
      'DecisionErrors',
      m.worker('DecisionErrors'),
      t.decisionErrors,
      'The decider could not decide (unknown workflow version?): the task is left to time out; see the decider log',
    );
    alarm(
      'OpenExecutionsHigh',
      m.backlog('OpenExecutions'),
      t.openExecutions,
      `More than ${t.openExecutions} order workflows are open: a backlog is building`,
    );
    if (props.table) {
      alarm(
        'OrdersTableThrottled',
        m.tableOperations(props.table, 'ThrottledRequests', EFFECTS_OPERATIONS),
        t.tableThrottledRequests,
        'Requests to the orders table were throttled: activities retry, but check the account limits and hot orders',
      );
      alarm(
        'OrdersTableSystemErrors',
        m.tableOperations(props.table, 'SystemErrors', EFFECTS_OPERATIONS),
        t.tableSystemErrors,
        'DynamoDB answered the orders table with server errors: activities retry; check the AWS Health Dashboard',
      );
    }
  }
}
