/**
 * What a notice becomes, for every channel: SNS's subject and attributes, the
 * plain text people read, and the JSON document programs read. Only types:
 * every message module (compose.ts, deadline-, device-farm-, reactor- and
 * digest messages) builds these, and nothing here imports them back.
 */
import type { DeadlineDetail, FailingTests, JobSummary, Observation } from '../core/observation';
import type { DigestContent } from '../record/vigil-event';
import type { NoticeType } from './rules';
import type { Subject } from './subject';

/** How urgent a notice is: the `severity` attribute subscriptions filter on. */
export type Severity = 'error' | 'warning' | 'info';

/** What a change notice's text is made of (compose.ts wraps it in the common envelope). */
export interface MessageParts {
  readonly subject: Subject;
  readonly headline: string;
  readonly severity: Severity;
  readonly rows: [string, string | undefined][];
  readonly extra: string[];
}

/** A ready-to-publish notification. */
export interface Notification {
  /** SNS's Subject: printable ASCII, 1 to 99 characters (the document's `subject` has the real names). */
  readonly subject: string;
  /** Plain text for people (email, the CLI). */
  readonly text: string;
  /** Structured form for programs. */
  readonly document: NotificationDocument;
  /** SNS message attributes: every value non-empty (SNS refuses an empty one). */
  readonly attributes: {
    readonly service: string;
    readonly kind: string;
    readonly eventType: NoticeType;
    readonly severity: Severity;
    readonly project: string;
  };
}

/** The JSON body SQS, Lambda and HTTPS subscribers receive. */
export interface NotificationDocument {
  readonly source: 'vigil';
  readonly version: 1;
  readonly eventType: NoticeType;
  readonly severity: Severity;
  /**
   * The subject with the real names in UTF-8, on one line, at most 99 UTF-16
   * code units; SNS's Subject carries its printable-ASCII form.
   */
  readonly subject: string;
  readonly service: string;
  /** The project (Device Farm) or queue (Deadline) the notice is about. */
  readonly project?: Observation['project'];
  /** The resource the notice is about, as last observed. */
  readonly resource?: ResourceFacts;
  /** For budget notices: the budget, its period and usage. */
  readonly budget?: BudgetFacts;
  /** For guard notices: what the guard did. */
  readonly guard?: GuardFacts;
  /** For the daily digest: the day in figures. */
  readonly digest?: DigestContent;
  /** For STUCK and UNSTUCK: how long it waited, against which limit. */
  readonly stuck?: {
    readonly since: string;
    readonly waitedMinutes: number;
    readonly limitMinutes: number;
    readonly waitingStatus: string;
  };
  /** For reminders: the condition, since when, and which reminder of how many. */
  readonly reminder?: {
    readonly condition: string;
    readonly since: string;
    readonly count: number;
    readonly max: number;
    readonly everyHours: number;
    readonly failing?: { readonly arn: string; readonly name: string; readonly result: string; readonly at: string };
  };
  /** Jobs reported by a job group or a run summary (at most LISTED_JOBS_LIMIT). */
  readonly jobs: readonly ResourceFacts[];
  /** Jobs the notice covers but does not list, when there were more than LISTED_JOBS_LIMIT. */
  readonly jobsLeftOut?: number;
  /** For a finished run: its jobs by result. */
  readonly jobSummary?: JobSummary;
  /**
   * For a run that finished with jobs that did not pass: its first few
   * failing tests (most devices first) and how many there are in all.
   */
  readonly failingTests?: FailingTests;
  /** The change events this message covers: subscribers can de-duplicate on them. */
  readonly eventIds: readonly string[];
  readonly observedAt: string;
  readonly consoleUrl?: string;
}

/** A budget's state as its notices report it. */
export interface BudgetFacts {
  readonly name: string;
  readonly meter: string;
  readonly period: { readonly key: string; readonly start: string; readonly end: string };
  readonly usedMinutes: number;
  readonly limitMinutes: number;
  readonly usedPercent: number;
  readonly thresholdPercent?: number;
  readonly forecast?: { readonly at: string; readonly projectedMinutes: number };
  /** Usage and limit in money at the meter's price (`setInMoney`: the budget was configured with `limitUsd`). */
  readonly cost?: {
    readonly used: number;
    readonly limit: number;
    readonly perMinute: number;
    readonly currency: string;
    readonly setInMoney: boolean;
  };
}

/** A guard action as its notice reports it. */
export interface GuardFacts {
  readonly action: string;
  readonly minutes: number;
  readonly limitMinutes?: number;
  readonly limitSource?: string;
  readonly by?: string;
}

/** One resource's facts as messages report them. */
export interface ResourceFacts {
  readonly kind: string;
  readonly arn: string;
  readonly name: string;
  readonly status: string;
  readonly result?: string;
  readonly from?: { readonly status: string; readonly result?: string };
  readonly device?: string;
  readonly counters?: Observation['counters'];
  readonly minutes?: Observation['minutes'];
  readonly message?: string;
  /** Deadline Cloud IDs, task counts, worker and log errors. */
  readonly deadline?: DeadlineDetail;
}
