/**
 * `vigil run [--once]`: the whole pipeline on one machine. Each cycle polls
 * and records changes, lets the reactors (budgets, guard) handle what the
 * stream brought, then delivers: from the stream, from each consumer's own
 * checkpoint as an event source mapping would, and from the outbox sweeper.
 * Endpoints come from the standard AWS settings.
 *
 * A cycle survives what the next cycle can fix: a source that fails (past
 * the SDK's retries) is reported for that cycle and the loop goes on with
 * backoff, and what was recorded is still delivered. Only configuration
 * errors end the process.
 */
import { CreateTopicCommand } from '@aws-sdk/client-sns';
import {
  callerAccount,
  createDeadlineClient,
  createDeviceFarmClient,
  createDocumentClient,
  createDynamoClient,
  createSnsClient,
  createStreamsClient,
} from '../clients/aws-clients';
import { loadConfig, settingsFrom } from '../config/config-file';
import type { Settings } from '../config/settings';
import { ConfigError, UsageError } from '../core/errors';
import { errorFields, type Log } from '../core/log';
import { Tally } from '../core/tally';
import type { Notification } from '../deliver/notification';
import { DEFAULT_SWEEP_LIMIT, sweepNotifications } from '../deliver/notifier';
import type { Muting } from '../deliver/silences';
import { notifierDeps, reactorDeps, reactsToChanges, snsPublisher, tableAdapters } from '../engine/wiring';
import { pollDeadline } from '../observe/deadline/poll-cycle';
import { pollDeviceFarm } from '../observe/device-farm/poll-cycle';
import type { CycleReport } from '../observe/poll-cycle-base';
import { presentPasses, sweepReactions } from '../react/reactor';
import { consoleLog } from './console-log';
import {
  type DeliveryTotals,
  deliverFromStream,
  NO_DELIVERY,
  reactFromStream,
  sumDelivery,
} from './deliver-from-stream';
import { parseDuration } from './duration';
import { ensureTable } from './ensure-table';
import { type CliIo, tableName } from './io';
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

/** A notification a silence or a maintenance window muted: recorded, never sent. */
function printSilenced(io: CliIo) {
  return (notification: Notification, muting: Muting) => {
    io.out(`\n── silenced ${'─'.repeat(56)}`);
    io.out(`Subject: ${notification.subject}`);
    io.out(`Silenced by ${muting.by} (${muting.reason}): recorded, never sent (vigil history shows it).`);
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

/** A source to poll each cycle, named for the report. */
interface Poller {
  readonly name: string;
  readonly poll: () => Promise<CycleReport>;
}

/** Everything one process builds once and uses every cycle. */
interface Pipeline {
  readonly pollers: readonly Poller[];
  readonly react: () => Promise<{ handled: number; retrying: number; failedBatches: number; guardActions: number }>;
  readonly deliver: () => Promise<DeliveryTotals>;
}

/** What went wrong in one cycle, one line each (the cycle went on). */
type Problems = string[];

const plural = (n: number, word: string, many = `${word}s`) => `${n} ${n === 1 ? word : many}`;

async function build(options: RunOptions, io: CliIo, settings: Settings, log: Log, tally: Tally): Promise<Pipeline> {
  const dynamo = createDynamoClient(tally);
  const table = tableName(options.table, io);
  const { streamArn, created } = await ensureTable(dynamo, table);
  if (created) io.out(`Created table ${table} (same schema as the stack's).`);
  const sns = createSnsClient(tally);
  const topicArn =
    options.topicArn ?? io.env.VIGIL_TOPIC_ARN ?? (await sns.send(new CreateTopicCommand({ Name: 'vigil' }))).TopicArn;
  if (topicArn === undefined) throw new Error('SNS did not return a topic ARN for topic "vigil"');
  const adapters = tableAdapters(createDocumentClient(dynamo), table, settings);
  const streams = createStreamsClient(tally, io.env);
  const follower = (consumer: string) =>
    new StreamFollower(streams, streamArn, { store: adapters.checkpoints, consumer });

  const pollers: Poller[] = [];
  const deviceFarm = createDeviceFarmClient(tally);
  if (settings.deviceFarm.enabled) {
    pollers.push({
      name: 'Device Farm',
      poll: () => pollDeviceFarm({ client: deviceFarm, store: adapters.store, settings, log }),
    });
  }
  if (settings.deadline.enabled) {
    let location: { region: string; accountId: string } | undefined;
    pollers.push({
      name: 'Deadline Cloud',
      poll: async () => {
        location ??= {
          region: settings.deadline.region ?? (await dynamo.config.region()),
          accountId: io.env.VIGIL_ACCOUNT_ID ?? (await callerAccount(tally)),
        };
        const client = createDeadlineClient(location.region, tally, io.env);
        return pollDeadline({ client, store: adapters.store, settings, log, location });
      },
    });
  }
  if (pollers.length === 0) {
    throw new ConfigError('Both deviceFarm.enabled and deadline.enabled are false: there is nothing to poll');
  }

  const sweep = { staleAfterMs: settings.delivery.sweepAfterMinutes * 60_000, limit: DEFAULT_SWEEP_LIMIT };
  const reactors = reactorDeps({ table: adapters, deviceFarm, settings, log });
  const reactorFollower = follower('reactors');
  const notifier = notifierDeps({
    table: adapters,
    publisher: snsPublisher(sns, topicArn),
    settings,
    log,
    onPublished: printNotification(io, options.showText ?? true),
    onSilenced: printSilenced(io),
  });
  const notifierFollower = follower('notifier');
  return {
    pollers,
    react: async () => {
      // As the reactor Lambda's schedule and stream do, in an order that tries a failing change once per cycle.
      const swept = await sweepReactions(reactors, sweep);
      const streamed = reactsToChanges(settings)
        ? await reactFromStream(reactorFollower, reactors)
        : { handled: 0, retrying: 0, failedBatches: 0 };
      // The guard, the stuck detector and the budgets' announcement, on the present, as the schedule runs them.
      const present = await presentPasses(reactors);
      return {
        handled: streamed.handled + swept.handled,
        retrying: streamed.retrying + swept.retrying,
        failedBatches: streamed.failedBatches,
        guardActions: present.guardActions,
      };
    },
    deliver: async () => {
      // Retries that came due first, so an event that fails now is not tried twice in one cycle.
      const swept = await sweepNotifications(notifier, sweep);
      const streamed = await deliverFromStream(notifierFollower, notifier);
      const total = sumDelivery([
        { ...streamed, failedSequenceNumbers: [] },
        { ...swept, failedSequenceNumbers: [] },
      ]);
      return { ...total, failedBatches: streamed.failedBatches };
    },
  };
}

/** Runs `step`, turning a failure other than a configuration error into one reported line. */
async function attempt<T>(what: string, step: () => Promise<T>, problems: Problems, log: Log): Promise<T | undefined> {
  try {
    return await step();
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    const fields = errorFields(error);
    log.error(`${what} failed this cycle; the next cycle tries again`, fields);
    problems.push(`${what}: ${String(fields.error)}`);
    return undefined;
  }
}

export async function runCommand(options: RunOptions, io: CliIo): Promise<number> {
  if (options.once && options.interval !== undefined) {
    throw new UsageError('vigil run takes --once or --interval, not both (--once runs one cycle and exits)');
  }
  const config = loadConfig({ path: options.config, cwd: io.cwd });
  const settings = settingsFrom(config);
  const intervalMs =
    options.interval === undefined
      ? config.deviceFarm.pollMinutes * 60_000
      : parseDuration(options.interval, '--interval');
  // Failing cycles wait longer each time, up to 16 intervals (and never above 5 minutes unless the interval is).
  const maxWaitMs = Math.max(intervalMs, Math.min(intervalMs * 16, 300_000));
  const log = consoleLog(io.err, options.verbose);
  const tally = new Tally();
  let pipeline: Pipeline | undefined;
  let failingCycles = 0;

  for (;;) {
    const problems: Problems = [];
    pipeline ??= await attempt(
      'Starting (table, topic)',
      () => build(options, io, settings, log, tally),
      problems,
      log,
    );
    if (pipeline !== undefined) {
      await runCycle(pipeline, io, tally, problems, log, options.verbose === true);
    } else {
      io.out(`could not start: ${problems.join('; ')}`);
    }
    failingCycles = problems.length > 0 ? failingCycles + 1 : 0;
    if (options.once) return problems.length > 0 ? 1 : 0;
    if (io.signal?.aborted) return 0;
    const wait = failingCycles === 0 ? intervalMs : Math.min(intervalMs * 2 ** failingCycles, maxWaitMs);
    if (failingCycles > 0)
      io.out(
        `  next cycle in ${Math.round(wait / 1000)} s (backing off after ${plural(failingCycles, 'failing cycle')})`,
      );
    if (await sleep(wait, io.signal)) return 0;
  }
}

async function runCycle(
  pipeline: Pipeline,
  io: CliIo,
  tally: Tally,
  problems: Problems,
  log: Log,
  verbose: boolean,
): Promise<void> {
  const before = tally.snapshot();
  const reports: CycleReport[] = [];
  for (const poller of pipeline.pollers) {
    const report = await attempt(`Polling ${poller.name}`, poller.poll, problems, log);
    if (report !== undefined) reports.push(report);
    for (const failure of report?.failures ?? []) {
      problems.push(
        failure.listing === undefined
          ? `${poller.name} ${failure.kind} in ${failure.scope}: ${failure.error}`
          : `${poller.name} ${failure.listing}: ${failure.error}`,
      );
    }
  }
  const pollCalls = tally.since(before);
  // Ctrl-C between steps ends the process here: what was recorded is in the outbox, and the next run delivers it.
  const stopping = () => io.signal?.aborted === true;
  const reacted = stopping() ? undefined : await attempt('Reacting (budgets, guard)', pipeline.react, problems, log);
  if (reacted !== undefined && reacted.retrying > 0) {
    problems.push(`reactors: ${plural(reacted.retrying, 'change')} not handled yet (retried with backoff)`);
  }
  if (reacted !== undefined && reacted.failedBatches > 0) {
    problems.push(`reactors: ${plural(reacted.failedBatches, 'stream batch', 'stream batches')} to read again`);
  }
  const delivered = stopping() ? undefined : await attempt('Delivering', pipeline.deliver, problems, log);
  const delivery = delivered ?? NO_DELIVERY;
  if (delivery.failedBatches > 0) {
    problems.push(`delivery: ${plural(delivery.failedBatches, 'stream batch', 'stream batches')} to read again`);
  }
  if (delivery.retrying > 0)
    problems.push(`${plural(delivery.retrying, 'event')} not delivered yet (retried with backoff)`);
  if (delivery.parked > 0) problems.push(`${plural(delivery.parked, 'event')} parked (see vigil undelivered)`);
  const changes = reports.reduce((n, r) => n + r.events.length, 0);
  const cycleId = reports[0]?.cycleId ?? new Date().toISOString();
  io.out(
    `cycle ${cycleId}: ${plural(changes, 'change')} recorded, ${plural(delivery.published, 'notification')} published` +
      (delivery.silenced > 0 ? `, ${plural(delivery.silenced, 'event')} silenced` : '') +
      (problems.length > 0 ? `; ${problems.join('; ')}` : ''),
  );
  // One line a cycle; what the poll called only when asked (an idle loop stays quiet).
  if (verbose) io.out(`  poll: ${describeCalls(pollCalls)} (${writeCount(pollCalls)} DynamoDB item writes)`);
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
