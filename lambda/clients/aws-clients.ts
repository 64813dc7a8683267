/**
 * AWS SDK clients, built once per container (or CLI process) and injected.
 * Endpoints, region and credentials come from the standard AWS settings
 * (AWS_ENDPOINT_URL_<SERVICE>, AWS_REGION, ...), so the same code talks to
 * AWS or to DynamoDB Local and the emulators. Device Farm is pinned to
 * us-west-2 whatever the region, because its API exists nowhere else.
 */
import { DeviceFarmClient } from '@aws-sdk/client-device-farm';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SNSClient } from '@aws-sdk/client-sns';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Tally } from '../core/tally';
import { DEVICE_FARM_REGION } from '../observe/device-farm/region';
import { countCalls } from './call-counter';

/**
 * Attempts per call. Adaptive mode adds client-side rate limiting that
 * slows down when the service throttles (Device Farm's per-account token bucket).
 */
const MAX_ATTEMPTS = 6;

export function createDeviceFarmClient(tally?: Tally): DeviceFarmClient {
  const client = new DeviceFarmClient({ region: DEVICE_FARM_REGION, retryMode: 'adaptive', maxAttempts: MAX_ATTEMPTS });
  if (tally !== undefined) countCalls(client, tally, 'devicefarm');
  return client;
}

export function createDynamoClient(tally?: Tally): DynamoDBClient {
  const client = new DynamoDBClient({ retryMode: 'adaptive', maxAttempts: MAX_ATTEMPTS });
  if (tally !== undefined) countCalls(client, tally, 'dynamodb');
  return client;
}

/** The document client: plain JS values in and out; undefined properties are dropped. */
export function createDocumentClient(dynamo: DynamoDBClient): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(dynamo, {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
  });
}

export function createSnsClient(tally?: Tally): SNSClient {
  const client = new SNSClient({ retryMode: 'standard', maxAttempts: 4 });
  if (tally !== undefined) countCalls(client, tally, 'sns');
  return client;
}
