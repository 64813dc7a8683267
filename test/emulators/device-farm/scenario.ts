/**
 * The scenario contract of Vigil's Device Farm emulator: a scripted account whose
 * resources change state at numbered steps. Tests (and the demo) move the emulator
 * from step to step and watch the monitor react.
 *
 * Time model: step `s` happens at `startTime + s * stepSeconds`. A resource does not
 * exist before the first entry of its timeline; at step `s` its state is the last
 * entry whose `step <= s`. Steps may be fractional or negative: a transition at step
 * 1.4 is seen by a poll at step 2 but carries the 1.4 time, and negative steps script
 * history from before the first poll.
 *
 * Derived times (absent until the matching entry is reached): `created` = first entry;
 * `started` = first RUNNING entry (runs, jobs, remote access sessions); `stopped` =
 * first COMPLETED entry; a test grid session's `ended` = first CLOSED/ERRORED entry.
 *
 * Scripts are not the only source of change: CreateRemoteAccessSession adds sessions
 * and StopRemoteAccessSession rewrites a session's timeline from the stop on (see
 * `DeviceFarmModel`), so those two calls make the emulator stateful.
 */
import { Timeline as SharedTimeline } from '../shared/timeline';
import type { ScenarioListing } from './listing-order';

export { ScenarioClock } from '../shared/timeline';
export type { ScenarioListing } from './listing-order';

/** Result counters, as in the Device Farm `Counters` shape. */
export interface Counters {
  total: number;
  passed: number;
  failed: number;
  warned: number;
  errored: number;
  stopped: number;
  skipped: number;
}

/** Device minutes, as in the Device Farm `DeviceMinutes` shape; every member optional like the real API. */
export interface DeviceMinutesSpec {
  total?: number;
  metered?: number;
  unmetered?: number;
}

/**
 * The state of a resource from `step` on. Every optional member left out here is left
 * out of the API response too (no zero-filling), so scenarios can exercise the
 * monitor's handling of missing fields. `status` and `result` are open strings:
 * unknown values pass through untouched.
 */
export interface StateAt {
  step: number;
  status: string;
  result?: string;
  counters?: Partial<Counters>;
  deviceMinutes?: DeviceMinutesSpec;
  /** Test grid sessions only. */
  billingMinutes?: number;
  message?: string;
}

/**
 * A device as a scenario names it; the ARN is derived from `name` (see `deviceArn`),
 * so a device is identified by its name across the whole scenario.
 */
export interface ScenarioDevice {
  name: string;
  platform: 'ANDROID' | 'IOS';
  os: string;
  /** Defaults to `PHONE`. */
  formFactor?: 'PHONE' | 'TABLET';
  /** Defaults to the first word of `name`. */
  manufacturer?: string;
  /** Defaults to `name` without its first word. */
  model?: string;
  /** Whether CreateRemoteAccessSession accepts the device. Defaults to true. */
  remoteAccessEnabled?: boolean;
  /**
   * `AVAILABLE` | `HIGHLY_AVAILABLE` | `BUSY` | `TEMPORARY_NOT_AVAILABLE` (open string).
   * Like the service, returned only by ListDevices and GetDevice. Defaults to `AVAILABLE`.
   */
  availability?: string;
}

/**
 * A test of a job that did not pass, as ListUniqueProblems reports it once the job is
 * COMPLETED. Problems with the same result and message, across the run's jobs, are one
 * unique problem (listed once, with every job, suite, test and device it happened on).
 */
export interface ScenarioProblem {
  /** The suite's name (an instrumentation class, an Appium "Tests Suite"). */
  suite: string;
  /** The test's name; absent for a problem of the suite itself (its setup failed). */
  test?: string;
  /** `FAILED`, `ERRORED`, `STOPPED`, `WARNED`, ... (open string). */
  result: string;
  message: string;
}

/** One job of a run: one device executing the run's tests. */
export interface ScenarioJob {
  /** Device Farm job ids are zero-padded ordinals: `00000`, `00001`, ... */
  id: string;
  name: string;
  device: ScenarioDevice;
  timeline: StateAt[];
  /** Tests that did not pass, reported by ListUniqueProblems once the job has COMPLETED. */
  problems?: ScenarioProblem[];
}

/** A test run and its jobs. */
export interface ScenarioRun {
  /** UUID-like. */
  id: string;
  name: string;
  /** Defaults to `ANDROID`. */
  platform?: 'ANDROID' | 'IOS';
  /** Test type (`APPIUM_NODE`, `INSTRUMENTATION`, ...); defaults to `APPIUM_NODE`; jobs inherit it. */
  type?: string;
  /** Returned only when set (`METERED` | `UNMETERED`). */
  billingMethod?: string;
  timeline: StateAt[];
  jobs?: ScenarioJob[];
  /**
   * The run's jobs made on demand instead of `jobs`, for synthetic fleets too large
   * to hold (a million jobs): called whenever the jobs are read (ListJobs, GetJob, the
   * run's job counts) and never kept, so only the jobs being served take memory. Must
   * return the same jobs on every call; their ARNs are not checked for duplicates.
   */
  generateJobs?: () => ScenarioJob[];
}

/** A remote access (interactive) session on one device. */
export interface ScenarioRemoteAccessSession {
  /** UUID-like. */
  id: string;
  name: string;
  device: ScenarioDevice;
  /** Defaults to `METERED`. */
  billingMethod?: string;
  timeline: StateAt[];
}

/** A mobile-testing project. Projects exist at every step. */
export interface ScenarioProject {
  /** UUID-like. */
  id: string;
  name: string;
  /** ISO time; defaults to the scenario's `startTime`. */
  created?: string;
  runs?: ScenarioRun[];
  remoteAccessSessions?: ScenarioRemoteAccessSession[];
  /** Order and page size of ListRuns and ListRemoteAccessSessions. @default newest first, the emulator's page size */
  listing?: ScenarioListing;
}

/** A browser (Selenium) session of a test grid project; statuses are ACTIVE | CLOSED | ERRORED (open). */
export interface ScenarioTestGridSession {
  id: string;
  seleniumProperties?: string;
  timeline: StateAt[];
}

/** A desktop-browser testing project. Test grid projects exist at every step. */
export interface ScenarioTestGridProject {
  id: string;
  name: string;
  description?: string;
  /** ISO time; defaults to the scenario's `startTime`. */
  created?: string;
  sessions?: ScenarioTestGridSession[];
}

/** A scripted Device Farm account. */
export interface DeviceFarmScenario {
  /** Defaults to `123456789012`. */
  accountId?: string;
  /** ISO time of step 0. */
  startTime: string;
  /** Seconds between consecutive steps. */
  stepSeconds: number;
  /**
   * The device catalogue of ListDevices/GetDevice, in this order. Every device a job or
   * remote access session names is a device too (listed after these, in scenario
   * order); when a name appears both here and in a job or session, this entry wins.
   */
  devices?: ScenarioDevice[];
  projects?: ScenarioProject[];
  testGridProjects?: ScenarioTestGridProject[];
}

/** The account id used when a scenario does not name one. */
export const DEFAULT_ACCOUNT_ID = '123456789012';

/** Statuses that end a test grid session (and fix its `ended` time). */
const TEST_GRID_END_STATUSES: ReadonlySet<string> = new Set(['CLOSED', 'ERRORED']);

/** A run's, job's or session's timeline, with the derived times of Device Farm resources. */
export class Timeline extends SharedTimeline<StateAt> {
  /** Step of the first RUNNING entry up to `step` (the `started` time). */
  startedStep(step: number): number | undefined {
    return this.firstStepWhere(step, (entry) => entry.status === 'RUNNING');
  }

  /** Step of the first COMPLETED entry up to `step` (the `stopped` time). */
  stoppedStep(step: number): number | undefined {
    return this.firstStepWhere(step, (entry) => entry.status === 'COMPLETED');
  }

  /** Step of the first CLOSED/ERRORED entry up to `step` (a test grid session's `ended`). */
  endedStep(step: number): number | undefined {
    return this.firstStepWhere(step, (entry) => TEST_GRID_END_STATUSES.has(entry.status));
  }
}
