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

/**
 * How long work may wait before it is STUCK. Device Farm runs and jobs wait
 * in PENDING, PENDING_CONCURRENCY, PENDING_DEVICE, PROCESSING, SCHEDULING or
 * PREPARING; remote access sessions in the same statuses; Deadline Cloud jobs
 * in READY or STARTING with no recorded progress.
 */
export const stuckMinutesSchema = section({
  /** Runs and jobs, minutes since they were created. 0: off. @default 60 */
  deviceFarm: wholeNumber(0, 10_080).default(60),
  /** Remote access sessions, minutes since they were created. 0: off. @default 15 */
  remoteAccess: wholeNumber(0, 150).default(15),
  /** Deadline Cloud jobs, minutes without a recorded change. 0: off. @default 60 */
  deadline: wholeNumber(0, 10_080).default(60),
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
  /**
   * Minutes a resource may wait before it is reported STUCK (once), and
   * UNSTUCK when it moves (react/stuck/). 0 turns that detection off.
   * @default deviceFarm 60, remoteAccess 15, deadline 60
   */
  stuckMinutes: stuckMinutesSchema.default(stuckMinutesSchema.parse({})),
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
  'stuck',
  'unstuck',
  'reminder',
] as const;

/** Event types a channel can filter on: every notice type (the daily digest included) and `vigil notify test`. */
export const CHANNEL_EVENT_TYPES = [...NOTICE_TYPES, 'test'] as const;
export type ChannelEventType = (typeof CHANNEL_EVENT_TYPES)[number];

/** Severities from lowest to highest (the `severity` message attribute). */
export const SEVERITIES = ['info', 'warning', 'error'] as const;
export type Severity = (typeof SEVERITIES)[number];

/**
 * Where a channel delivers: an email address, a Slack incoming webhook, AWS
 * Chatbot, PagerDuty (Events API v2), Opsgenie (Alert API), or any HTTPS
 * endpoint (a signed JSON POST).
 */
export const CHANNEL_TYPES = ['email', 'slack', 'chatbot', 'pagerduty', 'opsgenie', 'webhook'] as const;

/** Channel types whose forwarder reads a secret (a webhook URL, a routing key, an API key, a signing key). */
export const SECRET_CHANNEL_TYPES = ['slack', 'pagerduty', 'opsgenie', 'webhook'] as const;

/** The pager services' regions: their US or EU endpoints. */
export const PAGER_REGIONS = ['us', 'eu'] as const;
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
 * refused: a webhook URL or key itself never goes in the config, the
 * template or an environment variable, only in the secret.
 */
function secretName() {
  const accepted =
    'the name of an existing Secrets Manager secret holding the webhook URL or key, like vigil/slack/mobile-ci (letters, digits and /_+=.@-; never the URL or key itself)';
  return z
    .string({ error: accepted })
    .refine((name) => /^[A-Za-z0-9/_+=.@-]{1,512}$/.test(name) && !/hooks\.slack\.com/i.test(name), {
      error: accepted,
    });
}

/**
 * Where a webhook channel POSTs: an https URL without credentials in it
 * (the signing key authenticates Vigil to the receiver; it is in Secrets
 * Manager, never in the URL, the config or the template).
 */
function webhookUrl() {
  const accepted = 'an https URL like https://ops.example.com/hooks/vigil (no user:password@, at most 2048 characters)';
  return z.string({ error: accepted }).refine(
    (value) => {
      if (value.length > 2048) return false;
      try {
        const url = new URL(value);
        return url.protocol === 'https:' && url.hostname !== '' && url.username === '' && url.password === '';
      } catch {
        return false;
      }
    },
    { error: accepted },
  );
}

const CHANNEL_NAME = 'a channel name of 1 to 40 lowercase letters, digits and hyphens, like mobile-ci';

const channelFields = section({
  /** Names the channel in resource names, `vigil notify test --channel`, and the created secret `vigil/slack/<name>`. */
  name: z.string({ error: CHANNEL_NAME }).regex(/^[a-z0-9-]{1,40}$/, { error: CHANNEL_NAME }),
  type: oneOf(CHANNEL_TYPES),
  /** The address, for an email channel (required there, refused elsewhere). */
  address: emailAddress().optional(),
  /**
   * For a Slack, PagerDuty, Opsgenie or webhook channel: the name of an
   * existing secret holding the webhook URL (Slack), the integration's
   * routing key (PagerDuty), the API key (Opsgenie) or the signing key
   * (webhook). @default - the stack creates `vigil/<type>/<name>`: a
   * placeholder the user replaces, or for a webhook a generated signing key
   */
  secretName: secretName().optional(),
  /** For a webhook channel: the https URL it POSTs to (required there, refused elsewhere). */
  url: webhookUrl().optional(),
  /** For a PagerDuty or Opsgenie channel: the service's US or EU endpoint. @default us */
  region: oneOf(PAGER_REGIONS).optional(),
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

/** PagerDuty's Events API v2, through a queue and a forwarder Lambda. */
export interface PagerDutyChannel extends ChannelBase {
  readonly type: 'pagerduty';
  /** An existing secret holding the routing key; absent: the stack creates `vigil/pagerduty/<name>`. */
  readonly secretName?: string;
  readonly region: (typeof PAGER_REGIONS)[number];
}

/** Opsgenie's Alert API, through a queue and a forwarder Lambda. */
export interface OpsgenieChannel extends ChannelBase {
  readonly type: 'opsgenie';
  /** An existing secret holding the API key; absent: the stack creates `vigil/opsgenie/<name>`. */
  readonly secretName?: string;
  readonly region: (typeof PAGER_REGIONS)[number];
}

/** A signed JSON POST to any https endpoint, through a queue and a forwarder Lambda. */
export interface WebhookChannel extends ChannelBase {
  readonly type: 'webhook';
  readonly url: string;
  /** An existing secret holding the signing key; absent: the stack creates `vigil/webhook/<name>` with a generated one. */
  readonly secretName?: string;
}

/** The channels delivered by a forwarder Lambda over plain HTTPS (lambda/deliver/http-channels). */
export type HttpChannel = PagerDutyChannel | OpsgenieChannel | WebhookChannel;

export type Channel = EmailChannel | SlackChannel | ChatbotChannel | HttpChannel;

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
    if (!(SECRET_CHANNEL_TYPES as readonly string[]).includes(type) && channel.secretName !== undefined) {
      problem(
        ['secretName'],
        `no secretName on ${a} ${type} channel (only slack, pagerduty, opsgenie and webhook channels read a secret)`,
      );
    }
    if (type === 'webhook' && channel.url === undefined) {
      problem(['url'], 'an https URL like https://ops.example.com/hooks/vigil (a webhook channel needs one)');
    }
    if (type !== 'webhook' && channel.url !== undefined) {
      problem(['url'], `no url on ${a} ${type} channel (only webhook channels take one)`);
    }
    if (type !== 'pagerduty' && type !== 'opsgenie' && channel.region !== undefined) {
      problem(['region'], `no region on ${a} ${type} channel (only pagerduty and opsgenie channels take one)`);
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
      case 'pagerduty':
      case 'opsgenie':
        return {
          ...base,
          type: channel.type,
          ...(channel.secretName === undefined ? {} : { secretName: channel.secretName }),
          region: channel.region ?? 'us',
        };
      case 'webhook':
        return {
          ...base,
          type: 'webhook',
          // The refinement above guarantees a URL; the fallback is never used.
          url: channel.url ?? '',
          ...(channel.secretName === undefined ? {} : { secretName: channel.secretName }),
        };
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

/**
 * What a silence or a maintenance window mutes: the channel filter's
 * vocabulary (the message attributes) plus resource ARNs. Fields are ANDed,
 * the values of one field ORed; a field left out matches every value.
 */
export const matchSchema = section({
  ...channelFilterSchema.shape,
  /**
   * Only notifications about these resources (ARNs): the resource itself,
   * a job's run, or the project or queue. @default every resource
   */
  resources: z
    .array(text('a resource ARN'), {
      error: 'a list of resource ARNs, at least one (leave the field out to match every resource)',
    })
    .min(1, { error: 'a list of resource ARNs, at least one (leave the field out to match every resource)' })
    .optional(),
});
export type Match = z.output<typeof matchSchema>;

/** Days of the week as maintenance windows name them. */
export const WEEKDAYS = ['MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT', 'SUN'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/** A local time of day, HH:MM from 00:00 to 23:59 (24:00 also for an end). */
function clockTime(end: boolean) {
  const accepted = end ? 'a time of day as HH:MM, from 00:00 to 24:00' : 'a time of day as HH:MM, from 00:00 to 23:59';
  return z
    .string({ error: accepted })
    .regex(end ? /^(([01]\d|2[0-3]):[0-5]\d|24:00)$/ : /^([01]\d|2[0-3]):[0-5]\d$/, { error: accepted });
}

const WINDOW_NAME = 'a window name of 1 to 40 lowercase letters, digits and hyphens, like lab-maintenance';

/**
 * A recurring maintenance window: open from `start` to `end` (local time in
 * `timeZone`, DST included) on each of `days`; an `end` at or before
 * `start` closes on the next day. While open it mutes what `match` matches,
 * as a silence would (deliver/silences.ts).
 */
export const maintenanceWindowSchema = section({
  /** Names the window in `vigil history` (silenced by window/<name>). */
  name: z.string({ error: WINDOW_NAME }).regex(/^[a-z0-9-]{1,40}$/, { error: WINDOW_NAME }),
  /** The days it opens on (in `timeZone`). */
  days: z
    .array(oneOf(WEEKDAYS), { error: `a list of days, at least one of ${WEEKDAYS.join(', ')}` })
    .min(1, { error: `a list of days, at least one of ${WEEKDAYS.join(', ')}` }),
  start: clockTime(false),
  end: clockTime(true),
  /** @default UTC */
  timeZone: timeZone().default('UTC'),
  /** What it mutes. @default every notification */
  match: matchSchema.default({}),
});
export type MaintenanceWindow = z.output<typeof maintenanceWindowSchema>;

const maintenanceWindowsSchema = listOf(maintenanceWindowSchema, 'maintenance windows').superRefine((windows, ctx) => {
  const seen = new Map<string, number>();
  windows.forEach((w, index) => {
    const first = seen.get(w.name);
    if (first === undefined) seen.set(w.name, index);
    else
      ctx.addIssue({
        code: 'custom',
        path: [index, 'name'],
        message: `a name no other maintenance window has (maintenanceWindows[${first}] has it)`,
      });
    if (w.start === w.end || (w.start === '00:00' && w.end === '24:00')) {
      ctx.addIssue({
        code: 'custom',
        path: [index, 'end'],
        message: `a time other than start (${w.start}): a window open all day is a silence, not a window`,
      });
    }
  });
});

/**
 * Reminders for conditions that persist (react/reminders/), each off unless
 * turned on: one every `everyHours` after the first notice, at most `max`.
 */
export const remindersSchema = section({
  /** Hours between two reminders of one condition (budgets: at least 24). @default 24 */
  everyHours: wholeNumber(1, 168).default(24),
  /** Reminders per condition at most. @default 3 */
  max: wholeNumber(1, 100).default(3),
  /** A remote access session still running past its limit (guard.autoStop off, or a dry run). @default false */
  sessionOverLimit: flag().default(false),
  /** A budget still at or over 100% of its limit in the current period (at most once a day). @default false */
  budgetOverLimit: flag().default(false),
  /** A Deadline Cloud job still SUSPENDED or FAILED and not requeued. @default false */
  deadlineJobs: flag().default(false),
  /** A Device Farm project whose latest run, or a device whose latest job, failed with no passing one since. @default false */
  failingRuns: flag().default(false),
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
  maintenanceWindows: maintenanceWindowsSchema.default([]),
  reminders: remindersSchema.default(remindersSchema.parse({})),
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
export type ReminderSettings = z.output<typeof remindersSchema>;
export type StuckMinutes = z.output<typeof stuckMinutesSchema>;

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
