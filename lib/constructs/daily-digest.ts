import { Duration } from 'aws-cdk-lib';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { type LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { Settings } from '../../lambda/config/settings';
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

  constructor(scope: Construct, id: string, props: DailyDigestProps) {
    super(scope, id);

    const fn = new VigilFunction(this, 'Function', {
      handlerFile: 'send-digest.ts',
      description:
        "Vigil: makes the daily digest of yesterday's runs, jobs, budgets and sessions (the notifier publishes it)",
      memorySize: 256,
      timeout: Duration.seconds(60),
      environment: {
        TABLE_NAME: props.history.table.tableName,
        VIGIL_SETTINGS: JSON.stringify(props.settings),
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

    this.schedule = new Rule(this, 'Schedule', {
      description: 'Vigil: sends the daily digest',
      schedule: Schedule.cron({ minute: '0', hour: String(props.settings.digest.hourUtc) }),
      targets: [new LambdaFunction(fn.function)],
    });

    acknowledgeKeyActionFamilies(fn.defaultPolicy(), 'DynamoDB write', "the history table's key");
  }
}
