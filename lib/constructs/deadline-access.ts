import { Aws, Validations } from 'aws-cdk-lib';
import { type IRole, Policy, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';
import type { DeadlineSettings } from '../../lambda/config/settings';

/** A Deadline Cloud farm ID (API pattern `farm-[0-9a-f]{32}`). */
const FARM_ID = /^farm-[0-9a-f]{32}$/;

/**
 * The farms Vigil can be limited to at deploy time: the configured farms
 * when every one is an ID. A farm given by name has an ID only Deadline
 * knows (the handlers resolve names at run time), so a single name in the
 * list, or an empty list, means every farm.
 */
export function deployTimeFarmIds(farms: readonly string[]): readonly string[] | undefined {
  return farms.length > 0 && farms.every((farm) => FARM_ID.test(farm)) ? [...farms] : undefined;
}

/** Where the Deadline functions call Deadline Cloud: the configured region, else the stack's. */
export function deadlineRegion(deadline: Pick<DeadlineSettings, 'region'>): string {
  return deadline.region ?? Aws.REGION;
}

/**
 * The variables both Deadline functions read besides TABLE_NAME and
 * VIGIL_SETTINGS: the account (the handlers build job ARNs with it) and the
 * region Deadline runs in.
 */
export function deadlineEnvironment(deadline: Pick<DeadlineSettings, 'region'>): Record<string, string> {
  return { ACCOUNT_ID: Aws.ACCOUNT_ID, DEADLINE_REGION: deadlineRegion(deadline) };
}

/** The Deadline Cloud read actions Vigil's functions may be granted. */
export type DeadlineReadAction =
  | 'deadline:ListFarms'
  | 'deadline:GetFarm'
  | 'deadline:ListQueues'
  | 'deadline:GetQueue'
  | 'deadline:ListJobs'
  | 'deadline:GetJob'
  | 'deadline:ListSessions'
  | 'deadline:GetSession';

type ResourceType = 'farm' | 'queue' | 'job';

/**
 * The resource type each action is authorised against (Service
 * Authorization Reference, "Actions, resources, and condition keys for AWS
 * Deadline Cloud"). Each requires one, so none needs `*`; sessions have no
 * resource type of their own and are authorised on their job. (Earlier
 * revisions of that page listed no resource type for ListFarms; if a poll
 * ever fails with AccessDenied on ListFarms, that is the place to look.)
 */
const RESOURCE_TYPE: Readonly<Record<DeadlineReadAction, ResourceType>> = {
  'deadline:ListFarms': 'farm',
  'deadline:GetFarm': 'farm',
  'deadline:ListQueues': 'queue',
  'deadline:GetQueue': 'queue',
  'deadline:ListJobs': 'job',
  'deadline:GetJob': 'job',
  'deadline:ListSessions': 'job',
  'deadline:GetSession': 'job',
};

/** Why each resource type is granted with a wildcard: what is unknown at deploy time. */
const WILDCARD_REASON: Readonly<Record<ResourceType, string>> = {
  farm: 'deadline:ListFarms names no farm in its request, so it is authorised on the farm pattern, never on one farm',
  queue: 'queues are created after deployment, so their IDs are not known at deploy time',
  job: 'jobs are submitted after deployment (sessions are authorised on their job), so their IDs are not known at deploy time',
};

/** Why every farm is allowed when the config does not list farm IDs only. */
const UNSCOPED_REASON =
  'the config lists no farm, or a farm by name, which has no ARN at deploy time, so every farm may be followed (the handlers filter names at run time)';

export interface DeadlineReadPolicyProps {
  /** The role of the function that calls Deadline Cloud. */
  readonly role: IRole;
  /** The Deadline actions the function calls. */
  readonly actions: readonly DeadlineReadAction[];
  /** The function's Deadline settings: the region, and the farms it follows. */
  readonly deadline: Pick<DeadlineSettings, 'region' | 'farms'>;
}

/**
 * Read access to Deadline Cloud for one function, in its own policy so the
 * cdk-nag acknowledgements cover these statements only: every action on
 * resource ARNs of this account in the Deadline region, limited to the
 * configured farms when they are all given by ID (farm names cannot be
 * turned into ARNs at deploy time, so names leave every farm allowed and
 * the handlers filter at run time).
 */
export class DeadlineReadPolicy extends Policy {
  constructor(scope: Construct, id: string, props: DeadlineReadPolicyProps) {
    super(scope, id, { roles: [props.role] });
    const region = deadlineRegion(props.deadline);
    const farmIds = deployTimeFarmIds(props.deadline.farms);
    const farms = farmIds ?? ['*'];

    const patternsOf = (action: DeadlineReadAction): string[] => {
      const type = RESOURCE_TYPE[action];
      // ListFarms lists the account's farms: its request names no farm.
      return action === 'deadline:ListFarms' ? [pattern('*', type)] : farms.map((farm) => pattern(farm, type));
    };

    // One statement per distinct resource list, in the order the actions are given.
    const groups = new Map<string, { type: ResourceType; actions: DeadlineReadAction[]; patterns: string[] }>();
    for (const action of props.actions) {
      const patterns = patternsOf(action);
      const group = groups.get(patterns.join(' ')) ?? { type: RESOURCE_TYPE[action], actions: [], patterns };
      group.actions.push(action);
      groups.set(patterns.join(' '), group);
    }
    for (const { actions, patterns } of groups.values()) {
      this.addStatements(
        new PolicyStatement({
          actions,
          resources: patterns.map(
            (resource) => `arn:${Aws.PARTITION}:deadline:${region}:${Aws.ACCOUNT_ID}:${resource}`,
          ),
        }),
      );
    }

    // cdk-nag AwsSolutions-IAM5, once per wildcard pattern, as cdk-nag prints it.
    const nagRegion = props.deadline.region ?? '<AWS::Region>';
    const validations = Validations.of(this);
    for (const { type, actions, patterns } of groups.values()) {
      const whose = type === 'farm' || farmIds === undefined ? 'this account' : `farm ${farmIds.join(', ')}`;
      const why = [WILDCARD_REASON[type], ...(farmIds === undefined ? [UNSCOPED_REASON] : [])].join('; ');
      for (const resource of patterns.filter((candidate) => candidate.includes('*'))) {
        validations.acknowledge({
          id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:deadline:${nagRegion}:<AWS::AccountId>:${resource}]`,
          reason: `Read-only ${actions.join(', ')} on ${type}s of ${whose} in the Deadline region only: ${why}.`,
        });
      }
    }
  }
}

/** The resource part of a Deadline ARN pattern (after `<account>:`). */
function pattern(farm: string, type: ResourceType): string {
  const farmPart = `farm/${farm}`;
  if (type === 'farm') return farmPart;
  if (type === 'queue') return `${farmPart}/queue/*`;
  return `${farmPart}/queue/*/job/*`;
}
