/**
 * The `vigil` command line: the same engine as the Lambdas, on one machine.
 * Exit codes: 0 done, 1 something failed (and was reported), 2 bad usage or config.
 */
import { parseArgs } from 'node:util';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import {
  callerIdentity,
  createDeviceFarmClient,
  createDocumentClient,
  createDynamoClient,
  createSnsClient,
} from '../clients/aws-clients';
import { loadConfig, settingsFrom } from '../config/config-file';
import { DEFAULT_SETTINGS } from '../config/settings';
import { ConfigError, errorMessage, errorName, UsageError } from '../core/errors';
import { digestDeps, notifierDeps, snsPublisher, tableAdapters } from '../engine/wiring';
import { writeDigest } from '../react/digest/write';
import { budgetCommand } from './budget';
import { consoleLog } from './console-log';
import { historyCommand } from './history';
import { type CliIo, tableName } from './io';
import { notifyTest } from './notify-test';
import { runCommand } from './run';
import { startSession, stopSession, validateStart } from './session';
import { silenceCommand } from './silence';
import { statusCommand } from './status';
import { undeliveredCommand } from './undelivered';

export const USAGE = `vigil: monitor AWS Device Farm and Deadline Cloud; history and notifications in DynamoDB and SNS

Usage:
  vigil run [--once] [--interval 60s] [--config vigil.config.json] [--table vigil] [--topic-arn ARN] [--verbose]
      Poll, record changes, follow the table's stream and publish notifications.
      --once runs one cycle, delivers everything it caused, and exits.
  vigil history <arn|id|name> [--since 1d|2026-11-21] [--json]
      One resource's timeline, with the notifications it caused.
  vigil history --since <duration|date> [--json]
      Every change in a time window.
  vigil status [--json]
      What is running now, with minutes so far.
  vigil budget [--period 2026-10|week-2026-11-16|2026-11-22] [--json] [--config vigil.config.json]
      Each budget's period (the current one, or the one --period names), minutes used,
      limit, forecast and top resources.
  vigil session start --project <name|arn> --device <name|arn> --max-minutes N
                      [--name NAME] [--interaction-mode INTERACTIVE|NO_VIDEO|VIDEO_ONLY] [--billing METERED|UNMETERED]
      Start a remote access session whose limit the guard enforces.
  vigil session stop <session arn>
      Stop a remote access session, recording who stopped it.
  vigil notify test [--channel NAME] [--topic-arn ARN]
      Send a test message through the topic and each channel's filter (or one channel's).
  vigil digest [--date YYYY-MM-DD]
      Write the daily digest of a day (default: yesterday, UTC); vigil run delivers it.
  vigil undelivered [--json] [--retry [--topic-arn ARN] [--config vigil.config.json]]
      Events whose notification SNS refused for good, with the error; --retry delivers them again.
  vigil silence add (--for 2h | --until 2026-11-22T18:00:00Z) --reason TEXT
                    [--service S] [--project NAME] [--kind K] [--event-type T] [--min-severity S] [--resource ARN]
      Mute what matches until then: recorded as silenced, never sent (not even after it ends).
  vigil silence list [--json] [--config vigil.config.json]
      Active silences, and the config's maintenance windows.
  vigil silence expire <id>
      End a silence now.

Endpoints, region and credentials come from the standard AWS settings
(AWS_REGION, AWS_PROFILE, AWS_ENDPOINT_URL_DEVICE_FARM, AWS_ENDPOINT_URL_DYNAMODB,
AWS_ENDPOINT_URL_SNS, ...). VIGIL_TABLE and VIGIL_TOPIC_ARN name the table and topic.`;

const OPTIONS = {
  once: { type: 'boolean' },
  interval: { type: 'string' },
  config: { type: 'string' },
  table: { type: 'string' },
  'topic-arn': { type: 'string' },
  since: { type: 'string' },
  json: { type: 'boolean' },
  verbose: { type: 'boolean' },
  project: { type: 'string' },
  device: { type: 'string' },
  'max-minutes': { type: 'string' },
  name: { type: 'string' },
  'interaction-mode': { type: 'string' },
  billing: { type: 'string' },
  channel: { type: 'string' },
  date: { type: 'string' },
  retry: { type: 'boolean' },
  period: { type: 'string' },
  for: { type: 'string' },
  until: { type: 'string' },
  reason: { type: 'string' },
  service: { type: 'string' },
  kind: { type: 'string' },
  'event-type': { type: 'string' },
  'min-severity': { type: 'string' },
  resource: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** Which flags each command takes (anything else is a usage error naming the flag). */
const ALLOWED: Record<string, readonly string[]> = {
  run: ['once', 'interval', 'config', 'table', 'topic-arn', 'verbose'],
  history: ['since', 'json', 'table'],
  status: ['json', 'table'],
  budget: ['json', 'period', 'table', 'config'],
  session: ['project', 'device', 'max-minutes', 'name', 'interaction-mode', 'billing', 'table', 'config'],
  notify: ['channel', 'topic-arn', 'config'],
  digest: ['date', 'table', 'config'],
  undelivered: ['json', 'retry', 'table', 'topic-arn', 'config'],
  silence: [
    'for',
    'until',
    'reason',
    'service',
    'project',
    'kind',
    'event-type',
    'min-severity',
    'resource',
    'json',
    'table',
    'config',
  ],
};

function parse(argv: readonly string[]) {
  try {
    return parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(`${errorMessage(error)}\n\n${USAGE}`);
  }
}

export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  try {
    const { values, positionals } = parse(argv);
    const [command, ...rest] = positionals;
    if (values.help || command === undefined || command === 'help') {
      io.out(USAGE);
      return command === undefined && !values.help ? 2 : 0;
    }
    const allowed = ALLOWED[command];
    if (allowed === undefined)
      throw new UsageError(
        `Unknown command ${JSON.stringify(command)}; expected run, history, status, budget, session, notify, digest, undelivered or silence\n\n${USAGE}`,
      );
    for (const [flag, value] of Object.entries(values)) {
      if (value !== undefined && !allowed.includes(flag)) {
        throw new UsageError(
          `vigil ${command} does not take --${flag}; it takes ${allowed.map((f) => `--${f}`).join(', ')}`,
        );
      }
    }
    const maxPositionals =
      command === 'history' || command === 'notify' ? 1 : command === 'session' || command === 'silence' ? 2 : 0;
    if (rest.length > maxPositionals)
      throw new UsageError(`vigil ${command}: unexpected argument ${JSON.stringify(rest[maxPositionals])}`);

    if (command === 'run') {
      return await runCommand(
        {
          once: values.once === true,
          interval: values.interval,
          config: values.config,
          table: values.table,
          topicArn: values['topic-arn'],
          verbose: values.verbose === true,
        },
        io,
      );
    }
    const documents = createDocumentClient(createDynamoClient());
    const table = tableName(values.table, io);
    if (command === 'budget') {
      const settings = settingsFrom(loadConfig({ path: values.config, cwd: io.cwd }));
      return await budgetCommand(
        { json: values.json === true, period: values.period },
        settings.budgets,
        tableAdapters(documents, table, settings).budgets,
        io,
      );
    }
    if (command === 'session') return await sessionCommand(rest, values, io, documents, table);
    if (command === 'notify') {
      if (rest[0] !== 'test') throw new UsageError(`vigil notify needs test, not ${JSON.stringify(rest[0] ?? '')}`);
      const config = loadConfig({ path: values.config, cwd: io.cwd });
      const topicArn = values['topic-arn'] ?? io.env.VIGIL_TOPIC_ARN;
      if (topicArn === undefined)
        throw new UsageError('vigil notify test needs --topic-arn or VIGIL_TOPIC_ARN (the stack output TopicArn)');
      return await notifyTest(values.channel, config.channels, { sns: createSnsClient(), topicArn }, io);
    }
    if (command === 'digest') {
      const settings = settingsFrom(loadConfig({ path: values.config, cwd: io.cwd }));
      if (values.date !== undefined && !/^\d{4}-\d\d-\d\d$/.test(values.date)) {
        throw new UsageError(`--date ${JSON.stringify(values.date)} is not a day; expected YYYY-MM-DD`);
      }
      const event = await writeDigest(
        digestDeps({ table: tableAdapters(documents, table, settings), settings, log: consoleLog(io.err) }),
        values.date,
      );
      io.out(
        event === undefined
          ? 'The digest for that day was already written.'
          : `Wrote the digest for ${event.digest.date}; vigil run delivers it.`,
      );
      return 0;
    }
    if (command === 'undelivered') {
      if (values.retry !== true && (values['topic-arn'] !== undefined || values.config !== undefined)) {
        throw new UsageError('vigil undelivered takes --topic-arn and --config only with --retry');
      }
      const settings = settingsFrom(loadConfig({ path: values.config, cwd: io.cwd }));
      const table = tableAdapters(documents, tableName(values.table, io), settings);
      return await undeliveredCommand(
        { retry: values.retry === true, json: values.json === true },
        {
          ledger: table.deliveries,
          outbox: table.outbox,
          notifier: () => {
            const topicArn = values['topic-arn'] ?? io.env.VIGIL_TOPIC_ARN;
            if (topicArn === undefined) {
              throw new UsageError(
                'vigil undelivered --retry needs --topic-arn or VIGIL_TOPIC_ARN (the stack output TopicArn)',
              );
            }
            return notifierDeps({
              table,
              publisher: snsPublisher(createSnsClient(), topicArn),
              settings,
              log: consoleLog(io.err),
            });
          },
        },
        io,
      );
    }
    if (command === 'silence') {
      const settings = settingsFrom(loadConfig({ path: values.config, cwd: io.cwd }));
      return await silenceCommand(
        rest[0],
        rest[1],
        {
          for: values.for,
          until: values.until,
          reason: values.reason,
          service: values.service,
          project: values.project,
          kind: values.kind,
          eventType: values['event-type'],
          minSeverity: values['min-severity'],
          resource: values.resource,
          json: values.json === true,
        },
        {
          store: tableAdapters(documents, table, settings).silences,
          windows: settings.maintenanceWindows,
          who: () => who(io),
        },
        io,
      );
    }
    // Read-only: the retention in the settings applies to writes.
    const reader = tableAdapters(documents, table, DEFAULT_SETTINGS).store;
    if (command === 'history')
      return await historyCommand({ target: rest[0], since: values.since, json: values.json === true }, reader, io);
    return await statusCommand(values.json === true, reader, io);
  } catch (error) {
    if (error instanceof UsageError || error instanceof ConfigError) {
      io.err(error.message);
      return 2;
    }
    const name = errorName(error);
    if (name === 'ResourceNotFoundException') {
      io.err(
        `The table was not found: ${errorMessage(error)}. Run \`vigil run --once\` to create it, or set VIGIL_TABLE to the stack's TableName output.`,
      );
      return 1;
    }
    if (errorMessage(error).includes('Region is missing')) {
      io.err('No AWS region is set: set AWS_REGION (for example AWS_REGION=us-east-1).');
      return 1;
    }
    io.err(`vigil failed: ${errorMessage(error)}`);
    return 1;
  }
}

async function sessionCommand(
  rest: readonly string[],
  values: Record<string, string | boolean | undefined>,
  io: CliIo,
  documents: DynamoDBDocumentClient,
  table: string,
): Promise<number> {
  const [action, target] = rest;
  const text = (name: string) => (typeof values[name] === 'string' ? (values[name] as string) : undefined);
  if (action === 'start') {
    if (target !== undefined)
      throw new UsageError(`vigil session start: unexpected argument ${JSON.stringify(target)}`);
    // Every argument is checked before any call to AWS.
    const request = validateStart({
      project: text('project'),
      device: text('device'),
      maxMinutes: text('max-minutes'),
      name: text('name'),
      interactionMode: text('interaction-mode'),
      billing: text('billing'),
    });
    const settings = settingsFrom(loadConfig({ path: text('config'), cwd: io.cwd }));
    const client = createDeviceFarmClient();
    return await startSession(
      request,
      {
        client,
        ledger: tableAdapters(documents, table, settings).guard,
        guard: settings.guard,
        startedBy: await who(io),
      },
      io,
    );
  }
  if (action === 'stop') {
    if (target === undefined) throw new UsageError('vigil session stop needs the session ARN');
    for (const flag of ['project', 'device', 'max-minutes', 'name', 'interaction-mode', 'billing']) {
      if (values[flag] !== undefined) throw new UsageError(`vigil session stop does not take --${flag}`);
    }
    return await stopSession(
      target,
      {
        client: createDeviceFarmClient(),
        ledger: tableAdapters(documents, table, DEFAULT_SETTINGS).guard,
        stoppedBy: await who(io),
      },
      io,
    );
  }
  throw new UsageError(`vigil session needs start or stop, not ${JSON.stringify(action ?? '')}\n\n${USAGE}`);
}

/** Who is acting, for the record: the caller's AWS identity, else the local user. */
async function who(io: CliIo): Promise<string> {
  try {
    return (await callerIdentity()).arn;
  } catch {
    return io.env.USER ?? io.env.USERNAME ?? 'unknown user';
  }
}
