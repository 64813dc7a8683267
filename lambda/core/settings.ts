/**
 * Runtime settings: the part of the user's config that the Lambdas and the
 * CLI need while running (which projects to follow, which changes notify,
 * how long history is kept). The CDK stack passes them to each Lambda as the
 * JSON environment variable VIGIL_SETTINGS; the CLI reads them from the config file.
 */
import { z } from 'zod';
import { ConfigError } from './errors';
import { DEADLINE_TASK_RUN_STATUSES } from './status';
import { isTimeZone } from './time-zone';
import { flag, listOf, oneOf, parseOrThrow, section, text, wholeNumber } from './validation';

/** Job results a team may want to hear about, in AWS spelling. */
export const JOB_RESULTS = ['PASSED', 'WARNED', 'FAILED', 'SKIPPED', 'ERRORED', 'STOPPED'] as const;

/** Test grid session statuses, in AWS spelling. */
export const TEST_GRID_STATUSES = ['ACTIVE', 'CLOSED', 'ERRORED'] as const;

export const deviceFarmSettingsSchema = section({
  /** Poll Device Farm at all. @default true */
  enabled: flag().default(true),
  /** Project names or ARNs to follow; empty means every project in the account. @default [] */
  projects: listOf(text('a project name or ARN'), 'project names or ARNs').default([]),
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

export const budgetSchema = section({
  /** How the budget is named in alerts and in `vigil budget`. */
  name: text('a budget name'),
  /** `deviceMinutes.metered` (jobs and remote access sessions) or `billingMinutes` (test grid sessions). */
  meter: oneOf(METERS),
  /** @default month */
  period: oneOf(['day', 'week', 'month']).default('month'),
  /** The zone the period's days begin in. @default UTC */
  timeZone: timeZone().default('UTC'),
  limitMinutes: minutes(10_000_000),
  /** Percentages of the limit that alert, each once per period. @default 50, 80, 100 */
  thresholds: listOf(wholeNumber(1, 1000), 'percentages').default([50, 80, 100]),
  /** Project names or ARNs; empty counts every project. @default [] */
  projects: listOf(text('a project name or ARN'), 'project names or ARNs').default([]),
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

export const settingsSchema = section({
  deviceFarm: deviceFarmSettingsSchema.default(deviceFarmSettingsSchema.parse({})),
  deadline: deadlineSettingsSchema.default(deadlineSettingsSchema.parse({})),
  budgets: budgetsSchema.default([]),
  guard: guardSchema.default(guardSchema.parse({})),
  rules: rulesSchema.default(rulesSchema.parse({})),
  history: historySettingsSchema.default({ eventRetentionDays: 90 }),
});

/** Settings with every default filled in. */
export type Settings = z.output<typeof settingsSchema>;
export type Rules = z.output<typeof rulesSchema>;
export type DeadlineSettings = z.output<typeof deadlineSettingsSchema>;
export type Budget = z.output<typeof budgetSchema>;
export type GuardSettings = z.output<typeof guardSchema>;

/** The defaults: every project, the default rules, 90 days of history. */
export const DEFAULT_SETTINGS: Settings = settingsSchema.parse({});

/** Parses settings from JSON text (the VIGIL_SETTINGS variable), naming what is wrong. */
export function parseSettings(json: string, source: string): Settings {
  let input: unknown;
  try {
    input = JSON.parse(json);
  } catch (error) {
    throw new ConfigError(`${source}: is not valid JSON (${(error as Error).message}); expected a JSON object`, {
      cause: error,
    });
  }
  return parseOrThrow(settingsSchema, input, source);
}
