/**
 * What a chat message says about a notification, read from its document:
 * the resource and where it lives, the transition, the key facts, the jobs
 * or sessions it lists, the command or link that helps, and the event ids.
 * Markup-free: the Slack blocks and the AWS Chatbot format render the same
 * facts each in their own way.
 */

import { formatMoney } from '../../core/money';
import { type JobBrief, SERVICE_NAMES, type Service } from '../../core/observation';
import { describeTasks, type Severity } from '../deadline-messages';
import { devicesPhrase, testName } from '../device-farm-messages';
import { consoleLink, describeCounters, describeDevice, describeMinutes, formatMinutes } from '../format';
import type { NotificationDocument, ResourceFacts } from '../notification';

/** What a chat message is built from: the three parts of a Notification a subscriber receives. */
export interface ChatInput {
  /** The subject to show: the document's, with the real names in UTF-8 (not SNS's ASCII Subject). */
  readonly subject: string;
  /** The plain-text body (the email). */
  readonly text: string;
  readonly document: NotificationDocument;
}

/** One job or session in a message's list. */
export interface ListItem {
  /** Result or status in AWS spelling (FAILED, UPDATE_FAILED, ...). */
  readonly label: string;
  readonly name: string;
  /** Device, tests and minutes, or where a session ran. */
  readonly detail?: string;
  /** The job's message or the session's log error. */
  readonly note?: string;
}

/** Everything a chat message shows, in display order. */
export interface ChatFacts {
  readonly severity: Severity;
  /** 🔴 error, 🟠 warning, 🟢 info. */
  readonly emoji: string;
  readonly subject: string;
  /** The resource (or budget, or group of jobs) the message is about. */
  readonly name: string;
  /** "Device Farm run in project Shop App". */
  readonly where?: string;
  /** "RUNNING → COMPLETED" and "PENDING → FAILED", when the document has a resource. */
  readonly status?: string;
  readonly result?: string;
  /** The email's first sentence, when it says more than the subject (budgets, guard, unknown values). */
  readonly headline?: string;
  /** Short facts: label → one-line value. */
  readonly fields: readonly (readonly [string, string])[];
  /** Long facts (a job's message, a log error): label → text. */
  readonly notes: readonly (readonly [string, string])[];
  readonly list?: { readonly title: string; readonly items: readonly ListItem[]; readonly more: number };
  /** A finished run's failing tests (the first few), after its jobs. */
  readonly tests?: { readonly title: string; readonly items: readonly ListItem[]; readonly more: number };
  /** Commands that help: label → command line. */
  readonly commands: readonly (readonly [string, string])[];
  readonly consoleUrl?: string;
  readonly service: string;
  readonly eventIds: readonly string[];
  readonly observedAt: string;
  /** "To stop messages like this one, …" from the email. */
  readonly muteHint?: string;
  /** ARNs of the resources the message names (the resource first). */
  readonly arns: readonly string[];
}

export const SEVERITY_EMOJI: Readonly<Record<Severity, string>> = {
  error: '🔴',
  warning: '🟠',
  info: '🟢',
};

const KIND_WORDS: Readonly<Record<string, string>> = {
  run: 'Device Farm run',
  job: 'Device Farm job',
  'remote-access-session': 'remote access session',
  'test-grid-session': 'test grid session',
  'deadline-job': 'Deadline Cloud job',
  'deadline-session': 'Deadline Cloud session',
};

/** Event types whose first sentence adds to the subject (the others repeat it). */
const HEADLINE_TYPES: ReadonlySet<string> = new Set([
  'budget-threshold',
  'budget-forecast',
  'guard',
  'unknown-status',
  'jobs-finished',
]);

const METER_WORDS: Readonly<Record<string, string>> = {
  'deviceMinutes.metered': 'metered device minutes',
  billingMinutes: 'test grid billing minutes',
};

const GUARD_WORDS: Readonly<Record<string, string>> = {
  warning: 'warned (limit soon)',
  stop: 'stopped the session',
  'would-stop': 'would stop it (dry run)',
  'over-limit': 'over its limit (autoStop off)',
  'hard-limit-warning': 'near the 150-minute hard limit',
  'stopped-by-user': 'stopped by a user',
};

const MUTE_PREFIX = 'To stop messages like this one';

function serviceName(service: string): string {
  return SERVICE_NAMES[service as Service] ?? service;
}

function transition(from: string | undefined, to: string | undefined): string | undefined {
  if (to === undefined) return undefined;
  return from === undefined || from === to ? to : `${from} → ${to}`;
}

/** "1,234.5" with a thousands separator, as the email shows budget minutes. */
function minutesNumber(value: number): string {
  return (Math.round(value * 10) / 10).toLocaleString('en-US', { maximumFractionDigits: 1 });
}

function jobCounts(summary: NonNullable<NotificationDocument['jobSummary']>): string {
  const parts = Object.entries(summary.byResult)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([result, count]) => `${result} ${count}`);
  return `${summary.total}${parts.length ? `: ${parts.join(', ')}` : ''}`;
}

function scopeLabel(doc: NotificationDocument): string | undefined {
  const d = doc.resource?.deadline;
  if (d !== undefined) {
    const queue = d.queueName ?? doc.project?.name ?? d.queueId;
    return `queue ${queue}${d.farmName || d.farmId ? ` (farm ${d.farmName ?? d.farmId})` : ''}`;
  }
  if (doc.project === undefined) return undefined;
  return `project ${doc.project.name ?? doc.project.arn}`;
}

/** The `aws deadline get-job` command for a Deadline job or session, with the region of its ARN. */
export function deadlineCommand(resource: ResourceFacts | undefined): string | undefined {
  const d = resource?.deadline;
  if (resource === undefined || d === undefined) return undefined;
  const region = resource.arn.split(':')[3];
  return `aws deadline get-job --farm-id ${d.farmId} --queue-id ${d.queueId} --job-id ${d.jobId}${region ? ` --region ${region}` : ''}`;
}

/** The device as the email shows it: nothing when the job is named after it, only the platform when that is all it adds. */
function deviceDetail(name: string, device: string | undefined): string | undefined {
  if (device === undefined) return undefined;
  const bare = device.replace(/ \(.*\)$/, '');
  if (!name.includes(bare)) return `on ${device}`;
  return device === bare ? undefined : device.slice(bare.length + 2, -1);
}

function jobItem(job: JobBrief | ResourceFacts): ListItem {
  const device = typeof job.device === 'string' ? job.device : describeDevice(job.device);
  const detail = [deviceDetail(job.name, device), describeCounters(job.counters), describeMinutes(job.minutes)].filter(
    (part): part is string => part !== undefined && part !== '',
  );
  return {
    label: job.result ?? job.status,
    name: job.name,
    ...(detail.length ? { detail: detail.join(' · ') } : {}),
    ...(job.message ? { note: job.message } : {}),
  };
}

function sessionItem(session: ResourceFacts): ListItem {
  const d = session.deadline;
  const where = [
    d?.workerId && `worker ${d.workerId}`,
    d?.fleetId && `fleet ${d.fleetId}`,
    d?.hostName && `host ${d.hostName}`,
    d?.ec2InstanceType,
  ].filter((part): part is string => typeof part === 'string' && part !== '');
  const errors = [
    d?.logError && `log error: ${d.logError}`,
    d?.workerLogError && `worker log error: ${d.workerLogError}`,
  ]
    .filter((part): part is string => typeof part === 'string' && part !== '')
    .join(' · ');
  return {
    label: session.status,
    name: session.name,
    ...(where.length ? { detail: `on ${where.join(', ')}` } : {}),
    ...(errors ? { note: errors } : {}),
  };
}

function listOf(doc: NotificationDocument): ChatFacts['list'] {
  switch (doc.eventType) {
    case 'run-finished': {
      const summary = doc.jobSummary;
      const jobs: readonly (JobBrief | ResourceFacts)[] = summary?.notPassed ?? doc.jobs;
      if (jobs.length === 0) return undefined;
      const more = summary === undefined ? (doc.jobsLeftOut ?? 0) : summary.notPassedTruncated;
      return { title: 'Jobs that did not pass', items: jobs.map(jobItem), more };
    }
    case 'jobs-finished':
      // One job is the message's resource: its facts are already shown.
      if (doc.jobs.length <= 1) return undefined;
      return {
        title: 'Jobs',
        items: doc.jobs.map(jobItem),
        more: doc.jobsLeftOut ?? 0,
      };
    case 'deadline-job':
    case 'deadline-sessions-failed':
      if (doc.jobs.length === 0) return undefined;
      return {
        title:
          doc.eventType === 'deadline-job' ? 'Sessions that failed' : doc.jobs.length === 1 ? 'Session' : 'Sessions',
        items: doc.jobs.map(sessionItem),
        more: doc.jobsLeftOut ?? 0,
      };
    default:
      return undefined;
  }
}

function testsOf(doc: NotificationDocument): ChatFacts['tests'] {
  const failing = doc.failingTests;
  if (failing === undefined || failing.tests.length === 0) return undefined;
  return {
    title: 'Failing tests',
    items: failing.tests.map((test) => ({
      label: test.result,
      name: testName(test),
      detail: `on ${devicesPhrase(test)}`,
      ...(test.message === undefined ? {} : { note: test.message }),
    })),
    more: failing.total - failing.tests.length,
  };
}

function budgetFields(budget: NonNullable<NotificationDocument['budget']>): [string, string | undefined][] {
  return [
    [
      'Used',
      `${minutesNumber(budget.usedMinutes)} of ${minutesNumber(budget.limitMinutes)} min (${budget.usedPercent}%)`,
    ],
    [
      'Cost',
      budget.cost === undefined
        ? undefined
        : `${formatMoney(budget.cost.used, budget.cost.currency)} of ${formatMoney(budget.cost.limit, budget.cost.currency)}`,
    ],
    ['Threshold', budget.thresholdPercent === undefined ? undefined : `${budget.thresholdPercent}%`],
    [
      'Forecast',
      budget.forecast === undefined
        ? undefined
        : `${minutesNumber(budget.forecast.projectedMinutes)} min by period end; limit reached ${budget.forecast.at}`,
    ],
    ['Period', `${budget.period.start} to ${budget.period.end}`],
  ];
}

function guardFields(guard: NonNullable<NotificationDocument['guard']>): [string, string | undefined][] {
  return [
    ['Guard', GUARD_WORDS[guard.action] ?? guard.action],
    ['Ran', formatMinutes(guard.minutes)],
    [
      'Limit',
      guard.limitMinutes === undefined
        ? undefined
        : `${formatMinutes(guard.limitMinutes)}${guard.limitSource ? ` (${guard.limitSource})` : ''}`,
    ],
    ['Stopped by', guard.by],
  ];
}

function resourceFields(doc: NotificationDocument): [string, string | undefined][] {
  const r = doc.resource;
  const d = r?.deadline;
  const single =
    doc.jobs.length <= 1 || (doc.eventType !== 'jobs-finished' && doc.eventType !== 'deadline-sessions-failed');
  if (r === undefined || !single) return [['Jobs', doc.jobSummary && jobCounts(doc.jobSummary)]];
  return [
    ['Device', r.device],
    ['Jobs', doc.jobSummary && jobCounts(doc.jobSummary)],
    ['Tests', describeCounters(r.counters)],
    ['Minutes', describeMinutes(r.minutes)],
    ['Tasks', describeTasks(d?.taskRunStatusCounts)],
    ['Lifecycle', d?.lifecycleStatus],
    ['Worker', d?.workerId],
    ['Host', [d?.hostName, d?.ec2InstanceType].filter(Boolean).join(', ') || undefined],
    ['ARN', r.arn],
  ];
}

function present(rows: readonly [string, string | undefined][]): [string, string][] {
  return rows.filter((row): row is [string, string] => row[1] !== undefined && row[1] !== '');
}

function nameOf(doc: NotificationDocument): string {
  if (doc.budget !== undefined) return `Budget ${doc.budget.name}`;
  const r = doc.resource;
  if (doc.eventType === 'jobs-finished' && doc.jobs.length > 1)
    return `${doc.jobs.length + (doc.jobsLeftOut ?? 0)} jobs`;
  if (doc.eventType === 'deadline-sessions-failed' && doc.jobs.length > 1) return `${doc.jobs.length} sessions`;
  return r?.name ?? doc.subject;
}

function whereOf(doc: NotificationDocument): string | undefined {
  const scope = scopeLabel(doc);
  if (doc.budget !== undefined) {
    return `${METER_WORDS[doc.budget.meter] ?? doc.budget.meter}, period ${doc.budget.period.key}`;
  }
  const r = doc.resource;
  if (r === undefined) return scope;
  const many =
    doc.jobs.length > 1 && (doc.eventType === 'jobs-finished' || doc.eventType === 'deadline-sessions-failed');
  const kind = many ? undefined : (KIND_WORDS[r.kind] ?? r.kind);
  return [kind, scope && `in ${scope}`].filter(Boolean).join(' ') || undefined;
}

/** The facts of a notification, ready to render. */
export function chatFacts(input: ChatInput): ChatFacts {
  const doc = input.document;
  const lines = input.text.split('\n');
  const first = lines[0]?.trim();
  const last = [...lines].reverse().find((line) => line.trim() !== '');
  const r = doc.resource;
  const many =
    doc.jobs.length > 1 && (doc.eventType === 'jobs-finished' || doc.eventType === 'deadline-sessions-failed');

  const notes: [string, string][] = [];
  if (r !== undefined && !many) {
    if (r.message) notes.push(['Message', r.message]);
    if (r.deadline?.logError) notes.push(['Log error', r.deadline.logError]);
    if (r.deadline?.workerLogError) notes.push(['Worker log error', r.deadline.workerLogError]);
  }
  if (doc.failingTests?.unavailable !== undefined) {
    notes.push(['Failing tests', `could not be read (${doc.failingTests.unavailable})`]);
  }

  const commands: [string, string][] = [];
  const cli = deadlineCommand(r);
  if (cli !== undefined) commands.push(['AWS CLI', cli]);
  if (doc.guard !== undefined && r !== undefined && !['stop', 'stopped-by-user'].includes(doc.guard.action)) {
    commands.push(['Stop it', `npx vigil session stop ${r.arn}`]);
  }

  const consoleUrl = doc.consoleUrl ?? (r === undefined ? undefined : consoleLink(r.arn));
  const list = listOf(doc);
  const tests = testsOf(doc);
  const where = whereOf(doc);
  // A guard notice's status is the session's before the guard acted ("RUNNING" beside "Vigil stopped it").
  const status = r === undefined || many || doc.guard !== undefined ? undefined : transition(r.from?.status, r.status);
  const result = r === undefined || many ? undefined : transition(r.from?.result, r.result);
  const arns = [r?.arn, ...doc.jobs.map((j) => j.arn), ...(doc.jobSummary?.notPassed.map((j) => j.arn) ?? [])].filter(
    (arn): arn is string => arn !== undefined,
  );

  return {
    severity: doc.severity,
    emoji: SEVERITY_EMOJI[doc.severity] ?? SEVERITY_EMOJI.warning,
    subject: input.subject,
    name: nameOf(doc),
    ...(where === undefined ? {} : { where }),
    ...(status === undefined ? {} : { status }),
    ...(result === undefined ? {} : { result }),
    ...(first && HEADLINE_TYPES.has(doc.eventType) ? { headline: first } : {}),
    fields: present([
      ...(doc.budget === undefined ? [] : budgetFields(doc.budget)),
      ...(doc.guard === undefined ? [] : guardFields(doc.guard)),
      ...(doc.budget === undefined ? resourceFields(doc) : []),
    ]),
    notes,
    ...(list === undefined ? {} : { list }),
    ...(tests === undefined ? {} : { tests }),
    commands,
    ...(consoleUrl === undefined ? {} : { consoleUrl }),
    service: serviceName(doc.service),
    eventIds: doc.eventIds,
    observedAt: doc.observedAt,
    ...(last?.startsWith(MUTE_PREFIX) ? { muteHint: last.trim() } : {}),
    arns: [...new Set(arns)],
  };
}
