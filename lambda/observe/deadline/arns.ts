/**
 * Identities of Deadline Cloud resources. Jobs have real ARNs
 * (`arn:aws:deadline:<region>:<account>:farm/<farm>/queue/<queue>/job/<job>`);
 * sessions have none, so Vigil names one by its job's ARN plus
 * `/session/<id>`. Events and polls build the same identity from the same IDs,
 * which is what lets a transition seen both ways be recorded once.
 */

/** Where Deadline resources live: the IDs and names an ARN and a message need. */
export interface DeadlineLocation {
  readonly region: string;
  readonly accountId: string;
}

/** The partition a region belongs to. */
export function partitionOf(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  return 'aws';
}

export function farmArn(at: DeadlineLocation, farmId: string): string {
  return `arn:${partitionOf(at.region)}:deadline:${at.region}:${at.accountId}:farm/${farmId}`;
}

export function queueArn(at: DeadlineLocation, farmId: string, queueId: string): string {
  return `${farmArn(at, farmId)}/queue/${queueId}`;
}

export function jobArn(at: DeadlineLocation, farmId: string, queueId: string, jobId: string): string {
  return `${queueArn(at, farmId, queueId)}/job/${jobId}`;
}

/** Vigil's identity for a session (sessions have no ARN of their own). */
export function sessionKey(job: string, sessionId: string): string {
  return `${job}/session/${sessionId}`;
}

/** The IDs in a Deadline job ARN, or undefined when it is not one. */
export function parseJobArn(arn: string): { farmId: string; queueId: string; jobId: string } | undefined {
  const match = /^arn:[^:]+:deadline:[^:]*:\d*:farm\/([^/]+)\/queue\/([^/]+)\/job\/([^/]+)$/.exec(arn);
  if (match === null) return undefined;
  const [, farmId, queueId, jobId] = match as unknown as [string, string, string, string];
  return { farmId, queueId, jobId };
}

/** The IDs in a session key. */
export function parseSessionKey(
  key: string,
): { farmId: string; queueId: string; jobId: string; sessionId: string } | undefined {
  const at = key.lastIndexOf('/session/');
  if (at < 0) return undefined;
  const job = parseJobArn(key.slice(0, at));
  return job === undefined ? undefined : { ...job, sessionId: key.slice(at + '/session/'.length) };
}
