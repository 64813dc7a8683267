/**
 * Notice → the message people and programs receive: a subject that says what
 * happened, a plain-text body a person reads in ten seconds (email), a JSON
 * document for programs (SQS, Lambda, HTTPS subscribers), and the message
 * attributes subscription filters match on. Every resource is named by ARN
 * as well as by name; statuses and results keep AWS's spelling.
 */
import {
  type DeadlineDetail,
  type JobBrief,
  type JobSummary,
  LISTED_JOBS_LIMIT,
  type Observation,
  SERVICE_NAMES,
} from '../core/observation';
import { isKnownResult } from '../core/status';
import type { ChangeEvent } from '../record/change-event';
import type { DigestContent } from '../record/vigil-event';
import { deadlineJobMessage, deadlineSessionsMessage, type Severity } from './deadline-messages';
import { composeDigest } from './digest-message';
import {
  consoleLink,
  describeCounters,
  describeDevice,
  describeMinutes,
  projectAttribute,
  table,
  worstResult,
} from './format';
import { composeBudget, composeGuard } from './reactor-messages';
import type { ChangeNotice, ChangeNoticeType, Notice, NoticeType } from './rules';
import { named, type Subject, subject as subjectOf } from './subject';

export type { Severity } from './deadline-messages';

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
  /** Jobs reported by a job group or a run summary (at most LISTED_JOBS_LIMIT). */
  readonly jobs: readonly ResourceFacts[];
  /** Jobs the notice covers but does not list, when there were more than LISTED_JOBS_LIMIT. */
  readonly jobsLeftOut?: number;
  /** For a finished run: its jobs by result. */
  readonly jobSummary?: JobSummary;
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

const KIND_WORDS: Record<string, string> = {
  'deadline-job': 'Deadline job',
  'deadline-session': 'Deadline session',
  run: 'run',
  job: 'job',
  'remote-access-session': 'remote access session',
  'test-grid-session': 'test grid session',
};

/** Which setting mutes each kind of message (said in every email). */
const MUTE_HINT: Record<ChangeNoticeType, string> = {
  'deadline-job': 'remove the status from rules.deadlineJobStatuses',
  'deadline-sessions-failed': 'set rules.deadlineSessionFailures to false',
  'run-finished': 'set rules.runFinished to false',
  'jobs-finished': 'remove the result from rules.jobResults',
  'session-finished': 'set rules.remoteAccessFinished to false',
  'test-grid-session': 'remove the status from rules.testGridStatuses',
  'unknown-status': 'set rules.unknownStatus to false',
};

function severityOf(result: string | undefined, status?: string): Severity {
  if (status === 'ERRORED' || result === 'ERRORED' || result === 'FAILED') return 'error';
  if (result === 'PASSED' || result === 'SKIPPED') return 'info';
  return 'warning';
}

function facts(event: ChangeEvent | undefined, state: Observation | JobBrief): ResourceFacts {
  const kind = 'kind' in state ? state.kind : 'job';
  return strip({
    kind,
    arn: state.arn,
    name: state.name,
    status: state.status,
    result: state.result,
    from: event?.from,
    device: describeDevice(state.device),
    counters: state.counters,
    minutes: state.minutes,
    message: state.message === undefined ? undefined : clip(state.message, MESSAGE_MAX_CHARS),
    deadline: 'deadline' in state ? state.deadline : undefined,
  });
}

/** Device Farm messages can be whole stack traces; a notification shows their start. */
const MESSAGE_MAX_CHARS = 300;

function clip(text: string, max: number): string {
  // Never end on half an emoji: a lone surrogate is not valid UTF-8 for anyone downstream.
  return text.length <= max ? text : `${text.slice(0, max - 1).replace(/[\ud800-\udbff]$/, '')}…`;
}

function strip<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

function transition(event: ChangeEvent, field: 'status' | 'result'): string {
  const to = event.to[field] ?? '(none)';
  const from = event.from?.[field];
  return from === undefined || from === to ? to : `${from} → ${to}`;
}

function projectLine(project: Observation['project']): string {
  return project.name === undefined ? project.arn : `${project.name} (${project.arn})`;
}

function jobCounts(summary: JobSummary): string {
  const parts = Object.entries(summary.byResult)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([result, count]) => `${result} ${count}`);
  return `${summary.total}${parts.length ? `: ${parts.join(', ')}` : ''}`;
}

function jobLines(job: ResourceFacts): string[] {
  const detail = [describeCounters(job.counters), describeMinutes(job.minutes), job.message && `"${job.message}"`]
    .filter(Boolean)
    .join(' · ');
  // Device Farm names jobs after their device ("Tests on Pixel 8"): say the device only when the name does not.
  const deviceName = job.device?.replace(/ \(.*\)$/, '');
  const device =
    job.device === undefined
      ? ''
      : deviceName && job.name.includes(deviceName)
        ? job.device === deviceName
          ? '' // no platform to add
          : ` (${job.device.slice(deviceName.length + 2, -1)})`
        : ` on ${job.device}`;
  const head = `- ${job.result ?? job.status}  ${job.name}${device}`;
  return [head, `  ${job.arn}`, ...(detail ? [`  ${detail}`] : [])];
}

/** The notification for one notice. */
export function compose(notice: Notice): Notification {
  switch (notice.type) {
    case 'budget-threshold':
    case 'budget-forecast':
      return composeBudget(notice);
    case 'guard':
      return composeGuard(notice);
    case 'digest':
      return composeDigest(notice);
    default:
      return composeChange(notice);
  }
}

function composeChange(notice: ChangeNotice): Notification {
  const { subject: event } = notice;
  const state = event.state;
  const jobs = notice.jobs.slice(0, LISTED_JOBS_LIMIT).map((j) => facts(j, j.state));
  const jobsLeftOut = notice.jobs.length - jobs.length;
  let subject: Subject;
  let headline: string;
  let severity: Severity;
  const kindWord = KIND_WORDS[event.kind] ?? event.kind;
  const rows: [string, string | undefined][] = [];
  const extra: string[] = [];

  switch (notice.type) {
    case 'deadline-job':
    case 'deadline-sessions-failed': {
      const parts = notice.type === 'deadline-job' ? deadlineJobMessage(notice) : deadlineSessionsMessage(notice);
      ({ subject, headline, severity } = parts);
      rows.push(...parts.rows);
      extra.push(...parts.extra);
      break;
    }
    case 'run-finished': {
      const summary = state.jobSummary;
      const notPassed = summary === undefined ? jobs.length : summary.notPassed.length + summary.notPassedTruncated;
      const result = state.result ?? state.status;
      subject =
        summary === undefined
          ? subjectOf`${result}: run ${named(state.name)}`
          : notPassed === 0
            ? subjectOf`${result}: run ${named(state.name)} (${summary.total} of ${summary.total} jobs passed)`
            : subjectOf`${result}: run ${named(state.name)} (${notPassed} of ${summary.total} jobs did not pass)`;
      headline = `Device Farm run ${state.name} finished with result ${result}.`;
      severity = notPassed > 0 && severityOf(state.result) === 'info' ? 'warning' : severityOf(state.result);
      rows.push(
        ['Run', state.name],
        ['ARN', state.arn],
        ['Project', projectLine(state.project)],
        ['Status', transition(event, 'status')],
        ['Result', transition(event, 'result')],
        ['Jobs', summary && jobCounts(summary)],
        ['Tests', describeCounters(state.counters)],
        ['Minutes', describeMinutes(state.minutes)],
        ['Console', consoleLink(state.arn)],
      );
      const listed = summary?.notPassed.map((j) => facts(undefined, j)) ?? jobs;
      if (listed.length > 0) {
        extra.push('', 'Jobs that did not pass:', ...listed.flatMap(jobLines));
        if ((summary?.notPassedTruncated ?? 0) > 0) extra.push(`… and ${summary?.notPassedTruncated} more`);
      }
      break;
    }
    case 'jobs-finished': {
      const worst = worstResult(notice.jobs.map((j) => j.to.result)) ?? 'COMPLETED';
      const runName = event.parentName ?? event.parentArn ?? 'unknown run';
      const only = jobs[0];
      const inRun = named(runName, { before: ' in run ' });
      subject =
        notice.jobs.length === 1 && only !== undefined
          ? subjectOf`${worst}: job ${named(only.name)}${inRun}`
          : subjectOf`${worst}: ${notice.jobs.length} jobs${inRun} (${countResults(notice.jobs)})`;
      headline =
        notice.jobs.length === 1
          ? `A job of Device Farm run ${runName} finished with result ${worst}.`
          : `${notice.jobs.length} jobs of Device Farm run ${runName} finished without passing.`;
      severity = severityOf(worst);
      rows.push(
        ['Run', runName],
        ['Run ARN', event.parentArn],
        ['Project', projectLine(state.project)],
        ['Console', event.parentArn && consoleLink(event.parentArn)],
      );
      extra.push('', jobs.length === 1 ? 'Job:' : 'Jobs:', ...jobs.flatMap(jobLines));
      if (jobsLeftOut > 0) extra.push(`… and ${jobsLeftOut} more (the run's summary counts them all)`);
      extra.push('', 'The run is still going; its summary follows when it finishes.');
      break;
    }
    case 'session-finished': {
      const result = state.result ?? state.status;
      const minutes = state.minutes?.total ?? state.minutes?.metered;
      const ran = minutes === undefined ? '' : ` (${Math.round(minutes * 10) / 10} min)`;
      subject = subjectOf`${result}: remote access session ${named(state.name)}${ran}`;
      headline = `Device Farm remote access session ${state.name} finished with result ${result}.`;
      severity = severityOf(state.result);
      rows.push(
        ['Session', state.name],
        ['ARN', state.arn],
        ['Project', projectLine(state.project)],
        ['Device', describeDevice(state.device)],
        ['Status', transition(event, 'status')],
        ['Result', transition(event, 'result')],
        ['Minutes', describeMinutes(state.minutes)],
        ['Started', state.started],
        ['Stopped', state.stopped],
        ['Message', state.message],
      );
      break;
    }
    case 'test-grid-session': {
      const where = named(state.project.name ?? state.project.arn, { before: ' in ' });
      subject = subjectOf`${state.status}: test grid session ${named(state.name)}${where}`;
      headline = `Device Farm test grid session ${state.name} is now ${state.status}.`;
      severity = state.status === 'ERRORED' ? 'error' : 'info';
      rows.push(
        ['Session', state.name],
        ['ARN', state.arn],
        ['Project', projectLine(state.project)],
        ['Status', transition(event, 'status')],
        ['Minutes', describeMinutes(state.minutes)],
        ['Created', state.created],
        ['Ended', state.stopped],
      );
      break;
    }
    case 'unknown-status': {
      // Name the value Vigil does not know: the result only when it is the new, unknown one.
      const resultIsNewUnknown = event.from?.result !== event.to.result && !isKnownResult(event.to.result);
      const value = resultIsNewUnknown && event.to.result !== undefined ? event.to.result : state.status;
      subject = subjectOf`Unknown ${SERVICE_NAMES[event.service]} value ${value}: ${kindWord} ${named(state.name)}`;
      headline = `${SERVICE_NAMES[event.service]} reported a value Vigil does not know for ${kindWord} ${state.name}. It is recorded as it is and Vigil keeps following the ${kindWord}.`;
      severity = 'warning';
      rows.push(
        [kindWord[0]?.toUpperCase() + kindWord.slice(1), state.name],
        ['ARN', state.arn],
        ['Project', projectLine(state.project)],
        ['Status', transition(event, 'status')],
        ['Result', transition(event, 'result')],
      );
      break;
    }
  }

  const covers = notice.covers.map((e) => e.eventId);
  const text = [
    headline,
    '',
    ...table(rows),
    ...extra,
    '',
    `Observed ${state.observedAt} by Vigil (event ${event.eventId}).`,
    `To stop messages like this one, ${MUTE_HINT[notice.type]} in vigil.config.json.`,
  ].join('\n');
  const link = consoleLink(event.kind === 'job' && event.parentArn ? event.parentArn : state.arn);
  return {
    subject: subject.ascii,
    text,
    document: strip({
      source: 'vigil' as const,
      version: 1 as const,
      eventType: notice.type,
      severity,
      subject: subject.text,
      service: event.service,
      project: state.project,
      resource: facts(event, state),
      jobs,
      jobsLeftOut: jobsLeftOut > 0 ? jobsLeftOut : undefined,
      jobSummary: notice.type === 'run-finished' ? state.jobSummary : undefined,
      eventIds: covers,
      observedAt: state.observedAt,
      consoleUrl: link,
    }),
    attributes: {
      service: event.service,
      kind: notice.type === 'jobs-finished' ? 'job' : event.kind,
      eventType: notice.type,
      severity,
      project: projectAttribute(state.project),
    },
  };
}

function countResults(events: readonly ChangeEvent[]): string {
  const counts = new Map<string, number>();
  for (const e of events) counts.set(e.to.result ?? e.to.status, (counts.get(e.to.result ?? e.to.status) ?? 0) + 1);
  return [...counts.entries()].map(([r, n]) => `${n} ${r}`).join(', ');
}
