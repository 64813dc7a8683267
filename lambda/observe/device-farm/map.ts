/**
 * Device Farm API objects → observations. List calls already return full
 * objects, so these mappers are all the reading there is. Every field the
 * API may omit stays absent; a missing status becomes `UNKNOWN` so the
 * record still shows something, and a missing ARN makes the item
 * unrecordable (reported by the caller, never a crash).
 */
import type {
  Counters as ApiCounters,
  Device,
  DeviceMinutes,
  Job,
  RemoteAccessSession,
  Run,
  TestGridSession,
  UniqueProblem,
} from '@aws-sdk/client-device-farm';
import {
  type Counters,
  type DeviceRef,
  FAILING_TEST_DEVICES_MAX,
  FAILING_TEST_TEXT_MAX,
  FAILING_TESTS_LIMIT,
  type FailingTest,
  type FailingTests,
  type JobBrief,
  type JobSummary,
  LISTED_JOBS_LIMIT,
  type Minutes,
  type Observation,
} from '../../core/observation';
import { isoOf } from '../poll-cycle-base';

/** A project (or test grid project) as the observations reference it. */
export interface ProjectRef {
  readonly arn: string;
  readonly name?: string;
}

/** Status recorded when the API omitted one. */
export const MISSING_STATUS = 'UNKNOWN';

function counters(c: ApiCounters | undefined): Counters | undefined {
  if (c === undefined) return undefined;
  return {
    total: c.total ?? 0,
    passed: c.passed ?? 0,
    failed: c.failed ?? 0,
    warned: c.warned ?? 0,
    errored: c.errored ?? 0,
    stopped: c.stopped ?? 0,
    skipped: c.skipped ?? 0,
  };
}

function deviceMinutes(m: DeviceMinutes | undefined): Minutes | undefined {
  if (m === undefined) return undefined;
  const out: { -readonly [K in keyof Minutes]: number } = {};
  if (typeof m.total === 'number') out.total = m.total;
  if (typeof m.metered === 'number') out.metered = m.metered;
  if (typeof m.unmetered === 'number') out.unmetered = m.unmetered;
  return Object.keys(out).length > 0 ? out : undefined;
}

function device(d: Device | undefined): DeviceRef | undefined {
  if (d === undefined) return undefined;
  return compact({ arn: d.arn, name: d.name, platform: d.platform, os: d.os });
}

/** Drops undefined properties so stored items and snapshots stay minimal. */
function compact<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

/** The trailing id in a Device Farm ARN, used as a name when the API sends none. */
function lastSegment(arn: string): string {
  return arn.split(/[:/]/).pop() ?? arn;
}

interface Common {
  readonly arn: string;
  readonly name?: string;
  readonly status?: string;
  readonly result?: string;
  readonly created?: Date;
  readonly started?: Date;
  readonly stopped?: Date;
  readonly message?: string;
}

function base(kind: Observation['kind'], item: Common, scope: string, project: ProjectRef, observedAt: string) {
  return {
    service: 'devicefarm' as const,
    kind,
    arn: item.arn,
    name: item.name ?? lastSegment(item.arn),
    scope,
    project: compact({ arn: project.arn, name: project.name }),
    status: item.status ?? MISSING_STATUS,
    result: item.result,
    created: isoOf(item.created),
    started: isoOf(item.started),
    stopped: isoOf(item.stopped),
    message: item.message,
    observedAt,
  };
}

/** A run, scoped to its project. Returns undefined when the API gave no ARN. */
export function runObservation(run: Run, project: ProjectRef, observedAt: string): Observation | undefined {
  if (run.arn === undefined) return undefined;
  return compact({
    ...base('run', { ...run, arn: run.arn }, project.arn, project, observedAt),
    counters: counters(run.counters),
    minutes: deviceMinutes(run.deviceMinutes),
    jobCounts:
      typeof run.completedJobs === 'number' && typeof run.totalJobs === 'number'
        ? { completed: run.completedJobs, total: run.totalJobs }
        : undefined,
  });
}

/** A job, scoped to its run. */
export function jobObservation(job: Job, run: { arn: string; name?: string }, project: ProjectRef, observedAt: string) {
  if (job.arn === undefined) return undefined;
  const observation: Observation = compact({
    ...base('job', { ...job, arn: job.arn }, run.arn, project, observedAt),
    parentArn: run.arn,
    parentName: run.name,
    counters: counters(job.counters),
    minutes: deviceMinutes(job.deviceMinutes),
    device: device(job.device),
  });
  return observation;
}

/** A remote access session, scoped to its project. */
export function remoteAccessObservation(
  session: RemoteAccessSession,
  project: ProjectRef,
  observedAt: string,
): Observation | undefined {
  if (session.arn === undefined) return undefined;
  return compact({
    ...base('remote-access-session', { ...session, arn: session.arn }, project.arn, project, observedAt),
    minutes: deviceMinutes(session.deviceMinutes),
    device: device(session.device),
  });
}

/** A test grid (browser) session, scoped to its test grid project. */
export function testGridObservation(
  session: TestGridSession,
  project: ProjectRef,
  observedAt: string,
): Observation | undefined {
  if (session.arn === undefined) return undefined;
  const minutes = typeof session.billingMinutes === 'number' ? { billing: session.billingMinutes } : undefined;
  return compact({
    ...base(
      'test-grid-session',
      { arn: session.arn, status: session.status, created: session.created, stopped: session.ended },
      project.arn,
      project,
      observedAt,
    ),
    started: isoOf(session.created),
    minutes,
  });
}

const PASSING = new Set(['PASSED', 'SKIPPED']);

/** Summarises a run's jobs: counts by result and the jobs that did not pass. */
export function summarizeJobs(jobs: readonly Observation[]): JobSummary {
  const byResult: Record<string, number> = {};
  const notPassed: JobBrief[] = [];
  for (const job of jobs) {
    const result = job.result ?? 'PENDING';
    byResult[result] = (byResult[result] ?? 0) + 1;
    if (!PASSING.has(result) && job.status === 'COMPLETED') {
      notPassed.push(
        compact({
          arn: job.arn,
          name: job.name,
          status: job.status,
          result: job.result,
          device: job.device,
          counters: job.counters,
          minutes: job.minutes,
          message: job.message,
        }),
      );
    }
  }
  // Worst first, then by name, so the message reads the same whatever order the API listed them in.
  const rank = (r: string | undefined) => {
    const i = ['ERRORED', 'FAILED', 'STOPPED', 'WARNED'].indexOf(r ?? '');
    return i === -1 ? -1 : i;
  };
  notPassed.sort((a, b) => rank(a.result) - rank(b.result) || a.name.localeCompare(b.name));
  return {
    total: jobs.length,
    byResult,
    notPassed: notPassed.slice(0, LISTED_JOBS_LIMIT),
    notPassedTruncated: Math.max(0, notPassed.length - LISTED_JOBS_LIMIT),
  };
}

/** Results of a unique problem that mean the test passed or never ran: not a failing test. */
const NOT_FAILING = new Set(['PASSED', 'SKIPPED', 'PENDING']);
/** Worst first; a result Vigil does not know ranks first (it needs a look). */
const FAILING_ORDER = ['ERRORED', 'FAILED', 'STOPPED', 'WARNED'];
const failingRank = (result: string) => FAILING_ORDER.indexOf(result);

function cut(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= FAILING_TEST_TEXT_MAX
    ? flat
    : `${flat.slice(0, FAILING_TEST_TEXT_MAX - 1).replace(/[\ud800-\udbff]$/, '')}…`;
}

/**
 * ListUniqueProblems pages → the run's failing tests, one entry per test
 * (suite and test name) across devices: its worst result, its first
 * message, and the devices it did not pass on. Most devices first, then worst
 * result, then name; at most FAILING_TESTS_LIMIT kept, the total counted.
 */
export function failingTests(pages: readonly Partial<Record<string, UniqueProblem[]>>[]): FailingTests {
  const byTest = new Map<string, { test: Omit<FailingTest, 'deviceCount' | 'devices'>; devices: Set<string> }>();
  for (const page of pages) {
    for (const [result, uniques] of Object.entries(page)) {
      if (NOT_FAILING.has(result)) continue;
      for (const unique of uniques ?? []) {
        for (const problem of unique.problems ?? []) {
          const suite = problem.suite?.name;
          const name = problem.test?.name ?? suite ?? problem.job?.name ?? 'unnamed test';
          const key = `${suite ?? ''}\u0000${name}`;
          const worst = problem.result ?? result;
          const message = problem.message ?? unique.message;
          const entry = byTest.get(key) ?? {
            test: compact({
              name: cut(name),
              suite: suite === undefined || suite === name ? undefined : cut(suite),
              result: worst,
              message: message === undefined ? undefined : cut(message),
            }),
            devices: new Set<string>(),
          };
          if (failingRank(worst) < failingRank(entry.test.result)) entry.test = { ...entry.test, result: worst };
          entry.devices.add(problem.device?.name ?? problem.device?.arn ?? problem.job?.arn ?? 'unknown device');
          byTest.set(key, entry);
        }
      }
    }
  }
  const tests = [...byTest.values()]
    .map(({ test, devices }): FailingTest => {
      const names = [...devices].sort();
      return { ...test, deviceCount: names.length, devices: names.slice(0, FAILING_TEST_DEVICES_MAX) };
    })
    .sort(
      (a, b) =>
        b.deviceCount - a.deviceCount ||
        failingRank(a.result) - failingRank(b.result) ||
        (a.suite ?? '').localeCompare(b.suite ?? '') ||
        a.name.localeCompare(b.name),
    );
  return { tests: tests.slice(0, FAILING_TESTS_LIMIT), total: tests.length };
}
