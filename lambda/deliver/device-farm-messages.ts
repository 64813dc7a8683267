/**
 * The words of Device Farm notices and of unknown values, one function per
 * notice type: a run's summary, a group of jobs that did not pass, a remote
 * access session that finished, a test grid session's status, a value Vigil
 * does not know. Each returns the parts compose.ts puts in every message.
 */
import {
  type FailingTest,
  type FailingTests,
  type JobBrief,
  type JobSummary,
  LISTED_JOBS_LIMIT,
  type Observation,
  SERVICE_NAMES,
} from '../core/observation';
import { isKnownResult } from '../core/status';
import type { ChangeEvent } from '../record/change-event';
import { consoleLink, describeCounters, describeDevice, describeMinutes, worstResult } from './format';
import type { MessageParts, ResourceFacts, Severity } from './notification';
import type { ChangeNotice } from './rules';
import { named, subject as subjectOf } from './subject';

export const KIND_WORDS: Record<string, string> = {
  'deadline-job': 'Deadline job',
  'deadline-session': 'Deadline session',
  run: 'run',
  job: 'job',
  'remote-access-session': 'remote access session',
  'test-grid-session': 'test grid session',
};

/** Device Farm messages can be whole stack traces; a notification shows their start. */
const MESSAGE_MAX_CHARS = 300;

export function severityOf(result: string | undefined, status?: string): Severity {
  if (status === 'ERRORED' || result === 'ERRORED' || result === 'FAILED') return 'error';
  if (result === 'PASSED' || result === 'SKIPPED') return 'info';
  return 'warning';
}

/** One resource's facts for the document (and a job's lines of text). */
export function facts(event: ChangeEvent | undefined, state: Observation | JobBrief): ResourceFacts {
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

function clip(text: string, max: number): string {
  // Never end on half an emoji: a lone surrogate is not valid UTF-8 for anyone downstream.
  return text.length <= max ? text : `${text.slice(0, max - 1).replace(/[\ud800-\udbff]$/, '')}…`;
}

/** The object without its undefined fields (the document stays small and readable). */
export function strip<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

/** "RUNNING → COMPLETED", or the value alone when it did not change. */
export function transition(event: ChangeEvent, field: 'status' | 'result'): string {
  const to = event.to[field] ?? '(none)';
  const from = event.from?.[field];
  return from === undefined || from === to ? to : `${from} → ${to}`;
}

export function projectLine(project: Observation['project']): string {
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

function countResults(events: readonly ChangeEvent[]): string {
  const counts = new Map<string, number>();
  for (const e of events) counts.set(e.to.result ?? e.to.status, (counts.get(e.to.result ?? e.to.status) ?? 0) + 1);
  return [...counts.entries()].map(([r, n]) => `${n} ${r}`).join(', ');
}

/** The jobs a notice lists (at most LISTED_JOBS_LIMIT), and how many it leaves out. */
export function listedJobs(notice: ChangeNotice): { jobs: ResourceFacts[]; left: number } {
  const jobs = notice.jobs.slice(0, LISTED_JOBS_LIMIT).map((j) => facts(j, j.state));
  return { jobs, left: notice.jobs.length - jobs.length };
}

/** How many failing tests a run's summary names (the event keeps up to FAILING_TESTS_LIMIT, the report ranks them all). */
export const FAILING_TESTS_SHOWN = 5;

/** "CheckoutTest › testPay", or the test's name alone when it has no suite of its own. */
export function testName(test: Pick<FailingTest, 'name' | 'suite'>): string {
  return test.suite === undefined ? test.name : `${test.suite} › ${test.name}`;
}

/** "2 devices (OnePlus 11, Pixel 8)", naming the devices the event kept. */
export function devicesPhrase(test: Pick<FailingTest, 'deviceCount' | 'devices'>): string {
  const more = test.deviceCount > test.devices.length ? ', …' : '';
  const names = test.devices.length === 0 ? '' : ` (${test.devices.join(', ')}${more})`;
  return `${test.deviceCount} device${test.deviceCount === 1 ? '' : 's'}${names}`;
}

/** The failing tests a run's summary shows: the first few, and how many there are in all. */
export function shownFailingTests(failing: FailingTests | undefined): FailingTests | undefined {
  if (failing === undefined) return undefined;
  return { ...failing, tests: failing.tests.slice(0, FAILING_TESTS_SHOWN) };
}

/** The summary's lines about failing tests (none when the run had none or they were not read). */
function failingTestLines(failing: FailingTests | undefined): string[] {
  if (failing === undefined) return [];
  if (failing.unavailable !== undefined) return ['', `Failing tests could not be read (${failing.unavailable}).`];
  if (failing.total === 0) return [];
  const shown = failing.tests.slice(0, FAILING_TESTS_SHOWN);
  const lines = [
    '',
    shown.length === failing.total
      ? `Failing tests (${failing.total}):`
      : `Failing tests (${shown.length} of ${failing.total}, most devices first):`,
  ];
  for (const test of shown) {
    lines.push(`- ${test.result}  ${testName(test)}  on ${devicesPhrase(test)}`);
    if (test.message !== undefined) lines.push(`  "${test.message}"`);
  }
  const left = failing.total - shown.length;
  if (left > 0) lines.push(`… and ${left} more (vigil history and vigil report list them)`);
  return lines;
}

/** A run finished: its result, its jobs by result, and every job that did not pass. */
export function runFinishedMessage(notice: ChangeNotice): MessageParts {
  const event = notice.subject;
  const state = event.state;
  const { jobs } = listedJobs(notice);
  const summary = state.jobSummary;
  const notPassed = summary === undefined ? jobs.length : summary.notPassed.length + summary.notPassedTruncated;
  const result = state.result ?? state.status;
  const extra: string[] = [];
  const listed = summary?.notPassed.map((j) => facts(undefined, j)) ?? jobs;
  if (listed.length > 0) {
    extra.push('', 'Jobs that did not pass:', ...listed.flatMap(jobLines));
    if ((summary?.notPassedTruncated ?? 0) > 0) extra.push(`… and ${summary?.notPassedTruncated} more`);
  }
  extra.push(...failingTestLines(state.failingTests));
  return {
    subject:
      summary === undefined
        ? subjectOf`${result}: run ${named(state.name)}`
        : notPassed === 0
          ? subjectOf`${result}: run ${named(state.name)} (${summary.total} of ${summary.total} jobs passed)`
          : subjectOf`${result}: run ${named(state.name)} (${notPassed} of ${summary.total} jobs did not pass)`,
    headline: `Device Farm run ${state.name} finished with result ${result}.`,
    severity: notPassed > 0 && severityOf(state.result) === 'info' ? 'warning' : severityOf(state.result),
    rows: [
      ['Run', state.name],
      ['ARN', state.arn],
      ['Project', projectLine(state.project)],
      ['Status', transition(event, 'status')],
      ['Result', transition(event, 'result')],
      ['Jobs', summary && jobCounts(summary)],
      ['Tests', describeCounters(state.counters)],
      ['Minutes', describeMinutes(state.minutes)],
      ['Console', consoleLink(state.arn)],
    ],
    extra,
  };
}

/** Jobs of a run still going finished without passing: one message for all of them. */
export function jobsFinishedMessage(notice: ChangeNotice): MessageParts {
  const event = notice.subject;
  const { jobs, left } = listedJobs(notice);
  const worst = worstResult(notice.jobs.map((j) => j.to.result)) ?? 'COMPLETED';
  const runName = event.parentName ?? event.parentArn ?? 'unknown run';
  const only = jobs[0];
  const inRun = named(runName, { before: ' in run ' });
  const extra = ['', jobs.length === 1 ? 'Job:' : 'Jobs:', ...jobs.flatMap(jobLines)];
  if (left > 0) extra.push(`… and ${left} more (the run's summary counts them all)`);
  extra.push('', 'The run is still going; its summary follows when it finishes.');
  return {
    subject:
      notice.jobs.length === 1 && only !== undefined
        ? subjectOf`${worst}: job ${named(only.name)}${inRun}`
        : subjectOf`${worst}: ${notice.jobs.length} jobs${inRun} (${countResults(notice.jobs)})`,
    headline:
      notice.jobs.length === 1
        ? `A job of Device Farm run ${runName} finished with result ${worst}.`
        : `${notice.jobs.length} jobs of Device Farm run ${runName} finished without passing.`,
    severity: severityOf(worst),
    rows: [
      ['Run', runName],
      ['Run ARN', event.parentArn],
      ['Project', projectLine(event.state.project)],
      ['Console', event.parentArn && consoleLink(event.parentArn)],
    ],
    extra,
  };
}

/** A remote access session finished: its result and minutes. */
export function sessionFinishedMessage(notice: ChangeNotice): MessageParts {
  const event = notice.subject;
  const state = event.state;
  const result = state.result ?? state.status;
  const minutes = state.minutes?.total ?? state.minutes?.metered;
  const ran = minutes === undefined ? '' : ` (${Math.round(minutes * 10) / 10} min)`;
  return {
    subject: subjectOf`${result}: remote access session ${named(state.name)}${ran}`,
    headline: `Device Farm remote access session ${state.name} finished with result ${result}.`,
    severity: severityOf(state.result),
    rows: [
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
    ],
    extra: [],
  };
}

/** A test grid session reached a status the rules notify (ERRORED by default). */
export function testGridSessionMessage(notice: ChangeNotice): MessageParts {
  const event = notice.subject;
  const state = event.state;
  const where = named(state.project.name ?? state.project.arn, { before: ' in ' });
  return {
    subject: subjectOf`${state.status}: test grid session ${named(state.name)}${where}`,
    headline: `Device Farm test grid session ${state.name} is now ${state.status}.`,
    severity: state.status === 'ERRORED' ? 'error' : 'info',
    rows: [
      ['Session', state.name],
      ['ARN', state.arn],
      ['Project', projectLine(state.project)],
      ['Status', transition(event, 'status')],
      ['Minutes', describeMinutes(state.minutes)],
      ['Created', state.created],
      ['Ended', state.stopped],
    ],
    extra: [],
  };
}

/** A status or result Vigil does not know (either service): recorded as sent, and said once. */
export function unknownValueMessage(notice: ChangeNotice): MessageParts {
  const event = notice.subject;
  const state = event.state;
  const kindWord = KIND_WORDS[event.kind] ?? event.kind;
  // Name the value Vigil does not know: the result only when it is the new, unknown one.
  const resultIsNewUnknown = event.from?.result !== event.to.result && !isKnownResult(event.to.result);
  const value = resultIsNewUnknown && event.to.result !== undefined ? event.to.result : state.status;
  return {
    subject: subjectOf`Unknown ${SERVICE_NAMES[event.service]} value ${value}: ${kindWord} ${named(state.name)}`,
    headline: `${SERVICE_NAMES[event.service]} reported a value Vigil does not know for ${kindWord} ${state.name}. It is recorded as it is and Vigil keeps following the ${kindWord}.`,
    severity: 'warning',
    rows: [
      [kindWord[0]?.toUpperCase() + kindWord.slice(1), state.name],
      ['ARN', state.arn],
      ['Project', projectLine(state.project)],
      ['Status', transition(event, 'status')],
      ['Result', transition(event, 'result')],
    ],
    extra: [],
  };
}
