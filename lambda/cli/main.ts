/**
 * The `vigil` command line: the same engine as the Lambdas, on one machine.
 * Checks the command and its flags against commands.ts, answers --help and
 * --version itself, and loads a command's code only to run it.
 * Exit codes: 0 done, 1 something failed (and was reported), 2 bad usage or config.
 */
import { parseArgs } from 'node:util';
import { version } from '../../package.json';
import { ConfigError, errorMessage, errorName, UsageError } from '../core/errors';
import { COMMANDS, type CommandSpec, commandUsage, didYouMean, FLAGS, findCommand, globalUsage } from './commands';
import type * as Dispatch from './dispatch';
import type { CliIo } from './io';

export { globalUsage as usage } from './commands';

/** The version `vigil --version` prints (package.json's). */
export const VERSION = version;

const SEE_HELP = 'Run vigil --help for the commands.';

function parse(argv: readonly string[], command: CommandSpec | undefined) {
  try {
    return parseArgs({ args: [...argv], options: FLAGS, allowPositionals: true, strict: true });
  } catch (error) {
    // node:util names the option but suggests quoting it as a positional: say what vigil takes instead.
    const flag = /'(-{1,2}[^']+)'/.exec(errorMessage(error))?.[1];
    if (flag === undefined) throw new UsageError(`vigil: ${errorMessage(error)}`);
    const takes = command?.flags ?? (Object.keys(FLAGS) as (keyof typeof FLAGS)[]);
    throw new UsageError(unknownFlag(command, flag.replace(/=.*$/, ''), takes));
  }
}

function unknownFlag(command: CommandSpec | undefined, flag: string, takes: readonly string[]): string {
  const guess = didYouMean(flag.replace(/^-+/, ''), takes);
  const who = command === undefined ? 'vigil' : `vigil ${command.name}`;
  return [
    `${who}: unknown flag ${flag}${guess === undefined ? '' : `; did you mean --${guess}?`}`,
    command === undefined ? SEE_HELP : `It takes ${command.flags.map((f) => `--${f}`).join(', ')}, --help.`,
  ].join('\n');
}

export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  try {
    // The command is the first word that is not a flag or a flag's value; known before parsing so errors can name it.
    const first = argv.find((a) => !a.startsWith('-'));
    const { values, positionals } = parse(argv, first === undefined ? undefined : findCommand(first));
    const [name, ...rest] = positionals;
    if (values.version === true) {
      io.out(`vigil ${VERSION}`);
      return 0;
    }
    if (name === undefined) {
      if (values.help === true) {
        io.out(globalUsage());
        return 0;
      }
      io.err(globalUsage());
      return 2;
    }
    if (name === 'help') {
      const topic = rest[0];
      const spec = topic === undefined ? undefined : findCommand(topic);
      if (topic !== undefined && spec === undefined) throw new UsageError(unknownCommand(topic));
      io.out(spec === undefined ? globalUsage() : commandUsage(spec));
      return 0;
    }
    const spec = findCommand(name);
    if (spec === undefined) throw new UsageError(unknownCommand(name));
    if (values.help === true) {
      io.out(commandUsage(spec));
      return 0;
    }
    for (const [flag, value] of Object.entries(values)) {
      if (value === undefined || flag === 'help' || spec.flags.includes(flag as never)) continue;
      throw new UsageError(
        `vigil ${spec.name} does not take --${flag}; it takes ${spec.flags.map((f) => `--${f}`).join(', ')}`,
      );
    }
    if (rest.length > spec.positionals.max) {
      throw new UsageError(`vigil ${spec.name}: unexpected argument ${JSON.stringify(rest[spec.positionals.max])}`);
    }
    if (rest.length < spec.positionals.min) {
      throw new UsageError(`vigil ${spec.name} needs more: ${spec.usage.join(' | ')}`);
    }
    // Loaded here, not at the top: help and version answer without the AWS SDK.
    const { dispatch } = require('./dispatch') as typeof Dispatch;
    return await dispatch(spec.name, values, rest, io);
  } catch (error) {
    return report(error, io);
  }
}

function unknownCommand(name: string): string {
  const guess = didYouMean(
    name,
    COMMANDS.map((c) => c.name),
  );
  return `vigil: unknown command ${JSON.stringify(name)}${guess === undefined ? '' : `; did you mean ${guess}?`}\n${SEE_HELP}`;
}

/** The message for a failure, naming the setting to check when the error says what failed. */
export function explainFailure(error: unknown, env: NodeJS.ProcessEnv): string {
  const message = errorMessage(error);
  if (/Invalid table\/index name/i.test(message)) {
    return `DynamoDB refused the table name: ${message}. Set VIGIL_TABLE (or --table) to the stack's TableName output.`;
  }
  if (errorName(error) === 'ResourceNotFoundException') {
    return `The table was not found: ${message}. Run \`vigil run --once\` to create it, or set VIGIL_TABLE (or --table) to the stack's TableName output.`;
  }
  if (message.includes('Region is missing')) {
    return 'No AWS region is set: set AWS_REGION (for example AWS_REGION=us-east-1).';
  }
  const unreachable = /\b(ECONNREFUSED|ENOTFOUND|ETIMEDOUT|EHOSTUNREACH|ECONNRESET)\b(?:\s+([^\s,]+))?/.exec(message);
  if (unreachable !== null) {
    const where = unreachable[2];
    // Name the setting that points there, when one does (AWS_ENDPOINT_URL_DYNAMODB=http://127.0.0.1:9).
    const settings = Object.entries(env)
      .filter(([name, value]) => name.startsWith('AWS_ENDPOINT_URL') && where !== undefined && value?.includes(where))
      .map(([name, value]) => `${name}=${value}`);
    return (
      `vigil failed: could not reach ${where ?? 'an AWS endpoint'} (${unreachable[1]}). ` +
      (settings.length > 0
        ? `It is set by ${settings.join(', ')}: check that the service runs there.`
        : 'Check the endpoint settings (AWS_ENDPOINT_URL_DYNAMODB, AWS_ENDPOINT_URL_SNS, AWS_ENDPOINT_URL_DEVICE_FARM, AWS_ENDPOINT_URL_DEADLINE) and the network.')
    );
  }
  return `vigil failed: ${message}`;
}

function report(error: unknown, io: CliIo): number {
  if (error instanceof UsageError || error instanceof ConfigError) {
    io.err(error.message);
    return 2;
  }
  io.err(explainFailure(error, io.env));
  return 1;
}
