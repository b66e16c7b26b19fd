import { fileURLToPath } from 'node:url';
import { type Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Architecture, Runtime } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, type NodejsFunctionProps, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

export interface OrderFunctionProps {
  /** The file in lambda/handlers/ (without extension). */
  handler: string;
  description: string;
  timeout: Duration;
  memorySize?: number;
  environment: Record<string, string>;
  logRetention?: RetentionDays;
  /** Reserved concurrency; undefined reserves none (new accounts cannot reserve any). */
  reservedConcurrentExecutions?: number;
}

/**
 * One Lambda function the way every function of this stack is built: its own role and log group, arm64 and
 * Node.js 22, bundled by the local esbuild with the AWS SDK inside (the code runs the SDK version it was
 * tested with), source maps, Powertools settings.
 */
export class OrderFunction extends Construct {
  readonly fn: NodejsFunction;
  readonly role: iam.Role;
  readonly logGroup: LogGroup;

  constructor(scope: Construct, id: string, props: OrderFunctionProps) {
    super(scope, id);
    this.logGroup = new LogGroup(this, 'Logs', {
      retention: props.logRetention ?? RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `${props.description} (least privilege)`,
    });
    // Logs go to this function's own log group only, instead of the managed AWSLambdaBasicExecutionRole.
    this.role.addToPolicy(
      new iam.PolicyStatement({
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [this.logGroup.logGroupArn],
      }),
    );
    const functionProps: NodejsFunctionProps = {
      entry: `${ROOT}lambda/handlers/${props.handler}.ts`,
      handler: 'handler',
      description: props.description,
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize ?? 256,
      timeout: props.timeout,
      reservedConcurrentExecutions: props.reservedConcurrentExecutions,
      role: this.role,
      logGroup: this.logGroup,
      projectRoot: ROOT,
      depsLockFilePath: `${ROOT}package-lock.json`,
      environment: { NODE_OPTIONS: '--enable-source-maps', ...props.environment },
      bundling: {
        forceDockerBundling: false,
        bundleAwsSDK: true,
        format: OutputFormat.CJS,
        target: 'node22',
        minify: true,
        sourceMap: true,
        // The SQLite adapter is for local runs; its native driver never ships to Lambda.
        externalModules: ['better-sqlite3'],
      },
    };
    this.fn = new NodejsFunction(this, 'Function', functionProps);
    Validations.of(this.fn).acknowledge({
      id: 'AwsSolutions-L1',
      reason:
        'Node.js 22 is the runtime this code is bundled for (esbuild target node22) and tested on; moving to a newer runtime is a deliberate upgrade, not a default.',
    });
  }
}
