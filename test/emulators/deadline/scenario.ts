/**
 * The scenario contract of Vigil's Deadline Cloud emulator: a scripted farm → queue →
 * job → session tree whose jobs and sessions change state at numbered steps.
 *
 * Time model (same as the Device Farm emulator): step `s` happens at
 * `startTime + s * stepSeconds`. A job or session does not exist before the first
 * entry of its timeline; at step `s` its state is the last entry whose `step <= s`.
 * Steps may be fractional or negative (history from before the first poll).
 * Farms and queues exist at every step.
 *
 * Derived times (absent until the matching entry is reached): `createdAt` = first
 * entry; jobs: `startedAt` = first RUNNING entry, `endedAt` = first SUCCEEDED,
 * FAILED, CANCELED or NOT_COMPATIBLE entry; sessions: `startedAt` = first entry,
 * `endedAt` = first ENDED entry.
 */

export { ScenarioClock, Timeline } from '../shared/timeline';

/** Task run status counts, keyed by task run status (open: any key passes through). */
export type TaskRunStatusCounts = Partial<Record<string, number>>;

/**
 * A job's state from `step` on. Statuses are open strings: unknown values reach the
 * client untouched. Optional members left out here are left out of the response.
 */
export interface JobStateAt {
  step: number;
  taskRunStatus: string;
  /** Defaults to `CREATE_COMPLETE`. */
  lifecycleStatus?: string;
  /**
   * Required by the API; defaults to the emulator's own wording for the lifecycle
   * status (the service's texts are not documented).
   */
  lifecycleStatusMessage?: string;
  taskRunStatusCounts?: TaskRunStatusCounts;
  targetTaskRunStatus?: string;
  taskFailureRetryCount?: number;
}

/** A session's state from `step` on. */
export interface SessionStateAt {
  step: number;
  lifecycleStatus: string;
  /** `log.error` of GetSession (session log configuration error). */
  logError?: string;
  /** `workerLog.error` of GetSession. */
  workerLogError?: string;
  targetLifecycleStatus?: string;
}

/** A worker session of a job. */
export interface ScenarioSession {
  /** `session-<32 hex>`. */
  id: string;
  /** `worker-<32 hex>`; absent here means absent in responses. */
  workerId?: string;
  /** `fleet-<32 hex>`; absent here means absent in responses. */
  fleetId?: string;
  /** Sets `hostProperties.hostName` (and a private IPv4 address). */
  hostName?: string;
  /** Sets `hostProperties.ec2InstanceType` and `ec2InstanceArn`. */
  ec2InstanceType?: string;
  timeline: SessionStateAt[];
}

/** A job and its sessions. */
export interface ScenarioJob {
  /** `job-<32 hex>`. */
  id: string;
  name: string;
  /** 0..100; defaults to 50 (the service's default). */
  priority?: number;
  /** GetJob only; absent by default. */
  description?: string;
  /** Absent by default. */
  maxFailedTasksCount?: number;
  /** Absent by default. */
  maxRetriesPerTask?: number;
  timeline: JobStateAt[];
  sessions?: ScenarioSession[];
}

/** A queue. Queues exist at every step. */
export interface ScenarioQueue {
  /** `queue-<32 hex>`. */
  id: string;
  name: string;
  /** ISO time; defaults to the scenario's `startTime`. */
  createdAt?: string;
  jobs: ScenarioJob[];
}

/** A farm. Farms exist at every step. */
export interface ScenarioFarm {
  /** `farm-<32 hex>`. */
  id: string;
  name: string;
  /** GetFarm only; absent by default. */
  description?: string;
  /** ISO time; defaults to the scenario's `startTime`. */
  createdAt?: string;
  queues: ScenarioQueue[];
}

/** A scripted Deadline Cloud account. */
export interface DeadlineScenario {
  /** Defaults to `us-west-2`. */
  region?: string;
  /** Account in generated ARNs and `createdBy`; defaults to `123456789012`. */
  accountId?: string;
  /** ISO time of step 0. */
  startTime: string;
  /** Seconds between consecutive steps. */
  stepSeconds: number;
  farms: ScenarioFarm[];
}

/** Region used when a scenario does not name one. */
export const DEFAULT_DEADLINE_REGION = 'us-west-2';

/** Account id used when a scenario does not name one. */
export const DEFAULT_DEADLINE_ACCOUNT_ID = '123456789012';

/** Task run statuses that end a job (and fix its `endedAt`). */
export const TERMINAL_TASK_RUN_STATUSES: ReadonlySet<string> = new Set([
  'SUCCEEDED',
  'FAILED',
  'CANCELED',
  'NOT_COMPATIBLE',
]);

/** Default `lifecycleStatus` of a job state. */
export const DEFAULT_JOB_LIFECYCLE_STATUS = 'CREATE_COMPLETE';
