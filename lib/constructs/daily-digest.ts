import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { Grant } from 'aws-cdk-lib/aws-iam';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { type LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { BlockPublicAccess, Bucket, BucketEncryption, type CfnBucket, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import type { Settings } from '../../lambda/config/settings';
import { REPORT_PREFIX } from '../../lambda/core/reports';
import { GLOBAL_INDEXES } from '../../lambda/record/table-schema';
import type { HistoryTable } from './history-table';
import { acknowledgeKeyActionFamilies } from './key-grants';
import { VigilFunction } from './vigil-function';

export interface DailyDigestProps {
  /** What the digest reads, and where it writes the digest event. */
  readonly history: HistoryTable;
  /** Passed to the function as VIGIL_SETTINGS; `settings.digest.hourUtc` sets the schedule. */
  readonly settings: Settings;
  /**
   * How long the function's logs are kept.
   * @default RetentionDays.ONE_MONTH
   */
  readonly logRetention?: RetentionDays;
}

/**
 * The daily digest: once a day at `digest.hourUtc` (UTC, on the hour), a
 * function (lambda/handlers/send-digest.ts) sums up the previous UTC day
 * from the history table (the `byTime` index for the day's events, the
 * `active` index for sessions still running, the budget and guard items)
 * and writes it as one event, at most once per day; the notifier publishes
 * it from the stream with eventType `digest`. Email subscribers get it; a
 * channel gets it only with `digest: true` (lambda/deliver/routing.ts).
 * Lambda's own retries (two) cover a failed run: a second run that finds
 * the day's digest written writes nothing.
 */
export class DailyDigest extends Construct {
  readonly function: NodejsFunction;
  readonly logGroup: LogGroup;
  readonly schedule: Rule;
  /**
   * Where the digest writes the report of the last 30 days, once a day, at
   * `reports/<day>.html`: private (every public access blocked, TLS only),
   * encrypted (S3-managed keys), each report expired after
   * `history.eventRetentionDays`. Kept when the stack is deleted (a bucket
   * with objects cannot be deleted by CloudFormation); its reports expire.
   */
  readonly reportBucket: Bucket;

  constructor(scope: Construct, id: string, props: DailyDigestProps) {
    super(scope, id);

    this.reportBucket = new Bucket(this, 'Reports', {
      encryption: BucketEncryption.S3_MANAGED,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      lifecycleRules: [
        {
          id: 'ExpireReports',
          prefix: REPORT_PREFIX,
          expiration: Duration.days(props.settings.history.eventRetentionDays),
        },
      ],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(this.reportBucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason:
        'The bucket holds only the daily report Vigil derives from its own history table, written by one function that may only PutObject under reports/ and read by people with their own IAM credentials; no public access, TLS only. Data events in CloudTrail can record its reads where an account wants them, without a second bucket per stack.',
    });

    const fn = new VigilFunction(this, 'Function', {
      handlerFile: 'send-digest.ts',
      description:
        "Vigil: makes the daily digest of yesterday's runs, jobs, budgets and sessions (the notifier publishes it)",
      // It holds 30 days of events for the report (the medium bench fleet's month is 31,000 events, 38 MB
      // as stored; BENCHMARKS.md) and reads them Query page by Query page.
      memorySize: 1024,
      timeout: Duration.minutes(5),
      environment: {
        TABLE_NAME: props.history.table.tableName,
        VIGIL_SETTINGS: JSON.stringify(props.settings),
        REPORT_BUCKET: this.reportBucket.bucketName,
      },
      logRetention: props.logRetention ?? RetentionDays.ONE_MONTH,
    });
    this.function = fn.function;
    this.logGroup = fn.logGroup;

    // Budget usage (GetItem), guard states (BatchGetItem), the digest event
    // itself (a conditional PutItem); Query on the table and each named index.
    props.history.grantItems(fn.role, [
      'dynamodb:Query',
      'dynamodb:GetItem',
      'dynamodb:BatchGetItem',
      'dynamodb:PutItem',
    ]);
    for (const index of GLOBAL_INDEXES) props.history.grantIndexQuery(fn.role, index.name);
    // PutObject under reports/ only: no read, no delete, no other key (grantPut would add tagging and ACL actions).
    Grant.addToPrincipal({
      grantee: fn.role,
      actions: ['s3:PutObject'],
      resourceArns: [this.reportBucket.arnForObjects(`${REPORT_PREFIX}*`)],
    });

    this.schedule = new Rule(this, 'Schedule', {
      description: 'Vigil: sends the daily digest',
      schedule: Schedule.cron({ minute: '0', hour: String(props.settings.digest.hourUtc) }),
      targets: [new LambdaFunction(fn.function)],
    });

    acknowledgeKeyActionFamilies(fn.defaultPolicy(), 'DynamoDB write', "the history table's key");
    const stack = Stack.of(this);
    const bucketId = stack.resolve(stack.getLogicalId(this.reportBucket.node.defaultChild as CfnBucket));
    Validations.of(fn.defaultPolicy()).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${bucketId}.Arn>/${REPORT_PREFIX}*]`,
      reason: `s3:PutObject only, on the report bucket's ${REPORT_PREFIX} prefix: the key is the report's day (${REPORT_PREFIX}<YYYY-MM-DD>.html), one a day, not known at deploy time.`,
    });
  }
}
