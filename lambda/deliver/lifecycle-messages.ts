/**
 * The words of what the reactors say about conditions that last: work that
 * is STUCK (and UNSTUCK once it moves), and reminders that a condition
 * persists. Each says how long it has lasted and how to end it.
 */
import { SERVICE_NAMES } from '../core/observation';
import type { ReminderEvent, StuckEvent } from '../record/vigil-event';
import { KIND_WORDS } from './device-farm-messages';
import { consoleLink, describeDevice, formatDuration, formatMinutes, projectAttribute, table } from './format';
import type { Notification, Severity } from './notification';
import type { ReminderNotice, StuckNotice } from './rules';
import { named, subject as subjectOf } from './subject';

/** "Device Farm run", "Deadline Cloud job". */
function what(e: Pick<StuckEvent, 'service' | 'kind'>): string {
  return `${SERVICE_NAMES[e.service]} ${kindWord(e.kind).replace(/^Deadline /, '')}`;
}

function kindWord(kind: string): string {
  return KIND_WORDS[kind] ?? kind;
}

/** The setting that holds a resource's stuck limit. */
function stuckSetting(e: Pick<StuckEvent, 'service' | 'kind'>): string {
  if (e.service === 'deadline') return 'rules.stuckMinutes.deadline';
  return e.kind === 'remote-access-session' ? 'rules.stuckMinutes.remoteAccess' : 'rules.stuckMinutes.deviceFarm';
}

/** What usually holds a resource back, and where to look. */
function stuckAdvice(e: StuckEvent): string {
  if (e.service === 'deadline') {
    const d = e.state.deadline;
    const fleets = d === undefined ? 'aws deadline list-fleets' : `aws deadline list-fleets --farm-id ${d.farmId}`;
    return `No worker has taken its tasks: check that a fleet serves the queue and has workers (${fleets}).`;
  }
  return e.kind === 'remote-access-session'
    ? 'Device Farm is still looking for the device: it may be busy or offline; try another device or end the session.'
    : 'Device Farm is waiting for a device or a free slot: check the device pool (devices busy or offline) and your concurrency.';
}

const STUCK_MUTE = (e: StuckEvent) => `set ${stuckSetting(e)} to 0`;

function render(
  headline: string,
  rows: [string, string | undefined][],
  extra: string[],
  footer: { at: string; eventId: string; mute: string },
): string {
  return [
    headline,
    '',
    ...table(rows),
    ...(extra.length > 0 ? ['', ...extra] : []),
    '',
    `Observed ${footer.at} by Vigil (event ${footer.eventId}).`,
    `To stop messages like this one, ${footer.mute}.`,
  ].join('\n');
}

/** STUCK: work waits longer than its rule allows. UNSTUCK: it moved on (only said after a delivered STUCK). */
export function composeStuck(notice: StuckNotice): Notification {
  const e = notice.subject;
  const group = notice.jobs.length > 1 ? notice.jobs : [e];
  const stuck = notice.type === 'stuck';
  const waited = formatDuration(Math.max(...group.map((j) => j.waitedMinutes)));
  const severity: Severity = stuck ? 'warning' : 'info';
  const parentName = e.parentName ?? e.parentArn ?? '';
  const subject =
    notice.jobs.length > 1
      ? stuck
        ? subjectOf`STUCK: ${group.length} jobs of run ${named(parentName)} waiting for ${waited}`
        : subjectOf`UNSTUCK: ${group.length} jobs of run ${named(parentName)} moved on after ${waited}`
      : stuck
        ? subjectOf`STUCK: ${kindWord(e.kind)} ${named(e.name)} ${e.waitingStatus} for ${waited}`
        : subjectOf`UNSTUCK: ${kindWord(e.kind)} ${named(e.name)} now ${e.state.status} after ${waited}`;
  const kindWords = notice.jobs.length > 1 ? `${group.length} jobs of run ${parentName}` : `${what(e)} ${e.name}`;
  const progress = e.service === 'deadline' ? ' with no progress' : '';
  const headline = stuck
    ? `${kindWords} ${notice.jobs.length > 1 ? 'have' : 'has'} waited in ${e.waitingStatus}${progress} for ${waited}, longer than ${stuckSetting(e)} (${formatMinutes(e.limitMinutes)}).`
    : `${kindWords} moved on: ${notice.jobs.length > 1 ? 'they are' : 'it is'} ${e.state.status} now, after ${waited} in ${e.waitingStatus}.`;
  const rows: [string, string | undefined][] =
    notice.jobs.length > 1
      ? [
          ['Run', parentName],
          ['Run ARN', e.parentArn],
          ['Project', projectLine(e.project)],
        ]
      : [
          [capitalised(kindWord(e.kind)), e.name],
          ['ARN', e.arn],
          [e.kind === 'job' ? 'Run' : undefined, e.parentName],
          [e.service === 'deadline' ? 'Queue' : 'Project', projectLine(e.project)],
          ['Device', describeDevice(e.state.device)],
          ['Status', stuck ? e.waitingStatus : `${e.waitingStatus} → ${e.state.status}`],
          ['Waiting since', `${e.since}${e.service === 'deadline' ? ' (last recorded change)' : ' (created)'}`],
        ].filter((r): r is [string, string | undefined] => r[0] !== undefined);
  rows.push(['Waited', waited], ['Limit', `${formatMinutes(e.limitMinutes)} (${stuckSetting(e)})`]);
  const link = consoleLink(e.kind === 'job' && e.parentArn ? e.parentArn : e.arn);
  rows.push(['Console', link]);
  const listed =
    notice.jobs.length > 1
      ? [
          'Jobs:',
          ...group.flatMap((j) => [
            `- ${stuck ? j.waitingStatus : j.state.status}  ${j.name}${describeDevice(j.state.device) ? ` on ${describeDevice(j.state.device)}` : ''}`,
            `  ${j.arn}`,
          ]),
        ]
      : [];
  const extra = stuck
    ? [
        ...listed,
        ...(listed.length > 0 ? [''] : []),
        stuckAdvice(e),
        'Vigil says so once, and once more when it moves.',
      ]
    : listed;
  return {
    subject: subject.ascii,
    text: render(headline, rows, extra, {
      at: e.at,
      eventId: e.eventId,
      mute: `${STUCK_MUTE(e)} in vigil.config.json`,
    }),
    document: {
      source: 'vigil',
      version: 1,
      eventType: notice.type,
      severity,
      subject: subject.text,
      service: e.service,
      project: e.project,
      resource: {
        kind: notice.jobs.length > 1 ? 'run' : e.kind,
        arn: notice.jobs.length > 1 ? (e.parentArn ?? e.arn) : e.arn,
        name: notice.jobs.length > 1 ? parentName : e.name,
        status: notice.jobs.length > 1 ? e.waitingStatus : e.state.status,
        ...(stuck || notice.jobs.length > 1 ? {} : { from: { status: e.waitingStatus } }),
        ...(e.state.deadline === undefined ? {} : { deadline: e.state.deadline }),
      },
      jobs:
        notice.jobs.length > 1
          ? group.map((j) => ({ kind: j.kind, arn: j.arn, name: j.name, status: j.state.status }))
          : [],
      stuck: {
        since: e.since,
        waitedMinutes: Math.max(...group.map((j) => j.waitedMinutes)),
        limitMinutes: e.limitMinutes,
        waitingStatus: e.waitingStatus,
      },
      eventIds: notice.covers.map((c) => c.eventId),
      observedAt: e.at,
      ...(link === undefined ? {} : { consoleUrl: link }),
    },
    attributes: {
      service: e.service,
      kind: e.kind,
      eventType: notice.type,
      severity,
      project: projectAttribute(e.project),
    },
  };
}

function capitalised(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function projectLine(project: StuckEvent['project']): string {
  return project.name === undefined ? project.arn : `${project.name} (${project.arn})`;
}

/** The setting that turns each reminder off. */
const REMINDER_SETTING: Record<ReminderEvent['condition'], string> = {
  'session-over-limit': 'reminders.sessionOverLimit',
  'budget-over-limit': 'reminders.budgetOverLimit',
  'deadline-job': 'reminders.deadlineJobs',
  'failing-project': 'reminders.failingRuns',
  'failing-device': 'reminders.failingRuns',
};

function minutesNumber(value: number): string {
  return (Math.round(value * 10) / 10).toLocaleString('en-US', { maximumFractionDigits: 1 });
}

/** A reminder: the condition, how long it has lasted, how to end it and how to stop hearing about it. */
export function composeReminder(notice: ReminderNotice): Notification {
  const e = notice.subject;
  const d = e.detail;
  const lasted = formatDuration((Date.parse(e.at) - Date.parse(e.since)) / 60_000);
  const counter = `${e.count}/${e.max}`;
  const failing = d.failing;
  const parts: Record<
    ReminderEvent['condition'],
    { subject: ReturnType<typeof subjectOf>; headline: string; stop: string; severity: Severity }
  > = {
    'session-over-limit': {
      subject: subjectOf`REMINDER ${counter}: remote access session ${named(e.name)} still over its limit (${formatMinutes(d.minutes ?? 0)} of ${formatMinutes(d.limitMinutes ?? 0)})`,
      headline: `Remote access session ${e.name} is still running past its ${formatMinutes(d.limitMinutes ?? 0)} limit: ${formatMinutes(d.minutes ?? 0)} so far, over the limit for ${lasted}. It keeps billing until it ends (Device Farm ends it at 150 min).`,
      stop: `npx vigil session stop ${e.arn}`,
      severity: 'error',
    },
    'budget-over-limit': {
      subject: subjectOf`REMINDER ${counter}: budget ${named(e.name)} still at ${minutesNumber(d.minutes ?? 0)} of ${minutesNumber(d.limitMinutes ?? 0)} min`,
      headline: `Budget ${e.name} is still at or over its limit in period ${d.periodKey ?? ''}: ${minutesNumber(d.minutes ?? 0)} of ${minutesNumber(d.limitMinutes ?? 0)} min, for ${lasted} now.`,
      stop: "raise the budget's limitMinutes, or wait for the period to end",
      severity: 'error',
    },
    'deadline-job': {
      subject: subjectOf`REMINDER ${counter}: Deadline job ${named(e.name)} still ${d.status ?? ''} after ${lasted}`,
      headline: `Deadline Cloud job ${e.name} is still ${d.status ?? ''} and was not requeued: for ${lasted} now.`,
      stop: deadlineStop(e),
      severity: d.status === 'FAILED' ? 'error' : 'warning',
    },
    'failing-project': {
      subject: subjectOf`REMINDER ${counter}: project ${named(e.name)} still failing (run ${named(failing?.name ?? '')} ${failing?.result ?? ''})`,
      headline: `The latest run of project ${e.name}, ${failing?.name ?? ''}, ended ${failing?.result ?? ''} and no run has passed since: for ${lasted} now.`,
      stop: 'a run of the project that passes ends it',
      severity: 'error',
    },
    'failing-device': {
      subject: subjectOf`REMINDER ${counter}: device ${named(d.device ?? e.name)} still failing (job ${failing?.result ?? ''} ${lasted} ago)`,
      headline: `The latest job on device ${d.device ?? e.name}, ${failing?.name ?? ''}, ended ${failing?.result ?? ''} and no job on it has passed since: for ${lasted} now.`,
      stop: 'a job on the device that passes ends it',
      severity: 'error',
    },
  };
  const p = parts[e.condition];
  const next =
    e.count >= e.max
      ? 'This is the last reminder.'
      : `This is reminder ${e.count} of ${e.max}; the next in ${formatDuration(e.everyHours * 60)} if it lasts.`;
  const rows: [string, string | undefined][] = [
    [
      e.condition === 'budget-over-limit'
        ? 'Budget'
        : e.condition === 'failing-device'
          ? 'Device'
          : e.condition === 'failing-project'
            ? 'Project'
            : e.kind === 'deadline-job'
              ? 'Job'
              : 'Session',
      d.device ?? e.name,
    ],
    ['ARN', e.arn.startsWith('vigil:') ? undefined : e.arn],
    [
      e.service === 'deadline' ? 'Queue' : 'Project',
      e.condition === 'failing-project' || e.condition === 'budget-over-limit' ? undefined : projectLine(e.project),
    ],
    ['Status', d.status],
    [
      'Failing',
      failing === undefined ? undefined : `${failing.name} ${failing.result} at ${failing.at} (${failing.arn})`,
    ],
    ['Since', e.since],
    ['Lasted', lasted],
    ['Stop it', p.stop],
  ];
  const mute = `set ${REMINDER_SETTING[e.condition]} to false in vigil.config.json, or silence it: npx vigil silence add --resource ${e.arn} --for 1d --reason "…"`;
  return {
    subject: p.subject.ascii,
    text: render(`${p.headline} ${next}`, rows, [], { at: e.at, eventId: e.eventId, mute }),
    document: {
      source: 'vigil',
      version: 1,
      eventType: 'reminder',
      severity: p.severity,
      subject: p.subject.text,
      service: e.service,
      project: e.project,
      resource: {
        kind: e.kind,
        arn: e.arn,
        name: e.name,
        status: d.status ?? e.condition,
        ...(d.result === undefined ? {} : { result: d.result }),
      },
      jobs: [],
      reminder: {
        condition: e.condition,
        since: e.since,
        count: e.count,
        max: e.max,
        everyHours: e.everyHours,
        ...(failing === undefined ? {} : { failing }),
      },
      eventIds: [e.eventId],
      observedAt: e.at,
    },
    attributes: {
      service: e.service,
      kind: e.kind,
      eventType: 'reminder',
      severity: p.severity,
      project: e.kind === 'budget' ? e.name : projectAttribute(e.project),
    },
  };
}

/** Requeue or cancel: the two ways a suspended or failed job stops being one. */
function deadlineStop(e: ReminderEvent): string {
  const m = /farm\/([^/]+)\/queue\/([^/]+)\/job\/([^/]+)/.exec(e.arn);
  if (m === null) return 'requeue or cancel the job';
  const ids = `--farm-id ${m[1]} --queue-id ${m[2]} --job-id ${m[3]}`;
  return `requeue it (aws deadline update-job ${ids} --target-task-run-status READY) or cancel it (--target-task-run-status CANCELED)`;
}
