/**
 * Builders for the reactors' inputs and outputs: budgets and guard settings
 * (through the config schemas, so defaults are the real ones), change
 * events that carry minutes, and budget and guard events as the reactors
 * write them.
 */

import {
  type Budget,
  type BudgetSetting,
  budgetSchema,
  type GuardSettings,
  guardSchema,
  LIST_PRICES,
  type Pricing,
  resolveBudget,
} from '../../lambda/config/settings';
import type { DeviceFarmKind, Minutes, Observation } from '../../lambda/core/observation';
import { buildChange, type ChangeEvent } from '../../lambda/record/change-event';
import type { BudgetEvent, DigestEvent, GuardEvent } from '../../lambda/record/vigil-event';
import { sessionArn } from './arns';
import { obsOf, sessionObs, stored } from './builders';

/**
 * A budget as config parsing yields it, resolved as the engine counts it: 1,000 metered minutes a month
 * in UTC, thresholds 50/80/100. With `limitUsd`, the limit is money at `pricing` (the list prices unless given).
 */
export function budget(overrides: Partial<BudgetSetting> = {}, pricing: Pricing = LIST_PRICES): Budget {
  const limit = overrides.limitUsd === undefined ? { limitMinutes: 1000 } : {};
  return resolveBudget(
    budgetSchema.parse({ name: 'monthly-metered', meter: 'deviceMinutes.metered', ...limit, ...overrides }),
    pricing,
  );
}

/** Guard settings as config parsing yields them (warnAt 0.8, autoStop and dryRun off unless given). */
export function guardSettings(overrides: Partial<GuardSettings> = {}): GuardSettings {
  return guardSchema.parse(overrides);
}

export interface MinutesSpec {
  /** Minutes as previously recorded; absent: first sight (the whole amount is the delta). */
  readonly before?: Minutes;
  readonly after: Minutes;
  /** The event's version (its id is `<arn>@<version>`). @default 1 without `before`, else 2 */
  readonly version?: number;
  readonly baseline?: boolean;
  /** Observation fields (started, created, observedAt, project, arn, ...). */
  readonly state?: Partial<Observation>;
}

/**
 * A change event of `kind` whose minutes went from `before` to `after`,
 * built by the engine's own buildChange, so `minutesDelta` is the real one.
 */
export function minutesChange(kind: DeviceFarmKind, spec: MinutesSpec): ChangeEvent {
  const version = spec.version ?? (spec.before === undefined ? 1 : 2);
  const next = obsOf(kind, { status: 'COMPLETED', ...spec.state, minutes: spec.after });
  const previous =
    spec.before === undefined ? undefined : { ...stored({ ...next, minutes: spec.before }), version: version - 1 };
  return buildChange(previous, next, ['status', 'minutes'], { cycleId: 'c1', baseline: spec.baseline ?? false }).event;
}

/** A monthly metered budget in UTC as a budget event names it, with the list price of a metered minute. */
export function meteredMonthRef(name: string, limitMinutes: number): BudgetEvent['budget'] {
  return {
    name,
    meter: 'deviceMinutes.metered',
    period: 'month',
    timeZone: 'UTC',
    limitMinutes,
    price: { perMinute: 0.17, currency: 'USD' },
  };
}

/**
 * The 80% threshold event of budget monthly-metered in November 2026 (UTC), caused by a remote access
 * session, as the accountant writes it: with the list price of a metered minute.
 */
export function budgetEvent(overrides: Partial<BudgetEvent> = {}): BudgetEvent {
  return {
    eventId: 'vigil:budget/monthly-metered/2026-11#threshold-80',
    eventType: 'budget-threshold',
    service: 'devicefarm',
    arn: 'vigil:budget/monthly-metered/2026-11',
    name: 'monthly-metered',
    at: '2026-11-21T08:00:00.000Z',
    budget: meteredMonthRef('monthly-metered', 1000),
    period: { key: '2026-11', start: '2026-11-01T00:00:00.000Z', end: '2026-12-01T00:00:00.000Z' },
    usedMinutes: 812.5,
    thresholdPercent: 80,
    causedBy: { eventId: `${sessionArn()}@3`, arn: sessionArn(), name: 'debug checkout', minutes: 42.4 },
    ...overrides,
  };
}

/**
 * The daily digest of 2026-11-21 as the digest reactor writes it: 12 runs (2 FAILED), OnePlus 11 failing
 * 3 jobs, budget monthly-metered at 812.4 of 1000 min, session forgotten 95 min into its 60-minute limit.
 */
export function digestEvent(overrides: { name?: string; digest?: Partial<DigestEvent['digest']> } = {}): DigestEvent {
  return {
    eventId: 'vigil:digest/2026-11-21',
    eventType: 'digest',
    service: 'devicefarm',
    arn: 'vigil:digest/2026-11-21',
    name: overrides.name ?? 'Daily digest 2026-11-21',
    at: '2026-11-22T07:00:00.000Z',
    digest: {
      date: '2026-11-21',
      runsByResult: { FAILED: 2, PASSED: 10 },
      jobsByResult: { FAILED: 5, PASSED: 91 },
      sessionsFinished: 3,
      meteredMinutes: 412.5,
      deadlineJobsByStatus: { SUCCEEDED: 4, FAILED: 1 },
      failingDevices: [{ device: 'OnePlus 11', jobs: 3 }],
      budgets: [{ name: 'monthly-metered', period: '2026-11', usedMinutes: 812.4, limitMinutes: 1000 }],
      overLimit: [
        { arn: 'arn:aws:devicefarm:us-west-2:1:session:p/s/00000', name: 'forgotten', minutes: 95, limitMinutes: 60 },
      ],
      ...overrides.digest,
    },
  };
}

/** The guard's stop of the default remote access session at its own 30-minute limit. */
export function guardEvent(overrides: Partial<GuardEvent> = {}): GuardEvent {
  const state = sessionObs({
    device: { name: 'Google Pixel 8', platform: 'ANDROID', os: '14' },
    started: '2026-11-21T07:29:48.000Z',
  });
  const action = overrides.action ?? 'stop';
  return {
    eventId: `${state.arn}#guard-${action}`,
    eventType: 'guard',
    service: 'devicefarm',
    kind: 'remote-access-session',
    arn: state.arn,
    name: state.name,
    project: state.project,
    at: '2026-11-21T08:00:00.000Z',
    action,
    minutes: 30.2,
    limitMinutes: 30,
    limitSource: 'session',
    state,
    ...overrides,
  };
}
