/**
 * Scripted Deadline Cloud accounts for the demo (`npm start`) and the integration
 * tests. Steps and step length match the Device Farm demo, so both run side by side.
 */
import { farmId, fleetId, jobId, queueId, sessionId, workerId } from './ids';
import type { DeadlineScenario, TaskRunStatusCounts } from './scenario';

/** Seconds between demo steps (one poll interval), as in the Device Farm demo. */
export const DEADLINE_DEMO_STEP_SECONDS = 300;

/** Steps to play in the demo: 0 (baseline poll) to 4. */
export const DEADLINE_DEMO_STEPS = 5;

/** Ids of {@link deadlineDemoScenario}'s resources. */
export const DEADLINE_DEMO_IDS = {
  farm: farmId('vigil-demo/studio-farm'),
  queue: queueId('vigil-demo/renders'),
  fleet: fleetId('vigil-demo/render-fleet'),
  layoutJob: jobId('vigil-demo/shot-000-layout'),
  layoutSession: sessionId('vigil-demo/shot-000-layout/0'),
  lightingJob: jobId('vigil-demo/shot-010-lighting'),
  lightingSession: sessionId('vigil-demo/shot-010-lighting/0'),
  compJob: jobId('vigil-demo/shot-020-comp'),
  /** The comp session that ends normally. */
  compSession: sessionId('vigil-demo/shot-020-comp/0'),
  /** The comp session whose log configuration fails (UPDATE_FAILED at step 3). */
  compFailedSession: sessionId('vigil-demo/shot-020-comp/1'),
  lightingWorker: workerId('vigil-demo/worker-a'),
  compWorker: workerId('vigil-demo/worker-b'),
  compFailedWorker: workerId('vigil-demo/worker-c'),
} as const;

/** `log.error` of the demo's failed session from step 3 on. */
export const DEADLINE_DEMO_LOG_ERROR = `Failed to create log stream /aws/deadline/${DEADLINE_DEMO_IDS.farm}/${DEADLINE_DEMO_IDS.queue}: AccessDeniedException`;

/** Host of the demo's failed session. */
export const DEADLINE_DEMO_FAILED_HOST = {
  hostName: 'ip-10-0-12-34.us-west-2.compute.internal',
  ec2InstanceType: 'c5.4xlarge',
} as const;

/** Ids of {@link twoSessionJobScenario}'s resources. */
export const TWO_SESSION_IDS = {
  farm: farmId('two-session/farm'),
  queue: queueId('two-session/queue'),
  fleet: fleetId('two-session/fleet'),
  job: jobId('two-session/job'),
  /** Ends normally at step 2. */
  endedSession: sessionId('two-session/job/0'),
  /** UPDATE_FAILED with a `log.error` at step 2. */
  failedSession: sessionId('two-session/job/1'),
  endedWorker: workerId('two-session/worker-0'),
  failedWorker: workerId('two-session/worker-1'),
} as const;

/** `log.error` of {@link twoSessionJobScenario}'s failed session. */
export const TWO_SESSION_LOG_ERROR = `Failed to create log stream /aws/deadline/${TWO_SESSION_IDS.farm}/${TWO_SESSION_IDS.queue}: AccessDeniedException`;

/** Steps of {@link twoSessionJobScenario}: 0 (empty) to 2 (job FAILED). */
export const TWO_SESSION_STEPS = 3;

/** Full counts: the service reports every task run status, 0 when no task has it. */
export function taskCounts(counts: TaskRunStatusCounts): Record<string, number> {
  const full: Record<string, number> = {
    PENDING: 0,
    READY: 0,
    RUNNING: 0,
    ASSIGNED: 0,
    STARTING: 0,
    SCHEDULED: 0,
    INTERRUPTING: 0,
    SUSPENDED: 0,
    CANCELED: 0,
    FAILED: 0,
    SUCCEEDED: 0,
    NOT_COMPATIBLE: 0,
  };
  for (const [status, count] of Object.entries(counts)) if (count !== undefined) full[status] = count;
  return full;
}

/**
 * The demo farm `studio-farm`, queue `renders`, starting at `startTime` (step 0):
 *
 * - `shot-000-layout` (8 tasks) ran and SUCCEEDED before step 0: baseline, never notified;
 * - `shot-010-lighting` (48 tasks): PENDING at 1, RUNNING at 2, SUCCEEDED at 3; one
 *   session STARTED at 2 and ENDED at 3;
 * - `shot-020-comp` (40 tasks): READY at 1, RUNNING at 2, FAILED at 3 with 12 tasks
 *   FAILED; two sessions STARTED at 2: one ENDED at 3, the other UPDATE_FAILED at 3 with
 *   {@link DEADLINE_DEMO_LOG_ERROR} (worker, fleet and host set) and ENDED at 4.
 */
export function deadlineDemoScenario(startTime: Date): DeadlineScenario {
  const ids = DEADLINE_DEMO_IDS;
  return {
    startTime: startTime.toISOString(),
    stepSeconds: DEADLINE_DEMO_STEP_SECONDS,
    farms: [
      {
        id: ids.farm,
        name: 'studio-farm',
        description: 'Render farm of the Vigil demo studio',
        // Farms and queues outlive jobs: created a month before the demo starts.
        createdAt: new Date(startTime.getTime() - 30 * 24 * 3600 * 1000).toISOString(),
        queues: [
          {
            id: ids.queue,
            name: 'renders',
            createdAt: new Date(startTime.getTime() - 30 * 24 * 3600 * 1000).toISOString(),
            jobs: [
              {
                id: ids.layoutJob,
                name: 'shot-000-layout',
                priority: 50,
                maxFailedTasksCount: 100,
                maxRetriesPerTask: 5,
                // Negative steps: the whole job happened before the monitor's first poll.
                timeline: [
                  { step: -3, taskRunStatus: 'READY', taskRunStatusCounts: taskCounts({ READY: 8 }) },
                  { step: -2.5, taskRunStatus: 'RUNNING', taskRunStatusCounts: taskCounts({ READY: 6, RUNNING: 2 }) },
                  {
                    step: -1,
                    taskRunStatus: 'SUCCEEDED',
                    taskRunStatusCounts: taskCounts({ SUCCEEDED: 8 }),
                    taskFailureRetryCount: 0,
                  },
                ],
                sessions: [
                  {
                    id: ids.layoutSession,
                    fleetId: ids.fleet,
                    workerId: ids.lightingWorker,
                    timeline: [
                      { step: -2.5, lifecycleStatus: 'STARTED' },
                      { step: -1, lifecycleStatus: 'ENDED' },
                    ],
                  },
                ],
              },
              {
                id: ids.lightingJob,
                name: 'shot-010-lighting',
                priority: 75,
                description: 'Lighting pass, 48 frames',
                maxFailedTasksCount: 100,
                maxRetriesPerTask: 5,
                timeline: [
                  { step: 1, taskRunStatus: 'PENDING', taskRunStatusCounts: taskCounts({ PENDING: 48 }) },
                  {
                    step: 2,
                    taskRunStatus: 'RUNNING',
                    taskRunStatusCounts: taskCounts({ READY: 24, RUNNING: 8, SUCCEEDED: 16 }),
                    taskFailureRetryCount: 0,
                  },
                  {
                    step: 3,
                    taskRunStatus: 'SUCCEEDED',
                    taskRunStatusCounts: taskCounts({ SUCCEEDED: 48 }),
                    taskFailureRetryCount: 0,
                  },
                ],
                sessions: [
                  {
                    id: ids.lightingSession,
                    fleetId: ids.fleet,
                    workerId: ids.lightingWorker,
                    timeline: [
                      { step: 2, lifecycleStatus: 'STARTED' },
                      { step: 3, lifecycleStatus: 'ENDED' },
                    ],
                  },
                ],
              },
              {
                id: ids.compJob,
                name: 'shot-020-comp',
                priority: 50,
                description: 'Comp, 40 frames',
                maxFailedTasksCount: 100,
                maxRetriesPerTask: 2,
                timeline: [
                  { step: 1, taskRunStatus: 'READY', taskRunStatusCounts: taskCounts({ READY: 40 }) },
                  {
                    step: 2,
                    taskRunStatus: 'RUNNING',
                    taskRunStatusCounts: taskCounts({ READY: 20, RUNNING: 8, SUCCEEDED: 12 }),
                    taskFailureRetryCount: 0,
                  },
                  {
                    step: 3,
                    taskRunStatus: 'FAILED',
                    taskRunStatusCounts: taskCounts({ SUCCEEDED: 28, FAILED: 12 }),
                    taskFailureRetryCount: 24,
                  },
                ],
                sessions: [
                  {
                    id: ids.compSession,
                    fleetId: ids.fleet,
                    workerId: ids.compWorker,
                    timeline: [
                      { step: 2, lifecycleStatus: 'STARTED' },
                      { step: 3, lifecycleStatus: 'ENDED' },
                    ],
                  },
                  {
                    id: ids.compFailedSession,
                    fleetId: ids.fleet,
                    workerId: ids.compFailedWorker,
                    ...DEADLINE_DEMO_FAILED_HOST,
                    timeline: [
                      { step: 2, lifecycleStatus: 'STARTED' },
                      {
                        step: 3,
                        lifecycleStatus: 'UPDATE_FAILED',
                        targetLifecycleStatus: 'ENDED',
                        logError: DEADLINE_DEMO_LOG_ERROR,
                      },
                      // Ends as Deadline ends a failed job's sessions: nothing is left active.
                      { step: 4, lifecycleStatus: 'ENDED', logError: DEADLINE_DEMO_LOG_ERROR },
                    ],
                  },
                ],
              },
            ],
          },
        ],
      },
    ],
  };
}

/**
 * One farm, one queue, one 10-task job, nothing at step 0: at step 1 the job is
 * RUNNING with two STARTED sessions; at step 2 one session ENDED normally, the other is
 * UPDATE_FAILED with {@link TWO_SESSION_LOG_ERROR}, and the job FAILED (3 of 10 tasks).
 */
export function twoSessionJobScenario(startTime: Date): DeadlineScenario {
  const ids = TWO_SESSION_IDS;
  return {
    startTime: startTime.toISOString(),
    stepSeconds: DEADLINE_DEMO_STEP_SECONDS,
    farms: [
      {
        id: ids.farm,
        name: 'two-session-farm',
        createdAt: new Date(startTime.getTime() - 24 * 3600 * 1000).toISOString(),
        queues: [
          {
            id: ids.queue,
            name: 'two-session-queue',
            createdAt: new Date(startTime.getTime() - 24 * 3600 * 1000).toISOString(),
            jobs: [
              {
                id: ids.job,
                name: 'two-session-job',
                maxFailedTasksCount: 100,
                maxRetriesPerTask: 0,
                timeline: [
                  {
                    step: 1,
                    taskRunStatus: 'RUNNING',
                    taskRunStatusCounts: taskCounts({ READY: 6, RUNNING: 2, SUCCEEDED: 2 }),
                  },
                  { step: 2, taskRunStatus: 'FAILED', taskRunStatusCounts: taskCounts({ SUCCEEDED: 7, FAILED: 3 }) },
                ],
                sessions: [
                  {
                    id: ids.endedSession,
                    fleetId: ids.fleet,
                    workerId: ids.endedWorker,
                    timeline: [
                      { step: 1, lifecycleStatus: 'STARTED' },
                      { step: 2, lifecycleStatus: 'ENDED' },
                    ],
                  },
                  {
                    id: ids.failedSession,
                    fleetId: ids.fleet,
                    workerId: ids.failedWorker,
                    hostName: 'ip-10-0-7-21.us-west-2.compute.internal',
                    ec2InstanceType: 'm5.2xlarge',
                    timeline: [
                      { step: 1, lifecycleStatus: 'STARTED' },
                      { step: 2, lifecycleStatus: 'UPDATE_FAILED', logError: TWO_SESSION_LOG_ERROR },
                    ],
                  },
                ],
              },
            ],
          },
        ],
      },
    ],
  };
}
