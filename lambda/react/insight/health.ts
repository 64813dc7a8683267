/**
 * Device and test health from recorded history (pure): per device, the
 * jobs and runs it ran, its pass rate, FAILED and ERRORED counts, minutes and
 * flaky score; per test, the runs it failed in and its flaky score across
 * the runs of its project. Input is a window's change events (record's
 * `HistoryReader.window`: Queries on the time index), nothing else.
 */
import type { FailingTests } from '../../core/observation';
import type { ChangeEvent } from '../../record/change-event';
import { isFinishing } from '../../record/notable';
import { isChangeEvent, type VigilEvent } from '../../record/vigil-event';
import { flakyScore, type Outcome } from './flaky';

/** Results that count as passed (a skipped job did not fail). */
const PASSING: ReadonlySet<string> = new Set(['PASSED', 'SKIPPED']);

/** One device's record over the window. */
export interface DeviceHealth {
  readonly device: string;
  /** Finished jobs on the device. */
  readonly jobs: number;
  /** Distinct runs those jobs belonged to. */
  readonly runs: number;
  readonly passed: number;
  readonly failed: number;
  readonly errored: number;
  /** Other results that did not pass (STOPPED, WARNED, values AWS adds). */
  readonly otherNotPassed: number;
  /** passed ÷ jobs, 0 to 1. */
  readonly passRate: number;
  /** Device minutes of its finished jobs (total, metered and unmetered). */
  readonly minutes: number;
  /** Share of consecutive runs of the same project in which its result flipped (pass ↔ not pass), 0 to 1. */
  readonly flakyScore: number;
}

/** One test's record over the window. */
export interface TestHealth {
  readonly name: string;
  readonly suite?: string;
  /** The project's name (or ARN). */
  readonly project: string;
  /** Runs it did not pass in. */
  readonly failedRuns: number;
  /** Runs of its project whose failing tests are known (it passed, or is listed as failing). */
  readonly runs: number;
  /** Devices it did not pass on, over those runs. */
  readonly deviceFailures: number;
  /** Share of consecutive runs of its project in which it flipped, 0 to 1. */
  readonly flakyScore: number;
  readonly lastMessage?: string;
  readonly lastResult: string;
}

const projectOf = (e: ChangeEvent) => e.project.name ?? e.project.arn;
/** When a job or run ran, for ordering consecutive runs. */
const startedOf = (e: ChangeEvent) => e.state.started ?? e.state.created ?? e.at;

/** Finished jobs (their finishing change) in the window, baseline ones included: the window is history. */
function finishedJobs(events: readonly VigilEvent[]): ChangeEvent[] {
  return events.filter(isChangeEvent).filter((e) => e.kind === 'job' && isFinishing(e));
}

/** Worst first: highest flaky score, then lowest pass rate, then most jobs that did not pass, then name. */
export function worstFirst(a: DeviceHealth, b: DeviceHealth): number {
  return (
    b.flakyScore - a.flakyScore ||
    a.passRate - b.passRate ||
    b.jobs - b.passed - (a.jobs - a.passed) ||
    a.device.localeCompare(b.device)
  );
}

/** Every device that finished a job in `events`, worst first. */
export function deviceHealth(events: readonly VigilEvent[]): DeviceHealth[] {
  const byDevice = new Map<string, ChangeEvent[]>();
  for (const job of finishedJobs(events)) {
    const device = job.state.device?.name ?? job.state.device?.arn;
    if (device === undefined) continue;
    byDevice.set(device, [...(byDevice.get(device) ?? []), job]);
  }
  return [...byDevice]
    .map(([device, jobs]): DeviceHealth => {
      const result = (j: ChangeEvent) => j.to.result ?? j.to.status;
      const passed = jobs.filter((j) => PASSING.has(result(j))).length;
      const failed = jobs.filter((j) => result(j) === 'FAILED').length;
      const errored = jobs.filter((j) => result(j) === 'ERRORED').length;
      const minutes = jobs.reduce(
        (n, j) => n + (j.state.minutes?.total ?? (j.state.minutes?.metered ?? 0) + (j.state.minutes?.unmetered ?? 0)),
        0,
      );
      const outcomes: Outcome[] = jobs.map((j) => ({
        group: j.project.arn,
        at: startedOf(j),
        passed: PASSING.has(result(j)),
      }));
      return {
        device,
        jobs: jobs.length,
        runs: new Set(jobs.map((j) => j.parentArn ?? j.arn)).size,
        passed,
        failed,
        errored,
        otherNotPassed: jobs.length - passed - failed - errored,
        passRate: jobs.length === 0 ? 0 : passed / jobs.length,
        minutes: Math.round(minutes * 10) / 10,
        flakyScore: flakyScore(outcomes),
      };
    })
    .sort(worstFirst);
}

/** A finished run and what is known of its failing tests. */
interface RunTests {
  readonly project: string;
  readonly at: string;
  /** Every test that did not pass, when known in full; undefined when not (unreadable, or cut at the event's limit). */
  readonly failing?: FailingTests['tests'];
  /** The tests listed as failing, known in full or not. */
  readonly listed: FailingTests['tests'];
}

function runTests(events: readonly VigilEvent[]): RunTests[] {
  const runs: RunTests[] = [];
  for (const e of events.filter(isChangeEvent)) {
    if (e.kind !== 'run' || !isFinishing(e) || e.baseline) continue;
    const f = e.state.failingTests;
    const passedWhole = f === undefined && PASSING.has(e.to.result ?? '');
    const complete = f !== undefined && f.unavailable === undefined && f.tests.length === f.total;
    runs.push({
      project: projectOf(e),
      at: startedOf(e),
      ...(passedWhole ? { failing: [] } : complete ? { failing: f.tests } : {}),
      listed: f?.tests ?? [],
    });
  }
  return runs;
}

const testKey = (t: { name: string; suite?: string }) => `${t.suite ?? ''}\u0000${t.name}`;

/**
 * Every test that failed in a finished run of the window (runs that were not
 * baseline), per project: the runs it failed in, and its flaky score over the
 * project's runs whose failing tests are known in full (a passing run counts
 * as every test passing).
 */
export function testHealth(events: readonly VigilEvent[]): TestHealth[] {
  const runs = runTests(events);
  const tests = new Map<string, TestHealth & { readonly key: string }>();
  for (const run of [...runs].sort((a, b) => (a.at < b.at ? -1 : 1))) {
    for (const t of run.listed) {
      const id = `${run.project}\u0001${testKey(t)}`;
      const before = tests.get(id);
      tests.set(id, {
        key: testKey(t),
        name: t.name,
        ...(t.suite === undefined ? {} : { suite: t.suite }),
        project: run.project,
        failedRuns: (before?.failedRuns ?? 0) + 1,
        runs: 0,
        deviceFailures: (before?.deviceFailures ?? 0) + t.deviceCount,
        flakyScore: 0,
        lastResult: t.result,
        ...(t.message === undefined ? {} : { lastMessage: t.message }),
      });
    }
  }
  return [...tests.values()].map(({ key, ...test }) => {
    const known = runs.filter((r) => r.project === test.project && r.failing !== undefined);
    const outcomes: Outcome[] = known.map((r) => ({
      group: r.project,
      at: r.at,
      passed: !(r.failing ?? []).some((t) => testKey(t) === key),
    }));
    return { ...test, runs: known.length, flakyScore: flakyScore(outcomes) };
  });
}

/** Tests ranked by the runs they failed in (then devices, then name). */
export function byFailures(tests: readonly TestHealth[]): TestHealth[] {
  return [...tests].sort(
    (a, b) =>
      b.failedRuns - a.failedRuns ||
      b.deviceFailures - a.deviceFailures ||
      a.project.localeCompare(b.project) ||
      a.name.localeCompare(b.name),
  );
}

/** Tests ranked by flaky score (then the runs they failed in); tests that never flipped are left out. */
export function byFlakiness(tests: readonly TestHealth[]): TestHealth[] {
  return tests
    .filter((t) => t.flakyScore > 0)
    .sort((a, b) => b.flakyScore - a.flakyScore || b.failedRuns - a.failedRuns || a.name.localeCompare(b.name));
}
