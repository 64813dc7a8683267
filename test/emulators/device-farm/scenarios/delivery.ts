/**
 * Scripted Device Farm accounts for the delivery tests (a process killed
 * mid-cycle, two processes at once, a refused message, a missed stream
 * record, a long history of cycles).
 */
import type { Counters, DeviceFarmScenario, ScenarioDevice, ScenarioRun, StateAt } from '../scenario';

/** Seconds between steps (one poll interval). */
const STEP_SECONDS = 300;

const phone = (name: string, os: string): ScenarioDevice => ({ name, platform: 'ANDROID', os });
const PIXEL_8 = phone('Google Pixel 8', '14');
const GALAXY_S23 = phone('Samsung Galaxy S23', '14');
const ONEPLUS_11 = phone('OnePlus 11', '13');
const MOTO_EDGE_40 = phone('Motorola Edge 40', '13');

function counters(total: number, outcome: Partial<Counters>): Counters {
  return { total, passed: 0, failed: 0, warned: 0, errored: 0, stopped: 0, skipped: 0, ...outcome };
}

const metered = (minutes: number) => ({ total: minutes, metered: minutes, unmetered: 0 });

/** RUNNING at step 1, then `end` at step 2. */
const runningThen = (end: Omit<StateAt, 'step'>): StateAt[] => [
  { step: 0.5, status: 'PENDING', result: 'PENDING' },
  { step: 1, status: 'RUNNING', result: 'PENDING' },
  { step: 2, ...end },
];

const passed = (total: number, minutes: number): Omit<StateAt, 'step'> => ({
  status: 'COMPLETED',
  result: 'PASSED',
  counters: counters(total, { passed: total }),
  deviceMinutes: metered(minutes),
});

/** Ids of {@link busyStepScenario}'s resources. */
export const BUSY_STEP_IDS = {
  project: '3a9c1e7b-2d4f-4a6b-8c0d-1e2f3a4b5c6d',
  smokeRun: '8b1d2c3e-4f5a-4b6c-9d7e-0f1a2b3c4d5e',
  regressionRun: '9c2e3d4f-5a6b-4c7d-8e9f-1a2b3c4d5e6f',
  session: 'f1e2d3c4-b5a6-4978-8a9b-0c1d2e3f4a5b',
  testGridProject: '4b5c6d7e-8f9a-4b0c-9d1e-2f3a4b5c6d7e',
  browserSession: '7f6e5d4c3b2a19080706f5e4d3c2b1a0',
} as const;

/** The subjects of the five messages {@link busyStepScenario}'s step 2 sends, sorted. */
export const BUSY_STEP_SUBJECTS = [
  'ERRORED: 2 jobs in run regression (1 FAILED, 1 ERRORED)',
  'ERRORED: test grid session 7f6e5d4c3b2a19080706f5e4d3c2b1a0 in web-checkout',
  'FAILED: run smoke (1 of 2 jobs did not pass)',
  'PASSED: remote access session debug-login (12.5 min)',
  'Unknown Device Farm value ARCHIVING_LOGS: job Tests on Google Pixel 8',
];

/** Steps of {@link busyStepScenario}: 0 (empty projects) to 2 (five notices). */
export const BUSY_STEPS = 3;

/**
 * An account where one poll, at step 2, finds five things to tell, each its
 * own notice: nothing exists at step 0 (so nothing is baseline), everything
 * runs at step 1, and at step 2
 *
 * - run `smoke` completes FAILED: its summary covers the run and its failed
 *   OnePlus 11 job (the Pixel 8 job passed);
 * - run `regression` still runs, but its Galaxy S23 job FAILS and its
 *   Motorola Edge 40 job ERRORS: one message for both jobs;
 * - its Pixel 8 job reports a status no SDK enum knows (`ARCHIVING_LOGS`);
 * - remote access session `debug-login` ends (PASSED, 12.5 metered minutes);
 * - a test grid session of `web-checkout` ERRORS.
 *
 * Every session reports its minutes while it runs, so the guard's 150-minute
 * warning does not depend on how long ago `startTime` was.
 */
export function busyStepScenario(startTime: Date): DeviceFarmScenario {
  const created = new Date(startTime.getTime() - 24 * 3600 * 1000).toISOString();
  return {
    startTime: startTime.toISOString(),
    stepSeconds: STEP_SECONDS,
    projects: [
      {
        id: BUSY_STEP_IDS.project,
        name: 'busy-app',
        created,
        runs: [
          {
            id: BUSY_STEP_IDS.smokeRun,
            name: 'smoke',
            type: 'INSTRUMENTATION',
            timeline: runningThen({ status: 'COMPLETED', result: 'FAILED', deviceMinutes: metered(9.6) }),
            jobs: [
              { id: '00000', name: 'Tests on Google Pixel 8', device: PIXEL_8, timeline: runningThen(passed(5, 4.7)) },
              {
                id: '00001',
                name: 'Tests on OnePlus 11',
                device: ONEPLUS_11,
                timeline: runningThen({
                  status: 'COMPLETED',
                  result: 'FAILED',
                  counters: counters(5, { passed: 3, failed: 2 }),
                  deviceMinutes: metered(4.9),
                  message: '2 tests failed',
                }),
              },
            ],
          },
          {
            id: BUSY_STEP_IDS.regressionRun,
            name: 'regression',
            type: 'APPIUM_NODE',
            timeline: [
              { step: 0.5, status: 'PENDING', result: 'PENDING' },
              { step: 1, status: 'RUNNING', result: 'PENDING' },
            ],
            jobs: [
              {
                id: '00000',
                name: 'Tests on Samsung Galaxy S23',
                device: GALAXY_S23,
                timeline: runningThen({
                  status: 'COMPLETED',
                  result: 'FAILED',
                  counters: counters(8, { passed: 7, failed: 1 }),
                  deviceMinutes: metered(6.2),
                  message: '1 test failed',
                }),
              },
              {
                id: '00001',
                name: 'Tests on Motorola Edge 40',
                device: MOTO_EDGE_40,
                timeline: runningThen({
                  status: 'COMPLETED',
                  result: 'ERRORED',
                  counters: counters(1, { errored: 1 }),
                  deviceMinutes: metered(1.3),
                  message: 'Appium server failed to start',
                }),
              },
              {
                id: '00002',
                name: 'Tests on Google Pixel 8',
                device: PIXEL_8,
                timeline: runningThen({ status: 'ARCHIVING_LOGS', result: 'PENDING' }),
              },
            ],
          },
        ],
        remoteAccessSessions: [
          {
            id: BUSY_STEP_IDS.session,
            name: 'debug-login',
            device: PIXEL_8,
            billingMethod: 'METERED',
            timeline: [
              { step: 1, status: 'RUNNING', result: 'PENDING', deviceMinutes: metered(2) },
              { step: 2, status: 'COMPLETED', result: 'PASSED', deviceMinutes: metered(12.5) },
            ],
          },
        ],
      },
    ],
    testGridProjects: [
      {
        id: BUSY_STEP_IDS.testGridProject,
        name: 'web-checkout',
        created,
        sessions: [
          {
            id: BUSY_STEP_IDS.browserSession,
            timeline: [
              { step: 1, status: 'ACTIVE' },
              { step: 2, status: 'ERRORED', billingMinutes: 1.4 },
            ],
          },
        ],
      },
    ],
  };
}

/**
 * An account where every poll has news: from step 1 on, each step one more
 * run (`nightly-<step>`, one job) is found finished, FAILED, so each cycle
 * records the same few changes and sends one message, however long the
 * history behind it. Steps 0 to `steps - 1`.
 */
export function nightlyRunsScenario(startTime: Date, steps: number): DeviceFarmScenario {
  const runs: ScenarioRun[] = [];
  for (let step = 1; step < steps; step++) {
    const failed: Omit<StateAt, 'step'> = {
      status: 'COMPLETED',
      result: 'FAILED',
      counters: counters(4, { passed: 3, failed: 1 }),
      deviceMinutes: metered(3),
    };
    runs.push({
      // Distinct UUID-like ids, one per step.
      id: `5e6f7a8b-9c0d-4e1f-8a2b-${String(step).padStart(12, '0')}`,
      name: `nightly-${step}`,
      timeline: [
        { step: step - 0.5, status: 'RUNNING', result: 'PENDING' },
        { step, ...failed },
      ],
      jobs: [
        {
          id: '00000',
          name: 'Tests on Google Pixel 8',
          device: PIXEL_8,
          timeline: [
            { step: step - 0.5, status: 'RUNNING', result: 'PENDING' },
            { step, ...failed },
          ],
        },
      ],
    });
  }
  return {
    startTime: startTime.toISOString(),
    stepSeconds: STEP_SECONDS,
    projects: [
      {
        id: '0d1e2f3a-4b5c-4d6e-8f7a-8b9c0d1e2f3a',
        name: 'nightly-app',
        created: new Date(startTime.getTime() - 24 * 3600 * 1000).toISOString(),
        runs,
      },
    ],
  };
}
