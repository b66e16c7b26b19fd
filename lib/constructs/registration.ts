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
        sid: 'RegisterTheDomain',
        actions: [
          'swf:DescribeDomain',
          'swf:UndeprecateDomain',
          // Deleting the stack deprecates the domain only when it is not retained.
          ...(props.retainDomain ? [] : ['swf:DeprecateDomain']),
        ],
        resources: domainArns(stack, domain),
      }),
    );
    // Only the catalog's own types, by name: a registration never creates or revives another type.
    const workflowNames = [...new Set(props.catalog.workflows.map((w) => w.name))].sort();
    const activityNames = [...new Set(props.catalog.activityTypes().map((a) => a.name))].sort();
    for (const [sid, register, others, key, names] of [
      [
        'RegisterCatalogWorkflowTypes',
        'swf:RegisterWorkflowType',
        ['swf:DescribeWorkflowType', 'swf:UndeprecateWorkflowType'],
        'swf:workflowType.name',
        workflowNames,
      ],
      [
        'RegisterCatalogActivityTypes',
        'swf:RegisterActivityType',
        ['swf:DescribeActivityType', 'swf:UndeprecateActivityType'],
        'swf:activityType.name',
        activityNames,
      ],
    ] as const) {
      role.addToPolicy(
        new iam.PolicyStatement({
          sid,
          actions: [register],
          resources: domainArns(stack, domain),
          conditions: { StringEquals: { 'swf:name': [...names] } },
        }),
      );
      role.addToPolicy(
        new iam.PolicyStatement({
          sid: `${sid}Read`,
          actions: [...others],
          resources: domainArns(stack, domain),
          conditions: { StringEquals: { [key]: [...names] } },
        }),
      );
    }
    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'swf:RegisterDomain cannot be scoped to a resource ("You cannot use an IAM policy to control domain access" for RegisterDomain, SWF developer guide); every other SWF action is scoped to the domain ARN.',
    });

    // The framework's own logs follow the stack's retention and go with it; its role can write them and invoke
    // the handler (the framework's grant), nothing else: no managed policy with logs:* on every group.
    const providerLogs = new LogGroup(this, 'ProviderLogs', {
      retention: RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const providerRole = new iam.Role(this, 'ProviderRole', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'The custom resource framework: invokes the registration handler and writes its own logs',
    });
    providerLogs.grantWrite(providerRole);
    const provider = new Provider(this, 'Provider', {
      onEventHandler: this.function.fn,
      logGroup: providerLogs,
      frameworkOnEventRole: providerRole,
    });
    Validations.of(providerRole).acknowledge({
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
