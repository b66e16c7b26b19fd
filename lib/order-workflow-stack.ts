import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { buildCatalog } from '../lambda/workflow/modules.js';
import { handlerEnvironment, METRICS_NAMESPACE, SERVICE_NAME } from './constructs/common-environment.js';
import { OperationsApi } from './constructs/operations-api.js';
import { OrderEffects } from './constructs/order-effects.js';
import { PayloadBucket } from './constructs/payload-bucket.js';
import { Pollers } from './constructs/pollers.js';
import { SwfRegistration } from './constructs/registration.js';
import { PRODUCTION_PROFILE } from './function-defaults.js';
import { checkIamLimits } from './iam-limits.js';
import { AlarmTopic } from './monitoring/alarm-topic.js';
import { type AlarmThresholds, OrderAlarms } from './monitoring/alarms.js';
import { OrderDashboard } from './monitoring/dashboard.js';
import { MetricFactory } from './monitoring/metric-factory.js';
import type { StackSettings } from './settings.js';
import type { StageNames } from './stage.js';

export interface OrderWorkflowStackProps extends StackProps {
  names: StageNames;
  settings: StackSettings;
  thresholds?: Partial<AlarmThresholds>;
}

/**
 * The order-processing system for one stage: SWF registration, the decider and activity-worker pollers on
 * schedules, the starter and operations functions, least-privilege roles, alarms to SNS and a dashboard.
 */
export class OrderWorkflowStack extends Stack {
  readonly effects: OrderEffects;
  readonly registration: SwfRegistration;
  readonly payloads: PayloadBucket;
  readonly pollers: Pollers;
  readonly api: OperationsApi;
  readonly alarmTopic: AlarmTopic;
  readonly alarms: OrderAlarms;
  readonly dashboard: OrderDashboard;

  constructor(scope: Construct, id: string, props: OrderWorkflowStackProps) {
    super(scope, id, props);
    // A catalog whose grants IAM would refuse at deploy is refused at synth, naming the quota.
    this.node.addValidation({ validate: () => checkIamLimits(this) });
    const { config, stage } = props.names;
    const production = props.settings.production ?? stage === 'prod';
    // Read by every OrderFunction below: set before any of them exists.
    this.node.setContext(PRODUCTION_PROFILE, production);
    const catalog = buildCatalog(config);
    this.effects = new OrderEffects(this, 'Effects', {
      stage,
      notificationEmail: props.settings.notificationEmail,
    });
    this.payloads = new PayloadBucket(this, 'Payloads', { stage, catalog });
    const environment = {
      ...handlerEnvironment(config, stage, production),
      ...this.effects.environment,
      ...this.payloads.environment,
    };
    const serviceName = environment.POWERTOOLS_SERVICE_NAME ?? SERVICE_NAME;

    this.registration = new SwfRegistration(this, 'Registration', {
      catalog,
      environment,
      retainDomain: props.settings.retainDomain,
    });
    this.pollers = new Pollers(this, 'Pollers', {
      catalog,
      config,
      environment,
      concurrency: props.settings.pollerConcurrency,
      timeoutMinutes: props.settings.pollerTimeoutMinutes,
      reservedConcurrency: props.settings.reservedConcurrency,
    });
    this.api = new OperationsApi(this, 'Api', { config, catalog, environment });
    // Only the activity worker applies effects; the operations function reads them for `order`. Starts and
    // resumes claim their new run in the same table, on its claim partitions only.
    this.effects.grantApplyEffects(this.pollers.activityWorker.role);
    this.effects.grantReadEffects(this.api.operations.role);
    this.effects.grantClaimRuns(this.api.starter.role);
    this.effects.grantClaimRuns(this.api.operations.role);
    // Large inputs are stored by the starter, resolved and written by the activity worker, read for display.
    this.payloads.grantWrite(this.api.starter.role);
    this.payloads.grantWrite(this.pollers.activityWorker.role);
    this.payloads.grantRead(this.pollers.activityWorker.role);
    this.payloads.grantRead(this.api.operations.role);
    // A resume stores again the bodies it carries from its source run, so they live as long as the new run.
    this.payloads.grantWrite(this.api.operations.role);
    // The decider stores close results and details too large for SWF.
    this.payloads.grantWrite(this.pollers.decider.role);
    // Pollers and starters come up once the domain and types exist.
    for (const fn of [
      this.pollers.decider,
      this.pollers.activityWorker,
      this.api.starter,
      this.api.operations,
      this.api.monitor,
    ]) {
      fn.fn.node.addDependency(this.registration.resource);
    }

    const metrics = new MetricFactory(config.domain, METRICS_NAMESPACE, serviceName);
    const pollers = { Decider: this.pollers.decider.fn, ActivityWorker: this.pollers.activityWorker.fn };
    const functions = {
      ...pollers,
      Starter: this.api.starter.fn,
      Operations: this.api.operations.fn,
      Monitor: this.api.monitor.fn,
      Registration: this.registration.function.fn,
    };
    this.alarmTopic = new AlarmTopic(this, 'Alerts', {
      alertEmail: props.settings.alertEmail,
      alertPhone: props.settings.alertPhone,
    });
    this.alarms = new OrderAlarms(this, 'Alarms', {
      catalog,
      metrics,
      topic: this.alarmTopic.topic,
      functions,
      pollers,
      table: this.effects.table,
      thresholds: props.thresholds,
    });
    this.dashboard = new OrderDashboard(this, 'Dashboard', {
      dashboardName: `swf-orders-${stage}`,
      catalog,
      metrics,
      pollers,
      functions,
      table: this.effects.table,
    });

    new CfnOutput(this, 'SwfDomain', {
      value: catalog.domain.name,
      description: 'The SWF domain of this stage',
    });
    new CfnOutput(this, 'WorkflowTypes', {
      value: catalog.workflows.map((w) => `${w.name}@${w.version}`).join(','),
      description: 'Workflow types registered in the domain',
    });
    new CfnOutput(this, 'AlarmTopicArn', {
      value: this.alarmTopic.topic.topicArn,
      description: 'Subscribe more endpoints here',
    });
    new CfnOutput(this, 'OrdersTableName', {
      value: this.effects.table.tableName,
      description: 'Where saved orders, stock reservations, notifications and the effect ledger live',
    });
    new CfnOutput(this, 'OrderEventsTopicArn', {
      value: this.effects.topic.topicArn,
      description: 'One OrderConfirmed message per order; subscribe email, SQS or webhooks here',
    });
    new CfnOutput(this, 'DashboardName', {
      value: `swf-orders-${stage}`,
      description: 'CloudWatch → Dashboards',
    });
  }
}
