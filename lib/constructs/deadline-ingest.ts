import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { type EventPattern, Rule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { type LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { DeadlineSettings, Settings } from '../../lambda/config/settings';
import {
  DEADLINE_EVENT_SOURCE,
  DEADLINE_JOB_EVENT_TYPES,
  DEADLINE_TASK_EVENT_RUN_STATUSES,
  DEADLINE_TASK_EVENT_TYPES,
} from '../../lambda/observe/deadline/event-types';
import { type DeadlineReadAction, DeadlineReadPolicy, deadlineEnvironment, deployTimeFarmIds } from './deadline-access';
import { type HistoryTable, RECORDER_ACTIONS } from './history-table';
import { acknowledgeKeyActionFamilies } from './key-grants';
import { VigilFunction } from './vigil-function';

/** What handling one event reads: the job it names (and its farm and queue for names), and the job's sessions. */
const INGEST_ACTIONS: readonly DeadlineReadAction[] = [
  'deadline:GetFarm',
  'deadline:GetQueue',
  'deadline:GetJob',
  'deadline:ListSessions',
  'deadline:GetSession',
];

/** `detail` filter on the configured farms, when all are IDs (names are filtered by the handler). */
function farmFilter(deadline: Pick<DeadlineSettings, 'farms'>): { farmId?: string[] } {
  const farmIds = deployTimeFarmIds(deadline.farms);
  return farmIds === undefined ? {} : { farmId: [...farmIds] };
}

/** The rule pattern for job run and lifecycle status changes: every one is taken. */
export function jobEventPattern(deadline: Pick<DeadlineSettings, 'farms'>): EventPattern {
  const detail = farmFilter(deadline);
  return {
    source: [DEADLINE_EVENT_SOURCE],
    detailType: [...DEADLINE_JOB_EVENT_TYPES],
    ...(detail.farmId === undefined ? {} : { detail }),
  };
}

/** The rule pattern for task run status changes: many per job, so only failures. */
export function taskEventPattern(deadline: Pick<DeadlineSettings, 'farms'>): EventPattern {
  return {
    source: [DEADLINE_EVENT_SOURCE],
    detailType: [...DEADLINE_TASK_EVENT_TYPES],
    // A task event's status is `runStatus` (job events say `taskRunStatus`).
    detail: { ...farmFilter(deadline), runStatus: [...DEADLINE_TASK_EVENT_RUN_STATUSES] },
  };
}

export interface DeadlineIngestProps {
  /** Where observations are recorded. */
  readonly history: HistoryTable;
  /**
   * Passed to the function as VIGIL_SETTINGS; `settings.deadline` also sets
   * the region it calls, the farms its permissions are limited to and the
   * farms the rules match.
   */
  readonly settings: Settings;
  /**
   * How long the function's logs are kept.
   * @default RetentionDays.ONE_MONTH
   */
  readonly logRetention?: RetentionDays;
}

/**
 * The Deadline Cloud fast path: EventBridge rules on the default bus send
 * job status changes and task failures to a function that reads the job (and
 * its sessions) and records what changed, minutes before the next poll would.
 *
 * Deadline's events are best effort and the poller reconciles, but a failure
 * here is made visible rather than dropped: EventBridge retries delivery,
 * Lambda retries the function, and an event that still fails either way
 * lands in `deadLetterQueue` (the message body is the event itself).
 *
 * EventBridge delivers Deadline's events in the region where Deadline runs,
 * to that region's default bus. When `settings.deadline.region` differs from
 * the stack's region these rules never fire, and the poller alone covers
 * Deadline.
 */
export class DeadlineIngest extends Construct {
  readonly function: NodejsFunction;
  readonly logGroup: LogGroup;
  /** Job run and lifecycle status changes. */
  readonly jobRule: Rule;
  /** Failed task runs. */
  readonly taskRule: Rule;
  /** Events EventBridge could not deliver, or the function failed on after every retry. */
  readonly deadLetterQueue: Queue;
  readonly deadLetterQueueKey: Key;
  /** The function's Deadline Cloud permissions. */
  readonly deadlineRead: DeadlineReadPolicy;

  constructor(scope: Construct, id: string, props: DeadlineIngestProps) {
    super(scope, id);
    const { deadline } = props.settings;

    this.deadLetterQueueKey = new Key(this, 'DeadLetterQueueKey', {
      description: 'Vigil Deadline Cloud event dead-letter queue',
      enableKeyRotation: true,
      // Protects failed events only; they go with the queue.
      removalPolicy: RemovalPolicy.DESTROY,
      pendingWindow: Duration.days(7),
    });
    // EventBridge writes to the queue as the service itself, not through an
    // IAM role, so only the key policy can let it use the key (SQS developer
    // guide, "Enable compatibility between event sources from AWS services
    // and encrypted queues"; CDK's targets do not add this, aws-cdk#20804).
    // That guide documents no source condition for this path, so there is
    // none here: the queue policy CDK adds already limits sending to these
    // two rules, and the key protects nothing but this queue.
    this.deadLetterQueueKey.addToResourcePolicy(
      new PolicyStatement({
        sid: 'AllowEventBridgeDeadLetters',
        principals: [new ServicePrincipal('events.amazonaws.com')],
        actions: ['kms:GenerateDataKey*', 'kms:Decrypt'],
        resources: ['*'],
      }),
    );
    this.deadLetterQueue = new Queue(this, 'DeadLetterQueue', {
      encryption: QueueEncryption.KMS,
      encryptionMasterKey: this.deadLetterQueueKey,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    // No AwsSolutions-SQS3 finding: cdk-nag sees this queue as the rules' and the function's dead-letter queue.

    const fn = new VigilFunction(this, 'Function', {
      handlerFile: 'ingest-deadline-event.ts',
      description: 'Vigil: records AWS Deadline Cloud job changes from EventBridge events',
      memorySize: 256,
      timeout: Duration.seconds(30),
      environment: {
        TABLE_NAME: props.history.table.tableName,
        VIGIL_SETTINGS: JSON.stringify(props.settings),
        ...deadlineEnvironment(deadline),
      },
      logRetention: props.logRetention ?? RetentionDays.ONE_MONTH,
      // Lambda retries a failed event twice (after about 1 and 2 minutes), then dead-letters it.
      retryAttempts: 2,
      deadLetterQueue: this.deadLetterQueue,
    });
    this.function = fn.function;
    this.logGroup = fn.logGroup;

    props.history.grantItems(fn.role, RECORDER_ACTIONS, { indexes: true });
    // Sending to the dead-letter queue (sqs:SendMessage, added by Lambda's
    // dead-letter configuration) needs its key: what an SQS producer uses.
    this.deadLetterQueueKey.grant(fn.role, 'kms:GenerateDataKey', 'kms:Decrypt');
    acknowledgeKeyActionFamilies(fn.defaultPolicy(), 'DynamoDB write', "the history table's key");

    this.deadlineRead = new DeadlineReadPolicy(this, 'DeadlineRead', {
      role: fn.role,
      actions: INGEST_ACTIONS,
      deadline,
    });
    // No event may reach the function before it can read Deadline.
    this.function.node.addDependency(this.deadlineRead);

    const target = new LambdaFunction(this.function, {
      retryAttempts: 2,
      maxEventAge: Duration.hours(1),
      deadLetterQueue: this.deadLetterQueue,
    });
    this.jobRule = new Rule(this, 'JobRule', {
      description: 'Vigil: Deadline Cloud job run and lifecycle status changes',
      eventPattern: jobEventPattern(deadline),
      targets: [target],
    });
    this.taskRule = new Rule(this, 'TaskRule', {
      description: 'Vigil: failed Deadline Cloud task runs',
      eventPattern: taskEventPattern(deadline),
      targets: [target],
    });
  }
}
