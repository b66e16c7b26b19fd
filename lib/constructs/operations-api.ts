import { CfnOutput, Duration, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import type { WorkflowConfig } from '../../lambda/workflow/config.js';
import type { Catalog } from '../../lambda/workflow/module.js';
import { OrderFunction } from '../function-defaults.js';
import { domainArns } from '../swf-arns.js';
import { METRICS_NAMESPACE } from './common-environment.js';
import { scheduleEveryMinute } from './schedule.js';

export interface OperationsApiProps {
  config: WorkflowConfig;
  /** The registered workflows: the starter and resume may start these types, and no other. */
  catalog: Catalog;
  environment: Record<string, string>;
}

/** The functions people and systems call: the starter, the operations API, and the backlog monitor. */
export class OperationsApi extends Construct {
  readonly starter: OrderFunction;
  readonly operations: OrderFunction;
  readonly monitor: OrderFunction;

  constructor(scope: Construct, id: string, props: OperationsApiProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const domain = domainArns(stack, props.config.domain);
    // Each workflow module's type name: StringEquals with a list matches any of them.
    const workflowTypes = [...new Set(props.catalog.workflows.map((w) => w.name))];
    const typeCondition = {
      'swf:workflowType.name': workflowTypes.length === 1 ? workflowTypes[0] : workflowTypes,
    };

    this.starter = new OrderFunction(this, 'Starter', {
      handler: 'starter',
      description: `Validates an input and starts a run of ${workflowTypes.join(' or ')}`,
      timeout: Duration.seconds(30),
      environment: props.environment,
    });
    this.starter.role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'StartCatalogWorkflowsOnly',
        actions: ['swf:StartWorkflowExecution'],
        resources: domain,
        conditions: { StringEquals: typeCondition },
      }),
    );
    // Starting an order that is running returns its open run; one that completed returns that run: both found by
    // listing. A start that lost its claim describes the winner's run, to say whether it is open or completed.
    this.starter.role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'FindTheOpenOrCompletedRun',
        actions: [
          'swf:ListOpenWorkflowExecutions',
          'swf:ListClosedWorkflowExecutions',
          'swf:DescribeWorkflowExecution',
        ],
        resources: domain,
      }),
    );

    this.operations = new OrderFunction(this, 'Operations', {
      handler: 'operations',
      description:
        'History, describe, effects, resume, signal, cancel, terminate and bulk actions for the catalog workflows',
      timeout: Duration.seconds(60),
      environment: props.environment,
    });
    this.operations.role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'ReadAndActOnRuns',
        actions: [
          'swf:GetWorkflowExecutionHistory',
          'swf:DescribeWorkflowExecution',
          'swf:ListOpenWorkflowExecutions',
          'swf:ListClosedWorkflowExecutions',
          'swf:SignalWorkflowExecution',
          'swf:RequestCancelWorkflowExecution',
          'swf:TerminateWorkflowExecution',
        ],
        resources: domain,
      }),
    );
    this.operations.role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'ResumeStartsANewRun',
        actions: ['swf:StartWorkflowExecution'],
        resources: domain,
        conditions: { StringEquals: typeCondition },
      }),
    );

    this.monitor = new OrderFunction(this, 'Monitor', {
      handler: 'monitor',
      description: 'Publishes open executions and pending tasks as CloudWatch metrics',
      timeout: Duration.seconds(30),
      environment: props.environment,
    });
    this.monitor.role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'CountOpenRuns',
        actions: ['swf:CountOpenWorkflowExecutions'],
        resources: domain,
      }),
    );
    this.monitor.role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'CountBacklogOfItsTaskLists',
        actions: ['swf:CountPendingDecisionTasks', 'swf:CountPendingActivityTasks'],
        resources: domain,
        conditions: {
          StringEquals: {
            'swf:taskList.name': [props.config.decisionTaskList, props.config.activityTaskList],
          },
        },
      }),
    );
    this.monitor.role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'PublishOwnNamespaceOnly',
        actions: ['cloudwatch:PutMetricData'],
        resources: ['*'],
        conditions: { StringEquals: { 'cloudwatch:namespace': METRICS_NAMESPACE } },
      }),
    );
    Validations.of(this.monitor.role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        "cloudwatch:PutMetricData supports no resource-level permissions; it is limited to this stack's namespace by the cloudwatch:namespace condition.",
    });
    scheduleEveryMinute(this, 'MonitorSchedule', this.monitor.fn, {
      description: 'Publishes the SWF backlog every minute',
    });

    new CfnOutput(stack, 'StarterFunctionName', {
      value: this.starter.fn.functionName,
      description:
        'aws lambda invoke --function-name <this> --cli-binary-format raw-in-base64-out --payload file://order.json out.json',
    });
    new CfnOutput(stack, 'OperationsFunctionName', {
      value: this.operations.fn.functionName,
      description:
        'aws lambda invoke --function-name <this> --cli-binary-format raw-in-base64-out --payload \'{"command":"history","workflowId":"order-A-1001"}\' out.json',
    });
  }
}
