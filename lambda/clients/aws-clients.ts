/**
 * AWS SDK clients, built once per container (or CLI process) and injected.
 * Endpoints, region and credentials come from the standard AWS settings
 * (AWS_ENDPOINT_URL_<SERVICE>, AWS_REGION, ...), so the same code talks to
 * AWS or to DynamoDB Local and the emulators. Device Farm is pinned to
 * us-west-2 whatever the region, because its API exists nowhere else.
 */
import { DeadlineClient } from '@aws-sdk/client-deadline';
import { DeviceFarmClient } from '@aws-sdk/client-device-farm';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { SNSClient } from '@aws-sdk/client-sns';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DEVICE_FARM_REGION } from '../core/regions';
import type { Tally } from '../core/tally';
import { countCalls } from './call-counter';
import { httpOptions } from './http-options';

export { httpOptions } from './http-options';

/**
 * Attempts per call. Adaptive mode adds client-side rate limiting that
 * slows down when the service throttles (Device Farm's per-account token bucket).
 */
const MAX_ATTEMPTS = 6;

export function createDeviceFarmClient(tally?: Tally): DeviceFarmClient {
  const client = new DeviceFarmClient({
    region: DEVICE_FARM_REGION,
    retryMode: 'adaptive',
    maxAttempts: MAX_ATTEMPTS,
    ...httpOptions(),
  });
  if (tally !== undefined) countCalls(client, tally, 'devicefarm');
  return client;
}

/**
 * Deadline Cloud, in `region` (default: the standard AWS region setting).
 * Its API is served at `management.deadline.<region>`: the SDK adds that
 * host prefix, which must be turned off when AWS_ENDPOINT_URL_DEADLINE names
 * an emulator, or calls would go to `management.127.0.0.1`.
 */
export function createDeadlineClient(region?: string, tally?: Tally, env: NodeJS.ProcessEnv = process.env) {
  const client = new DeadlineClient({
    ...(region === undefined ? {} : { region }),
    retryMode: 'adaptive',
    maxAttempts: MAX_ATTEMPTS,
    disableHostPrefix: env.AWS_ENDPOINT_URL_DEADLINE !== undefined || env.AWS_ENDPOINT_URL !== undefined,
    ...httpOptions(env),
  });
  if (tally !== undefined) countCalls(client, tally, 'deadline');
  return client;
}

/** Who the credentials belong to: the account (for Deadline ARNs) and the caller's ARN (to say who acted). */
export async function callerIdentity(tally?: Tally): Promise<{ account: string; arn: string }> {
  const client = new STSClient({ ...httpOptions() });
  if (tally !== undefined) countCalls(client, tally, 'sts');
  const identity = await client.send(new GetCallerIdentityCommand({}));
  if (identity.Account === undefined) throw new Error('STS GetCallerIdentity returned no account');
  return { account: identity.Account, arn: identity.Arn ?? identity.Account };
}

/** The account the credentials belong to (the CLI needs it to build Deadline ARNs; Lambdas get ACCOUNT_ID). */
export async function callerAccount(tally?: Tally): Promise<string> {
  return (await callerIdentity(tally)).account;
}

export function createDynamoClient(tally?: Tally): DynamoDBClient {
  const client = new DynamoDBClient({ retryMode: 'adaptive', maxAttempts: MAX_ATTEMPTS, ...httpOptions() });
  if (tally !== undefined) countCalls(client, tally, 'dynamodb');
  return client;
}

/** The document client: plain JS values in and out; undefined properties are dropped. */
export function createDocumentClient(dynamo: DynamoDBClient): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(dynamo, {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
  });
}

/**
 * DynamoDB Streams (the CLI follows the table's stream itself). It lives at
 * DynamoDB's endpoint unless told otherwise: DynamoDB Local serves both.
 */
export function createStreamsClient(tally?: Tally, env: NodeJS.ProcessEnv = process.env): DynamoDBStreamsClient {
  const endpoint = env.AWS_ENDPOINT_URL_DYNAMODB_STREAMS ?? env.AWS_ENDPOINT_URL_DYNAMODB;
  const client = new DynamoDBStreamsClient({
    ...(endpoint === undefined ? {} : { endpoint }),
    retryMode: 'adaptive',
    maxAttempts: MAX_ATTEMPTS,
    ...httpOptions(env),
  });
  if (tally !== undefined) countCalls(client, tally, 'streams');
  return client;
}

export function createSnsClient(tally?: Tally): SNSClient {
  const client = new SNSClient({ retryMode: 'standard', maxAttempts: 4, ...httpOptions() });
  if (tally !== undefined) countCalls(client, tally, 'sns');
  return client;
}
