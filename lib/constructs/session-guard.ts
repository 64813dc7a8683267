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
import type { GuardSettings, Settings } from '../../lambda/core/settings';
import { DEVICE_FARM_REGION } from '../../lambda/observe/device-farm/region';
import { SESSION_CHANGE_FILTER_PATTERN } from '../../lambda/record/stream-filter';
import { ACTIVE_INDEX } from '../../lambda/record/table-schema';
import { deployTimeProjectIds, deviceFarmArn } from './device-farm-arns';
import { type HistoryTable, RECORDER_ACTIONS } from './history-table';
import { acknowledgeKeyActionFamilies } from './key-grants';
import { consumeTableStream } from './table-stream-consumer';
import { VigilFunction } from './vigil-function';

/** How often the guard looks at running sessions when no change arrives, in minutes. */
const CHECK_MINUTES = 1;

/**
 * Whether the guard may stop sessions: only when the config asks for
 * automatic stops for real (autoStop without dryRun). Otherwise it only
 * warns and alerts, and its role gets no Device Farm write action at all.
 */
export function guardMayStop(guard: Pick<GuardSettings, 'autoStop' | 'dryRun'>): boolean {
  return guard.autoStop && !guard.dryRun;
}

export interface SessionGuardProps {
  /** Whose stream the guard follows, where it finds running sessions and writes guard events. */
  readonly history: HistoryTable;
  /**
   * Passed to the function as VIGIL_SETTINGS; `settings.guard` decides
   * whether it may stop sessions, `settings.deviceFarm.projects` which
   * projects' sessions it may act on.
   */
  readonly settings: Settings;
  /**
   * How long the function's logs are kept.
   * @default RetentionDays.ONE_MONTH
   */
  readonly logRetention?: RetentionDays;
}

/**
 * The session guard: watches remote access sessions and warns when one
 * nears its limit (the configured one, or Device Farm's 150-minute hard
 * stop when none is configured), alerts when it passes it, and, with
 * `guard.autoStop` (and not `guard.dryRun`), stops it with
 * StopRemoteAccessSession. Each action is written as a guard event in the
 * same transaction that records it was taken.
 *
 * Two triggers: session change events from the table's stream (the same
 * batching, retries and on-failure queue as the other reactors), and a
 * schedule every minute, because a session runs past its limit while
 * nothing about it changes. A failed scheduled check is not retried: the
 * next one a minute later looks again.
 */
export class SessionGuard extends Construct {
  readonly function: NodejsFunction;
  readonly logGroup: LogGroup;
  /** Invokes the guard every minute. */
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

  constructor(scope: Construct, id: string, props: SessionGuardProps) {
    super(scope, id);
    this.mayStop = guardMayStop(props.settings.guard);

    const fn = new VigilFunction(this, 'Function', {
      handlerFile: 'guard-sessions.ts',
      description: 'Vigil: warns about, and optionally stops, Device Farm remote access sessions that overrun',
      memorySize: 256,
      // Under the schedule period, so two scheduled checks never overlap.
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

    // A guard event is written in one transaction (TransactWriteItems) with
    // the record of what was done, authorised by the actions it contains.
    props.history.grantItems(fn.role, RECORDER_ACTIONS);
    // The scheduled check finds running sessions through the sparse `active`
    // index (latest items of resources that can still change); nothing else
    // on any index.
    props.history.grantIndexQuery(fn.role, ACTIVE_INDEX.name);

    const stream = consumeTableStream(this, {
      fn,
      history: props.history,
      filterPattern: SESSION_CHANGE_FILTER_PATTERN,
      consumer: 'session guard',
    });
    this.onFailureQueue = stream.onFailureQueue;
    this.onFailureQueueKey = stream.onFailureQueueKey;
    this.eventSource = stream.eventSource;
    acknowledgeKeyActionFamilies(
      fn.defaultPolicy(),
      'DynamoDB write and SQS send',
      "the history table's key or the on-failure queue's key",
    );

    this.deviceFarmSessions = this.grantSessions(fn, props.settings.deviceFarm.projects);

    this.schedule = new Rule(this, 'Schedule', {
      description: `Vigil: check running remote access sessions every ${CHECK_MINUTES} minute`,
      schedule: Schedule.rate(Duration.minutes(CHECK_MINUTES)),
      targets: [new LambdaFunction(this.function, { retryAttempts: 0 })],
    });
  }

  /**
   * GetRemoteAccessSession (to read a session's state right before acting),
   * plus StopRemoteAccessSession only when the guard may stop (least
   * privilege: a guard that only warns cannot end anyone's session). Both
   * are authorised on the `session` resource type (Service Authorization
   * Reference, "Actions, resources, and condition keys for AWS Device
   * Farm"), `arn:…:devicefarm:us-west-2:<account>:session:<project ID>/<session ID>/…`,
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
