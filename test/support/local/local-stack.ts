/**
 * Every local service Vigil talks to, started together: DynamoDB Local,
 * fauxqs (SNS, SQS, STS) behind the strict SNS, and Vigil's Device Farm and
 * Deadline Cloud emulators playing the demo's scripted accounts. The demo
 * and `npm run local` use it; `env` is what points the CLI at it.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { CreateQueueCommand, GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { type DeadlineEmulator, startDeadlineEmulator } from '../../emulators/deadline';
import { deadlineDemoScenario } from '../../emulators/deadline/scenarios';
import { type DeviceFarmEmulator, startDeviceFarmEmulator } from '../../emulators/device-farm';
import { DEMO_STEP_SECONDS, DEMO_STEPS, demoScenario } from '../../emulators/device-farm/scenarios/demo';
import { startDynamoDbLocal } from './dynamodb-local';
import { startFauxqs } from './fauxqs';
import { startStrictSns } from './strict-sns';

/**
 * The demo's config: the embedded default (every project, default rules) with Deadline Cloud
 * turned on, a budget of metered device minutes, and a guard that stops qa-sandbox sessions at 9 minutes.
 */
export const DEMO_CONFIG = {
  deadline: { enabled: true, region: 'us-west-2' },
  budgets: [{ name: 'metered-minutes', meter: 'deviceMinutes.metered', limitMinutes: 50 }],
  guard: { autoStop: true, projects: { 'qa-sandbox': 9 } },
  // Runs reported STUCK after 17 minutes without a device (the default is 60: the demo's
  // timestamps span 20 minutes, and its clock stands at the last step, so ui-smoke, queued
  // just after step 0, has waited 19.5 minutes when step 1 is polled; nightly-android at most 15).
  rules: { stuckMinutes: { deviceFarm: 17 } },
} as const;

export interface LocalStack {
  /** The variables that point the CLI (and the SDK) at these services. */
  readonly env: Readonly<Record<string, string>>;
  /** A config file with {@link DEMO_CONFIG}. */
  readonly configPath: string;
  readonly topicArn: string;
  /** An SQS queue subscribed to the topic: what a subscriber receives. */
  readonly inbox: { readonly url: string; readonly sqs: SQSClient };
  readonly deviceFarm: DeviceFarmEmulator;
  readonly deadline: DeadlineEmulator;
  /** Moves both scripted accounts to `step` (0 to DEMO_STEPS - 1). */
  setStep(step: number): void;
  stop(): Promise<void>;
}

export async function startLocalStack(): Promise<LocalStack> {
  const [dynamo, fauxqs] = await Promise.all([startDynamoDbLocal(), startFauxqs()]);
  // The scripted clock reaches the present at the last step: every time the account reports is
  // recent and none is in the future when Vigil observes it.
  const startTime = new Date(Date.now() - (DEMO_STEPS - 1) * DEMO_STEP_SECONDS * 1000);
  const deviceFarm = await startDeviceFarmEmulator({ scenario: demoScenario(startTime) });
  const deadline = await startDeadlineEmulator({ scenario: deadlineDemoScenario(startTime) });
  // Vigil publishes through a proxy that refuses what real SNS refuses (fauxqs accepts any subject).
  const strictSns = await startStrictSns({ upstream: fauxqs.endpoint });
  const stop = async () => {
    await Promise.allSettled([strictSns.stop(), deviceFarm.stop(), deadline.stop(), fauxqs.stop(), dynamo.stop()]);
  };
  try {
    const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
    const region = 'us-east-1';
    const sns = new SNSClient({ endpoint: fauxqs.endpoint, region, credentials });
    const sqs = new SQSClient({ endpoint: fauxqs.endpoint, region, credentials, useQueueUrlAsEndpoint: false });
    const topicArn = (await sns.send(new CreateTopicCommand({ Name: 'vigil-demo' }))).TopicArn as string;
    const inbox = await sqs.send(new CreateQueueCommand({ QueueName: 'demo-inbox' }));
    const inboxUrl = inbox.QueueUrl as string;
    const inboxArn = (
      await sqs.send(new GetQueueAttributesCommand({ QueueUrl: inboxUrl, AttributeNames: ['QueueArn'] }))
    ).Attributes?.QueueArn as string;
    await sns.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: 'sqs', Endpoint: inboxArn }));
    const configPath = join(mkdtempSync(join(tmpdir(), 'vigil-local-')), 'vigil.config.json');
    writeFileSync(configPath, `${JSON.stringify(DEMO_CONFIG, null, 2)}\n`);
    return {
      env: {
        AWS_REGION: region,
        AWS_ACCESS_KEY_ID: credentials.accessKeyId,
        AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
        AWS_ENDPOINT_URL_DEVICE_FARM: deviceFarm.endpoint,
        AWS_ENDPOINT_URL_DEADLINE: deadline.endpoint,
        // The CLI asks STS for the account Deadline ARNs are built with; fauxqs answers it.
        AWS_ENDPOINT_URL_STS: fauxqs.endpoint,
        AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
        AWS_ENDPOINT_URL_SNS: strictSns.endpoint,
        VIGIL_TABLE: 'vigil-demo',
        VIGIL_TOPIC_ARN: topicArn,
      },
      configPath,
      topicArn,
      inbox: { url: inboxUrl, sqs },
      deviceFarm,
      deadline,
      setStep: (step) => {
        deviceFarm.setStep(step);
        deadline.setStep(step);
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
