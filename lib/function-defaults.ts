import { fileURLToPath } from 'node:url';
import { type Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Architecture, Runtime } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, type NodejsFunctionProps, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Construct context key: true builds every function of the stack with the lean production profile. */
export const PRODUCTION_PROFILE = 'swf-orders:production';

/** The effect adapters' clients: loaded on first use, in production from the AWS SDK v3 the runtime provides. */
const RUNTIME_PROVIDED = [
  '@aws-sdk/client-dynamodb',
  '@aws-sdk/lib-dynamodb',
  '@aws-sdk/client-sns',
  '@aws-sdk/client-s3',
];

/**
 * How a function is bundled. Both profiles minify and tree-shake the SDK's ES modules, and bundle the SDK the
 * code was tested with. The default profile ships source maps (readable stack traces). The production profile
 * ships none, takes role credentials from the environment only (lambda-credentials.ts), and leaves the effect
 * adapters' clients to the runtime: every bundle stays under 400 KB and loads in well under half the time
 * (figures: docs/performance.md, `npm run bench:bundles`).
 */
export function bundlingProfile(production: boolean) {
  return {
    bundling: {
      forceDockerBundling: false,
      format: OutputFormat.CJS,
      target: 'node22',
      minify: true,
      mainFields: ['module', 'main'],
      sourceMap: !production,
      bundleAwsSDK: true,
      // The SQLite adapter is for local runs; its native driver never ships to Lambda.
      externalModules: production ? ['better-sqlite3', ...RUNTIME_PROVIDED] : ['better-sqlite3'],
      esbuildArgs: production
        ? { '--alias:@aws-sdk/credential-provider-node': './lambda/handlers/lambda-credentials.ts' }
        : undefined,
    },
    environment: (production ? {} : { NODE_OPTIONS: '--enable-source-maps' }) as Record<string, string>,
  };
}

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
 * Node.js 22, bundled by the local esbuild with the stack's bundling profile, Powertools settings.
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
    const profile = bundlingProfile(this.node.tryGetContext(PRODUCTION_PROFILE) === true);
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
      environment: { ...profile.environment, ...props.environment },
      bundling: profile.bundling,
    };
    this.fn = new NodejsFunction(this, 'Function', functionProps);
    Validations.of(this.fn).acknowledge({
      id: 'AwsSolutions-L1',
      reason:
        'Node.js 22 is the runtime this code is bundled for (esbuild target node22) and tested on; moving to a newer runtime is a deliberate upgrade, not a default.',
    });
  }
}
