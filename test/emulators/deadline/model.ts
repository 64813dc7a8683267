/**
 * The scenario compiled into indexed resources, and the projection of each resource
 * into its Deadline Cloud wire shape (restJson1: timestamps are ISO-8601 strings) at
 * a given step.
 */

import { newestFirstAt, type Timed, visibleAt } from '../shared/timeline';
import { hex32, isDeadlineId } from './ids';
import {
  DEFAULT_DEADLINE_ACCOUNT_ID,
  DEFAULT_DEADLINE_REGION,
  DEFAULT_JOB_LIFECYCLE_STATUS,
  type DeadlineScenario,
  type JobStateAt,
  ScenarioClock,
  type ScenarioFarm,
  type ScenarioJob,
  type ScenarioQueue,
  type ScenarioSession,
  type SessionStateAt,
  type TaskRunStatusCounts,
  TERMINAL_TASK_RUN_STATUSES,
  Timeline,
} from './scenario';

/** restJson1 timestamps: ISO-8601 date-time strings. */
type IsoTime = string;

/** Wire shape of `FarmSummary`. */
export interface WireFarmSummary {
  farmId: string;
  displayName: string;
  createdAt: IsoTime;
  createdBy: string;
}

/** Wire shape of `GetFarmResponse`. */
export interface WireFarm extends WireFarmSummary {
  costScaleFactor: number;
  description?: string;
}

/** Wire shape of `QueueSummary` (GetQueue answers the same members). */
export interface WireQueue {
  farmId: string;
  queueId: string;
  displayName: string;
  status: string;
  defaultBudgetAction: string;
  createdAt: IsoTime;
  createdBy: string;
}

/** Wire shape of `JobSummary`. */
export interface WireJobSummary {
  jobId: string;
  name: string;
  lifecycleStatus: string;
  lifecycleStatusMessage: string;
  priority: number;
  createdAt: IsoTime;
  createdBy: string;
  updatedAt?: IsoTime;
  updatedBy?: string;
  startedAt?: IsoTime;
  endedAt?: IsoTime;
  taskRunStatus: string;
  targetTaskRunStatus?: string;
  taskRunStatusCounts?: Record<string, number>;
  taskFailureRetryCount?: number;
  maxFailedTasksCount?: number;
  maxRetriesPerTask?: number;
}

/** Wire shape of `GetJobResponse` (the members the emulator fills). */
export interface WireJob extends WireJobSummary {
  description?: string;
}

/** Wire shape of `SessionSummary`. */
export interface WireSessionSummary {
  sessionId: string;
  fleetId?: string;
  workerId?: string;
  startedAt: IsoTime;
  lifecycleStatus: string;
  endedAt?: IsoTime;
  updatedAt?: IsoTime;
  updatedBy?: string;
  targetLifecycleStatus?: string;
}

/** Wire shape of `LogConfiguration`. */
export interface WireLogConfiguration {
  logDriver: string;
  options?: Record<string, string>;
  parameters?: Record<string, string>;
  error?: string;
}

/** Wire shape of `HostPropertiesResponse`. */
export interface WireHostProperties {
  hostName?: string;
  ec2InstanceType?: string;
  ec2InstanceArn?: string;
  ipAddresses?: { ipV4Addresses?: string[]; ipV6Addresses?: string[] };
}

/** Wire shape of `GetSessionResponse`. */
export interface WireSession extends WireSessionSummary {
  log: WireLogConfiguration;
  workerLog?: WireLogConfiguration;
  hostProperties?: WireHostProperties;
}

/** A farm with its compiled queues. */
export interface FarmNode {
  readonly spec: ScenarioFarm;
  readonly createdMs: number;
  readonly queues: QueueNode[];
}

/** A queue with its compiled jobs. */
export interface QueueNode {
  readonly spec: ScenarioQueue;
  readonly farm: FarmNode;
  readonly createdMs: number;
  readonly jobs: JobNode[];
}

/** A job with its compiled sessions. */
export interface JobNode {
  readonly spec: ScenarioJob;
  readonly queue: QueueNode;
  readonly timeline: Timeline<JobStateAt>;
  /** Position in the queue: breaks `createdAt` ties (later listed = newer). */
  readonly order: number;
  readonly sessions: SessionNode[];
}

/** A session. */
export interface SessionNode {
  readonly spec: ScenarioSession;
  readonly job: JobNode;
  readonly timeline: Timeline<SessionStateAt>;
  readonly order: number;
}

/** Priority of a job whose scenario does not set one (the service's default). */
export const DEFAULT_JOB_PRIORITY = 50;

/** The emulator's `lifecycleStatusMessage` texts (the service's own are undocumented). */
const LIFECYCLE_MESSAGES: Readonly<Record<string, string>> = {
  CREATE_IN_PROGRESS: 'Job creation in progress.',
  CREATE_COMPLETE: 'Job creation complete.',
  CREATE_FAILED: 'Job creation failed.',
  UPLOAD_IN_PROGRESS: 'Job attachments upload in progress.',
  UPLOAD_FAILED: 'Job attachments upload failed.',
  UPDATE_IN_PROGRESS: 'Job update in progress.',
  UPDATE_FAILED: 'Job update failed.',
  UPDATE_SUCCEEDED: 'Job update succeeded.',
  ARCHIVED: 'Job archived.',
};

/** The compiled scenario. */
export class DeadlineModel {
  readonly region: string;
  readonly accountId: string;
  readonly clock: ScenarioClock;
  readonly farms: FarmNode[] = [];
  private readonly farmsById = new Map<string, FarmNode>();
  private readonly ids = new Set<string>();

  constructor(readonly scenario: DeadlineScenario) {
    this.region = scenario.region ?? DEFAULT_DEADLINE_REGION;
    this.accountId = scenario.accountId ?? DEFAULT_DEADLINE_ACCOUNT_ID;
    this.clock = new ScenarioClock(scenario.startTime, scenario.stepSeconds);

    for (const farmSpec of scenario.farms) {
      this.claim('farm', farmSpec.id);
      const farm: FarmNode = { spec: farmSpec, createdMs: this.clock.msOf(farmSpec.createdAt), queues: [] };
      this.farms.push(farm);
      this.farmsById.set(farmSpec.id, farm);
      for (const queueSpec of farmSpec.queues) {
        this.claim('queue', queueSpec.id);
        const queue: QueueNode = { spec: queueSpec, farm, createdMs: this.clock.msOf(queueSpec.createdAt), jobs: [] };
        farm.queues.push(queue);
        queueSpec.jobs.forEach((jobSpec, jobOrder) => {
          this.claim('job', jobSpec.id);
          const job: JobNode = {
            spec: jobSpec,
            queue,
            timeline: new Timeline(jobSpec.timeline, `job ${jobSpec.id}`),
            order: jobOrder,
            sessions: [],
          };
          queue.jobs.push(job);
          (jobSpec.sessions ?? []).forEach((sessionSpec, order) => {
            this.claim('session', sessionSpec.id);
            job.sessions.push({
              spec: sessionSpec,
              job,
              timeline: new Timeline(sessionSpec.timeline, `session ${sessionSpec.id}`),
              order,
            });
          });
        });
      }
    }
  }

  /** The farm with `id`. */
  farm(id: string): FarmNode | undefined {
    return this.farmsById.get(id);
  }

  /** The queue `queueId` of farm `farmId`. */
  queue(farm: FarmNode, queueId: string): QueueNode | undefined {
    return farm.queues.find((queue) => queue.spec.id === queueId);
  }

  /** The job `jobId` of `queue`, visible or not. */
  job(queue: QueueNode, jobId: string): JobNode | undefined {
    return queue.jobs.find((job) => job.spec.id === jobId);
  }

  /** The session `sessionId` of `job`, visible or not. */
  session(job: JobNode, sessionId: string): SessionNode | undefined {
    return job.sessions.find((session) => session.spec.id === sessionId);
  }

  /** True when the resource exists at `step`. */
  visible(node: Timed, step: number): boolean {
    return visibleAt(node, step);
  }

  /** Visible resources, newest first; same creation step: later in the scenario first. */
  newestFirst<T extends Timed>(nodes: readonly T[], step: number): T[] {
    return newestFirstAt(nodes, step);
  }

  /** ISO time of `step`. */
  isoAt(step: number): IsoTime {
    return new Date(this.clock.msAt(step)).toISOString();
  }

  /** Wire `FarmSummary`. */
  farmSummary(farm: FarmNode): WireFarmSummary {
    return {
      farmId: farm.spec.id,
      displayName: farm.spec.name,
      createdAt: new Date(farm.createdMs).toISOString(),
      createdBy: this.adminIdentity(),
    };
  }

  /** Wire `GetFarmResponse`. */
  farmView(farm: FarmNode): WireFarm {
    const view: WireFarm = { ...this.farmSummary(farm), costScaleFactor: 1 };
    if (farm.spec.description !== undefined) view.description = farm.spec.description;
    return view;
  }

  /** Wire `QueueSummary` at `step`: SCHEDULING while a visible job has unfinished tasks, else IDLE. */
  queueView(queue: QueueNode, step: number): WireQueue {
    const busy = queue.jobs.some((job) => {
      const state = job.timeline.stateAt(step);
      return state !== undefined && !TERMINAL_TASK_RUN_STATUSES.has(state.taskRunStatus);
    });
    return {
      farmId: queue.farm.spec.id,
      queueId: queue.spec.id,
      displayName: queue.spec.name,
      status: busy ? 'SCHEDULING' : 'IDLE',
      defaultBudgetAction: 'NONE',
      createdAt: new Date(queue.createdMs).toISOString(),
      createdBy: this.adminIdentity(),
    };
  }

  /** Wire `JobSummary` at `step`; the caller checks visibility. */
  jobSummary(job: JobNode, step: number): WireJobSummary {
    const state = stateOf(job.timeline, step);
    const lifecycleStatus = state.lifecycleStatus ?? DEFAULT_JOB_LIFECYCLE_STATUS;
    const view: WireJobSummary = {
      jobId: job.spec.id,
      name: job.spec.name,
      lifecycleStatus,
      lifecycleStatusMessage: state.lifecycleStatusMessage ?? LIFECYCLE_MESSAGES[lifecycleStatus] ?? lifecycleStatus,
      priority: job.spec.priority ?? DEFAULT_JOB_PRIORITY,
      createdAt: this.isoAt(job.timeline.firstStep),
      createdBy: this.submitterIdentity(),
      taskRunStatus: state.taskRunStatus,
    };
    if (state.targetTaskRunStatus !== undefined) {
      view.targetTaskRunStatus = state.targetTaskRunStatus;
      // A target status is set by an UpdateJob call: that call is the job's last update.
      view.updatedAt = this.isoAt(sinceStep(job.timeline, step, (entry) => entry.targetTaskRunStatus));
      view.updatedBy = this.submitterIdentity();
    }
    const started = job.timeline.firstStepWhere(step, (entry) => entry.taskRunStatus === 'RUNNING');
    if (started !== undefined) view.startedAt = this.isoAt(started);
    const ended = job.timeline.firstStepWhere(step, (entry) => TERMINAL_TASK_RUN_STATUSES.has(entry.taskRunStatus));
    if (ended !== undefined) view.endedAt = this.isoAt(ended);
    if (state.taskRunStatusCounts !== undefined) view.taskRunStatusCounts = definedCounts(state.taskRunStatusCounts);
    if (state.taskFailureRetryCount !== undefined) view.taskFailureRetryCount = state.taskFailureRetryCount;
    if (job.spec.maxFailedTasksCount !== undefined) view.maxFailedTasksCount = job.spec.maxFailedTasksCount;
    if (job.spec.maxRetriesPerTask !== undefined) view.maxRetriesPerTask = job.spec.maxRetriesPerTask;
    return view;
  }

  /** Wire `GetJobResponse` at `step`; the caller checks visibility. */
  jobView(job: JobNode, step: number): WireJob {
    const view: WireJob = this.jobSummary(job, step);
    if (job.spec.description !== undefined) view.description = job.spec.description;
    return view;
  }

  /** Wire `SessionSummary` at `step`; the caller checks visibility. */
  sessionSummary(session: SessionNode, step: number): WireSessionSummary {
    const state = stateOf(session.timeline, step);
    const view: WireSessionSummary = {
      sessionId: session.spec.id,
      startedAt: this.isoAt(session.timeline.firstStep),
      lifecycleStatus: state.lifecycleStatus,
    };
    if (session.spec.fleetId !== undefined) view.fleetId = session.spec.fleetId;
    if (session.spec.workerId !== undefined) view.workerId = session.spec.workerId;
    const ended = session.timeline.firstStepWhere(step, (entry) => entry.lifecycleStatus === 'ENDED');
    if (ended !== undefined) view.endedAt = this.isoAt(ended);
    if (state.step > session.timeline.firstStep) {
      // The worker reports every session transition after the start.
      view.updatedAt = this.isoAt(state.step);
      if (session.spec.workerId !== undefined) view.updatedBy = session.spec.workerId;
    }
    if (state.targetLifecycleStatus !== undefined) view.targetLifecycleStatus = state.targetLifecycleStatus;
    return view;
  }

  /**
   * Wire `GetSessionResponse` at `step`; the caller checks visibility. `log` (required
   * by the API) is always present; `workerLog` when the session names its fleet and
   * worker or has a worker log error; `hostProperties` when it names a host or instance type.
   */
  sessionView(session: SessionNode, step: number): WireSession {
    const state = stateOf(session.timeline, step);
    const { spec } = session;
    const farmId = session.job.queue.farm.spec.id;
    const queueId = session.job.queue.spec.id;
    const log: WireLogConfiguration = awsLogs(`/aws/deadline/${farmId}/${queueId}`, spec.id);
    if (state.logError !== undefined) log.error = state.logError;
    const view: WireSession = { ...this.sessionSummary(session, step), log };
    if ((spec.fleetId !== undefined && spec.workerId !== undefined) || state.workerLogError !== undefined) {
      const workerLog = awsLogs(`/aws/deadline/${farmId}/${spec.fleetId ?? 'fleet'}`, spec.workerId ?? spec.id);
      if (state.workerLogError !== undefined) workerLog.error = state.workerLogError;
      view.workerLog = workerLog;
    }
    if (spec.hostName !== undefined || spec.ec2InstanceType !== undefined) {
      const host: WireHostProperties = {};
      if (spec.hostName !== undefined) {
        host.hostName = spec.hostName;
        host.ipAddresses = { ipV4Addresses: [privateIpv4(spec.hostName)] };
      }
      if (spec.ec2InstanceType !== undefined) {
        host.ec2InstanceType = spec.ec2InstanceType;
        const instance = `i-${hex32('instance', spec.id).slice(0, 17)}`;
        host.ec2InstanceArn = `arn:aws:ec2:${this.region}:${this.accountId}:instance/${instance}`;
      }
      view.hostProperties = host;
    }
    return view;
  }

  /** `createdBy` of farms and queues. */
  adminIdentity(): string {
    return `arn:aws:sts::${this.accountId}:assumed-role/DeadlineAdmin/admin`;
  }

  /** `createdBy`/`updatedBy` of jobs. */
  submitterIdentity(): string {
    return `arn:aws:sts::${this.accountId}:assumed-role/DeadlineSubmitter/artist`;
  }

  private claim(prefix: 'farm' | 'queue' | 'job' | 'session', id: string): void {
    if (!isDeadlineId(prefix, id)) {
      throw new Error(`scenario: ${prefix} id ${JSON.stringify(id)} must match ${prefix}-<32 lowercase hex>`);
    }
    if (this.ids.has(id)) throw new Error(`scenario: duplicate id ${id}`);
    this.ids.add(id);
  }
}

function stateOf<T extends { step: number }>(timeline: Timeline<T>, step: number): T {
  const state = timeline.stateAt(step);
  if (state === undefined) throw new Error('emulator bug: projecting a resource that does not exist yet');
  return state;
}

/** Step since which `pick(entry)` has held its value at `step`. */
function sinceStep<T extends { step: number }>(
  timeline: Timeline<T>,
  step: number,
  pick: (entry: T) => unknown,
): number {
  let since = timeline.firstStep;
  let previous: unknown;
  let first = true;
  for (const entry of timeline.entries) {
    if (entry.step > step) break;
    const value = pick(entry);
    if (first || value !== previous) since = entry.step;
    previous = value;
    first = false;
  }
  return since;
}

/** Counts without the keys a scenario left undefined. */
function definedCounts(counts: TaskRunStatusCounts): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [key, value] of Object.entries(counts)) if (value !== undefined) out[key] = value;
  return out;
}

/** A CloudWatch Logs `LogConfiguration` as Deadline reports it. */
function awsLogs(logGroupName: string, logStreamName: string): WireLogConfiguration {
  return { logDriver: 'awslogs', options: { logGroupName, logStreamName }, parameters: { interval: '15' } };
}

/** A stable private address for a host name (10.0.x.y). */
function privateIpv4(hostName: string): string {
  const hex = hex32('ip', hostName);
  return `10.0.${Number.parseInt(hex.slice(0, 2), 16)}.${(Number.parseInt(hex.slice(2, 4), 16) % 254) + 1}`;
}
