/**
 * Jest globalSetup of the integration project: starts DynamoDB Local, fauxqs and a
 * strict SNS in front of fauxqs once for all integration test files, and points every
 * SDK client at them through `AWS_ENDPOINT_URL_*` (workers are spawned afterwards and
 * inherit process.env). SNS goes through the strict proxy, so a subject or attribute
 * real SNS would refuse fails here too; SQS and STS talk to fauxqs directly.
 */
import { type LocalService, startDynamoDbLocal } from '../support/local/dynamodb-local';
import { startFauxqs } from '../support/local/fauxqs';
import { startStrictSns } from '../support/local/strict-sns';

/** Handles kept for global-teardown (jest runs both in the same process and global scope). */
export interface LocalServices {
  dynamoDb: LocalService;
  fauxqs: LocalService;
  strictSns: LocalService;
}

const HANDLE = Symbol.for('vigil.integration.localServices');

/** Stores the running services on globalThis for {@link takeLocalServices}. */
export function keepLocalServices(services: LocalServices): void {
  (globalThis as Record<symbol, unknown>)[HANDLE] = services;
}

/** Removes and returns the services stored by global setup, if any. */
export function takeLocalServices(): LocalServices | undefined {
  const store = globalThis as Record<symbol, unknown>;
  const services = store[HANDLE] as LocalServices | undefined;
  delete store[HANDLE];
  return services;
}

/** Starts both services and exports their endpoints and local credentials. */
export default async function globalSetup(): Promise<void> {
  // Node 20 is supported by the pinned SDK; its "node >=22 from 2027" notice is noise in
  // test output. Set first: the readiness probe below is the first SDK client created.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  const [dynamoDb, fauxqs] = await Promise.allSettled([startDynamoDbLocal(), startFauxqs()]);
  if (dynamoDb.status === 'rejected' || fauxqs.status === 'rejected') {
    // Do not leak the one that did start: teardown is not run when setup throws.
    await Promise.all(
      [dynamoDb, fauxqs].map((result) => (result.status === 'fulfilled' ? result.value.stop() : undefined)),
    );
    const failure = dynamoDb.status === 'rejected' ? dynamoDb.reason : (fauxqs as PromiseRejectedResult).reason;
    throw failure instanceof Error ? failure : new Error(String(failure));
  }
  const strictSns = await startStrictSns({ upstream: fauxqs.value.endpoint }).catch(async (error: unknown) => {
    await Promise.all([dynamoDb.value.stop(), fauxqs.value.stop()]);
    throw error;
  });
  keepLocalServices({ dynamoDb: dynamoDb.value, fauxqs: fauxqs.value, strictSns });

  process.env.AWS_ENDPOINT_URL_DYNAMODB = dynamoDb.value.endpoint;
  process.env.AWS_ENDPOINT_URL_DYNAMODB_STREAMS = dynamoDb.value.endpoint;
  process.env.AWS_ENDPOINT_URL_SNS = strictSns.endpoint;
  process.env.AWS_ENDPOINT_URL_SQS = fauxqs.value.endpoint;
  // For tests that start their own strict SNS with extra faults in front of the same fauxqs.
  process.env.VIGIL_FAUXQS_ENDPOINT = fauxqs.value.endpoint;
  // fauxqs also answers STS GetCallerIdentity (the CLI asks who is acting, and for the Deadline account).
  process.env.AWS_ENDPOINT_URL_STS = fauxqs.value.endpoint;
  // fauxqs serves S3 too: the report bucket of the digest.
  process.env.AWS_ENDPOINT_URL_S3 = fauxqs.value.endpoint;
  process.env.AWS_REGION = 'us-east-1';
  process.env.AWS_ACCESS_KEY_ID = 'local';
  process.env.AWS_SECRET_ACCESS_KEY = 'local';
}
