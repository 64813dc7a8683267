/**
 * Every kind of event item the table holds, as one union: changes observed
 * by the pollers, and what the reactors derive from them (budget threshold
 * crossings and forecasts, session guard actions). All are immutable, all
 * reach the notifier through the stream, and each is delivered once, keyed by
 * its `eventId`.
 */
import type { Kind, Observation, Service } from '../core/observation';
import type { ChangeEvent } from './change-event';

/** A budget as events report it. */
export interface BudgetRef {
  readonly name: string;
  readonly meter: string;
  readonly period: string;
  readonly timeZone: string;
  /** The limit in minutes (for a budget set in money: `limitUsd` ÷ the meter's price). */
  readonly limitMinutes: number;
  /** The limit as configured in money (`limitUsd`, in `price.currency`), when the budget was set so. */
  readonly limitUsd?: number;
  /** What a minute of the budget's meter cost when the event was written; absent on older events. */
  readonly price?: { readonly perMinute: number; readonly currency: string };
}

/** A resource's share of a budget period, for alerts and `vigil budget`. */
export interface UsageShare {
  readonly arn: string;
  readonly name: string;
  readonly kind: string;
  readonly minutes: number;
}

/** A budget crossed a threshold, or its usage rate projects past the limit. */
export interface BudgetEvent {
  readonly eventId: string;
  readonly eventType: 'budget-threshold' | 'budget-forecast';
  readonly service: Service;
  /** Vigil's identity for one budget period: `vigil:budget/<name>/<period key>`. */
  readonly arn: string;
  readonly name: string;
  readonly at: string;
  readonly budget: BudgetRef;
  readonly period: { readonly key: string; readonly start: string; readonly end: string };
  readonly usedMinutes: number;
  /** For thresholds: the percentage crossed. */
  readonly thresholdPercent?: number;
  /**
   * For thresholds: true when the budget was already past it when Vigil first
   * looked (crossed by baseline changes, announced once by the announcement pass).
   */
  readonly baseline?: boolean;
  /**
   * For forecasts: when the limit would be reached, the period's projected
   * total, and what the projection rests on (minutes used, days of the period
   * elapsed, days with usage; absent on events written before it existed).
   */
  readonly forecast?: {
    readonly at: string;
    readonly projectedMinutes: number;
    readonly basedOn?: { readonly usedMinutes: number; readonly elapsedDays: number; readonly usageDays: number };
  };
  /** The change that brought the budget here. */
  readonly causedBy: {
    readonly eventId: string;
    readonly arn: string;
    readonly name: string;
    readonly minutes: number;
  };
}

/** What the session guard did (or, in a dry run, would have done). */
export type GuardEventAction =
  | 'warning'
  | 'stop'
  | 'would-stop'
  | 'over-limit'
  | 'hard-limit-warning'
  | 'stopped-by-user';

export interface GuardEvent {
  readonly eventId: string;
  readonly eventType: 'guard';
  readonly service: Service;
  readonly kind: 'remote-access-session';
  readonly arn: string;
  readonly name: string;
  readonly project: Observation['project'];
  readonly at: string;
  readonly action: GuardEventAction;
  /** Minutes the session had run when the guard acted. */
  readonly minutes: number;
  readonly limitMinutes?: number;
  /** Where the limit came from. */
  readonly limitSource?: 'session' | 'project' | 'global' | 'hard-limit';
  /** Who stopped it, for `stopped-by-user` (the caller's identity). */
  readonly by?: string;
  readonly state: Observation;
}

/** What one day looked like, for the daily digest. */
export interface DigestContent {
  /** The UTC day the digest covers (YYYY-MM-DD). */
  readonly date: string;
  readonly runsByResult: Readonly<Record<string, number>>;
  readonly jobsByResult: Readonly<Record<string, number>>;
  readonly sessionsFinished: number;
  /**
   * Test grid (browser) sessions that ended, by status (CLOSED, ERRORED).
   * Absent on digests written before it existed.
   */
  readonly testGridSessionsByStatus?: Readonly<Record<string, number>>;
  readonly meteredMinutes: number;
  readonly deadlineJobsByStatus: Readonly<Record<string, number>>;
  /** Devices with the most jobs that did not pass, most first. */
  readonly failingDevices: readonly { readonly device: string; readonly jobs: number }[];
  readonly budgets: readonly {
    readonly name: string;
    readonly period: string;
    readonly usedMinutes: number;
    readonly limitMinutes: number;
    /** Minutes used and the limit in money, at the meter's price (absent on digests written before it existed). */
    readonly usedCost?: number;
    readonly limitCost?: number;
    readonly currency?: string;
  }[];
  /**
   * The day's minutes by meter (jobs and remote access sessions: metered and
   * unmetered; test grid: billing) and what they cost; unmetered minutes are
   * paid by device slots and cost nothing per minute. Absent on digests
   * written before it existed.
   */
  readonly minutes?: {
    readonly metered: number;
    readonly unmetered: number;
    readonly testGrid: number;
    readonly currency: string;
    readonly meteredCost: number;
    readonly testGridCost: number;
  };
  /** The devices whose results flip most between consecutive runs of a project, over the last `days` days. */
  readonly flakyDevices?: {
    readonly days: number;
    /** Worst first, at most 3; only devices whose results flipped at least once. */
    readonly devices: readonly {
      readonly device: string;
      /** Share of consecutive runs (same project) in which the device's result flipped, 0 to 1. */
      readonly flakyScore: number;
      /** Share of its finished jobs that passed, 0 to 1. */
      readonly passRate: number;
      readonly jobs: number;
    }[];
  };
  /** Where the report of the last `days` days was written (the stack's report bucket), or why it was not. */
  readonly report?: { readonly url?: string; readonly days: number; readonly error?: string };
  /** Sessions still running past their limit when the digest was made. */
  readonly overLimit: readonly {
    readonly arn: string;
    readonly name: string;
    readonly minutes: number;
    readonly limitMinutes: number;
  }[];
}

/** The daily digest, written once per day and delivered by the notifier like any other event. */
export interface DigestEvent {
  readonly eventId: string;
  readonly eventType: 'digest';
  readonly service: Service;
  /** `vigil:digest/<date>`. */
  readonly arn: string;
  readonly name: string;
  readonly at: string;
  readonly digest: DigestContent;
}

/**
 * Work that waits longer than its rule allows (`stuck`), and the same work
 * once it moved on (`unstuck`, written only after the STUCK was delivered).
 * Derived by the reactors' scheduled pass from the latest recorded state and
 * the clock (react/stuck/), never from an API call.
 */
export interface StuckEvent {
  readonly eventId: string;
  readonly eventType: 'stuck' | 'unstuck';
  readonly service: Service;
  readonly kind: Kind;
  readonly arn: string;
  readonly name: string;
  readonly project: Observation['project'];
  readonly parentArn?: string;
  readonly parentName?: string;
  readonly at: string;
  /** When the wait began: the resource's creation (Device Farm), or its last recorded change (Deadline Cloud). */
  readonly since: string;
  /** The status it waited in. */
  readonly waitingStatus: string;
  /** Minutes it had waited: when reported (stuck), or until it was seen to move (unstuck). */
  readonly waitedMinutes: number;
  /** The rule's limit (rules.stuckMinutes). */
  readonly limitMinutes: number;
  /** The resource's latest recorded state: waiting (stuck), or what it moved to (unstuck). */
  readonly state: Observation;
}

/** The conditions a reminder can be about (settings `reminders`). */
export type ReminderCondition =
  | 'session-over-limit'
  | 'budget-over-limit'
  | 'deadline-job'
  | 'failing-project'
  | 'failing-device';

/** What a reminder says about its condition, as it stands when the reminder is written. */
export interface ReminderDetail {
  /** The resource's status and result (a session, a Deadline job). */
  readonly status?: string;
  readonly result?: string;
  /** A session's minutes so far and its limit; a budget's minutes used and its limit. */
  readonly minutes?: number;
  readonly limitMinutes?: number;
  /** A budget's period. */
  readonly periodKey?: string;
  /** The run or job whose failure keeps a project or device failing. */
  readonly failing?: { readonly arn: string; readonly name: string; readonly result: string; readonly at: string };
  /** A device's name (failing-device). */
  readonly device?: string;
}

/**
 * A reminder that a condition persists (react/reminders/): the n-th of at
 * most `max`, `everyHours` apart, written by the reactors' scheduled pass
 * from the present state; never after the condition ended.
 */
export interface ReminderEvent {
  readonly eventId: string;
  readonly eventType: 'reminder';
  readonly service: Service;
  /** The kind the message attribute carries: the resource's, `budget`, `run` (a project) or `job` (a device). */
  readonly kind: Kind | 'budget';
  /** What the condition is about: a session, a budget period, a Deadline job, a project, a device. */
  readonly arn: string;
  readonly name: string;
  readonly project: Observation['project'];
  readonly at: string;
  readonly condition: ReminderCondition;
  /** When the condition began (or was first seen to hold). */
  readonly since: string;
  /** This reminder's number, from 1. */
  readonly count: number;
  readonly max: number;
  readonly everyHours: number;
  readonly detail: ReminderDetail;
}

export type VigilEvent = ChangeEvent | BudgetEvent | GuardEvent | DigestEvent | StuckEvent | ReminderEvent;

/** The partition an event item is stored in (its resource's, or its budget period's). */
export function eventPk(event: Pick<VigilEvent, 'eventType' | 'arn'>): string {
  if (event.eventType === 'budget-threshold' || event.eventType === 'budget-forecast') return budgetPk(event.arn);
  if (event.eventType === 'digest') return `DG#${event.arn.replace(/^vigil:digest\//, '')}`;
  return `R#${event.arn}`;
}

/** A budget period's partition, from its identity `vigil:budget/<name>/<period key>`. */
export function budgetPk(budgetArn: string): string {
  return `BU#${budgetArn.replace(/^vigil:budget\//, '')}`;
}

export function budgetArn(name: string, periodKey: string): string {
  return `vigil:budget/${name}/${periodKey}`;
}

export function isChangeEvent(event: VigilEvent): event is ChangeEvent {
  return event.eventType === 'change';
}
