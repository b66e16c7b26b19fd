import { CloudWatchClient, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import * as S from '@aws-sdk/client-swf';
import type { WorkflowConfig } from '../workflow/config.js';
import { config, swf, telemetry } from './function-runtime.js';

export const BACKLOG_NAMESPACE = process.env.POWERTOOLS_METRICS_NAMESPACE ?? 'SwfOrders';

export interface Backlog {
  openExecutions: number;
  pendingDecisionTasks: number;
  pendingActivityTasks: number;
}

/** How much work is waiting: open runs and the tasks pending on both task lists. */
export async function collectBacklog(
  client: S.SWFClient,
  settings: WorkflowConfig,
  now = Date.now(),
): Promise<Backlog> {
  const domain = settings.domain;
  const [open, decisions, activities] = await Promise.all([
    client.send(
      new S.CountOpenWorkflowExecutionsCommand({
        domain,
        startTimeFilter: { oldestDate: new Date(now - 366 * 86_400_000) },
      }),
    ),
    client.send(
      new S.CountPendingDecisionTasksCommand({ domain, taskList: { name: settings.decisionTaskList } }),
    ),
    client.send(
      new S.CountPendingActivityTasksCommand({ domain, taskList: { name: settings.activityTaskList } }),
    ),
  ]);
  return {
    openExecutions: open.count ?? 0,
    pendingDecisionTasks: decisions.count ?? 0,
    pendingActivityTasks: activities.count ?? 0,
  };
}

/** Publishes the backlog as gauges (one datapoint each, dimension Domain) for the open-executions alarm. */
export function backlogMetrics(backlog: Backlog, domain: string, namespace = BACKLOG_NAMESPACE) {
  const dimensions = [{ Name: 'Domain', Value: domain }];
  return new PutMetricDataCommand({
    Namespace: namespace,
    MetricData: [
      { MetricName: 'OpenExecutions', Dimensions: dimensions, Value: backlog.openExecutions, Unit: 'Count' },
      {
        MetricName: 'PendingDecisionTasks',
        Dimensions: dimensions,
        Value: backlog.pendingDecisionTasks,
        Unit: 'Count',
      },
      {
        MetricName: 'PendingActivityTasks',
        Dimensions: dimensions,
        Value: backlog.pendingActivityTasks,
        Unit: 'Count',
      },
    ],
  });
}

const cloudwatch = new CloudWatchClient({});

/** Scheduled every minute. */
export const handler = async () => {
  const backlog = await collectBacklog(swf, config);
  await cloudwatch.send(backlogMetrics(backlog, config.domain));
  telemetry.info('backlog published', { ...backlog });
  return backlog;
};
