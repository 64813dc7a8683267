/**
 * `vigil run [--once]`: the whole pipeline on one machine. Each cycle polls
 * Device Farm and records changes, then reads the table's stream and
 * delivers what the cycle caused, exactly as the poller and notifier
 * Lambdas do in AWS. Endpoints come from the standard AWS settings.
 */

import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { CreateTopicCommand } from '@aws-sdk/client-sns';
import { loadConfig, settingsFrom } from '../../lib/config';
import {
  callerAccount,
  createDeadlineClient,
  createDeviceFarmClient,
  createDocumentClient,
  createDynamoClient,
  createSnsClient,
} from '../clients/aws-clients';
import { countCalls } from '../clients/call-counter';
import { ConfigError } from '../core/errors';
import { Tally } from '../core/tally';
import type { Notification } from '../deliver/compose';
import { SnsPublisher } from '../deliver/sns-publisher';
import { pollDeadline } from '../observe/deadline/poll-cycle';
import { pollDeviceFarm } from '../observe/device-farm/poll-cycle';
import type { CycleReport } from '../observe/poll-cycle-base';
import { stopWith } from '../react/guard/stop';
import { DynamoBudgetLedger } from '../record/budget-ledger';
import { DynamoHistoryStore } from '../record/dynamo-history-store';
import { DynamoGuardLedger } from '../record/guard-ledger';
import { consoleLog } from './console-log';
import { deliverFromStream } from './deliver-from-stream';
import { parseDuration } from './duration';
import { ensureTable } from './ensure-table';
import { type CliIo, tableName } from './io';
import { Reactors } from './reactors';
import { StreamFollower } from './stream-follower';

export interface RunOptions {
  readonly once: boolean;
  readonly interval?: string;
  readonly config?: string;
  readonly table?: string;
  readonly topicArn?: string;
  readonly verbose?: boolean;
  /** Print each notification's full text, not only its subject. @default true */
  readonly showText?: boolean;
}

/** DynamoDB Streams lives at DynamoDB's endpoint unless told otherwise (DynamoDB Local serves both). */
function streamsClient(io: CliIo, tally: Tally): DynamoDBStreamsClient {
  const endpoint = io.env.AWS_ENDPOINT_URL_DYNAMODB_STREAMS ?? io.env.AWS_ENDPOINT_URL_DYNAMODB;
  const client = new DynamoDBStreamsClient(endpoint === undefined ? {} : { endpoint });
  countCalls(client, tally, 'streams');
  return client;
}

function printNotification(io: CliIo, showText: boolean) {
  return (notification: Notification, messageId: string) => {
    io.out(`\n── notification ${'─'.repeat(52)}`);
    io.out(`Subject: ${notification.subject}`);
    io.out(
      `Attributes: ${Object.entries(notification.attributes)
        .map(([k, v]) => `${k}=${v}`)
        .join(' ')}`,
    );
    if (showText) io.out(`\n${notification.text}`);
    io.out(`(SNS message ${messageId})`);
    io.out('─'.repeat(68));
  };
}

function describeCalls(calls: Record<string, number>): string {
  const group = (service: string) =>
    Object.entries(calls)
      .filter(([name]) => name.startsWith(`${service}.`) && !name.endsWith('.attempts') && !name.endsWith('.throttled'))
      .map(([name, n]) => `${name.slice(service.length + 1)} ${n}`)
      .join(', ');
  return ['devicefarm', 'deadline', 'dynamodb', 'sns']
    .map((s) => [s, group(s)] as const)
    .filter(([, text]) => text !== '')
    .map(([s, text]) => `${s}: ${text}`)
    .join('; ');
}

/** DynamoDB write requests in a tally (a transaction of N items is N writes). */
export function writeCount(calls: Record<string, number>, itemsPerTransaction = 2): number {
  return (calls['dynamodb.TransactWriteItems'] ?? 0) * itemsPerTransaction + (calls['dynamodb.PutItem'] ?? 0);
}

export async function runCommand(options: RunOptions, io: CliIo): Promise<number> {
  const config = loadConfig({ path: options.config, cwd: io.cwd });
  const settings = settingsFrom(config);
  const intervalMs =
    options.interval === undefined
      ? config.deviceFarm.pollMinutes * 60_000
      : parseDuration(options.interval, '--interval');
  const log = consoleLog(io.err, options.verbose);
  const tally = new Tally();
  const dynamo = createDynamoClient(tally);
  const table = tableName(options.table, io);
  const { streamArn, created } = await ensureTable(dynamo, table);
  if (created) io.out(`Created table ${table} (same schema as the stack's).`);
  const sns = createSnsClient(tally);
  const topicArn =
    options.topicArn ?? io.env.VIGIL_TOPIC_ARN ?? (await sns.send(new CreateTopicCommand({ Name: 'vigil' }))).TopicArn;
  if (topicArn === undefined) throw new Error('SNS did not return a topic ARN for topic "vigil"');
  const store = new DynamoHistoryStore({
    client: createDocumentClient(dynamo),
    tableName: table,
    retentionDays: settings.history.eventRetentionDays,
  });
  const streams = streamsClient(io, tally);
  const follower = new StreamFollower(streams, streamArn);
  const pollers: (() => Promise<CycleReport>)[] = [];
  const reactors = new Reactors();
  if (settings.deviceFarm.enabled) {
    const client = createDeviceFarmClient(tally);
    pollers.push(() => pollDeviceFarm({ client, store, settings, log }));
    const documents = createDocumentClient(dynamo);
    reactors.addGuard(new StreamFollower(streams, streamArn), store, {
      ledger: new DynamoGuardLedger(documents, table),
      settings: settings.guard,
      stop: stopWith(client),
      log,
    });
    if (settings.budgets.length > 0) {
      reactors.addAccountant(new StreamFollower(streams, streamArn), {
        ledger: new DynamoBudgetLedger(documents, table),
        budgets: settings.budgets,
        log,
      });
    }
  }
  if (settings.deadline.enabled) {
    const region = settings.deadline.region ?? (await dynamo.config.region());
    const accountId = io.env.VIGIL_ACCOUNT_ID ?? (await callerAccount(tally));
    const client = createDeadlineClient(region, tally, io.env);
    pollers.push(() => pollDeadline({ client, store, settings, log, location: { region, accountId } }));
  }
  if (pollers.length === 0) {
    throw new ConfigError('Both deviceFarm.enabled and deadline.enabled are false: there is nothing to poll');
  }
  const notifier = {
    deliveries: store,
    publisher: new SnsPublisher(sns, topicArn),
    rules: settings.rules,
    log,
    onPublished: printNotification(io, options.showText ?? true),
  };

  for (;;) {
    const before = tally.snapshot();
    const reports: CycleReport[] = [];
    for (const poll of pollers) reports.push(await poll());
    const pollCalls = tally.since(before);
    const reacted = await reactors.react();
    const delivery = await deliverFromStream(follower, notifier);
    const changes = reports.reduce((n, r) => n + r.events.length, 0);
    const failures = reports.reduce((n, r) => n + r.failures.length, 0);
    io.out(
      `cycle ${reports[0]?.cycleId}: ${changes} change${changes === 1 ? '' : 's'} recorded, ` +
        `${delivery.published} notification${delivery.published === 1 ? '' : 's'} published` +
        `${delivery.failed > 0 ? `, ${delivery.failed} event(s) not delivered (retried next cycle)` : ''}` +
        `${failures > 0 ? `, ${failures} poll failure(s) (retried next cycle)` : ''}`,
    );
    io.out(`  poll: ${describeCalls(pollCalls)} (${writeCount(pollCalls)} DynamoDB item writes)`);
    if (options.once) return delivery.failed > 0 || failures > 0 || reacted.failed > 0 ? 1 : 0;
    if (await sleep(intervalMs, io.signal)) return 0;
  }
}

/** Waits, or returns true early when `signal` aborts. */
function sleep(ms: number, signal: AbortSignal | undefined): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve(true);
    const timer = setTimeout(() => resolve(false), ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}
