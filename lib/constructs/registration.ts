import { type CfnResource, CustomResource, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Provider } from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import type { Catalog } from '../../lambda/workflow/module.js';
import { OrderFunction } from '../function-defaults.js';
import { domainArns } from '../swf-arns.js';

export interface SwfRegistrationProps {
  catalog: Catalog;
  environment: Record<string, string>;
  retainDomain: boolean;
}

/**
 * Registers the SWF domain and every type of the catalog through a Provider-framework custom resource whose
 * handler runs the same code as `swfctl register`. A new version in the catalog changes the resource's
 * properties, so an update registers it.
 */
export class SwfRegistration extends Construct {
  readonly function: OrderFunction;
  readonly resource: CustomResource;

  constructor(scope: Construct, id: string, props: SwfRegistrationProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const domain = props.catalog.domain.name;
    this.function = new OrderFunction(this, 'Handler', {
      handler: 'registration',
      description: `Registers the SWF domain ${domain} and its types`,
      timeout: Duration.minutes(2),
      environment: props.environment,
    });
    const role = this.function.role;
    role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'RegisterDomainCannotBeScoped',
        actions: ['swf:RegisterDomain'],
        resources: ['*'],
      }),
    );
    role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'RegisterTypesInTheDomain',
        actions: [
          'swf:DescribeDomain',
          'swf:UndeprecateDomain',
          // Deleting the stack deprecates the domain only when it is not retained.
          ...(props.retainDomain ? [] : ['swf:DeprecateDomain']),
          'swf:RegisterWorkflowType',
          'swf:RegisterActivityType',
          'swf:DescribeWorkflowType',
          'swf:DescribeActivityType',
          'swf:UndeprecateWorkflowType',
          'swf:UndeprecateActivityType',
        ],
        resources: domainArns(stack, domain),
      }),
    );
    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'swf:RegisterDomain cannot be scoped to a resource ("You cannot use an IAM policy to control domain access" for RegisterDomain, SWF developer guide); every other SWF action is scoped to the domain ARN.',
    });

    const provider = new Provider(this, 'Provider', {
      onEventHandler: this.function.fn,
      // The framework's own logs follow the stack's retention and go with it.
      logGroup: new LogGroup(this, 'ProviderLogs', {
        retention: RetentionDays.ONE_MONTH,
        removalPolicy: RemovalPolicy.DESTROY,
      }),
    });
    Validations.of(provider).acknowledge({
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      reason:
        "The CDK Provider framework's own function writes its logs with the managed basic execution policy; it holds no SWF permission.",
    });
    Validations.of(provider).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${stack.getLogicalId(this.function.fn.node.defaultChild as CfnResource)}.Arn>:*]`,
      reason:
        'The Provider framework invokes the registration handler and its versions (ARN:*); it can invoke nothing else.',
    });
    this.resource = new CustomResource(this, 'Catalog', {
      serviceToken: provider.serviceToken,
      resourceType: 'Custom::SwfCatalog',
      properties: {
        Domain: domain,
        DomainRetentionDays: String(props.catalog.domain.retentionDays),
        RetainDomain: String(props.retainDomain),
        // Any new version or changed default changes these, so CloudFormation sends an update that registers it
        // (or, for a changed default of an existing type, fails it with the reason).
        WorkflowTypes: props.catalog.workflows
          .map(
            (w) =>
              `${w.name}@${w.version}:${w.taskList}:${w.executionStartToCloseTimeout}/${w.taskStartToCloseTimeout}:${w.childPolicy}`,
          )
          .join(','),
        ActivityTypes: props.catalog
          .activityTypes()
          .map((a) => `${a.name}@${a.version}:${a.taskList}:${Object.values(a.timeouts).join('/')}`)
          .join(','),
      },
    });
  }
}
