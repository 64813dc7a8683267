/**
 * Runs one command once main.ts has checked its flags: reads the config
 * and the environment the command needs, builds its dependencies through the
 * engine's wiring, and calls the command. Loaded only to run a command, so
 * help and version never load the AWS SDK.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import {
  callerIdentity,
  createDeviceFarmClient,
  createDocumentClient,
  createDynamoClient,
  createSnsClient,
} from '../clients/aws-clients';
import { loadConfig, settingsFrom } from '../config/config-file';
import { budgetsOf, DEFAULT_SETTINGS } from '../config/settings';
import { UsageError } from '../core/errors';
import { digestDeps, insightDeps, notifierDeps, snsPublisher, tableAdapters } from '../engine/wiring';
import { writeDigest } from '../react/digest/write';
import { budgetCommand } from './budget';
import { consoleLog } from './console-log';
import { devicesCommand } from './devices';
import { parseDay } from './duration';
import { historyCommand } from './history';
import { type CliIo, tableName } from './io';
import { notifyTest } from './notify-test';
import { reportCommand } from './report';
import { runCommand } from './run';
import { startSession, stopSession, validateStart } from './session';
import { silenceCommand } from './silence';
import { statusCommand } from './status';
import { undeliveredCommand } from './undelivered';

/** The parsed flags (see commands.ts FLAGS). */
export type Values = Readonly<Record<string, string | boolean | undefined>>;

const text = (values: Values, name: string) =>
  typeof values[name] === 'string' ? (values[name] as string) : undefined;

export async function dispatch(command: string, values: Values, rest: readonly string[], io: CliIo): Promise<number> {
  const flag = (name: string) => text(values, name);
  if (command === 'run') {
    return runCommand(
      {
        once: values.once === true,
        interval: flag('interval'),
        config: flag('config'),
        table: flag('table'),
        topicArn: flag('topic-arn'),
        verbose: values.verbose === true,
      },
      io,
    );
  }
  const documents = createDocumentClient(createDynamoClient());
  const table = tableName(flag('table'), io);
  switch (command) {
    case 'budget': {
      const settings = settingsFrom(loadConfig({ path: flag('config'), cwd: io.cwd }));
      return budgetCommand(
        { json: values.json === true, period: flag('period') },
        budgetsOf(settings),
        tableAdapters(documents, table, settings).budgets,
        io,
        new Date(),
        settings.pricing,
      );
    }
    case 'session':
      return sessionCommand(rest, values, io, documents, table);
    case 'notify': {
      if (rest[0] !== 'test') throw new UsageError(`vigil notify needs test, not ${JSON.stringify(rest[0] ?? '')}`);
      const config = loadConfig({ path: flag('config'), cwd: io.cwd });
      const topicArn = flag('topic-arn') ?? io.env.VIGIL_TOPIC_ARN;
      if (topicArn === undefined) {
        throw new UsageError('vigil notify test needs --topic-arn or VIGIL_TOPIC_ARN (the stack output TopicArn)');
      }
      return notifyTest(flag('channel'), config.channels, { sns: createSnsClient(), topicArn }, io);
    }
    case 'digest': {
      const date = flag('date');
      const day = date === undefined ? undefined : parseDay(date, '--date');
      const settings = settingsFrom(loadConfig({ path: flag('config'), cwd: io.cwd }));
      const event = await writeDigest(
        digestDeps({ table: tableAdapters(documents, table, settings), settings, log: consoleLog(io.err) }),
        day,
      );
      io.out(
        event === undefined
          ? 'The digest for that day was already written.'
          : `Wrote the digest for ${event.digest.date}; vigil run delivers it.`,
      );
      return 0;
    }
    case 'undelivered': {
      if (values.retry !== true && (flag('topic-arn') !== undefined || flag('config') !== undefined)) {
        throw new UsageError('vigil undelivered takes --topic-arn and --config only with --retry');
      }
      const settings = settingsFrom(loadConfig({ path: flag('config'), cwd: io.cwd }));
      const adapters = tableAdapters(documents, table, settings);
      return undeliveredCommand(
        { retry: values.retry === true, json: values.json === true },
        {
          ledger: adapters.deliveries,
          outbox: adapters.outbox,
          notifier: () => {
            const topicArn = flag('topic-arn') ?? io.env.VIGIL_TOPIC_ARN;
            if (topicArn === undefined) {
              throw new UsageError(
                'vigil undelivered --retry needs --topic-arn or VIGIL_TOPIC_ARN (the stack output TopicArn)',
              );
            }
            return notifierDeps({
              table: adapters,
              publisher: snsPublisher(createSnsClient(), topicArn),
              settings,
              log: consoleLog(io.err),
            });
          },
        },
        io,
      );
    }
    case 'silence': {
      const settings = settingsFrom(loadConfig({ path: flag('config'), cwd: io.cwd }));
      return silenceCommand(
        rest[0],
        rest[1],
        {
          for: flag('for'),
          until: flag('until'),
          reason: flag('reason'),
          service: flag('service'),
          project: flag('project'),
          kind: flag('kind'),
          eventType: flag('event-type'),
          minSeverity: flag('min-severity'),
          resource: flag('resource'),
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
    case 'report': {
      const settings = settingsFrom(loadConfig({ path: flag('config'), cwd: io.cwd }));
      return reportCommand(
        {
          since: flag('since'),
          until: flag('until'),
          project: flag('project'),
          out: flag('out'),
          json: values.json === true,
        },
        insightDeps({ table: tableAdapters(documents, table, settings), settings }),
        io,
      );
    }
  }
  // Read-only: the retention in the settings applies to writes.
  const reader = tableAdapters(documents, table, DEFAULT_SETTINGS).store;
  if (command === 'history') {
    return historyCommand(
      {
        target: rest[0],
        since: flag('since'),
        until: flag('until'),
        kind: flag('kind'),
        project: flag('project'),
        limit: flag('limit'),
        wide: values.wide === true,
        json: values.json === true,
      },
      reader,
      io,
    );
  }
  if (command === 'devices') return devicesCommand({ since: flag('since'), json: values.json === true }, reader, io);
  return statusCommand({ json: values.json === true, wide: values.wide === true }, reader, io);
}

async function sessionCommand(
  rest: readonly string[],
  values: Values,
  io: CliIo,
  documents: DynamoDBDocumentClient,
  table: string,
): Promise<number> {
  const [action, target] = rest;
  const flag = (name: string) => text(values, name);
  if (action === 'start') {
    if (target !== undefined)
      throw new UsageError(`vigil session start: unexpected argument ${JSON.stringify(target)}`);
    // Every argument is checked before any call to AWS.
    const request = validateStart({
      project: flag('project'),
      device: flag('device'),
      maxMinutes: flag('max-minutes'),
      name: flag('name'),
      interactionMode: flag('interaction-mode'),
      billing: flag('billing'),
    });
    const settings = settingsFrom(loadConfig({ path: flag('config'), cwd: io.cwd }));
    return startSession(
      request,
      {
        client: createDeviceFarmClient(),
        ledger: tableAdapters(documents, table, settings).guard,
        guard: settings.guard,
        startedBy: await who(io),
      },
      io,
    );
  }
  if (action === 'stop') {
    if (target === undefined) throw new UsageError('vigil session stop needs the session ARN');
    for (const name of ['project', 'device', 'max-minutes', 'name', 'interaction-mode', 'billing']) {
      if (values[name] !== undefined) throw new UsageError(`vigil session stop does not take --${name}`);
    }
    return stopSession(
      target,
      {
        client: createDeviceFarmClient(),
        ledger: tableAdapters(documents, table, DEFAULT_SETTINGS).guard,
        stoppedBy: await who(io),
      },
      io,
    );
  }
  throw new UsageError(
    `vigil session needs start or stop, not ${JSON.stringify(action ?? '')}; see vigil session --help`,
  );
}

/** Who is acting, for the record: the caller's AWS identity, else the local user. */
async function who(io: CliIo): Promise<string> {
  try {
    return (await callerIdentity()).arn;
  } catch {
    return io.env.USER ?? io.env.USERNAME ?? 'unknown user';
  }
}
