import type { Rule } from 'aws-cdk-lib/aws-events';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { type LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { Settings } from '../../lambda/config/settings';
import { type DeadlineReadAction, DeadlineReadPolicy, deadlineEnvironment } from './deadline-access';
import { type HistoryTable, RECORDER_ACTIONS } from './history-table';
import { acknowledgeKeyActionFamilies } from './key-grants';
import { pollerTimeout, pollSchedule } from './poll-schedule';
import { VigilFunction } from './vigil-function';

/** What a poll reads: farms → queues → jobs (ListJobs returns full jobs) → each job's sessions. */
const POLL_ACTIONS: readonly DeadlineReadAction[] = [
  'deadline:ListFarms',
  'deadline:GetFarm',
  'deadline:ListQueues',
  'deadline:GetQueue',
  'deadline:ListJobs',
  'deadline:GetJob',
  'deadline:ListSessions',
  'deadline:GetSession',
];

export interface DeadlinePollerProps {
  /** Where observations are recorded. */
  readonly history: HistoryTable;
  /**
   * Passed to the function as VIGIL_SETTINGS; `settings.deadline` also sets
   * the region it calls and the farms its permissions are limited to.
   */
  readonly settings: Settings;
  /**
   * Minutes between polls (1 to 60).
   * @default 5
   */
  readonly pollMinutes?: number;
  /**
   * How long the function's logs are kept.
   * @default RetentionDays.ONE_MONTH
   */
  readonly logRetention?: RetentionDays;
  /**
   * Whether Deadline Cloud's EventBridge events reach this stack: `on`,
   * `off`, or a token that CloudFormation resolves to one of them.
   * @default 'off' (every poll lists each queue's jobs in full)
   */
  readonly eventsArrive?: string;
}

/**
 * The Deadline Cloud poller, the source of truth for Deadline: an
 * EventBridge schedule invokes a function that walks farms, queues, jobs and
 * their sessions in the Deadline region and records changes in the history
 * table (events from {@link DeadlineIngest} only arrive sooner). A failed
 * poll is not retried: the next scheduled poll reads the same state again.
 */
export class DeadlinePoller extends Construct {
  readonly function: NodejsFunction;
  readonly logGroup: LogGroup;
  readonly schedule: Rule;
  /** The function's Deadline Cloud permissions. */
  readonly deadlineRead: DeadlineReadPolicy;

  constructor(scope: Construct, id: string, props: DeadlinePollerProps) {
    super(scope, id);
    const pollMinutes = props.pollMinutes ?? 5;
    const eventsArrive = props.eventsArrive ?? 'off';

    const fn = new VigilFunction(this, 'Function', {
      handlerFile: 'poll-deadline.ts',
      description: 'Vigil: polls AWS Deadline Cloud and records changes',
      memorySize: 512,
      timeout: pollerTimeout(pollMinutes),
      environment: {
        TABLE_NAME: props.history.table.tableName,
        VIGIL_SETTINGS: JSON.stringify(props.settings),
        ...deadlineEnvironment(props.settings.deadline),
        // 'on': new jobs arrive as events, so queues are listed in full only every deadline.fullListingMinutes.
        DEADLINE_EVENTS: eventsArrive,
      },
      logRetention: props.logRetention ?? RetentionDays.ONE_MONTH,
      retryAttempts: 0,
    });
    this.function = fn.function;
    this.logGroup = fn.logGroup;

    props.history.grantItems(fn.role, RECORDER_ACTIONS, { indexes: true });
    acknowledgeKeyActionFamilies(fn.defaultPolicy(), 'DynamoDB write', "the history table's key");

    this.deadlineRead = new DeadlineReadPolicy(this, 'DeadlineRead', {
      role: fn.role,
      actions: POLL_ACTIONS,
      deadline: props.settings.deadline,
    });
    // The first scheduled poll must not run before the policy is attached.
    this.function.node.addDependency(this.deadlineRead);

    this.schedule = pollSchedule(this, 'Schedule', this.function, pollMinutes, 'Deadline Cloud');
  }
}
