/**
 * The one normalized shape every source produces. Sources turn API responses
 * into observations; everything downstream (record, react, deliver) speaks
 * only this type. Enum-like fields are plain strings on purpose: AWS adds
 * statuses over time and an unknown value must be recorded, not rejected.
 */

/** Which AWS service a resource belongs to. */
export type Service = 'devicefarm' | 'deadline';

/** How each service is named in messages and logs. */
export const SERVICE_NAMES: Readonly<Record<Service, string>> = {
  devicefarm: 'Device Farm',
  deadline: 'Deadline Cloud',
};

/** Device Farm kinds. */
export type DeviceFarmKind = 'run' | 'job' | 'remote-access-session' | 'test-grid-session';

/** Deadline Cloud kinds. */
export type DeadlineKind = 'deadline-job' | 'deadline-session';

/** The kinds of resource Vigil follows. */
export type Kind = DeviceFarmKind | DeadlineKind;

/** The service each kind belongs to. */
export const SERVICE_OF: Readonly<Record<Kind, Service>> = {
  run: 'devicefarm',
  job: 'devicefarm',
  'remote-access-session': 'devicefarm',
  'test-grid-session': 'devicefarm',
  'deadline-job': 'deadline',
  'deadline-session': 'deadline',
};

/** Every kind, in display order. */
export const KINDS = Object.keys(SERVICE_OF) as Kind[];

/** Device Farm result counters (tests by outcome), as the API reports them. */
export interface Counters {
  readonly total: number;
  readonly passed: number;
  readonly failed: number;
  readonly warned: number;
  readonly errored: number;
  readonly stopped: number;
  readonly skipped: number;
}

/**
 * Minutes in the API's units (float minutes). `total/metered/unmetered` come
 * from Device Farm `deviceMinutes`; `billing` from test grid `billingMinutes`.
 * Each is absent when the API did not send it (common while running).
 */
export interface Minutes {
  readonly total?: number;
  readonly metered?: number;
  readonly unmetered?: number;
  readonly billing?: number;
}

/** The device a job or remote access session runs on. */
export interface DeviceRef {
  readonly arn?: string;
  readonly name?: string;
  readonly platform?: string;
  readonly os?: string;
}

/** A job of a run, as summarised in the run's finishing observation. */
export interface JobBrief {
  readonly arn: string;
  readonly name: string;
  readonly status: string;
  readonly result?: string;
  readonly device?: DeviceRef;
  readonly counters?: Counters;
  readonly minutes?: Minutes;
  readonly message?: string;
}

/**
 * How many jobs a run summary or a job message names one by one; the rest
 * are counted. Bounds both the stored item and the message (SNS takes 256 KB).
 */
export const LISTED_JOBS_LIMIT = 25;

/** A run's `completedJobs` and `totalJobs`. */
export interface JobCounts {
  readonly completed: number;
  readonly total: number;
}

/** The state of a run's jobs, computed when the run's jobs are listed. */
export interface JobSummary {
  readonly total: number;
  /** Job count per result, in AWS spelling (PASSED, FAILED, ...). */
  readonly byResult: Readonly<Record<string, number>>;
  /** Jobs whose result is not PASSED or SKIPPED (capped, see `notPassedTruncated`). */
  readonly notPassed: readonly JobBrief[];
  /** How many not-passed jobs were left out of `notPassed` to bound item size. */
  readonly notPassedTruncated: number;
}

/** One test that did not pass in a run, from ListUniqueProblems, across the run's jobs. */
export interface FailingTest {
  /** The test's name (the suite's, for a problem of the suite itself). */
  readonly name: string;
  /** The suite it belongs to, when it is not the test itself. */
  readonly suite?: string;
  /** The worst result it had on any device (ERRORED, FAILED, STOPPED, WARNED, or a value AWS adds). */
  readonly result: string;
  /** Its first message (cut to {@link FAILING_TEST_TEXT_MAX} characters). */
  readonly message?: string;
  /** How many devices (jobs) it did not pass on. */
  readonly deviceCount: number;
  /** The first {@link FAILING_TEST_DEVICES_MAX} of those devices, by name. */
  readonly devices: readonly string[];
}

/**
 * A finished run's tests that did not pass. Stored on the run's finishing
 * change event (never on its latest item): at most {@link FAILING_TESTS_LIMIT}
 * tests, most devices first, so the event stays small whatever the run.
 */
export interface FailingTests {
  readonly tests: readonly FailingTest[];
  /** Distinct tests that did not pass, the ones left out included. */
  readonly total: number;
  /** Set when ListUniqueProblems could not be read (the error); `tests` is then empty. */
  readonly unavailable?: string;
}

/** Tests a run's event keeps; the rest are counted in `total`. */
export const FAILING_TESTS_LIMIT = 50;
/** Device names kept per failing test (the count is always kept). */
export const FAILING_TEST_DEVICES_MAX = 3;
/** Characters kept of a failing test's name, suite and message each. */
export const FAILING_TEST_TEXT_MAX = 160;

/**
 * Deadline Cloud facts that have no Device Farm counterpart. IDs are what the
 * AWS CLI takes (`aws deadline get-job --farm-id … --queue-id … --job-id …`).
 */
export interface DeadlineDetail {
  readonly farmId: string;
  readonly farmName?: string;
  readonly queueId: string;
  readonly queueName?: string;
  readonly jobId: string;
  readonly sessionId?: string;
  /** A job's lifecycle (CREATE_COMPLETE, UPDATE_FAILED, ARCHIVED, ...). */
  readonly lifecycleStatus?: string;
  /** A job's tasks by run status (PENDING, RUNNING, FAILED, SUCCEEDED, ...). */
  readonly taskRunStatusCounts?: Readonly<Record<string, number>>;
  readonly priority?: number;
  readonly workerId?: string;
  readonly fleetId?: string;
  readonly hostName?: string;
  readonly ec2InstanceType?: string;
  /** GetSession `log.error`: why the session's log could not be set up or written. */
  readonly logError?: string;
  /** GetSession `workerLog.error`. */
  readonly workerLogError?: string;
}

/** One observation of one resource at one moment. */
export interface Observation {
  readonly service: Service;
  readonly kind: Kind;
  /** The resource's ARN: its identity everywhere in Vigil. */
  readonly arn: string;
  readonly name: string;
  /**
   * The container whose stored state is loaded together: the project for
   * runs and sessions, the run for jobs; the queue for Deadline jobs, the
   * job for Deadline sessions.
   */
  readonly scope: string;
  /** The Device Farm project (or test grid project; for Deadline, the queue) the resource belongs to. */
  readonly project: { readonly arn: string; readonly name?: string };
  /** The run a job belongs to (for a Deadline session, its job). */
  readonly parentArn?: string;
  /** That parent's name, so a message can name it without a lookup. */
  readonly parentName?: string;
  readonly status: string;
  readonly result?: string;
  readonly counters?: Counters;
  readonly minutes?: Minutes;
  readonly device?: DeviceRef;
  /** ISO-8601 UTC timestamps as the API reported them. */
  readonly created?: string;
  readonly started?: string;
  readonly stopped?: string;
  readonly message?: string;
  /** For runs: their jobs' outcome, when the jobs were listed this cycle. */
  readonly jobSummary?: JobSummary;
  /**
   * For a run that finished with jobs that did not pass: its failing tests
   * (ListUniqueProblems), on the finishing change's event only.
   */
  readonly failingTests?: FailingTests;
  /**
   * For runs: how many of their jobs have completed, as the run's own
   * listing says. A change is a `counters` change: it is what tells the
   * poller a job finished even when the run's test counters and minutes
   * did not move (a job that errored before any test ran).
   */
  readonly jobCounts?: JobCounts;
  /** For Deadline Cloud jobs and sessions. */
  readonly deadline?: DeadlineDetail;
  /** When the API response carrying this state was received (ISO-8601 UTC). */
  readonly observedAt: string;
}
