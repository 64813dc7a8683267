/**
 * The benchmark's synthetic fleets: emulator scenarios generated from a few
 * numbers, plus the ground truth the lower bound needs (which resources
 * changed between two polled steps), computed from the same generator rather
 * than from anything Vigil reports.
 *
 * Every project (queue) of a fleet has the same shape, so a cycle's cost is
 * the same for each and naive counts measured on a sample of projects scale
 * exactly (see naive.ts).
 *
 * Device Farm run lifecycle (J jobs): created RUNNING with every job RUNNING;
 * one job completes at each of the next J steps (the run's counters and
 * minutes grow with it); the run completes at the J-th. A new run starts every
 * J / A steps per project, so A runs are active at every step. Runs finished
 * before step 0 are history: two timeline entries, and their jobs are made on
 * demand by the emulator (never held).
 *
 * Deadline job lifecycle (M sessions): created READY; one session at a time
 * runs (a step each); the job SUCCEEDED (or FAILED) one step after its last
 * session ended. A new job is submitted every (M + 1) / A steps per queue.
 */
import type { DeadlineScenario, ScenarioJob as DeadlineScenarioJob, ScenarioQueue } from '../emulators/deadline';
import { farmId, fleetId, jobId, queueId, sessionId, workerId } from '../emulators/deadline';
import type {
  Counters,
  DeviceFarmScenario,
  ScenarioDevice,
  ScenarioJob,
  ScenarioRemoteAccessSession,
  ScenarioRun,
  StateAt,
} from '../emulators/device-farm';

/** ISO time of step 0; one step is one one-minute poll. */
export const START_TIME = '2026-11-02T09:00:00.000Z';
export const STEP_SECONDS = 60;
/** The last step a fleet scripts: later steps show a frozen account. */
export const LAST_STEP = 3;

export interface DeviceFarmFleet {
  readonly service: 'devicefarm';
  readonly name: string;
  readonly projects: number;
  /** Runs each project has at step 0 (history plus active). */
  readonly runsPerProject: number;
  readonly jobsPerRun: number;
  /** Runs active at every step, per project. */
  readonly activeRunsPerProject: number;
  readonly remoteAccessSessionsPerProject: number;
  /** Of those, running at step 0 (each completes at step 2). */
  readonly activeRemoteAccessSessionsPerProject: number;
}

export interface DeadlineFleet {
  readonly service: 'deadline';
  readonly name: string;
  readonly queues: number;
  readonly jobsPerQueue: number;
  readonly sessionsPerJob: number;
  readonly activeJobsPerQueue: number;
}

export type Fleet = DeviceFarmFleet | DeadlineFleet;

export const FLEETS: readonly Fleet[] = [
  {
    service: 'devicefarm',
    name: 'small',
    projects: 1,
    runsPerProject: 10,
    jobsPerRun: 5,
    activeRunsPerProject: 1,
    remoteAccessSessionsPerProject: 3,
    activeRemoteAccessSessionsPerProject: 1,
  },
  {
    service: 'devicefarm',
    name: 'medium',
    projects: 10,
    runsPerProject: 100,
    jobsPerRun: 10,
    activeRunsPerProject: 5,
    remoteAccessSessionsPerProject: 0,
    activeRemoteAccessSessionsPerProject: 0,
  },
  {
    service: 'devicefarm',
    name: 'large',
    projects: 100,
    runsPerProject: 1000,
    jobsPerRun: 10,
    activeRunsPerProject: 10,
    remoteAccessSessionsPerProject: 0,
    activeRemoteAccessSessionsPerProject: 0,
  },
  { service: 'deadline', name: 'deadline', queues: 10, jobsPerQueue: 200, sessionsPerJob: 5, activeJobsPerQueue: 10 },
];

/** A one-line description of the fleet's shape. */
export function describeFleet(fleet: Fleet): string {
  if (fleet.service === 'deadline') {
    const share = (100 * fleet.activeJobsPerQueue) / fleet.jobsPerQueue;
    return `${fleet.queues} queues × ${fleet.jobsPerQueue} jobs × ${fleet.sessionsPerJob} sessions, ${share}% of jobs active`;
  }
  const share = (100 * fleet.activeRunsPerProject) / fleet.runsPerProject;
  const sessions =
    fleet.remoteAccessSessionsPerProject > 0
      ? `, ${fleet.remoteAccessSessionsPerProject} remote access sessions (${fleet.activeRemoteAccessSessionsPerProject} running)`
      : '';
  return `${fleet.projects} project${fleet.projects === 1 ? '' : 's'} × ${fleet.runsPerProject} runs × ${fleet.jobsPerRun} jobs${sessions}, ${share}% of runs active`;
}

// ---- Device Farm ------------------------------------------------------------

export const DEVICES: readonly ScenarioDevice[] = Array.from({ length: 10 }, (_, i) => ({
  name: `Bench Phone ${i}`,
  platform: i % 3 === 0 ? 'IOS' : 'ANDROID',
  os: i % 3 === 0 ? '17' : '14',
}));

export const TESTS_PER_JOB = 5;

const hex = (n: number, width: number) => n.toString(16).padStart(width, '0');
export const projectIdOf = (p: number) => `${hex(p, 8)}-0000-4000-8000-000000000000`;
const runIdOf = (p: number, i: number) => `${hex(p, 8)}-${hex(i, 4)}-4000-9000-${hex(i * 7919 + p, 12)}`;
const sessionIdOf = (p: number, i: number) => `${hex(p, 8)}-${hex(i, 4)}-4000-a000-${hex(i * 104729 + p, 12)}`;

/** Whether job `k` of run `i` fails (about one in seven, deterministic). */
export const jobFails = (i: number, k: number) => (i * 3 + k) % 7 === 3;

function jobCounters(fails: boolean): Counters {
  const failed = fails ? 1 : 0;
  return {
    total: TESTS_PER_JOB,
    passed: TESTS_PER_JOB - failed,
    failed,
    warned: 0,
    errored: 0,
    stopped: 0,
    skipped: 0,
  };
}

export const jobMinutes = (k: number) => 2 + (k % 3);

function addCounters(a: Counters, b: Counters): Counters {
  return {
    total: a.total + b.total,
    passed: a.passed + b.passed,
    failed: a.failed + b.failed,
    warned: a.warned + b.warned,
    errored: a.errored + b.errored,
    stopped: a.stopped + b.stopped,
    skipped: a.skipped + b.skipped,
  };
}

const ZERO: Counters = { total: 0, passed: 0, failed: 0, warned: 0, errored: 0, stopped: 0, skipped: 0 };

/** The steps at which a fleet's runs are created, per project, oldest first (index = run index). */
function runCreationSteps(fleet: DeviceFarmFleet): number[] {
  const spacing = fleet.jobsPerRun / fleet.activeRunsPerProject;
  const steps: number[] = [];
  // Run i of the first runsPerProject is created at -(R-1-i) × spacing: the newest at step 0.
  for (let i = 0; i < fleet.runsPerProject; i++) steps.push(-(fleet.runsPerProject - 1 - i) * spacing);
  for (let i = 1; i * spacing <= LAST_STEP; i++) steps.push(i * spacing);
  return steps;
}

/** Whether a run created at `created` is finished at `step`. */
const runFinishedAt = (fleet: DeviceFarmFleet, created: number, step: number) => step >= created + fleet.jobsPerRun;

function jobs(fleet: DeviceFarmFleet, i: number, created: number): ScenarioJob[] {
  return Array.from({ length: fleet.jobsPerRun }, (_, k) => {
    const fails = jobFails(i, k);
    const timeline: StateAt[] = [
      { step: created, status: 'RUNNING', result: 'PENDING' },
      {
        step: created + k + 1,
        status: 'COMPLETED',
        result: fails ? 'FAILED' : 'PASSED',
        counters: jobCounters(fails),
        deviceMinutes: { total: jobMinutes(k), metered: jobMinutes(k), unmetered: 0 },
        ...(fails ? { message: '1 test failed' } : {}),
      },
    ];
    const device = DEVICES[k % DEVICES.length] as ScenarioDevice;
    // A failing job's one failed test, as ListUniqueProblems reports it.
    const problems = fails
      ? [{ suite: 'CheckoutTests', test: `testStep${k % 3}`, result: 'FAILED', message: `step ${k % 3} failed` }]
      : undefined;
    return {
      id: String(k).padStart(5, '0'),
      name: `Tests on ${device.name}`,
      device,
      timeline,
      ...(problems === undefined ? {} : { problems }),
    };
  });
}

function runTimeline(fleet: DeviceFarmFleet, i: number, created: number, history: boolean): StateAt[] {
  const J = fleet.jobsPerRun;
  let counters = ZERO;
  let minutes = 0;
  let failed = false;
  const entries: StateAt[] = [{ step: created, status: 'RUNNING', result: 'PENDING' }];
  for (let k = 0; k < J; k++) {
    const fails = jobFails(i, k);
    counters = addCounters(counters, jobCounters(fails));
    minutes += jobMinutes(k);
    failed ||= fails;
    const done = k === J - 1;
    entries.push({
      step: created + k + 1,
      status: done ? 'COMPLETED' : 'RUNNING',
      result: done ? (failed ? 'FAILED' : 'PASSED') : 'PENDING',
      counters,
      deviceMinutes: { total: minutes, metered: minutes, unmetered: 0 },
    });
  }
  // A run finished before step 0 is only ever seen finished: its first and last entries are enough.
  return history ? [entries[0] as StateAt, entries[entries.length - 1] as StateAt] : entries;
}

function remoteAccessSessions(fleet: DeviceFarmFleet): ScenarioRemoteAccessSession[] {
  const n = fleet.remoteAccessSessionsPerProject;
  return Array.from({ length: n }, (_, i) => {
    const active = i >= n - fleet.activeRemoteAccessSessionsPerProject;
    const created = active ? -1 - (n - 1 - i) : -30 - 10 * (n - i);
    const ends = active ? 2 : created + 8;
    return {
      id: sessionIdOf(0, i),
      name: `debug session ${i}`,
      device: DEVICES[i % DEVICES.length] as ScenarioDevice,
      timeline: [
        { step: created, status: 'RUNNING', result: 'PENDING' },
        { step: ends, status: 'COMPLETED', result: 'PASSED', deviceMinutes: { total: 8, metered: 8, unmetered: 0 } },
      ],
    };
  });
}

/** The emulator scenario of a Device Farm fleet. Every project has the same runs (by index). */
export function deviceFarmScenario(fleet: DeviceFarmFleet): DeviceFarmScenario {
  const creation = runCreationSteps(fleet);
  const sessions = remoteAccessSessions(fleet);
  return {
    startTime: START_TIME,
    stepSeconds: STEP_SECONDS,
    devices: [...DEVICES],
    projects: Array.from({ length: fleet.projects }, (_, p) => ({
      id: projectIdOf(p),
      name: `bench-app-${p}`,
      created: '2025-01-01T00:00:00.000Z',
      runs: creation.map((created, i): ScenarioRun => {
        const history = runFinishedAt(fleet, created, 0);
        return {
          id: runIdOf(p, i),
          name: `nightly-${i}`,
          timeline: runTimeline(fleet, i, created, history),
          generateJobs: () => jobs(fleet, i, created),
        };
      }),
      remoteAccessSessions: sessions.map((s, i) => ({ ...s, id: sessionIdOf(p, i) })),
    })),
  };
}

// ---- Deadline ---------------------------------------------------------------

/** Whether Deadline job `i` fails (about one in nine, deterministic). */
const deadlineJobFails = (i: number) => i % 9 === 4;

function deadlineJob(fleet: DeadlineFleet, q: number, i: number, created: number): DeadlineScenarioJob {
  const M = fleet.sessionsPerJob;
  const fails = deadlineJobFails(i);
  const timeline: DeadlineScenarioJob['timeline'] = [
    { step: created, taskRunStatus: 'READY', taskRunStatusCounts: { READY: M } },
  ];
  for (let k = 1; k <= M; k++) {
    timeline.push({
      step: created + k,
      taskRunStatus: 'RUNNING',
      taskRunStatusCounts: { SUCCEEDED: k - 1, RUNNING: 1, READY: M - k },
    });
  }
  timeline.push({
    step: created + M + 1,
    taskRunStatus: fails ? 'FAILED' : 'SUCCEEDED',
    taskRunStatusCounts: fails ? { SUCCEEDED: M - 1, FAILED: 1 } : { SUCCEEDED: M },
  });
  const seed = `bench-${q}-${i}`;
  return {
    id: jobId(seed),
    name: `render-${q}-${i}`,
    timeline,
    sessions: Array.from({ length: M }, (_, k) => ({
      id: sessionId(`${seed}-${k}`),
      workerId: workerId(`w-${(i + k) % 20}`),
      fleetId: fleetId(`fleet-${q % 2}`),
      hostName: `render-host-${(i + k) % 20}`,
      ec2InstanceType: 'c5.large',
      timeline: [
        { step: created + k + 1, lifecycleStatus: 'STARTED' },
        { step: created + k + 2, lifecycleStatus: 'ENDED' },
      ],
    })),
  };
}

/** Steps at which a Deadline fleet's jobs are submitted, per queue, oldest first. */
function jobCreationSteps(fleet: DeadlineFleet): number[] {
  const spacing = (fleet.sessionsPerJob + 1) / fleet.activeJobsPerQueue;
  const steps: number[] = [];
  for (let i = 0; i < fleet.jobsPerQueue; i++) steps.push(round3(-(fleet.jobsPerQueue - 1 - i) * spacing));
  for (let i = 1; i * spacing <= LAST_STEP; i++) steps.push(round3(i * spacing));
  return steps;
}

const round3 = (n: number) => Math.round(n * 1000) / 1000;

export const DEADLINE_FARM_ID = farmId('bench-farm');

export function deadlineScenario(fleet: DeadlineFleet): DeadlineScenario {
  const creation = jobCreationSteps(fleet);
  const queues: ScenarioQueue[] = Array.from({ length: fleet.queues }, (_, q) => ({
    id: queueId(`bench-queue-${q}`),
    name: `render-queue-${q}`,
    createdAt: '2025-01-01T00:00:00.000Z',
    jobs: creation.map((created, i) => deadlineJob(fleet, q, i, created)),
  }));
  return {
    startTime: START_TIME,
    stepSeconds: STEP_SECONDS,
    farms: [{ id: DEADLINE_FARM_ID, name: 'bench-farm', createdAt: '2025-01-01T00:00:00.000Z', queues }],
  };
}

// ---- Ground truth -----------------------------------------------------------

/** Runs (Deadline jobs) each project (queue) shows at `step`. */
export function parentsVisibleAt(fleet: Fleet, step: number): number {
  const creation = fleet.service === 'devicefarm' ? runCreationSteps(fleet) : jobCreationSteps(fleet);
  return creation.filter((created) => created <= step).length;
}

/** What changed in one project (queue) between two polled steps, from the generator. */
export interface ScopeTruth {
  /** Runs (jobs) created in (from, to]. */
  readonly newParents: number;
  /** Runs (jobs) active at `from` that changed by `to`. */
  readonly changedParents: number;
  /** Runs (jobs) active at `from` (stored as still changing). */
  readonly activeParents: number;
  /** Runs (jobs) that were active at `from` or are new: what must be observed. */
  readonly followedParents: number;
  /** Runs (jobs) whose children the cycle lists (a baseline skips those it finds finished). */
  readonly childListings: number;
  /** Children (jobs of runs; Deadline sessions) first seen or changed. */
  readonly childChanges: number;
  /** Remote access sessions first seen or changed. */
  readonly sessionChanges: number;
  /** Remote access sessions active at `from`. */
  readonly activeSessions: number;
  /** Resources first seen or changed: the fewest change transactions. */
  readonly changes: number;
  /**
   * Runs that finished in (from, to] with a job that did not pass, not at a
   * baseline: each costs one ListUniqueProblems page (its failing tests).
   */
  readonly failingRunsFinished: number;
}

/** Index of the timeline entry in force at `step` (-1 before the first). */
function entryAt(timeline: readonly { step: number }[], step: number): number {
  let index = -1;
  for (let i = 0; i < timeline.length; i++) if ((timeline[i] as { step: number }).step <= step) index = i;
  return index;
}

/** Whether a resource was first seen or moved to another entry between `from` (exclusive) and `to`. */
function changedBetween(timeline: readonly { step: number }[], from: number | undefined, to: number): boolean {
  const now = entryAt(timeline, to);
  if (now < 0) return false;
  return from === undefined ? true : entryAt(timeline, from) !== now;
}

/**
 * Ground truth for one project of a Device Farm fleet between polls at `from`
 * and `to` (from undefined: a baseline, where everything is new). Every
 * timeline entry the generator writes differs from the one before in a field
 * Vigil records (status, result, counters, minutes), so "another entry" is
 * "a change". Jobs of runs already finished at `from` cannot change.
 */
export function deviceFarmTruth(fleet: DeviceFarmFleet, from: number | undefined, to: number): ScopeTruth {
  const creation = runCreationSteps(fleet);
  let newParents = 0;
  let changedParents = 0;
  let activeParents = 0;
  let followedParents = 0;
  let childListings = 0;
  let childChanges = 0;
  let failingRunsFinished = 0;
  creation.forEach((created, i) => {
    if (created > to) return;
    const history = runFinishedAt(fleet, created, 0);
    const finishesNow = from !== undefined && runFinishedAt(fleet, created, to) && !runFinishedAt(fleet, created, from);
    const fails = Array.from({ length: fleet.jobsPerRun }, (_, k) => jobFails(i, k)).some(Boolean);
    if (finishesNow && fails) failingRunsFinished++;
    const isNew = from === undefined || created > from;
    const activeBefore = !isNew && !runFinishedAt(fleet, created, from as number);
    if (isNew) newParents++;
    if (activeBefore) activeParents++;
    if (isNew || activeBefore) followedParents++;
    const timeline = runTimeline(fleet, i, created, history);
    if (!isNew && activeBefore && changedBetween(timeline, from, to)) changedParents++;
    // A baseline does not list the jobs of runs it finds finished; later cycles list those of every new run.
    const listsJobs = from === undefined ? !runFinishedAt(fleet, created, to) : isNew || activeBefore;
    if (!listsJobs) return;
    childListings++;
    for (const job of jobs(fleet, i, created)) {
      if (changedBetween(job.timeline, isNew ? undefined : from, to)) childChanges++;
    }
  });
  let sessionChanges = 0;
  let activeSessions = 0;
  for (const session of remoteAccessSessions(fleet)) {
    const first = session.timeline[0] as StateAt;
    const last = session.timeline[session.timeline.length - 1] as StateAt;
    if (from !== undefined && first.step <= from && last.step > from) activeSessions++;
    const isNew = from === undefined || first.step > from;
    if (changedBetween(session.timeline, isNew ? undefined : from, to)) sessionChanges++;
  }
  const changes = newParents + changedParents + childChanges + sessionChanges;
  return {
    newParents,
    changedParents,
    activeParents,
    followedParents,
    childListings,
    childChanges,
    sessionChanges,
    activeSessions,
    changes,
    failingRunsFinished,
  };
}

/** Ground truth for one queue of the Deadline fleet (sessions listed only for jobs that are not history). */
export function deadlineTruth(fleet: DeadlineFleet, from: number | undefined, to: number): ScopeTruth {
  const creation = jobCreationSteps(fleet);
  let newParents = 0;
  let changedParents = 0;
  let activeParents = 0;
  let followedParents = 0;
  let childListings = 0;
  let childChanges = 0;
  creation.forEach((created, i) => {
    if (created > to) return;
    const job = deadlineJob(fleet, 0, i, created);
    const finishedAt = (step: number) => step >= created + fleet.sessionsPerJob + 1;
    const isNew = from === undefined || created > from;
    const activeBefore = !isNew && !finishedAt(from as number);
    if (isNew) newParents++;
    if (activeBefore) activeParents++;
    if (activeBefore && changedBetween(job.timeline, from, to)) changedParents++;
    const history = from === undefined && finishedAt(to);
    // Sessions are listed for every job that is not history and was not already finished.
    if (isNew || activeBefore) followedParents++;
    if (history || !(isNew || activeBefore)) return;
    childListings++;
    for (const session of job.sessions ?? []) {
      if (changedBetween(session.timeline, isNew ? undefined : from, to)) childChanges++;
    }
  });
  const changes = newParents + changedParents + childChanges;
  return {
    newParents,
    changedParents,
    activeParents,
    followedParents,
    childListings,
    childChanges,
    sessionChanges: 0,
    activeSessions: 0,
    changes,
    failingRunsFinished: 0,
  };
}
