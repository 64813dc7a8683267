/**
 * Runtime settings: the part of the user's config that the Lambdas and the
 * CLI need while running (which projects to follow, which changes notify,
 * how long history is kept). The CDK stack passes them to each Lambda as the
 * JSON environment variable VIGIL_SETTINGS; the CLI reads them from the config file.
 */
import * as z from 'zod';
import { ConfigError, errorMessage } from '../core/errors';
import type { Kind, Service } from '../core/observation';
import { DEADLINE_TASK_RUN_STATUSES } from '../core/status';
import { isTimeZone } from '../core/time-zone';
import {
  emailAddress,
  flag,
  label,
  listOf,
  nameOrArn,
  oneOf,
  parseOrThrow,
  section,
  text,
  wholeNumber,
} from './validation';

/** Job results a team may want to hear about, in AWS spelling. */
export const JOB_RESULTS = ['PASSED', 'WARNED', 'FAILED', 'SKIPPED', 'ERRORED', 'STOPPED'] as const;

/** Test grid session statuses, in AWS spelling. */
export const TEST_GRID_STATUSES = ['ACTIVE', 'CLOSED', 'ERRORED'] as const;

export const deviceFarmSettingsSchema = section({
  /** Poll Device Farm at all. @default true */
  enabled: flag().default(true),
  /** Project names or ARNs to follow; empty means every project in the account. @default [] */
  projects: listOf(nameOrArn('a project name or ARN'), 'project names or ARNs').default([]),
  /**
   * Minutes between two full listings of each project's runs, remote access
   * sessions and test grid sessions: the safety net under the watermark
   * (the API documents no listing order), which finds a resource listed late
   * and reports it. At most a day. @default 60
   */
  fullListingMinutes: wholeNumber(1, 1440).default(60),
});

/** An AWS region name such as us-west-2 or eu-central-1. */
function region() {
  return z
    .string({ error: 'an AWS region like us-west-2' })
    .regex(/^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-\d+$/, { error: 'an AWS region like us-west-2' });
}

function namesOrIds(what: string) {
  return listOf(text(`a ${what} name or ID`), `${what} names or IDs`).default([]);
}

export const deadlineSettingsSchema = section({
  /** Poll Deadline Cloud and take its EventBridge events. Off unless asked for. @default false */
  enabled: flag().default(false),
  /** The region Deadline Cloud runs in. @default the region Vigil runs in */
  region: region().optional(),
  /** Farms to follow (names or IDs); empty means every farm. @default [] */
  farms: namesOrIds('farm'),
  /** Farms never followed, even when `farms` is empty. @default [] */
  excludeFarms: namesOrIds('farm'),
  /** Queues to follow (names or IDs); empty means every queue of the followed farms. @default [] */
  queues: namesOrIds('queue'),
  /** Queues never followed. @default [] */
  excludeQueues: namesOrIds('queue'),
  /**
   * Minutes between two full listings of a queue's jobs when Deadline's
   * EventBridge events reach Vigil (they announce new jobs); in between, a
   * poll reads only the jobs that can still change. Without events (the
   * CLI, or a stack outside Deadline's region) every poll lists in full.
   * @default 60
   */
  fullListingMinutes: wholeNumber(5, 1440).default(60),
});

/** A positive number of minutes (fractions allowed: Device Farm counts in fractional minutes). */
function minutes(max: number) {
  const accepted = `a number of minutes above 0 and at most ${max}`;
  return z.number({ error: accepted }).gt(0, { error: accepted }).lte(max, { error: accepted });
}

/** An IANA time zone such as Europe/Paris or UTC. */
function timeZone() {
  const accepted = 'an IANA time zone like UTC, Europe/Paris or America/New_York';
  return z.string({ error: accepted }).refine(isTimeZone, { error: accepted });
}

/**
 * Budget meters. Meters are never mixed: `deviceMinutes.metered` counts the
 * metered device minutes of jobs and remote access sessions,
 * `billingMinutes` the billing minutes of test grid sessions.
 */
export const METERS = ['deviceMinutes.metered', 'billingMinutes'] as const;

/** An amount of money above 0 (a budget's limit), in `pricing.currency`. */
function amount() {
  const accepted = 'an amount above 0 and at most 100000000 (in pricing.currency)';
  return z.number({ error: accepted }).gt(0, { error: accepted }).lte(100_000_000, { error: accepted });
}

/** A price per minute above 0. */
function pricePerMinute() {
  const accepted = 'a price per minute above 0 and at most 100';
  return z.number({ error: accepted }).gt(0, { error: accepted }).lte(100, { error: accepted });
}

/**
 * AWS Device Farm's public list prices (AWS Price List, offer AWSDeviceFarm,
 * us-west-2, effective 2021-09-01; checked 2026-12-04): a metered device
 * minute (automated tests and remote access, Android and iOS) 0.17 USD, a
 * test grid (desktop browser) minute 0.005 USD. Unmetered minutes are paid
 * by device slots, a flat monthly fee: they cost nothing per minute.
 */
export const LIST_PRICES = { currency: 'USD', meteredDeviceMinute: 0.17, testGridMinute: 0.005 } as const;

export const pricingSchema = section({
  /** The currency of the prices and of every `limitUsd`: ISO 4217, three capital letters. @default USD */
  currency: z
    .string({ error: 'a currency code of three capital letters, like USD or EUR' })
    .regex(/^[A-Z]{3}$/, { error: 'a currency code of three capital letters, like USD or EUR' })
    .default(LIST_PRICES.currency),
  /** Price of one metered device minute (jobs and remote access sessions). @default 0.17 (list price) */
  meteredDeviceMinute: pricePerMinute().default(LIST_PRICES.meteredDeviceMinute),
  /** Price of one test grid (desktop browser) billing minute. @default 0.005 (list price) */
  testGridMinute: pricePerMinute().default(LIST_PRICES.testGridMinute),
});

export const budgetSchema = section({
  /** How the budget is named in alerts and in `vigil budget`. */
  name: label('a budget name'),
  /** `deviceMinutes.metered` (jobs and remote access sessions) or `billingMinutes` (test grid sessions). */
  meter: oneOf(METERS),
  /** @default month */
  period: oneOf(['day', 'week', 'month']).default('month'),
  /** The zone the period's days begin in. @default UTC */
  timeZone: timeZone().default('UTC'),
  /** The limit in minutes of the meter. Exactly one of `limitMinutes` and `limitUsd`. */
  limitMinutes: minutes(10_000_000).optional(),
  /**
   * The limit in money (`pricing.currency`, USD unless set), turned into
   * minutes at the meter's price. Exactly one of `limitMinutes` and `limitUsd`.
   */
  limitUsd: amount().optional(),
  /** Percentages of the limit that alert, each once per period. @default 50, 80, 100 */
  thresholds: listOf(wholeNumber(1, 1000), 'percentages').default([50, 80, 100]),
  /** Project names or ARNs; empty counts every project. @default [] */
  projects: listOf(nameOrArn('a project name or ARN'), 'project names or ARNs').default([]),
  /**
   * Send one forecast per period when the usage so far projects past the
   * limit (only with enough evidence: a quarter of the period elapsed and
   * usage on three days; see the README's Budgets section). @default true
   */
  forecast: flag().default(true),
}).superRefine((budget, ctx) => {
  if (budget.limitMinutes === undefined && budget.limitUsd === undefined) {
    ctx.addIssue({
      code: 'custom',
      path: ['limitMinutes'],
      message: 'a limit: limitMinutes (minutes of the meter) or limitUsd (an amount in pricing.currency)',
    });
  }
  if (budget.limitMinutes !== undefined && budget.limitUsd !== undefined) {
    ctx.addIssue({
      code: 'custom',
      path: ['limitUsd'],
      message: 'no limitUsd beside limitMinutes (a budget has one limit: minutes or money)',
    });
  }
});

const budgetsSchema = listOf(budgetSchema, 'budgets').superRefine((budgets, ctx) => {
  const seen = new Map<string, number>();
  budgets.forEach((b, index) => {
    const first = seen.get(b.name);
    if (first === undefined) seen.set(b.name, index);
    else
      ctx.addIssue({
        code: 'custom',
        path: [index, 'name'],
        message: `a name no other budget has (budgets[${first}] has it)`,
      });
  });
});

export const guardSchema = section({
  /** Longest a remote access session may run, in minutes, unless its project or the session sets its own. */
  maxMinutes: minutes(150).optional(),
  /** Per-project limits: project name or ARN → minutes. @default {} */
  projects: z.record(z.string(), minutes(150), { error: 'an object of project name or ARN → minutes' }).default({}),
  /** Fraction of the limit at which a warning is sent (also of the 150-minute hard limit). @default 0.8 */
  warnAt: z
    .number({ error: 'a fraction between 0.1 and 0.99' })
    .min(0.1, { error: 'a fraction between 0.1 and 0.99' })
    .max(0.99, { error: 'a fraction between 0.1 and 0.99' })
    .default(0.8),
  /** Stop sessions that reach their limit (StopRemoteAccessSession). Off: alert only. @default false */
  autoStop: flag().default(false),
  /** Log and alert what would be stopped, without stopping it. @default false */
  dryRun: flag().default(false),
});

export const rulesSchema = section({
  /** One summary message when a run finishes, whatever its result. @default true */
  runFinished: flag().default(true),
  /** Job results that notify (grouped per run per cycle). @default FAILED, ERRORED, STOPPED, WARNED */
  jobResults: listOf(oneOf(JOB_RESULTS), 'job results').default(['FAILED', 'ERRORED', 'STOPPED', 'WARNED']),
  /** One message when a remote access session finishes. @default true */
  remoteAccessFinished: flag().default(true),
  /** Test grid session statuses that notify. @default ERRORED */
  testGridStatuses: listOf(oneOf(TEST_GRID_STATUSES), 'test grid session statuses').default(['ERRORED']),
  /** One message the first time a resource shows a status Vigil does not know. @default true */
  unknownStatus: flag().default(true),
  /** Deadline Cloud job statuses that notify. @default SUCCEEDED, FAILED, CANCELED, SUSPENDED, NOT_COMPATIBLE */
  deadlineJobStatuses: listOf(oneOf(DEADLINE_TASK_RUN_STATUSES), 'Deadline Cloud job statuses').default([
    'SUCCEEDED',
    'FAILED',
    'CANCELED',
    'SUSPENDED',
    'NOT_COMPATIBLE',
  ]),
  /** One message per job per cycle when its sessions end with an error or UPDATE_FAILED. @default true */
  deadlineSessionFailures: flag().default(true),
});

export const historySettingsSchema = section({
  /** Days an event (and a finished resource's latest state) is kept before DynamoDB TTL removes it. @default 90 */
  eventRetentionDays: wholeNumber(1, 3650).default(90),
});

export const deliverySchema = section({
  /**
   * Seconds a notifier's claim on an event holds before another notifier may
   * take it over (a claimant that crashed). Longer than a publish can take
   * with its retries. @default 180
   */
  claimLeaseSeconds: wholeNumber(1, 3600).default(180),
  /**
   * Minutes an event may wait for its stream record to be handled before the
   * outbox sweeper delivers it (or reacts to it) instead. @default 5
   */
  sweepAfterMinutes: wholeNumber(1, 1440).default(5),
});

export const digestSchema = section({
  /**
   * Send one summary of the previous UTC day, every day, to the email
   * subscribers (notifications.emails) and to each channel with `digest: true`.
   * @default true
   */
  enabled: flag().default(true),
  /** The hour (UTC, 0 to 23) the digest is sent at, on the hour. @default 7 */
  hourUtc: wholeNumber(0, 23).default(7),
});

/** What a notification is about, in the `service` message attribute. */
export const CHANNEL_SERVICES = ['devicefarm', 'deadline'] as const satisfies readonly Service[];

/** What a notification is about, in the `kind` message attribute: a resource kind, or `budget`. */
export const CHANNEL_KINDS = [
  'run',
  'job',
  'remote-access-session',
  'test-grid-session',
  'deadline-job',
  'deadline-session',
  'budget',
] as const satisfies readonly (Kind | 'budget')[];

/**
 * The notice types (lambda/deliver/rules.ts NoticeType), in the `eventType`
 * message attribute; `digest` is the daily digest. Listed here because the
 * config is validated without the delivery code;
 * test/unit/deliver/routing.test.ts checks the two agree.
 */
export const NOTICE_TYPES = [
  'run-finished',
  'jobs-finished',
  'session-finished',
  'test-grid-session',
  'deadline-job',
  'deadline-sessions-failed',
  'unknown-status',
  'budget-threshold',
  'budget-forecast',
  'guard',
  'digest',
] as const;

/** Event types a channel can filter on: every notice type (the daily digest included) and `vigil notify test`. */
export const CHANNEL_EVENT_TYPES = [...NOTICE_TYPES, 'test'] as const;
export type ChannelEventType = (typeof CHANNEL_EVENT_TYPES)[number];

/** Severities from lowest to highest (the `severity` message attribute). */
export const SEVERITIES = ['info', 'warning', 'error'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** Where a channel delivers: an email address, a Slack incoming webhook, or AWS Chatbot. */
export const CHANNEL_TYPES = ['email', 'slack', 'chatbot'] as const;
export type ChannelType = (typeof CHANNEL_TYPES)[number];

/** A non-empty list of `values`; an empty one would match nothing, so it is refused. */
function someOf<const T extends readonly [string, ...string[]]>(values: T, what: string) {
  const accepted = `a list of ${what}, at least one of ${values.join(', ')} (leave the field out to accept every one)`;
  return z.array(oneOf(values), { error: accepted }).min(1, { error: accepted });
}

/**
 * Which notifications reach a channel, matched on the message attributes
 * every notification carries. Fields are ANDed; the values of one field are
 * ORed. A field left out accepts every value. Turned into an SNS
 * subscription filter policy by lambda/deliver/routing.ts.
 */
export const channelFilterSchema = section({
  /** Only these services. @default every service */
  services: someOf(CHANNEL_SERVICES, 'services').optional(),
  /** Only these Device Farm projects or Deadline Cloud queues (names; budgets: the budget's name). @default every project */
  projects: z
    .array(text('a project or queue name'), {
      error: 'a list of project or queue names, at least one (leave the field out to accept every project)',
    })
    .min(1, { error: 'a list of project or queue names, at least one (leave the field out to accept every project)' })
    .optional(),
  /** Only these kinds of resource (or `budget`). @default every kind */
  kinds: someOf(CHANNEL_KINDS, 'kinds').optional(),
  /** Only these event types (`digest` is governed by the channel's `digest` too). @default every event type */
  eventTypes: someOf(CHANNEL_EVENT_TYPES, 'event types').optional(),
  /** Only this severity and above (info < warning < error). @default info (every severity) */
  minSeverity: oneOf(SEVERITIES).optional(),
});
export type ChannelFilter = z.output<typeof channelFilterSchema>;

/**
 * A Secrets Manager secret name (letters, digits and /_+=.@-). A URL is
 * refused: the webhook URL itself never goes in the config, the template or
 * an environment variable, only in the secret.
 */
function secretName() {
  const accepted =
    'the name of an existing Secrets Manager secret holding the webhook URL, like vigil/slack/mobile-ci (letters, digits and /_+=.@-; never the URL itself)';
  return z
    .string({ error: accepted })
    .refine((name) => /^[A-Za-z0-9/_+=.@-]{1,512}$/.test(name) && !/hooks\.slack\.com/i.test(name), {
      error: accepted,
    });
}

const CHANNEL_NAME = 'a channel name of 1 to 40 lowercase letters, digits and hyphens, like mobile-ci';

const channelFields = section({
  /** Names the channel in resource names, `vigil notify test --channel`, and the created secret `vigil/slack/<name>`. */
  name: z.string({ error: CHANNEL_NAME }).regex(/^[a-z0-9-]{1,40}$/, { error: CHANNEL_NAME }),
  type: oneOf(CHANNEL_TYPES),
  /** The address, for an email channel (required there, refused elsewhere). */
  address: emailAddress().optional(),
  /**
   * For a Slack channel: the name of an existing secret holding the webhook
   * URL. @default - the stack creates the secret `vigil/slack/<name>` with a
   * placeholder value, which the user replaces with the webhook URL
   */
  secretName: secretName().optional(),
  /** Also receive the daily digest, whatever the filter says. @default true for email, false otherwise */
  digest: flag().optional(),
  /**
   * Also receive Vigil's own CloudWatch alarms (a poller stopped, a queue
   * holding failed messages), whatever the filter says.
   * @default true for a channel without a filter, false for one with a filter
   */
  alarms: flag().optional(),
  /** Which notifications reach the channel. @default every notification */
  filter: channelFilterSchema.optional(),
});

interface ChannelBase {
  readonly name: string;
  /** Receives the daily digest (message attribute eventType `digest`). */
  readonly digest: boolean;
  /** Receives Vigil's CloudWatch alarms (messages without Vigil's attributes). @default false */
  readonly alarms?: boolean;
  readonly filter?: ChannelFilter;
}

/** Email to one address, through an SNS email subscription with a filter policy. */
export interface EmailChannel extends ChannelBase {
  readonly type: 'email';
  readonly address: string;
}

/** A Slack incoming webhook, through a queue and a forwarder Lambda. */
export interface SlackChannel extends ChannelBase {
  readonly type: 'slack';
  /** An existing secret holding the webhook URL; absent: the stack creates `vigil/slack/<name>`. */
  readonly secretName?: string;
}

/** AWS Chatbot, through a queue, a relay Lambda and a second topic Chatbot subscribes to. */
export interface ChatbotChannel extends ChannelBase {
  readonly type: 'chatbot';
}

export type Channel = EmailChannel | SlackChannel | ChatbotChannel;

/** One channel: the fields each type takes checked together, then the digest default filled in. */
export const channelSchema = channelFields
  .superRefine((channel, ctx) => {
    // Every problem of the channel is reported; they are final (continue:
    // false), so the list and the whole config are checked further only
    // once every channel is well-formed.
    const problem = (path: PropertyKey[], message: string) =>
      ctx.addIssue({ code: 'custom', path, message, continue: false });
    const type = channel.type;
    const a = type === 'email' ? 'an' : 'a';
    if (type === 'email' && channel.address === undefined) {
      problem(['address'], 'an email address like team@example.com (an email channel needs one)');
    }
    if (type !== 'email' && channel.address !== undefined) {
      problem(['address'], `no address on ${a} ${type} channel (only email channels take one)`);
    }
    if (type !== 'slack' && channel.secretName !== undefined) {
      problem(
        ['secretName'],
        `no secretName on ${a} ${type} channel (only slack channels read a webhook URL from a secret)`,
      );
    }
    const eventTypes = channel.filter?.eventTypes ?? [];
    if (channel.digest === false && eventTypes.includes('digest')) {
      problem(
        ['filter', 'eventTypes', eventTypes.indexOf('digest')],
        'an event type other than digest while the channel has digest: false (set digest to true to receive the daily digest)',
      );
    }
  })
  .transform((channel): Channel => {
    const base = {
      name: channel.name,
      digest: channel.digest ?? channel.type === 'email',
      alarms: channel.alarms ?? channel.filter === undefined,
      ...(channel.filter === undefined ? {} : { filter: channel.filter }),
    };
    switch (channel.type) {
      case 'email':
        // The refinement above guarantees an address; the fallback is never used.
        return { ...base, type: 'email', address: channel.address ?? '' };
      case 'slack':
        return {
          ...base,
          type: 'slack',
          ...(channel.secretName === undefined ? {} : { secretName: channel.secretName }),
        };
      case 'chatbot':
        return { ...base, type: 'chatbot' };
    }
  });

/**
 * Channel names, unique, and unique once hyphens are dropped: the stack's
 * output names (ChatbotTopicArnMobileCi) are built from them.
 */
export const channelsSchema = listOf(channelSchema, 'channels').superRefine((channels, ctx) => {
  const seen = new Map<string, number>();
  channels.forEach((channel, index) => {
    const key = channel.name.replaceAll('-', '');
    const first = seen.get(key);
    if (first === undefined) {
      seen.set(key, index);
      return;
    }
    const other = channels[first]?.name;
    ctx.addIssue({
      code: 'custom',
      path: [index, 'name'],
      message:
        other === channel.name
          ? `a name no other channel has (channels[${first}] has it)`
          : `a name no other channel has once hyphens are dropped (channels[${first}] is "${other}")`,
    });
  });
});

export const settingsSchema = section({
  deviceFarm: deviceFarmSettingsSchema.default(deviceFarmSettingsSchema.parse({})),
  deadline: deadlineSettingsSchema.default(deadlineSettingsSchema.parse({})),
  budgets: budgetsSchema.default([]),
  guard: guardSchema.default(guardSchema.parse({})),
  rules: rulesSchema.default(rulesSchema.parse({})),
  history: historySettingsSchema.default({ eventRetentionDays: 90 }),
  digest: digestSchema.default(digestSchema.parse({})),
  delivery: deliverySchema.default(deliverySchema.parse({})),
  pricing: pricingSchema.default(pricingSchema.parse({})),
});

/** Settings with every default filled in. */
export type Settings = z.output<typeof settingsSchema>;
export type Rules = z.output<typeof rulesSchema>;
export type DeadlineSettings = z.output<typeof deadlineSettingsSchema>;
/** A budget as configured: its limit in minutes or in money. */
export type BudgetSetting = z.output<typeof budgetSchema>;
export type Pricing = z.output<typeof pricingSchema>;
export type Meter = (typeof METERS)[number];

/** A budget as the engine counts it: its limit in minutes, whichever way it was set. */
export interface Budget extends BudgetSetting {
  readonly limitMinutes: number;
}

/** What one minute of `meter` costs at `pricing`. */
export function pricePerMinuteOf(meter: Meter, pricing: Pricing): number {
  return meter === 'billingMinutes' ? pricing.testGridMinute : pricing.meteredDeviceMinute;
}

/** A configured budget with its limit in minutes: `limitUsd` ÷ the price of its meter, when set in money. */
export function resolveBudget(budget: BudgetSetting, pricing: Pricing): Budget {
  const limitMinutes = budget.limitMinutes ?? (budget.limitUsd ?? 0) / pricePerMinuteOf(budget.meter, pricing);
  return { ...budget, limitMinutes };
}

/** Every configured budget, resolved (see {@link resolveBudget}). */
export function budgetsOf(settings: Pick<Settings, 'budgets' | 'pricing'>): Budget[] {
  return settings.budgets.map((budget) => resolveBudget(budget, settings.pricing));
}
export type GuardSettings = z.output<typeof guardSchema>;
export type DigestSettings = z.output<typeof digestSchema>;
export type DeliverySettings = z.output<typeof deliverySchema>;

/** The defaults: every project, the default rules, 90 days of history. */
export const DEFAULT_SETTINGS: Settings = settingsSchema.parse({});

/** Parses settings from JSON text (the VIGIL_SETTINGS variable), naming what is wrong. */
export function parseSettings(json: string, source: string): Settings {
  let input: unknown;
  try {
    input = JSON.parse(json);
  } catch (error) {
    throw new ConfigError(`${source}: is not valid JSON (${errorMessage(error)}); expected a JSON object`, {
      cause: error,
    });
  }
  return parseOrThrow(settingsSchema, input, source);
}
