import { createHash } from 'node:crypto';

/** Device Farm is a single-region service: every real ARN names us-west-2. */
export const DEVICE_FARM_REGION = 'us-west-2';

const PREFIX = `arn:aws:devicefarm:${DEVICE_FARM_REGION}`;

/** Builds the real ARN formats of Device Farm resources for one account. */
export class ArnBuilder {
  constructor(private readonly accountId: string) {}

  /** `arn:aws:devicefarm:us-west-2:<acct>:project:<projectId>` */
  project(projectId: string): string {
    return `${PREFIX}:${this.accountId}:project:${projectId}`;
  }

  /** `arn:aws:devicefarm:us-west-2:<acct>:run:<projectId>/<runId>` */
  run(projectId: string, runId: string): string {
    return `${PREFIX}:${this.accountId}:run:${projectId}/${runId}`;
  }

  /** `arn:aws:devicefarm:us-west-2:<acct>:job:<projectId>/<runId>/<jobId>` */
  job(projectId: string, runId: string, jobId: string): string {
    return `${PREFIX}:${this.accountId}:job:${projectId}/${runId}/${jobId}`;
  }

  /** `arn:aws:devicefarm:us-west-2:<acct>:suite:<projectId>/<runId>/<jobId>/<suiteId>` */
  suite(projectId: string, runId: string, jobId: string, suiteId: string): string {
    return `${PREFIX}:${this.accountId}:suite:${projectId}/${runId}/${jobId}/${suiteId}`;
  }

  /** `arn:aws:devicefarm:us-west-2:<acct>:test:<projectId>/<runId>/<jobId>/<suiteId>/<testId>` */
  test(projectId: string, runId: string, jobId: string, suiteId: string, testId: string): string {
    return `${PREFIX}:${this.accountId}:test:${projectId}/${runId}/${jobId}/${suiteId}/${testId}`;
  }

  /** `arn:aws:devicefarm:us-west-2:<acct>:session:<projectId>/<sessionId>/00000` */
  remoteAccessSession(projectId: string, sessionId: string): string {
    return `${PREFIX}:${this.accountId}:session:${projectId}/${sessionId}/00000`;
  }

  /** `arn:aws:devicefarm:us-west-2:<acct>:testgrid-project:<id>` */
  testGridProject(projectId: string): string {
    return `${PREFIX}:${this.accountId}:testgrid-project:${projectId}`;
  }

  /** `arn:aws:devicefarm:us-west-2:<acct>:testgrid-session:<projectId>/<sessionId>` */
  testGridSession(projectId: string, sessionId: string): string {
    return `${PREFIX}:${this.accountId}:testgrid-session:${projectId}/${sessionId}`;
  }
}

/**
 * `arn:aws:devicefarm:us-west-2::device:<32 hex>`. Public devices have no account in
 * their ARN; the hex id is an MD5 of the name so it is stable across runs and scenarios.
 */
export function deviceArn(deviceName: string): string {
  const id = createHash('md5').update(deviceName).digest('hex').toUpperCase();
  return `${PREFIX}::device:${id}`;
}

/** True when `value` looks like a Device Farm ARN (any resource type). */
export function isDeviceFarmArn(value: unknown): value is string {
  return typeof value === 'string' && value.startsWith('arn:aws:devicefarm:');
}
