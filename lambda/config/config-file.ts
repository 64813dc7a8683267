/**
 * The config file (`vigil.config.json`): what a user sets before `cdk deploy`.
 * It is the runtime settings (lambda/core/settings.ts) plus the knobs only the
 * stack needs (poll period, what happens to the table on delete, log
 * retention). Every field has a default, so no file at all is a working setup
 * (without email subscribers). Errors name the file, the field, the value
 * found and what would be accepted.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import * as z from 'zod';
import { ConfigError, errorMessage } from '../core/errors';
import { filterPolicyFor, policyCombinations, SNS_MAX_COMBINATIONS } from './channel-routing';
import {
  channelsSchema,
  deadlineSettingsSchema,
  deviceFarmSettingsSchema,
  historySettingsSchema,
  rulesSchema,
  type Settings,
  settingsSchema,
} from './settings';
import { emailAddress, flag, listOf, parseOrThrow, section, wholeNumber } from './validation';

/** The file read when no path is given, relative to the working directory. */
export const DEFAULT_CONFIG_FILE = 'vigil.config.json';

/** The retention periods CloudWatch Logs accepts, in days. */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

/** One of the CloudWatch Logs retention periods, in days. */
export type LogRetentionDays = (typeof LOG_RETENTION_DAYS)[number];

/** Where the duplicate check points the reader; the list lives only here. */
const EMAILS_PATH = 'notifications.emails';

/** Email addresses, each listed once (compared without case, as mail servers do for domains). */
const uniqueEmails = listOf(emailAddress(), 'email addresses').superRefine((emails, ctx) => {
  const firstIndex = new Map<string, number>();
  emails.forEach((email, index) => {
    if (typeof email !== 'string') return;
    const key = email.trim().toLowerCase();
    const first = firstIndex.get(key);
    if (first === undefined) {
      firstIndex.set(key, index);
      return;
    }
    ctx.addIssue({
      code: 'custom',
      path: [index],
      message: `an address listed only once (same as ${EMAILS_PATH}[${first}])`,
    });
  });
});

const notificationsSchema = section({
  /** Addresses subscribed to the alert topic; each gets a confirmation email from SNS. @default [] */
  emails: uniqueEmails.default([]),
});

const deviceFarmConfigSchema = section({
  ...deviceFarmSettingsSchema.shape,
  /** Minutes between two polls of Device Farm. @default 1 */
  pollMinutes: wholeNumber(1, 60).default(1),
});

const deadlineConfigSchema = section({
  ...deadlineSettingsSchema.shape,
  /** Minutes between two polls of Deadline Cloud (events arrive in between). @default 5 */
  pollMinutes: wholeNumber(1, 60).default(5),
});

const historyConfigSchema = section({
  ...historySettingsSchema.shape,
  /**
   * Keep the table (with deletion protection on) when the stack is deleted.
   * false deletes the table and its history with the stack. @default true
   */
  retainOnDelete: flag().default(true),
});

const logsSchema = section({
  /** Days the Lambda functions' logs are kept. @default 30 */
  retentionDays: z.literal(LOG_RETENTION_DAYS, { error: `one of ${LOG_RETENTION_DAYS.join(', ')}` }).default(30),
});

/**
 * The whole config file; every section and field is optional.
 *
 * `channels` are filtered destinations (email, Slack, AWS Chatbot), each
 * with its own SNS subscription filter policy (lambda/deliver/routing.ts);
 * `notifications.emails` stay unfiltered subscribers. Checked across
 * sections: an address is subscribed once (SNS keeps one subscription per
 * topic, protocol and address, so a second one with another filter would
 * overwrite the first), and each channel's filter fits SNS's limits.
 */
export const configSchema = section({
  notifications: notificationsSchema.prefault({}),
  /** Filtered destinations. @default [] */
  channels: channelsSchema.default([]),
  /** The daily digest. @default enabled, at 07:00 UTC */
  digest: settingsSchema.shape.digest,
  deviceFarm: deviceFarmConfigSchema.prefault({}),
  deadline: deadlineConfigSchema.prefault({}),
  budgets: settingsSchema.shape.budgets,
  guard: settingsSchema.shape.guard,
  rules: rulesSchema.prefault({}),
  history: historyConfigSchema.prefault({}),
  delivery: settingsSchema.shape.delivery,
  /** Prices of a device minute, for the money beside the minutes. @default the list prices, in USD */
  pricing: settingsSchema.shape.pricing,
  /** Recurring windows that mute what they match while open. @default [] */
  maintenanceWindows: settingsSchema.shape.maintenanceWindows,
  /** Reminders for conditions that persist. @default every condition off */
  reminders: settingsSchema.shape.reminders,
  logs: logsSchema.prefault({}),
}).superRefine((config, ctx) => {
  const subscribed = new Map<string, string>();
  config.notifications.emails.forEach((email, index) => {
    subscribed.set(email.trim().toLowerCase(), `${EMAILS_PATH}[${index}]`);
  });
  config.channels.forEach((channel, index) => {
    if (channel.type === 'email') {
      const key = channel.address.trim().toLowerCase();
      const first = subscribed.get(key);
      if (first === undefined) subscribed.set(key, `channels[${index}].address`);
      else
        ctx.addIssue({
          code: 'custom',
          path: ['channels', index, 'address'],
          message: `an address subscribed only once (${first} has it)`,
        });
    }
    const policy = filterPolicyFor(channel);
    const combinations = policy === undefined ? 0 : policyCombinations(policy);
    if (combinations > SNS_MAX_COMBINATIONS) {
      ctx.addIssue({
        code: 'custom',
        path: ['channels', index, 'filter'],
        message: `a filter SNS accepts: at most ${SNS_MAX_COMBINATIONS} combinations of values (services × projects × kinds × event types × severities); this one has ${combinations}`,
      });
    }
  });
});

/** The config with every default filled in. */
export type VigilConfig = z.output<typeof configSchema>;

/** Validates an already-parsed config object; `source` names it in error messages. */
export function parseConfig(input: unknown, source: string): VigilConfig {
  return parseOrThrow(configSchema, input, source);
}

/**
 * Reads and validates the config file. With `path`, that file must exist;
 * without it, `vigil.config.json` in `cwd` is read if present, and an absent
 * file means all defaults. Relative paths resolve against `cwd` (default:
 * the process's working directory); messages show the path as given.
 */
export function loadConfig(options: { path?: string; cwd?: string } = {}): VigilConfig {
  const cwd = options.cwd ?? process.cwd();
  const explicit = options.path !== undefined;
  const path = options.path ?? DEFAULT_CONFIG_FILE;

  let text: string;
  try {
    const bytes = readFileSync(resolve(cwd, path));
    refuseUtf16(bytes, path);
    text = bytes.toString('utf8');
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    const code = errorCode(error);
    if (code === 'ENOENT' && !explicit) return parseConfig({}, path);
    if (code === 'ENOENT') throw new ConfigError(`Config file ${path} not found`, { cause: error });
    throw new ConfigError(`Config file ${path} could not be read (${code ?? String(error)})`, { cause: error });
  }
  return parseConfig(parseJson(text, path), path);
}

/**
 * A config saved as UTF-16 (what some Windows editors write) reads as noise
 * to a JSON parser; say what it is instead of "not valid JSON at line 1".
 */
function refuseUtf16(bytes: Buffer, path: string): void {
  const bom = bytes.subarray(0, 2).toString('hex');
  const utf16 = bom === 'fffe' || bom === 'feff' || bytes.subarray(0, 64).includes(0);
  if (utf16) {
    throw new ConfigError(
      `Config file ${path} looks UTF-16 encoded${bom === 'fffe' || bom === 'feff' ? ` (it starts with the byte order mark ${bom.toUpperCase()})` : ' (it holds zero bytes)'}; save it as UTF-8`,
    );
  }
}

/** The runtime subset of the config that the Lambdas receive as VIGIL_SETTINGS. */
export function settingsFrom(config: VigilConfig): Settings {
  return {
    deviceFarm: {
      enabled: config.deviceFarm.enabled,
      projects: [...config.deviceFarm.projects],
      fullListingMinutes: config.deviceFarm.fullListingMinutes,
    },
    deadline: {
      enabled: config.deadline.enabled,
      ...(config.deadline.region === undefined ? {} : { region: config.deadline.region }),
      farms: [...config.deadline.farms],
      excludeFarms: [...config.deadline.excludeFarms],
      queues: [...config.deadline.queues],
      excludeQueues: [...config.deadline.excludeQueues],
      fullListingMinutes: config.deadline.fullListingMinutes,
    },
    budgets: config.budgets.map((b) => ({ ...b, thresholds: [...b.thresholds], projects: [...b.projects] })),
    guard: { ...config.guard, projects: { ...config.guard.projects } },
    rules: {
      ...config.rules,
      jobResults: [...config.rules.jobResults],
      testGridStatuses: [...config.rules.testGridStatuses],
      deadlineJobStatuses: [...config.rules.deadlineJobStatuses],
      stuckMinutes: { ...config.rules.stuckMinutes },
    },
    history: { eventRetentionDays: config.history.eventRetentionDays },
    digest: { ...config.digest },
    delivery: { ...config.delivery },
    pricing: { ...config.pricing },
    maintenanceWindows: config.maintenanceWindows.map((w) => ({ ...w, days: [...w.days], match: { ...w.match } })),
    reminders: { ...config.reminders },
  };
}

function errorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null || !('code' in error)) return undefined;
  return typeof error.code === 'string' ? error.code : undefined;
}

/**
 * JSON.parse, with a failure reported as line and column plus what the parser
 * expected there. Node's own messages differ between versions and often give
 * no position, so the position comes from {@link findJsonError}.
 */
function parseJson(text: string, source: string): unknown {
  const body = text.startsWith('\uFEFF') ? text.slice(1) : text;
  try {
    return JSON.parse(body);
  } catch (error) {
    const found = findJsonError(body);
    const where = found ? ` at line ${found.line}, column ${found.column}` : '';
    const expected = found ? found.expected : errorMessage(error);
    throw new ConfigError(`${source}: is not valid JSON${where}; expected ${expected}`, { cause: error });
  }
}

interface JsonError {
  /** 1-based line and column of the first character the grammar rejects. */
  readonly line: number;
  readonly column: number;
  readonly expected: string;
}

class JsonSyntax extends Error {
  constructor(
    readonly offset: number,
    readonly expected: string,
  ) {
    super(expected);
  }
}

/**
 * Walks `text` with the JSON grammar (RFC 8259) and reports the first place
 * it breaks, or undefined if the text is valid JSON.
 */
function findJsonError(text: string): JsonError | undefined {
  let i = 0;
  const fail: (expected: string, at?: number) => never = (expected, at = i) => {
    throw new JsonSyntax(at, expected);
  };
  const skipSpace = () => {
    while (i < text.length && ' \t\n\r'.includes(text.charAt(i))) i++;
  };
  const expectChar = (char: string, expected: string) => {
    if (text.charAt(i) !== char) fail(i >= text.length ? `${expected} before the end of the file` : expected);
    i++;
  };
  const string = () => {
    i++; // opening quote
    for (;;) {
      if (i >= text.length) fail('a closing " before the end of the file');
      const char = text.charAt(i);
      if (char === '"') {
        i++;
        return;
      }
      if (char < ' ') fail('no line breaks or control characters inside a string (write \\n for a line break)');
      if (char === '\\') {
        const escaped = text.charAt(i + 1);
        if ('"\\/bfnrt'.includes(escaped) && escaped !== '') i += 2;
        else if (escaped === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) i += 6;
        else fail('an escape like \\n, \\" or \\u00e9 after the backslash', i);
        continue;
      }
      i++;
    }
  };
  const number = () => {
    const match = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?/.exec(text.slice(i));
    if (!match) return fail('a number like 1, 1.5 or -2e3');
    i += match[0].length;
    if (/[0-9.eE+-]/.test(text.charAt(i))) fail('a number like 1, 1.5 or -2e3 (no leading zeros or stray signs)');
  };
  const value = (): void => {
    skipSpace();
    const char = text.charAt(i);
    if (i >= text.length) fail('a value before the end of the file');
    if (char === '{') object();
    else if (char === '[') array();
    else if (char === '"') string();
    else if (char === '-' || (char >= '0' && char <= '9')) number();
    else {
      const word = ['true', 'false', 'null'].find((literal) => text.startsWith(literal, i));
      if (word === undefined)
        fail('a value (an object, a list, a string in double quotes, a number, true, false or null)');
      else i += word.length;
    }
  };
  const object = () => {
    i++; // {
    skipSpace();
    if (text.charAt(i) === '}') {
      i++;
      return;
    }
    for (;;) {
      skipSpace();
      if (text.charAt(i) !== '"') {
        fail(
          i >= text.length ? "a property name or '}' before the end of the file" : 'a property name in double quotes',
        );
      }
      string();
      skipSpace();
      expectChar(':', "':' after the property name");
      value();
      skipSpace();
      if (text.charAt(i) === '}') {
        i++;
        return;
      }
      expectChar(',', "',' or '}' after the value");
      skipSpace();
      if (text.charAt(i) === '}') fail("another property after ',' (remove the trailing comma)");
    }
  };
  const array = () => {
    i++; // [
    skipSpace();
    if (text.charAt(i) === ']') {
      i++;
      return;
    }
    for (;;) {
      value();
      skipSpace();
      if (text.charAt(i) === ']') {
        i++;
        return;
      }
      expectChar(',', "',' or ']' after the value");
      skipSpace();
      if (text.charAt(i) === ']') fail("another value after ',' (remove the trailing comma)");
    }
  };

  try {
    value();
    skipSpace();
    if (i < text.length) fail('nothing after the end of the top-level value');
    return undefined;
  } catch (error) {
    if (!(error instanceof JsonSyntax)) throw error;
    return { ...lineAndColumn(text, error.offset), expected: error.expected };
  }
}

function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const lineStart = before.lastIndexOf('\n') + 1;
  return { line: before.split('\n').length, column: offset - lineStart + 1 };
}
