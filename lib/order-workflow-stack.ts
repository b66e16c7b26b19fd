import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { buildCatalog } from '../lambda/workflow/index.js';
import type { StageNames } from './stage.js';

export interface OrderWorkflowStackProps extends StackProps {
  names: StageNames;
}

/**
 * The order-processing stack for one stage. So far it derives every name from the catalog; registration,
 * pollers, IAM and monitoring are added by the CDK issue.
 */
export class OrderWorkflowStack extends Stack {
  constructor(scope: Construct, id: string, props: OrderWorkflowStackProps) {
    super(scope, id, props);
    const catalog = buildCatalog(props.names.config);
    new CfnOutput(this, 'SwfDomain', {
      value: catalog.domain.name,
      description: 'The SWF domain of this stage',
    });
    new CfnOutput(this, 'WorkflowTypes', {
      value: catalog.workflows.map((w) => `${w.name}@${w.version}`).join(','),
      description: 'Workflow types registered in the domain',
    });
    new CfnOutput(this, 'DecisionTaskList', { value: props.names.config.decisionTaskList });
    new CfnOutput(this, 'ActivityTaskList', { value: props.names.config.activityTaskList });
  }
}
