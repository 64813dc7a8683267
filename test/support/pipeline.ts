/**
 * A Vigil pipeline wired exactly as the CLI wires it, for integration tests:
 * the real SDK clients (endpoints only through AWS_ENDPOINT_URL_*), DynamoDB
 * Local, fauxqs, and the project's Device Farm emulator. Each harness gets
 * its own table and topic, plus an SQS queue subscribed to the topic that
 * stands for "what a subscriber receives".
 */
import { randomUUID } from 'node:crypto';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { CreateTopicCommand, SubscribeCommand } from '@aws-sdk/client-sns';
import {
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { type DeliveryTotals, deliverFromStream, sumDelivery } from '../../lambda/cli/deliver-from-stream';
import { ensureTable } from '../../lambda/cli/ensure-table';
import { StreamFollower } from '../../lambda/cli/stream-follower';
import {
  createDeadlineClient,
  createDeviceFarmClient,
  createDocumentClient,
  createDynamoClient,
  createSnsClient,
} from '../../lambda/clients/aws-clients';
import { countCalls } from '../../lambda/clients/call-counter';
import { DEFAULT_SETTINGS, type Settings } from '../../lambda/config/settings';
import { silentLog } from '../../lambda/core/log';
import { Tally } from '../../lambda/core/tally';
import type { NotificationDocument } from '../../lambda/deliver/compose';
import { type NotifierDeps, sweepNotifications } from '../../lambda/deliver/notifier';
import { SnsPublisher } from '../../lambda/deliver/sns-publisher';
import { notifierDeps, reactorDeps, type TableAdapters, tableAdapters } from '../../lambda/engine/wiring';
import { type IngestOutcome, ingestDeadlineEvent } from '../../lambda/observe/deadline/ingest';
import { pollDeadline } from '../../lambda/observe/deadline/poll-cycle';
import { type CycleReport, pollDeviceFarm } from '../../lambda/observe/device-farm/poll-cycle';
import type { DynamoHistoryStore } from '../../lambda/record/dynamo-history-store';
import {
  DEFAULT_DEADLINE_ACCOUNT_ID,
  type DeadlineEmulator,
  type DeadlineScenario,
  startDeadlineEmulator,
} from '../emulators/deadline';
import {
  type DeviceFarmEmulator,
  type DeviceFarmEmulatorOptions,
  startDeviceFarmEmulator,
} from '../emulators/device-farm';

/** A message as an SQS subscriber of the topic receives it. */
export interface Received {
  readonly subject: string;
  /** The body SNS sends to SQS subscribers (the `sqs` key of the per-protocol message). */
  readonly document: NotificationDocument & { text: string };
  /** The body SNS sends to email subscribers (the `email` key). */
  readonly email: string;
  readonly attributes: Record<string, string>;
}

export interface Harness {
  readonly emulator: DeviceFarmEmulator;
  /** The Deadline emulator, when the harness plays a Deadline account. */
  readonly deadline?: DeadlineEmulator;
  /** Another reader of the table's stream from its start (as another consumer's event source mapping). */
  newFollower(): StreamFollower;
  /** A document client on the harness's DynamoDB (for the reactors' ledgers). */
  readonly documents: DynamoDBDocumentClient;
  /** Hands one EventBridge event to the Deadline ingest path. */
  ingest(event: unknown): Promise<IngestOutcome>;
  readonly store: DynamoHistoryStore;
  /** Every adapter over the harness's table (delivery ledger, outbox, ledgers, checkpoints). */
  readonly table: TableAdapters;
  readonly tally: Tally;
  readonly tableName: string;
  readonly topicArn: string;
  readonly settings: Settings;
  readonly notifier: NotifierDeps;
  readonly follower: StreamFollower;
  /** One poll cycle of every enabled service (records only); the reports merged. */
  poll(): Promise<CycleReport>;
  /** Reads the stream and delivers, then sweeps the outbox, as `vigil run` does each cycle. */
  deliver(): Promise<DeliveryTotals>;
  /** poll + deliver, with the calls each made. */
  cycle(): Promise<{ report: CycleReport; delivery: DeliveryTotals; calls: Record<string, number> }>;
  /** Every message the subscriber queue holds now (removed from the queue). */
  received(): Promise<Received[]>;
  stop(): Promise<void>;
}

const sqsClient = () => new SQSClient({ useQueueUrlAsEndpoint: false });

/** fauxqs delivers the MessageStructure=json body whole; real SNS picks the key for the protocol. */
function perProtocol(message: string, protocol: 'sqs' | 'email'): string {
  const structure = JSON.parse(message) as Record<string, string>;
  const body = structure[protocol] ?? structure.default;
  if (body === undefined) throw new Error(`message has no ${protocol} or default body: ${message.slice(0, 200)}`);
  return body;
}

/** The account and region the Deadline emulator's ARNs and events use. */
export const DEADLINE_LOCATION = { region: 'us-west-2', accountId: DEFAULT_DEADLINE_ACCOUNT_ID } as const;

export interface HarnessOptions extends Partial<DeviceFarmEmulatorOptions> {
  readonly settings?: Settings;
  /** Plays a Deadline Cloud account too (and turns Deadline on in the settings). */
  readonly deadline?: DeadlineScenario;
}

/**
 * The reactors' dependencies on the harness's table and a Device Farm client to the emulator, with the
 * harness's settings and the emulator's clock unless `options` give others.
 */
export function harnessReactors(
  h: Harness,
  options: { readonly settings?: Settings; readonly now?: () => Date } = {},
): ReturnType<typeof reactorDeps> {
  return reactorDeps({
    table: h.table,
    deviceFarm: createDeviceFarmClient(),
    settings: options.settings ?? h.settings,
    log: silentLog,
    now: options.now ?? (() => h.emulator.now()),
  });
}

export async function startHarness(options: HarnessOptions): Promise<Harness> {
  // Without a Device Farm scenario the Device Farm emulator serves an empty account and is not polled.
  const emulator = await startDeviceFarmEmulator({
    ...options,
    scenario: options.scenario ?? { startTime: new Date(0).toISOString(), stepSeconds: 60, projects: [] },
  });
  process.env.AWS_ENDPOINT_URL_DEVICE_FARM = emulator.endpoint;
  const deadlineEmulator =
    options.deadline === undefined ? undefined : await startDeadlineEmulator({ scenario: options.deadline });
  if (deadlineEmulator !== undefined) process.env.AWS_ENDPOINT_URL_DEADLINE = deadlineEmulator.endpoint;
  const base = options.settings ?? DEFAULT_SETTINGS;
  const settings: Settings = {
    ...base,
    deviceFarm: { ...base.deviceFarm, enabled: options.scenario !== undefined },
    deadline: { ...base.deadline, enabled: options.deadline !== undefined },
  };
  const tally = new Tally();
  const dynamo = createDynamoClient(tally);
  const tableName = `vigil-it-${randomUUID().slice(0, 8)}`;
  const { streamArn } = await ensureTable(dynamo, tableName);
  const sns = createSnsClient(tally);
  const topicArn = (await sns.send(new CreateTopicCommand({ Name: tableName }))).TopicArn as string;
  const sqs = sqsClient();
  const queue = await sqs.send(new CreateQueueCommand({ QueueName: tableName }));
  const queueUrl = queue.QueueUrl as string;
  const queueArn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] })))
    .Attributes?.QueueArn as string;
  await sns.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: 'sqs', Endpoint: queueArn }));

  const table = tableAdapters(createDocumentClient(dynamo), tableName, settings);
  const { store } = table;
  const streams = new DynamoDBStreamsClient({ endpoint: process.env.AWS_ENDPOINT_URL_DYNAMODB });
  countCalls(streams, tally, 'streams');
  const follower = new StreamFollower(streams, streamArn);
  const deviceFarm = createDeviceFarmClient(tally);
  const notifier: NotifierDeps = notifierDeps({
    table,
    publisher: new SnsPublisher(sns, topicArn),
    settings,
    log: silentLog,
  });

  const deadlineClient = createDeadlineClient(DEADLINE_LOCATION.region, tally);
  const poll = async (): Promise<CycleReport> => {
    const reports: CycleReport[] = [];
    if (settings.deviceFarm.enabled) {
      reports.push(await pollDeviceFarm({ client: deviceFarm, store, settings, log: silentLog }));
    }
    if (settings.deadline.enabled) {
      reports.push(
        await pollDeadline({ client: deadlineClient, store, settings, log: silentLog, location: DEADLINE_LOCATION }),
      );
    }
    return mergeReports(reports);
  };
  /** As `vigil run` delivers: what the stream brought, then the outbox sweep (retries due, events missed). */
  const deliver = async (): Promise<DeliveryTotals> => {
    const swept = await sweepNotifications(notifier);
    const streamed = await deliverFromStream(follower, notifier);
    const total = sumDelivery([
      { ...streamed, failedSequenceNumbers: [] },
      { ...swept, failedSequenceNumbers: [] },
    ]);
    return { ...total, failedBatches: streamed.failedBatches };
  };
  return {
    emulator,
    deadline: deadlineEmulator,
    ingest: (event: unknown) =>
      ingestDeadlineEvent(event, { client: deadlineClient, store, settings, log: silentLog, names: new Map() }),
    store,
    table,
    tally,
    tableName,
    topicArn,
    settings,
    notifier,
    follower,
    newFollower: () => new StreamFollower(streams, streamArn),
    documents: createDocumentClient(dynamo),
    poll,
    deliver,
    async cycle() {
      const before = tally.snapshot();
      const report = await poll();
      const delivery = await deliver();
      return { report, delivery, calls: tally.since(before) };
    },
    async received() {
      const out: Received[] = [];
      for (;;) {
        const page = await sqs.send(
          new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }),
        );
        const messages = page.Messages ?? [];
        if (messages.length === 0) return out;
        for (const m of messages) {
          const envelope = JSON.parse(m.Body ?? '{}') as {
            Subject: string;
            Message: string;
            MessageAttributes?: Record<string, { Value: string }>;
          };
          out.push({
            subject: envelope.Subject,
            document: JSON.parse(perProtocol(envelope.Message, 'sqs')),
            email: perProtocol(envelope.Message, 'email'),
            attributes: Object.fromEntries(
              Object.entries(envelope.MessageAttributes ?? {}).map(([k, v]) => [k, v.Value]),
            ),
          });
        }
        await sqs.send(
          new DeleteMessageBatchCommand({
            QueueUrl: queueUrl,
            Entries: messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle })),
          }),
        );
      }
    },
    stop: async () => {
      await Promise.all([emulator.stop(), deadlineEmulator?.stop()]);
    },
  };
}

/** Item writes in a tally diff (a 2-item transaction is 2 writes). */
export function itemWrites(calls: Record<string, number>): number {
  return (
    (calls['dynamodb.TransactWriteItems'] ?? 0) * 2 +
    (calls['dynamodb.PutItem'] ?? 0) +
    (calls['dynamodb.UpdateItem'] ?? 0) +
    (calls['dynamodb.DeleteItem'] ?? 0) +
    (calls['dynamodb.BatchWriteItem'] ?? 0)
  );
}

/** One report for a cycle that polled several services. */
function mergeReports(reports: readonly CycleReport[]): CycleReport {
  const [first] = reports;
  if (first === undefined) throw new Error('no service is enabled in this harness');
  return {
    ...first,
    projects: reports.reduce((n, r) => n + r.projects, 0),
    observed: reports.reduce((n, r) => n + r.observed, 0),
    unchanged: reports.reduce((n, r) => n + r.unchanged, 0),
    stale: reports.reduce((n, r) => n + r.stale, 0),
    malformed: reports.reduce((n, r) => n + r.malformed, 0),
    listingsOutOfOrder: reports.reduce((n, r) => n + r.listingsOutOfOrder, 0),
    fullListingScopes: reports.reduce((n, r) => n + r.fullListingScopes, 0),
    foundBelowWatermark: reports.reduce((n, r) => n + r.foundBelowWatermark, 0),
    events: reports.flatMap((r) => r.events),
    failures: reports.flatMap((r) => r.failures),
  };
}
