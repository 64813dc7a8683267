import { join } from 'node:path';
import { type Duration, RemovalPolicy, Token } from 'aws-cdk-lib';
import { Policy, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Runtime } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { ConfigError } from '../../lambda/core/errors';

/** Where the Lambda entry files live (one thin handler per function). */
export const HANDLERS_DIR = join(__dirname, '..', '..', 'lambda', 'handlers');

/**
 * Prefer packages' ES module builds: esbuild can tree-shake them (the SDK's
 * CJS builds are single files). Shared with the test that runs the bundles.
 */
export const BUNDLE_MAIN_FIELDS = ['module', 'main'];

/**
 * The SDK's credential providers after `fromEnv` in the default chain, and
 * the clients they use. A Lambda's credentials are in its environment, so
 * the chain never reaches them; the default chain loads each provider only
 * when it gets to it, and should one ever be reached the Node.js runtime has
 * them in /var/runtime/node_modules. Left out, they take ~100 KB off every
 * bundle (measured by `npm run bench`).
 */
export const BUNDLE_EXTERNAL_MODULES = [
  '@aws-sdk/credential-provider-ini',
  '@aws-sdk/credential-provider-sso',
  '@aws-sdk/credential-provider-process',
  '@aws-sdk/credential-provider-web-identity',
  '@aws-sdk/credential-provider-login',
  '@aws-sdk/credential-provider-http',
  '@aws-sdk/nested-clients',
  '@aws-sdk/token-providers',
  '@smithy/credential-provider-imds',
  // The report bucket's client, used by the digest function alone: ~150 KB of S3 serde, checksums and
  // middleware that would put its bundle over 500 KB. The Node.js 24 runtime ships the AWS SDK v3, so the
  // function loads the runtime's @aws-sdk/client-s3 (its PutObject is all Vigil uses).
  '@aws-sdk/client-s3',
];

/** Lambda's limit on all environment variables of a function together, in bytes. */
const ENVIRONMENT_LIMIT_BYTES = 4096;

/** What an unresolved token (a table name, an ARN) may take once deployed, in bytes. */
const TOKEN_ALLOWANCE_BYTES = 256;

export interface VigilFunctionProps {
  /** The handler file under lambda/handlers, e.g. `notify.ts`; it exports `handler`. */
  readonly handlerFile: string;
  /** Shown in the Lambda console. */
  readonly description: string;
  /** Memory in MB (CPU grows with it). */
  readonly memorySize: number;
  readonly timeout: Duration;
  /** Variables the handler reads, besides the Powertools ones added here. */
  readonly environment: Readonly<Record<string, string>>;
  /**
   * How long the function's logs are kept.
   * @default RetentionDays.ONE_MONTH
   */
  readonly logRetention?: RetentionDays;
  /**
   * Retries Lambda makes for an asynchronous invocation that fails.
   * @default - Lambda's default (2)
   */
  readonly retryAttempts?: number;
  /**
   * Where Lambda puts an asynchronous invocation's event once every retry
   * failed (the message body is the event itself). The caller grants the
   * role the use of the queue's key, if it has one.
   * @default - no dead-letter queue: the event is dropped
   */
  readonly deadLetterQueue?: IQueue;
}

/**
 * A Node.js Lambda with Vigil's defaults: Node 24 on ARM, bundled locally by
 * esbuild (no Docker) with the AWS SDK inside the bundle (the versions in
 * package-lock.json, not the runtime's), its own log group with a retention,
 * and a role that may write only to that log group. Callers add permissions
 * with the resources' `grant*` methods.
 */
export class VigilFunction extends Construct {
  readonly function: NodejsFunction;
  readonly logGroup: LogGroup;
  readonly role: Role;

  constructor(scope: Construct, id: string, props: VigilFunctionProps) {
    super(scope, id);

    const environment: Record<string, string> = {
      POWERTOOLS_SERVICE_NAME: 'vigil',
      POWERTOOLS_LOG_LEVEL: 'INFO',
      ...props.environment,
    };
    assertEnvironmentFits(this.node.path, environment);

    this.logGroup = new LogGroup(this, 'Logs', {
      retention: props.logRetention ?? RetentionDays.ONE_MONTH,
      // Logs are diagnostics, not history: they go with the stack.
      removalPolicy: RemovalPolicy.DESTROY,
    });

    // An explicit role instead of AWSLambdaBasicExecutionRole, whose log
    // permissions cover every log group in the account.
    this.role = new Role(this, 'Role', { assumedBy: new ServicePrincipal('lambda.amazonaws.com') });
    this.logGroup.grantWrite(this.role);

    this.function = new NodejsFunction(this, 'Handler', {
      entry: join(HANDLERS_DIR, props.handlerFile),
      handler: 'handler',
      description: props.description,
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize,
      timeout: props.timeout,
      environment,
      role: this.role,
      logGroup: this.logGroup,
      retryAttempts: props.retryAttempts,
      deadLetterQueue: props.deadLetterQueue,
      bundling: {
        format: OutputFormat.CJS,
        minify: true,
        sourceMap: false,
        // Pinned SDK versions travel with the code instead of the runtime's copy.
        bundleAwsSDK: true,
        mainFields: BUNDLE_MAIN_FIELDS,
        externalModules: BUNDLE_EXTERNAL_MODULES,
        forceDockerBundling: false,
      },
    });
  }

  /**
   * The role's default policy, which holds the statements added by `grant*`
   * calls; for acknowledging cdk-nag findings as close to them as possible.
   * Call it after the grants.
   */
  defaultPolicy(): Policy {
    const policy = this.role.node.tryFindChild('DefaultPolicy');
    if (!(policy instanceof Policy))
      throw new Error(`${this.role.node.path} has no default policy yet; grant something first`);
    return policy;
  }
}

/**
 * Fails at synth, naming the function, when its environment cannot fit in
 * Lambda's 4 KB (VIGIL_SETTINGS grows with the configured project list);
 * otherwise the error would only show up in the middle of a deployment.
 */
function assertEnvironmentFits(path: string, environment: Readonly<Record<string, string>>): void {
  let bytes = 0;
  for (const [name, value] of Object.entries(environment)) {
    bytes += Buffer.byteLength(name) + (Token.isUnresolved(value) ? TOKEN_ALLOWANCE_BYTES : Buffer.byteLength(value));
  }
  if (bytes > ENVIRONMENT_LIMIT_BYTES) {
    throw new ConfigError(
      `the settings passed to ${path} take about ${bytes} bytes of environment variables; Lambda allows ${ENVIRONMENT_LIMIT_BYTES} (list fewer deviceFarm.projects or deadline farms and queues)`,
    );
  }
}
