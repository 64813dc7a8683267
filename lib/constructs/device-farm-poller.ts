import { Validations } from 'aws-cdk-lib';
import type { Rule } from 'aws-cdk-lib/aws-events';
import { Policy, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { type LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { Settings } from '../../lambda/config/settings';
import { DEVICE_FARM_REGION } from '../../lambda/core/regions';
import { deviceFarmArn } from './device-farm-arns';
import { type HistoryTable, RECORDER_ACTIONS } from './history-table';
import { acknowledgeKeyActionFamilies } from './key-grants';
import { pollerTimeout, pollSchedule } from './poll-schedule';
import { VigilFunction } from './vigil-function';

/**
 * Device Farm read permissions, by the resource type each action is
 * authorised against (Service Authorization Reference, "Actions, resources,
 * and condition keys for AWS Device Farm"). ListProjects and
 * ListTestGridProjects support no resource type, so they need `*`.
 */
const DEVICE_FARM_PERMISSIONS: ReadonlyArray<{
  readonly actions: readonly string[];
  readonly resourceTypes: readonly string[];
}> = [
  { actions: ['devicefarm:ListRuns', 'devicefarm:ListRemoteAccessSessions'], resourceTypes: ['project'] },
  { actions: ['devicefarm:GetRun', 'devicefarm:ListJobs', 'devicefarm:ListUniqueProblems'], resourceTypes: ['run'] },
  { actions: ['devicefarm:GetRemoteAccessSession'], resourceTypes: ['session'] },
  { actions: ['devicefarm:ListTestGridSessions'], resourceTypes: ['testgrid-project'] },
  { actions: ['devicefarm:GetTestGridSession'], resourceTypes: ['testgrid-project', 'testgrid-session'] },
];
const DEVICE_FARM_ACCOUNT_WIDE_ACTIONS = ['devicefarm:ListProjects', 'devicefarm:ListTestGridProjects'];

export interface DeviceFarmPollerProps {
  /** Where observations are recorded. */
  readonly history: HistoryTable;
  /** Passed to the function as VIGIL_SETTINGS. */
  readonly settings: Settings;
  /**
   * Minutes between polls (1 to 60).
   * @default 1
   */
  readonly pollMinutes?: number;
  /**
   * How long the function's logs are kept.
   * @default RetentionDays.ONE_MONTH
   */
  readonly logRetention?: RetentionDays;
}

/**
 * The Device Farm poller: an EventBridge schedule invokes a function that
 * lists runs, jobs, remote access sessions and test grid sessions in
 * us-west-2 and records changes in the history table. A failed poll is not
 * retried: the next scheduled poll reads the same state again.
 */
export class DeviceFarmPoller extends Construct {
  readonly function: NodejsFunction;
  readonly logGroup: LogGroup;
  readonly schedule: Rule;

  constructor(scope: Construct, id: string, props: DeviceFarmPollerProps) {
    super(scope, id);
    const pollMinutes = props.pollMinutes ?? 1;

    const fn = new VigilFunction(this, 'Function', {
      handlerFile: 'poll-device-farm.ts',
      description: 'Vigil: polls AWS Device Farm (us-west-2) and records changes',
      memorySize: 512,
      timeout: pollerTimeout(pollMinutes),
      environment: {
        TABLE_NAME: props.history.table.tableName,
        VIGIL_SETTINGS: JSON.stringify(props.settings),
      },
      logRetention: props.logRetention ?? RetentionDays.ONE_MONTH,
      retryAttempts: 0,
    });
    this.function = fn.function;
    this.logGroup = fn.logGroup;

    props.history.grantItems(fn.role, RECORDER_ACTIONS, { indexes: true });

    // Its own policy, so the acknowledgements below cover these statements only.
    const deviceFarmRead = new Policy(this, 'DeviceFarmRead', {
      roles: [fn.role],
      statements: [
        new PolicyStatement({ actions: DEVICE_FARM_ACCOUNT_WIDE_ACTIONS, resources: ['*'] }),
        ...DEVICE_FARM_PERMISSIONS.map(
          ({ actions, resourceTypes }) =>
            new PolicyStatement({ actions: [...actions], resources: resourceTypes.map((type) => deviceFarmArn(type)) }),
        ),
      ],
    });
    // The first scheduled poll must not run before the policy is attached.
    this.function.node.addDependency(deviceFarmRead);
    acknowledgeDeviceFarmWildcards(deviceFarmRead);
    acknowledgeKeyActionFamilies(fn.defaultPolicy(), 'DynamoDB write', "the history table's key");

    this.schedule = pollSchedule(this, 'Schedule', this.function, pollMinutes, 'Device Farm');
  }
}

/** cdk-nag AwsSolutions-IAM5 findings on the Device Farm policy, each with its reason. */
function acknowledgeDeviceFarmWildcards(policy: Policy): void {
  const validations = Validations.of(policy);
  validations.acknowledge({
    id: 'AwsSolutions-IAM5[Resource::*]',
    reason:
      'devicefarm:ListProjects and devicefarm:ListTestGridProjects support no resource type (Service Authorization Reference), so IAM only accepts "*"; both are read-only listings.',
  });
  const resourceTypes = new Set(DEVICE_FARM_PERMISSIONS.flatMap((permission) => permission.resourceTypes));
  for (const resourceType of resourceTypes) {
    validations.acknowledge({
      id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:devicefarm:${DEVICE_FARM_REGION}:<AWS::AccountId>:${resourceType}:*]`,
      reason: `Read-only Device Farm actions on ${resourceType} resources of this account in ${DEVICE_FARM_REGION}: the poller follows every ${resourceType} the account creates, whose IDs are not known at deploy time.`,
    });
  }
}
