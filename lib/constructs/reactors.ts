import { Duration, Validations } from 'aws-cdk-lib';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { Policy, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { Key } from 'aws-cdk-lib/aws-kms';
import type { DynamoEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { type LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { GuardSettings, Settings } from '../../lambda/config/settings';
import { DEVICE_FARM_REGION } from '../../lambda/core/regions';
import { CHANGE_AND_DEADLINE_JOB_FILTER_PATTERN, CHANGE_EVENT_FILTER_PATTERN } from '../../lambda/record/stream-filter';
import { ACTIVE_INDEX } from '../../lambda/record/table-schema';
import { deployTimeProjectIds, deviceFarmArn } from './device-farm-arns';
import { type HistoryTable, OUTBOX_ACTIONS, RECORDER_ACTIONS } from './history-table';
import { acknowledgeKeyActionFamilies } from './key-grants';
import { consumeTableStream } from './table-stream-consumer';
import { VigilFunction } from './vigil-function';

/** How often the reactors look at running sessions and sweep their outbox queue, in minutes. */
const CHECK_MINUTES = 1;

/**
 * Whether the stack deploys the reactors: Device Farm is watched (budgets,
 * the guard, stuck runs, reminders), or Deadline Cloud is and its jobs'
 * stuck detection or reminders are on.
 */
export function reactorsNeeded(settings: Settings): boolean {
  if (settings.deviceFarm.enabled) return true;
  return settings.deadline.enabled && (settings.rules.stuckMinutes.deadline > 0 || settings.reminders.deadlineJobs);
}

/**
 * Whether the guard may stop sessions: only when the config asks for
 * automatic stops for real (autoStop without dryRun). Otherwise it only
 * warns and alerts, and its role gets no Device Farm write action at all.
 */
export function guardMayStop(guard: Pick<GuardSettings, 'autoStop' | 'dryRun'>): boolean {
  return guard.autoStop && !guard.dryRun;
}

export interface ReactorsProps {
  /** Whose stream the reactors follow, where they find running sessions and write budget and guard events. */
  readonly history: HistoryTable;
  /**
   * Passed to the function as VIGIL_SETTINGS: `settings.budgets` are the
   * budgets counted, `settings.guard` decides whether sessions may be
   * stopped, `settings.deviceFarm.projects` whose sessions the guard may act on.
   */
  readonly settings: Settings;
  /**
   * How long the function's logs are kept.
   * @default RetentionDays.ONE_MONTH
   */
  readonly logRetention?: RetentionDays;
}

/**
 * The reactors, one function and one stream reader: DynamoDB Streams
 * serves at most two simultaneous readers per shard, and the notifier is
 * the other. For each Device Farm change (remote access sessions, and
 * anything that adds minutes) it runs the budget accountant, then the
 * session guard (lambda/react/reactor.ts); each writes what it derives
 * (threshold, forecast and guard events) in the same transaction as its
 * ledger. A change whose handling fails is retried from the outbox with
 * backoff, never blocking the ones behind it; the notifier is a separate
 * consumer, so a failing guard never delays a notification.
 *
 * Two triggers: the table's stream, and a schedule every minute, which
 * sweeps the outbox for changes the stream path never handled and decides
 * on the present: the guard looks at every session that can still run (a
 * session passes its limit while nothing about it changes), the stuck
 * detector at everything still waiting, the reminders at what persists.
 * Budget usage goes out as EMF metrics, so the function needs no
 * CloudWatch permission. Deployed with Device Farm on, or with Deadline
 * Cloud on and stuck detection or a reminder of its jobs on.
 */
export class Reactors extends Construct {
  readonly function: NodejsFunction;
  readonly logGroup: LogGroup;
  /** Invokes the scheduled pass every minute. */
  readonly schedule: Rule;
  /** Receives a description (not the records) of stream batches that failed every retry. */
  readonly onFailureQueue: Queue;
  readonly onFailureQueueKey: Key;
  readonly eventSource: DynamoEventSource;
  /** Whether the role may call devicefarm:StopRemoteAccessSession. */
  readonly mayStop: boolean;
  /**
   * The guard's Device Farm permissions (GetRemoteAccessSession, and
   * StopRemoteAccessSession when {@link mayStop}); absent when the
   * configured projects can have no remote access session.
   */
  readonly deviceFarmSessions?: Policy;

  constructor(scope: Construct, id: string, props: ReactorsProps) {
    super(scope, id);
    this.mayStop = guardMayStop(props.settings.guard);

    const fn = new VigilFunction(this, 'Function', {
      handlerFile: 'react.ts',
      description:
        'Vigil: budgets, the session guard, stuck work and reminders, from recorded changes and the present state',
      memorySize: 256,
      // Under the schedule period, so two scheduled passes never overlap.
      timeout: Duration.seconds(50),
      environment: {
        TABLE_NAME: props.history.table.tableName,
        VIGIL_SETTINGS: JSON.stringify(props.settings),
      },
      logRetention: props.logRetention ?? RetentionDays.ONE_MONTH,
      // Scheduled (asynchronous) invocations are not retried; stream batches retry through their mapping.
      retryAttempts: 0,
    });
    this.function = fn.function;
    this.logGroup = fn.logGroup;

    // Budget totals, guard actions and their events are written in one
    // transaction each; handled outbox entries are removed.
    props.history.grantItems(fn.role, [...RECORDER_ACTIONS, ...OUTBOX_ACTIONS]);
    // The scheduled pass finds running sessions through the sparse `active`
    // index (latest items of resources that can still change); nothing else
    // on any index.
    props.history.grantIndexQuery(fn.role, ACTIVE_INDEX.name);

    const stream = consumeTableStream(this, {
      fn,
      history: props.history,
      // Deadline jobs' changes only for their reminders: otherwise every job change would invoke the reactors for nothing.
      filterPattern: props.settings.reminders.deadlineJobs
        ? CHANGE_AND_DEADLINE_JOB_FILTER_PATTERN
        : CHANGE_EVENT_FILTER_PATTERN,
      consumer: 'reactors',
    });
    this.onFailureQueue = stream.onFailureQueue;
    this.onFailureQueueKey = stream.onFailureQueueKey;
    this.eventSource = stream.eventSource;
    acknowledgeKeyActionFamilies(
      fn.defaultPolicy(),
      'DynamoDB write and SQS send',
      "the history table's key or the on-failure queue's key",
    );

    this.deviceFarmSessions = props.settings.deviceFarm.enabled
      ? this.grantSessions(fn, props.settings.deviceFarm.projects)
      : undefined;

    this.schedule = new Rule(this, 'Schedule', {
      description: `Vigil: guard sessions, report stuck work, send reminders and sweep the reactors' outbox every ${CHECK_MINUTES} minute`,
      schedule: Schedule.rate(Duration.minutes(CHECK_MINUTES)),
      targets: [new LambdaFunction(this.function, { retryAttempts: 0 })],
    });
  }

  /**
   * GetRemoteAccessSession (to confirm a session still runs right before
   * acting), plus StopRemoteAccessSession only when the guard may stop
   * (least privilege: a guard that only warns cannot end anyone's session).
   * Both are authorised on the `session` resource type (Service
   * Authorization Reference, "Actions, resources, and condition keys for AWS
   * Device Farm"), `arn:…:devicefarm:us-west-2:<account>:session:<project ID>/<session ID>/…`,
   * so they are limited to the followed projects when all are given by ARN.
   */
  private grantSessions(fn: VigilFunction, projects: readonly string[]): Policy | undefined {
    const projectIds = deployTimeProjectIds(projects);
    // Only test grid projects are followed: there is no remote access session to read or stop.
    if (projectIds?.length === 0) return undefined;
    const sessionPatterns = projectIds?.map((projectId) => `${projectId}/*`) ?? ['*'];
    const actions = [
      'devicefarm:GetRemoteAccessSession',
      ...(this.mayStop ? ['devicefarm:StopRemoteAccessSession'] : []),
    ];

    // Its own policy, so the acknowledgements below cover these statements only.
    const policy = new Policy(this, 'DeviceFarmSessions', {
      roles: [fn.role],
      statements: [
        new PolicyStatement({
          actions,
          resources: sessionPatterns.map((pattern) => deviceFarmArn('session', pattern)),
        }),
      ],
    });
    // No invocation may run before the guard can read (and stop) sessions.
    this.function.node.addDependency(policy);

    const whose =
      projectIds === undefined
        ? 'any project of this account (the config lists no project, or one by name, which has no ARN at deploy time)'
        : `project ${projectIds.join(', ')} (the projects the config lists by ARN)`;
    for (const pattern of sessionPatterns) {
      Validations.of(policy).acknowledge({
        id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:devicefarm:${DEVICE_FARM_REGION}:<AWS::AccountId>:session:${pattern}]`,
        reason: `${actions.join(' and ')} on remote access sessions of ${whose} in ${DEVICE_FARM_REGION}: sessions start after deployment, so their IDs are not known at deploy time, and ${
          this.mayStop
            ? 'the guard stops whichever session overruns its limit (guard.autoStop on, dryRun off)'
            : 'the read is only to check a session before warning about it (no stop: guard.autoStop is off or dryRun is on)'
        }.`,
      });
    }
    return policy;
  }
}
