/**
 * The scenario compiled into indexed resources, and the projection of each resource
 * into its Device Farm wire shape at a given step. Two operations change the model:
 * CreateRemoteAccessSession adds a session and StopRemoteAccessSession rewrites a
 * session's timeline from the stop on; everything else is read-only.
 */

import { randomUUID } from 'node:crypto';
import { newestFirstAt, visibleAt } from '../shared/timeline';
import { ArnBuilder, deviceArn } from './arns';
import {
  type Counters,
  DEFAULT_ACCOUNT_ID,
  type DeviceFarmScenario,
  type DeviceMinutesSpec,
  ScenarioClock,
  type ScenarioDevice,
  type ScenarioJob,
  type ScenarioProject,
  type ScenarioRemoteAccessSession,
  type ScenarioRun,
  type ScenarioTestGridProject,
  type ScenarioTestGridSession,
  type StateAt,
  Timeline,
} from './scenario';

/** awsJson1_1 timestamps are epoch seconds (fractional allowed). */
type EpochSeconds = number;

/** Wire shape of `Device` (the subset the emulator fills). */
export interface WireDevice {
  arn: string;
  name: string;
  manufacturer: string;
  model: string;
  formFactor: string;
  platform: string;
  os: string;
  remoteAccessEnabled: boolean;
  fleetType: string;
  fleetName: string;
  /** ListDevices and GetDevice only, like the service. */
  availability?: string;
}

/** Wire shape of `Project`. */
export interface WireProject {
  arn: string;
  name: string;
  created: EpochSeconds;
  defaultJobTimeoutMinutes: number;
}

/** Members shared by runs, jobs and remote access sessions. */
interface WireExecution {
  arn: string;
  /** Absent for a remote access session created without a name. */
  name?: string;
  created: EpochSeconds;
  status: string;
  result?: string;
  started?: EpochSeconds;
  stopped?: EpochSeconds;
  message?: string;
  deviceMinutes?: DeviceMinutesSpec;
}

/** Wire shape of `Run`. */
export interface WireRun extends WireExecution {
  type: string;
  platform: string;
  counters?: Partial<Counters>;
  totalJobs?: number;
  completedJobs?: number;
  billingMethod?: string;
}

/** Wire shape of `Job`. */
export interface WireJob extends WireExecution {
  type: string;
  counters?: Partial<Counters>;
  device: WireDevice;
}

/** Wire shape of `RemoteAccessSession`. */
export interface WireRemoteAccessSession extends WireExecution {
  device: WireDevice;
  billingMethod: string;
  /** Sessions made by CreateRemoteAccessSession only. */
  interactionMode?: string;
  /** Sessions made by CreateRemoteAccessSession only. */
  skipAppResign?: boolean;
}

/** Wire shape of `ProblemDetail`. */
export interface WireProblemDetail {
  arn: string;
  name: string;
}

/** Wire shape of `Problem`: one test (or suite) that did not pass, on one job and device. */
export interface WireProblem {
  run: WireProblemDetail;
  job: WireProblemDetail;
  suite: WireProblemDetail;
  /** Absent for a problem of the suite itself. */
  test?: WireProblemDetail;
  device: WireDevice;
  result: string;
  message: string;
}

/** Wire shape of `UniqueProblem`: every problem with one result and one message. */
export interface WireUniqueProblem {
  message: string;
  problems: WireProblem[];
}

/** Wire shape of `TestGridProject`. */
export interface WireTestGridProject {
  arn: string;
  name: string;
  description?: string;
  created: EpochSeconds;
}

/** Wire shape of `TestGridSession`. */
export interface WireTestGridSession {
  arn: string;
  status: string;
  created: EpochSeconds;
  ended?: EpochSeconds;
  billingMinutes?: number;
  seleniumProperties?: string;
}

/** A project with its compiled children. */
export interface ProjectNode {
  readonly spec: ScenarioProject;
  readonly arn: string;
  readonly createdMs: number;
  readonly runs: RunNode[];
  readonly remoteAccessSessions: RemoteAccessSessionNode[];
}

/** A run with its compiled jobs. */
export interface RunNode {
  readonly spec: ScenarioRun;
  readonly project: ProjectNode;
  readonly arn: string;
  readonly timeline: Timeline;
  /** Position in the scenario: breaks `created` ties (later listed = newer). */
  readonly order: number;
  /** Compiled once, or (with `generateJobs`) compiled afresh on every read and never kept. */
  readonly jobs: JobNode[];
}

/** A device of the catalogue (ListDevices, GetDevice). */
export interface DeviceNode {
  readonly spec: ScenarioDevice;
  readonly arn: string;
}

/** A job. */
export interface JobNode {
  readonly spec: ScenarioJob;
  readonly run: RunNode;
  readonly arn: string;
  readonly timeline: Timeline;
  readonly order: number;
  /** The catalogue entry of the job's device. */
  readonly device: DeviceNode;
}

/** What a remote access session is made of: scripted, or from CreateRemoteAccessSession (possibly nameless). */
export type RemoteAccessSessionSpec = Omit<ScenarioRemoteAccessSession, 'name'> & { name?: string };

/** A remote access session. */
export interface RemoteAccessSessionNode {
  readonly spec: RemoteAccessSessionSpec;
  readonly project: ProjectNode;
  readonly arn: string;
  /** Replaced by StopRemoteAccessSession. */
  timeline: Timeline;
  readonly order: number;
  /** The catalogue entry of the session's device. */
  readonly device: DeviceNode;
  /** Step of the StopRemoteAccessSession call that ended the session: its `stopped` time. */
  stopStep?: number;
  /** Members echoed from the CreateRemoteAccessSession request; absent for scripted sessions. */
  readonly requested?: { readonly interactionMode: string; readonly skipAppResign: boolean };
}

/** What CreateRemoteAccessSession asks for, validated. */
export interface NewRemoteAccessSession {
  readonly project: ProjectNode;
  readonly device: DeviceNode;
  readonly name?: string;
  readonly billingMethod: string;
  readonly interactionMode: string;
  readonly skipAppResign: boolean;
}

/** Statuses from which StopRemoteAccessSession refuses to stop a session. */
const NOT_RUNNING_STATUSES: ReadonlySet<string> = new Set(['STOPPING', 'COMPLETED']);

/** A test grid project. */
export interface TestGridProjectNode {
  readonly spec: ScenarioTestGridProject;
  readonly arn: string;
  readonly createdMs: number;
  readonly sessions: TestGridSessionNode[];
}

/** A test grid session. */
export interface TestGridSessionNode {
  readonly spec: ScenarioTestGridSession;
  readonly project: TestGridProjectNode;
  readonly arn: string;
  readonly timeline: Timeline;
  readonly order: number;
}

/** Anything with a timeline that can be listed newest first. */
interface Timed {
  readonly timeline: Timeline;
  readonly order: number;
}

const COUNTER_KEYS: readonly (keyof Counters)[] = [
  'total',
  'passed',
  'failed',
  'warned',
  'errored',
  'stopped',
  'skipped',
];

/** The compiled scenario. */
export class DeviceFarmModel {
  readonly accountId: string;
  readonly clock: ScenarioClock;
  readonly projects: ProjectNode[] = [];
  readonly testGridProjects: TestGridProjectNode[] = [];
  /** The device catalogue: the scenario's `devices`, then every other device a job or session names. */
  readonly devices: DeviceNode[] = [];
  private readonly arns: ArnBuilder;
  private readonly allArns = new Set<string>();
  private readonly devicesByArn = new Map<string, DeviceNode>();
  private readonly projectsByArn = new Map<string, ProjectNode>();
  private readonly runsByArn = new Map<string, RunNode>();
  private readonly jobsByArn = new Map<string, JobNode>();
  private readonly remoteAccessSessionsByArn = new Map<string, RemoteAccessSessionNode>();
  private readonly testGridProjectsByArn = new Map<string, TestGridProjectNode>();
  private readonly testGridSessionsByArn = new Map<string, TestGridSessionNode>();

  constructor(scenario: DeviceFarmScenario) {
    this.accountId = scenario.accountId ?? DEFAULT_ACCOUNT_ID;
    this.clock = new ScenarioClock(scenario.startTime, scenario.stepSeconds);
    const arns = new ArnBuilder(this.accountId);
    this.arns = arns;

    for (const spec of scenario.devices ?? []) {
      if (this.devicesByArn.has(deviceArn(spec.name))) throw new Error(`scenario: duplicate device ${spec.name}`);
      this.catalogue(spec);
    }

    for (const spec of scenario.projects ?? []) {
      const listingPageSize = spec.listing?.pageSize;
      if (listingPageSize !== undefined && (!Number.isInteger(listingPageSize) || listingPageSize < 1)) {
        throw new Error(`scenario: project ${spec.id} listing.pageSize must be a positive integer`);
      }
      const project: ProjectNode = {
        spec,
        arn: arns.project(spec.id),
        createdMs: this.clock.msOf(spec.created),
        runs: [],
        remoteAccessSessions: [],
      };
      this.index(this.projectsByArn, project);
      this.projects.push(project);
      (spec.runs ?? []).forEach((runSpec, runOrder) => {
        const fields = {
          spec: runSpec,
          project,
          arn: arns.run(spec.id, runSpec.id),
          timeline: new Timeline(runSpec.timeline, `run ${runSpec.id}`),
          order: runOrder,
        };
        const generate = runSpec.generateJobs;
        if (generate !== undefined && runSpec.jobs !== undefined) {
          throw new Error(`scenario: run ${runSpec.id} has both jobs and generateJobs`);
        }
        const compile = (jobSpec: ScenarioJob, jobOrder: number) => this.compileJob(run, jobSpec, jobOrder);
        const run: RunNode =
          generate === undefined
            ? { ...fields, jobs: [] }
            : {
                ...fields,
                get jobs() {
                  return generate().map(compile);
                },
              };
        this.index(this.runsByArn, run);
        project.runs.push(run);
        (runSpec.jobs ?? []).forEach((jobSpec, jobOrder) => {
          const job = this.compileJob(run, jobSpec, jobOrder);
          this.index(this.jobsByArn, job);
          run.jobs.push(job);
        });
      });
      (spec.remoteAccessSessions ?? []).forEach((sessionSpec, order) => {
        const session: RemoteAccessSessionNode = {
          spec: sessionSpec,
          project,
          arn: arns.remoteAccessSession(spec.id, sessionSpec.id),
          timeline: new Timeline(sessionSpec.timeline, `remote access session ${sessionSpec.id}`),
          order,
          device: this.catalogue(sessionSpec.device),
        };
        this.index(this.remoteAccessSessionsByArn, session);
        project.remoteAccessSessions.push(session);
      });
    }

    for (const spec of scenario.testGridProjects ?? []) {
      const project: TestGridProjectNode = {
        spec,
        arn: arns.testGridProject(spec.id),
        createdMs: this.clock.msOf(spec.created),
        sessions: [],
      };
      this.index(this.testGridProjectsByArn, project);
      this.testGridProjects.push(project);
      (spec.sessions ?? []).forEach((sessionSpec, order) => {
        const session: TestGridSessionNode = {
          spec: sessionSpec,
          project,
          arn: arns.testGridSession(spec.id, sessionSpec.id),
          timeline: new Timeline(sessionSpec.timeline, `test grid session ${sessionSpec.id}`),
          order,
        };
        this.index(this.testGridSessionsByArn, session);
        project.sessions.push(session);
      });
    }
  }

  private compileJob(run: RunNode, jobSpec: ScenarioJob, order: number): JobNode {
    return {
      spec: jobSpec,
      run,
      arn: this.arns.job(run.project.spec.id, run.spec.id, jobSpec.id),
      timeline: new Timeline(jobSpec.timeline, `job ${run.spec.id}/${jobSpec.id}`),
      order,
      device: this.catalogue(jobSpec.device),
    };
  }

  /** The catalogue entry of a device named `spec.name`, added from `spec` when there is none yet. */
  private catalogue(spec: ScenarioDevice): DeviceNode {
    const arn = deviceArn(spec.name);
    const known = this.devicesByArn.get(arn);
    if (known !== undefined) return known;
    const device: DeviceNode = { spec, arn };
    this.devicesByArn.set(arn, device);
    this.devices.push(device);
    return device;
  }

  private index<T extends { readonly arn: string }>(map: Map<string, T>, node: T): void {
    if (this.allArns.has(node.arn)) throw new Error(`scenario: duplicate resource ${node.arn}`);
    this.allArns.add(node.arn);
    map.set(node.arn, node);
  }

  /** Looks up a project by ARN. */
  project(arn: string): ProjectNode | undefined {
    return this.projectsByArn.get(arn);
  }

  /** Looks up a run by ARN, whether or not it exists yet at the current step. */
  run(arn: string): RunNode | undefined {
    return this.runsByArn.get(arn);
  }

  /** Looks up a job by ARN, whether or not it exists yet at the current step. */
  job(arn: string): JobNode | undefined {
    const compiled = this.jobsByArn.get(arn);
    if (compiled !== undefined) return compiled;
    // A generated job: `…:job:<project>/<run>/<job>` names its run.
    const path = /:job:([^/]+)\/([^/]+)\/[^/]+$/.exec(arn);
    if (path === null) return undefined;
    const run = this.runsByArn.get(this.arns.run(path[1] as string, path[2] as string));
    if (run?.spec.generateJobs === undefined) return undefined;
    return run.jobs.find((job) => job.arn === arn);
  }

  /** Looks up a remote access session by ARN, whether or not it exists yet at the current step. */
  remoteAccessSession(arn: string): RemoteAccessSessionNode | undefined {
    return this.remoteAccessSessionsByArn.get(arn);
  }

  /** Looks up a device by ARN. */
  device(arn: string): DeviceNode | undefined {
    return this.devicesByArn.get(arn);
  }

  /**
   * Adds a session as CreateRemoteAccessSession does: PENDING at `step` (its `created`
   * time), RUNNING from `step + 1` (its `started` time) until stopped.
   */
  createRemoteAccessSession(request: NewRemoteAccessSession, step: number): RemoteAccessSessionNode {
    const { project, device } = request;
    const id = randomUUID();
    const spec: RemoteAccessSessionSpec = {
      id,
      device: device.spec,
      billingMethod: request.billingMethod,
      timeline: [
        { step, status: 'PENDING', result: 'PENDING' },
        { step: step + 1, status: 'RUNNING', result: 'PENDING' },
      ],
    };
    if (request.name !== undefined) spec.name = request.name;
    const session: RemoteAccessSessionNode = {
      spec,
      project,
      arn: this.arns.remoteAccessSession(project.spec.id, id),
      timeline: new Timeline(spec.timeline, `remote access session ${id}`),
      order: project.remoteAccessSessions.length,
      device,
      requested: { interactionMode: request.interactionMode, skipAppResign: request.skipAppResign },
    };
    this.index(this.remoteAccessSessionsByArn, session);
    project.remoteAccessSessions.push(session);
    return session;
  }

  /**
   * ListUniqueProblems of a run (or of one job) at `step`: the problems of its COMPLETED
   * jobs, grouped by result, then by message (one unique problem each), in job order.
   * Flat, as `[result, unique problem]` pairs, so a caller can page it; undefined when
   * `arn` names no run or job that exists at `step`.
   */
  uniqueProblems(arn: string, step: number): [string, WireUniqueProblem][] | undefined {
    const run = this.run(arn);
    const job = run === undefined ? this.job(arn) : undefined;
    const owner = run ?? job?.run;
    if (owner === undefined || !this.visible(owner, step) || (job !== undefined && !this.visible(job, step))) {
      return undefined;
    }
    const jobs = job === undefined ? owner.jobs : [job];
    const byResult = new Map<string, Map<string, WireProblem[]>>();
    for (const j of jobs) {
      if (!this.visible(j, step) || this.stateOf(j, step).status !== 'COMPLETED') continue;
      const suites = [...new Set((j.spec.problems ?? []).map((p) => p.suite))];
      for (const problem of j.spec.problems ?? []) {
        const suiteId = String(suites.indexOf(problem.suite)).padStart(5, '0');
        const testId = String((j.spec.problems ?? []).indexOf(problem)).padStart(5, '0');
        const projectId = owner.project.spec.id;
        const wire: WireProblem = {
          run: { arn: owner.arn, name: owner.spec.name },
          job: { arn: j.arn, name: j.spec.name },
          suite: { arn: this.arns.suite(projectId, owner.spec.id, j.spec.id, suiteId), name: problem.suite },
          ...(problem.test === undefined
            ? {}
            : {
                test: {
                  arn: this.arns.test(projectId, owner.spec.id, j.spec.id, suiteId, testId),
                  name: problem.test,
                },
              }),
          device: deviceView(j.device.spec),
          result: problem.result,
          message: problem.message,
        };
        const messages = byResult.get(problem.result) ?? new Map<string, WireProblem[]>();
        byResult.set(problem.result, messages);
        messages.set(problem.message, [...(messages.get(problem.message) ?? []), wire]);
      }
    }
    return [...byResult].flatMap(([result, messages]) =>
      [...messages].map(([message, problems]): [string, WireUniqueProblem] => [result, { message, problems }]),
    );
  }

  /** False when the session is STOPPING or COMPLETED at `step` (StopRemoteAccessSession refuses it). */
  isRunning(session: RemoteAccessSessionNode, step: number): boolean {
    return !NOT_RUNNING_STATUSES.has(this.stateOf(session, step).status);
  }

  /**
   * Stops a session at `step`, as StopRemoteAccessSession does: every scripted entry
   * after `step` is dropped (a stopped session stays stopped), the session is STOPPING
   * from `step` and COMPLETED/STOPPED from `step + 1`, with `stopped` = the time of
   * `step` and device minutes = whole minutes (rounded down) from `started` to the
   * stop, metered or unmetered by the session's billing method (0 if it never started).
   */
  stopRemoteAccessSession(session: RemoteAccessSessionNode, step: number): void {
    const state = this.stateOf(session, step);
    const startedStep = session.timeline.startedStep(step);
    const minutes =
      startedStep === undefined ? 0 : Math.floor((this.clock.msAt(step) - this.clock.msAt(startedStep)) / 60_000);
    const unmetered = (session.spec.billingMethod ?? 'METERED') === 'UNMETERED';
    const deviceMinutes: DeviceMinutesSpec = {
      total: minutes,
      metered: unmetered ? 0 : minutes,
      unmetered: unmetered ? minutes : 0,
    };
    const stopping: StateAt = { step, status: 'STOPPING' };
    if (state.result !== undefined) stopping.result = state.result;
    const kept = session.timeline.entries.filter((entry) => entry.step <= step);
    session.timeline = new Timeline(
      [...kept, stopping, { step: step + 1, status: 'COMPLETED', result: 'STOPPED', deviceMinutes }],
      `remote access session ${session.spec.id}`,
    );
    session.stopStep = step;
  }

  /** Looks up a test grid project by ARN. */
  testGridProject(arn: string): TestGridProjectNode | undefined {
    return this.testGridProjectsByArn.get(arn);
  }

  /** Looks up a test grid session by ARN, whether or not it exists yet at the current step. */
  testGridSession(arn: string): TestGridSessionNode | undefined {
    return this.testGridSessionsByArn.get(arn);
  }

  /** True when the resource exists at `step`. */
  visible(node: Timed, step: number): boolean {
    return visibleAt(node, step);
  }

  /**
   * Visible resources, newest `created` first; resources created at the same step
   * are listed in reverse scenario order (the later-listed one counts as newer).
   */
  newestFirst<T extends Timed>(nodes: readonly T[], step: number): T[] {
    return newestFirstAt(nodes, step);
  }

  /** Epoch seconds of `step`. */
  secondsAt(step: number): EpochSeconds {
    return this.clock.msAt(step) / 1000;
  }

  /** Wire `Project`. */
  projectView(project: ProjectNode): WireProject {
    return {
      arn: project.arn,
      name: project.spec.name,
      created: project.createdMs / 1000,
      defaultJobTimeoutMinutes: 150,
    };
  }

  /** Wire `Run` at `step`; the caller checks visibility. */
  runView(run: RunNode, step: number): WireRun {
    const state = this.stateOf(run, step);
    const jobs = run.jobs;
    const visibleJobs = jobs.filter((job) => this.visible(job, step));
    const derivedCounters =
      state.counters === undefined
        ? sumCounters(visibleJobs.map((job) => this.stateOf(job, step).counters))
        : undefined;
    const view: WireRun = {
      ...this.executionView(run.arn, run.spec.name, run.timeline, state, step),
      type: run.spec.type ?? 'APPIUM_NODE',
      platform: run.spec.platform ?? 'ANDROID',
    };
    const counters = state.counters ?? derivedCounters;
    if (counters !== undefined) view.counters = { ...counters };
    if (jobs.length > 0) {
      // Derived from jobs, like the service does: jobs appear as the run schedules them.
      view.totalJobs = visibleJobs.length;
      view.completedJobs = visibleJobs.filter((job) => this.stateOf(job, step).status === 'COMPLETED').length;
    }
    if (run.spec.billingMethod !== undefined) view.billingMethod = run.spec.billingMethod;
    return view;
  }

  /** Wire `Job` at `step`; the caller checks visibility. */
  jobView(job: JobNode, step: number): WireJob {
    const state = this.stateOf(job, step);
    const view: WireJob = {
      ...this.executionView(job.arn, job.spec.name, job.timeline, state, step),
      type: job.run.spec.type ?? 'APPIUM_NODE',
      device: deviceView(job.device.spec),
    };
    if (state.counters !== undefined) view.counters = { ...state.counters };
    return view;
  }

  /** Wire `RemoteAccessSession` at `step`; the caller checks visibility. */
  remoteAccessSessionView(session: RemoteAccessSessionNode, step: number): WireRemoteAccessSession {
    const state = this.stateOf(session, step);
    const view: WireRemoteAccessSession = {
      ...this.executionView(session.arn, session.spec.name, session.timeline, state, step),
      device: deviceView(session.device.spec),
      billingMethod: session.spec.billingMethod ?? 'METERED',
    };
    // A stopped session ended when it was told to, not when it reached COMPLETED.
    if (session.stopStep !== undefined && view.stopped !== undefined) view.stopped = this.secondsAt(session.stopStep);
    if (session.requested !== undefined) {
      view.interactionMode = session.requested.interactionMode;
      view.skipAppResign = session.requested.skipAppResign;
    }
    return view;
  }

  /** Wire `Device` as ListDevices and GetDevice return it (with `availability`). */
  deviceDetailView(device: DeviceNode): WireDevice {
    return { ...deviceView(device.spec), availability: device.spec.availability ?? 'AVAILABLE' };
  }

  /** Wire `TestGridProject`. */
  testGridProjectView(project: TestGridProjectNode): WireTestGridProject {
    const view: WireTestGridProject = { arn: project.arn, name: project.spec.name, created: project.createdMs / 1000 };
    if (project.spec.description !== undefined) view.description = project.spec.description;
    return view;
  }

  /** Wire `TestGridSession` at `step`; the caller checks visibility. */
  testGridSessionView(session: TestGridSessionNode, step: number): WireTestGridSession {
    const state = this.stateOf(session, step);
    const view: WireTestGridSession = {
      arn: session.arn,
      status: state.status,
      created: this.secondsAt(session.timeline.firstStep),
    };
    const ended = session.timeline.endedStep(step);
    if (ended !== undefined) view.ended = this.secondsAt(ended);
    if (state.billingMinutes !== undefined) view.billingMinutes = state.billingMinutes;
    if (session.spec.seleniumProperties !== undefined) view.seleniumProperties = session.spec.seleniumProperties;
    return view;
  }

  private stateOf(node: Timed, step: number): StateAt {
    const state = node.timeline.stateAt(step);
    if (state === undefined) throw new Error('emulator bug: projecting a resource that does not exist yet');
    return state;
  }

  private executionView(
    arn: string,
    name: string | undefined,
    timeline: Timeline,
    state: StateAt,
    step: number,
  ): WireExecution {
    const view: WireExecution = {
      arn,
      ...(name === undefined ? {} : { name }),
      created: this.secondsAt(timeline.firstStep),
      status: state.status,
    };
    if (state.result !== undefined) view.result = state.result;
    const started = timeline.startedStep(step);
    if (started !== undefined) view.started = this.secondsAt(started);
    const stopped = timeline.stoppedStep(step);
    if (stopped !== undefined) view.stopped = this.secondsAt(stopped);
    if (state.message !== undefined) view.message = state.message;
    if (state.deviceMinutes !== undefined) view.deviceMinutes = { ...state.deviceMinutes };
    return view;
  }
}

/** Wire `Device` for a scenario device, as jobs and remote access sessions embed it (no `availability`). */
export function deviceView(device: ScenarioDevice): WireDevice {
  const [firstWord = device.name, ...rest] = device.name.split(' ');
  return {
    arn: deviceArn(device.name),
    name: device.name,
    manufacturer: device.manufacturer ?? firstWord,
    model: device.model ?? (rest.length > 0 ? rest.join(' ') : device.name),
    formFactor: device.formFactor ?? 'PHONE',
    platform: device.platform,
    os: device.os,
    remoteAccessEnabled: device.remoteAccessEnabled ?? true,
    fleetType: 'PUBLIC',
    fleetName: 'Public Device Fleet',
  };
}

/** Member-wise sum of the counters that are present; undefined when none are. */
function sumCounters(all: readonly (Partial<Counters> | undefined)[]): Partial<Counters> | undefined {
  const present = all.filter((counters): counters is Partial<Counters> => counters !== undefined);
  if (present.length === 0) return undefined;
  const sum: Partial<Counters> = {};
  for (const key of COUNTER_KEYS) {
    for (const counters of present) {
      const value = counters[key];
      if (value !== undefined) sum[key] = (sum[key] ?? 0) + value;
    }
  }
  return sum;
}
