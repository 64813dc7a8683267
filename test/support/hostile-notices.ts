/**
 * One notice of every type Vigil sends, about every resource kind it
 * follows, with a given name in every place a name goes (resource, run,
 * project, queue, farm, device, budget, digest lines). With HOSTILE_NAMES
 * this is the corpus that proves subjects SNS accepts and documents that
 * keep the real names. Each case says the status prefix its subject starts with.
 */
import type { DeviceFarmKind, JobBrief, Observation } from '../../lambda/core/observation';
import type { Notice } from '../../lambda/deliver/rules';
import type { ChangeEvent } from '../../lambda/record/change-event';
import type { GuardEvent, ReminderEvent, StuckEvent } from '../../lambda/record/vigil-event';
import { gridProjectArn, jobArn, projectArn, runArn, sessionArn } from './arns';
import { changeEvent, counters, jobFinished, jobObs, runFinished, runObs, sessionObs } from './builders';
import { deadlineChange, deadlineJob, deadlineSession } from './deadline-builders';
import { budgetEvent, digestEvent, guardEvent } from './reactor-builders';

/** One notice of the corpus. */
export interface HostileCase {
  /** "<notice type> / <resource kind>", and the variant when a type has several. */
  readonly label: string;
  readonly notice: Notice;
  /** What both forms of the subject start with: the status or result and the kind of thing. */
  readonly prefix: string;
}

const GUARD_PREFIXES: Readonly<Record<GuardEvent['action'], string>> = {
  warning: 'LIMIT SOON: remote access session',
  stop: 'STOPPED: remote access session',
  'would-stop': 'DRY RUN: remote access session',
  'over-limit': 'OVER LIMIT: remote access session',
  'hard-limit-warning': 'NEAR 150 MIN: remote access session',
  'stopped-by-user': 'STOPPED: remote access session',
};

function change(
  type: Exclude<
    Notice['type'],
    'budget-threshold' | 'budget-forecast' | 'guard' | 'digest' | 'stuck' | 'unstuck' | 'reminder'
  >,
  subject: ChangeEvent,
  jobs: ChangeEvent[] = [],
): Notice {
  return { type, subject, jobs, covers: type === 'jobs-finished' ? jobs : [subject, ...jobs] };
}

/** Device Farm cases: run, job, remote access session and test grid session. */
function deviceFarmCases(name: string): HostileCase[] {
  const project = { arn: projectArn(), name };
  const device = { name, platform: 'ANDROID', os: '14' };
  const brief = (id: string, result: string): JobBrief => ({
    arn: jobArn(id),
    name,
    status: 'COMPLETED',
    result,
    device,
    counters: counters({ total: 12, passed: 10, failed: 2 }),
    message: name,
  });
  const run = runFinished('FAILED', {
    name,
    project,
    jobSummary: {
      total: 4,
      byResult: { PASSED: 2, FAILED: 1, ERRORED: 1 },
      notPassed: [brief('00001', 'FAILED'), brief('00002', 'ERRORED')],
      notPassedTruncated: 0,
    },
  });
  const job = (id: string, result: string) =>
    jobFinished(id, result, 'nightly', { name, parentName: name, project, device, message: name });
  const oneJob = job('00001', 'FAILED');
  const session = changeEvent('remote-access-session', {
    from: { status: 'RUNNING', result: 'PENDING' },
    to: { status: 'COMPLETED', result: 'FAILED' },
    state: { name, project, device, minutes: { total: 12.3, metered: 12.3, unmetered: 0 }, message: name },
  });
  const grid = changeEvent('test-grid-session', {
    from: { status: 'ACTIVE' },
    to: { status: 'CLOSED' },
    state: { name, project: { arn: gridProjectArn(), name }, minutes: { billing: 3 } },
  });
  const unknown = (kind: DeviceFarmKind) =>
    changeEvent(kind, {
      from: kind === 'test-grid-session' ? { status: 'ACTIVE' } : { status: 'RUNNING', result: 'PENDING' },
      to: kind === 'test-grid-session' ? { status: 'ARCHIVED' } : { status: 'ARCHIVED', result: 'PENDING' },
      state: { name, project, ...(kind === 'job' ? { parentName: name } : {}) },
    });
  return [
    { label: 'run-finished / run', notice: change('run-finished', run), prefix: 'FAILED: run' },
    {
      label: 'jobs-finished / job (one job)',
      notice: change('jobs-finished', oneJob, [oneJob]),
      prefix: 'FAILED: job',
    },
    {
      label: 'jobs-finished / job (three jobs)',
      notice: change('jobs-finished', oneJob, [oneJob, job('00002', 'ERRORED'), job('00003', 'FAILED')]),
      prefix: 'ERRORED: 3 jobs',
    },
    {
      label: 'session-finished / remote-access-session',
      notice: change('session-finished', session),
      prefix: 'FAILED: remote access session',
    },
    {
      label: 'test-grid-session / test-grid-session',
      notice: change('test-grid-session', grid),
      prefix: 'CLOSED: test grid session',
    },
    {
      label: 'unknown-status / run',
      notice: change('unknown-status', unknown('run')),
      prefix: 'Unknown Device Farm value ARCHIVED: run',
    },
    {
      label: 'unknown-status / job',
      notice: change('unknown-status', unknown('job')),
      prefix: 'Unknown Device Farm value ARCHIVED: job',
    },
    {
      label: 'unknown-status / remote-access-session',
      notice: change('unknown-status', unknown('remote-access-session')),
      prefix: 'Unknown Device Farm value ARCHIVED: remote access session',
    },
    {
      label: 'unknown-status / test-grid-session',
      notice: change('unknown-status', unknown('test-grid-session')),
      prefix: 'Unknown Device Farm value ARCHIVED: test grid session',
    },
  ];
}

/** Deadline Cloud cases: job and session. */
function deadlineCases(name: string): HostileCase[] {
  const base = deadlineJob('020', 'FAILED', { FAILED: 12, SUCCEEDED: 28 });
  const job: Observation = {
    ...base,
    name,
    project: { ...base.project, name },
    deadline: { ...(base.deadline as NonNullable<Observation['deadline']>), queueName: name, farmName: name },
    message: name,
  };
  const session = (id: string) => ({ ...deadlineSession(job, id, 'UPDATE_FAILED', name), name });
  const failed = [
    deadlineChange(session('1'), { status: 'STARTED' }),
    deadlineChange(session('2'), { status: 'STARTED' }),
  ];
  const [first] = failed as [ChangeEvent, ChangeEvent];
  return [
    {
      label: 'deadline-job / deadline-job',
      notice: change('deadline-job', deadlineChange(job, { status: 'RUNNING' }), [first]),
      prefix: 'FAILED: Deadline job',
    },
    {
      label: 'deadline-sessions-failed / deadline-session (one session)',
      notice: change('deadline-sessions-failed', first, [first]),
      prefix: 'UPDATE_FAILED: session of Deadline job',
    },
    {
      label: 'deadline-sessions-failed / deadline-session (two sessions)',
      notice: change('deadline-sessions-failed', first, failed),
      prefix: 'UPDATE_FAILED: 2 sessions of Deadline job',
    },
    {
      label: 'unknown-status / deadline-job',
      notice: change('unknown-status', deadlineChange({ ...job, status: 'DRAINING_NEW' }, { status: 'RUNNING' })),
      prefix: 'Unknown Deadline Cloud value DRAINING_NEW: Deadline job',
    },
    {
      label: 'unknown-status / deadline-session',
      notice: change(
        'unknown-status',
        deadlineChange({ ...session('3'), status: 'DRAINING_NEW' }, { status: 'STARTED' }),
      ),
      prefix: 'Unknown Deadline Cloud value DRAINING_NEW: Deadline session',
    },
  ];
}

/** Budget, guard and digest cases (what the reactors write). */
function reactorCases(name: string): HostileCase[] {
  const threshold = budgetEvent({
    name,
    budget: { ...budgetEvent().budget, name },
    causedBy: { ...budgetEvent().causedBy, name },
  });
  const forecast = budgetEvent({
    ...threshold,
    eventId: `${threshold.eventId}#forecast`,
    eventType: 'budget-forecast',
    thresholdPercent: undefined,
    forecast: { at: '2026-11-25T10:00:00.000Z', projectedMinutes: 1312.5 },
  });
  const project = { arn: projectArn(), name };
  const state = sessionObs({
    name,
    project,
    device: { name, platform: 'ANDROID', os: '14' },
    started: '2026-11-21T07:29:48.000Z',
  });
  const guards = (Object.keys(GUARD_PREFIXES) as GuardEvent['action'][]).map((action): HostileCase => {
    const event = guardEvent({ action, name, project, state, ...(action === 'stopped-by-user' ? { by: name } : {}) });
    return {
      label: `guard (${action}) / remote-access-session`,
      notice: { type: 'guard', subject: event, jobs: [], covers: [event] },
      prefix: GUARD_PREFIXES[action],
    };
  });
  const digest = digestEvent({
    name,
    digest: {
      failingDevices: [{ device: name, jobs: 3 }],
      budgets: [{ name, period: '2026-11', usedMinutes: 812.4, limitMinutes: 1000 }],
      overLimit: [{ arn: state.arn, name, minutes: 95, limitMinutes: 60 }],
    },
  });
  return [
    {
      label: 'budget-threshold / budget',
      notice: { type: 'budget-threshold', subject: threshold, jobs: [], covers: [threshold] },
      prefix: '80%: budget',
    },
    {
      label: 'budget-forecast / budget',
      notice: { type: 'budget-forecast', subject: forecast, jobs: [], covers: [forecast] },
      prefix: 'FORECAST: budget',
    },
    ...guards,
    {
      label: 'digest / all',
      notice: { type: 'digest', subject: digest, jobs: [], covers: [digest] },
      prefix: 'Vigil digest 2026-11-21: 12 runs, 2 not passed, 1 over limit',
    },
  ];
}

/** Stuck work and reminders (what the reactors' scheduled pass writes). */
function lifecycleCases(name: string): HostileCase[] {
  const project = { arn: projectArn(), name };
  const stuck = (eventType: StuckEvent['eventType'], kind: 'run' | 'job', id: string): StuckEvent => {
    const arn = kind === 'run' ? runArn() : jobArn(id);
    const state =
      kind === 'run'
        ? runObs({ name, project, status: eventType === 'stuck' ? 'PENDING' : 'RUNNING' })
        : jobObs(id, { name, project, status: eventType === 'stuck' ? 'PENDING' : 'RUNNING' });
    return {
      eventId: `${arn}#${eventType}`,
      eventType,
      service: 'devicefarm',
      kind,
      arn,
      name,
      project,
      ...(kind === 'job' ? { parentArn: runArn(), parentName: name } : {}),
      at: '2026-11-21T09:01:00.000Z',
      since: '2026-11-21T08:00:00.000Z',
      waitingStatus: 'PENDING',
      waitedMinutes: 61,
      limitMinutes: 60,
      state,
    };
  };
  const single = (type: StuckEvent['eventType']): HostileCase => {
    const e = stuck(type, 'run', '');
    return {
      label: `${type} / run`,
      notice: { type, subject: e, jobs: [], covers: [e] },
      prefix: type === 'stuck' ? 'STUCK: run' : 'UNSTUCK: run',
    };
  };
  const jobs = [stuck('stuck', 'job', '00000'), stuck('stuck', 'job', '00001')];
  const reminder = (
    condition: ReminderEvent['condition'],
    kind: ReminderEvent['kind'],
    arn: string,
    detail: ReminderEvent['detail'],
    prefix: string,
  ): HostileCase => {
    const e: ReminderEvent = {
      eventId: `${arn}#reminder-2`,
      eventType: 'reminder',
      service: condition === 'deadline-job' ? 'deadline' : 'devicefarm',
      kind,
      arn,
      name,
      project,
      at: '2026-11-22T09:00:00.000Z',
      condition,
      since: '2026-11-21T09:00:00.000Z',
      count: 2,
      max: 3,
      everyHours: 24,
      detail,
    };
    return {
      label: `reminder (${condition}) / ${kind}`,
      notice: { type: 'reminder', subject: e, jobs: [], covers: [e] },
      prefix,
    };
  };
  const failing = { arn: runArn(), name, result: 'FAILED', at: '2026-11-21T09:00:00.000Z' };
  return [
    single('stuck'),
    single('unstuck'),
    {
      label: 'stuck / job (two jobs of a run)',
      notice: { type: 'stuck', subject: jobs[0] as StuckEvent, jobs, covers: jobs },
      prefix: 'STUCK: 2 jobs of run',
    },
    reminder(
      'session-over-limit',
      'remote-access-session',
      sessionArn(),
      { minutes: 95, limitMinutes: 60 },
      'REMINDER 2/3: remote access session',
    ),
    reminder(
      'budget-over-limit',
      'budget',
      'vigil:budget/x/2026-11',
      { minutes: 1012.5, limitMinutes: 1000, periodKey: '2026-11' },
      'REMINDER 2/3: budget',
    ),
    reminder(
      'deadline-job',
      'deadline-job',
      deadlineJob('a1', 'SUSPENDED').arn,
      { status: 'SUSPENDED' },
      'REMINDER 2/3: Deadline job',
    ),
    reminder('failing-project', 'run', projectArn(), { failing }, 'REMINDER 2/3: project'),
    reminder('failing-device', 'job', 'vigil:device/x', { device: name, failing }, 'REMINDER 2/3: device'),
  ];
}

/** Every notice type about every resource kind, with `name` wherever a name goes. */
export function hostileCases(name: string): HostileCase[] {
  return [...deviceFarmCases(name), ...deadlineCases(name), ...reactorCases(name), ...lifecycleCases(name)];
}
