import { Aws } from 'aws-cdk-lib';
import { DEVICE_FARM_REGION } from '../../lambda/core/regions';

/**
 * A Device Farm ARN pattern of this account: `resource` (default `*`) of
 * `resourceType`. Device Farm's API exists only in us-west-2 (and only in
 * the `aws` partition), whatever region the stack is in.
 */
export function deviceFarmArn(resourceType: string, resource = '*'): string {
  return `arn:${Aws.PARTITION}:devicefarm:${DEVICE_FARM_REGION}:${Aws.ACCOUNT_ID}:${resourceType}:${resource}`;
}

/** A Device Farm ARN from the config: its resource type and ID. */
const CONFIGURED_ARN = /^arn:[a-z-]+:devicefarm:[a-z0-9-]*:\d*:(project|testgrid-project):([^:/]+)$/;

/**
 * The mobile projects (their IDs) whose remote access sessions Vigil can be
 * limited to at deploy time: the configured projects, when every one is
 * given by ARN. A project given by name has an ID only Device Farm knows
 * (the poller resolves names at run time), so a single name in the list,
 * or an empty list, means every project (undefined). Test grid projects
 * given by ARN have no remote access sessions and add no ID, so a list of
 * test grid projects only gives an empty list: no session is followed.
 */
export function deployTimeProjectIds(projects: readonly string[]): readonly string[] | undefined {
  if (projects.length === 0) return undefined;
  const ids: string[] = [];
  for (const project of projects) {
    const match = CONFIGURED_ARN.exec(project.trim());
    if (match === null) return undefined;
    const [, type, id] = match;
    if (type === 'project' && id !== undefined && !ids.includes(id)) ids.push(id);
  }
  return ids;
}
