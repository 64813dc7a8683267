/**
 * Scripted Device Farm accounts for the demo (`npm start`) and the integration tests.
 *
 * Fractional steps place transitions between two polls, as in production: the monitor
 * polls at whole steps and sees only the state in force then, while `created`/`started`
 * carry the in-between times.
 */
import type { Counters, DeviceFarmScenario, ScenarioDevice, StateAt } from '../scenario';

/** Seconds between demo steps (one poll interval). */
export const DEMO_STEP_SECONDS = 300;

/** Steps to play in the demo: 0 (baseline poll) to 4. */
export const DEMO_STEPS = 5;

/** Ids of the demo scenario's resources, for assertions and ARNs. */
export const DEMO_IDS = {
  project: '6f1c2a9e-3b4d-4e5f-8a7b-1c2d3e4f5a6b',
  releaseRun: '0b7e5d4c-2a1f-4c3e-9d8b-7a6f5e4d3c2b',
  nightlyRun: 'a3d9e8f7-6c5b-4a49-8e3d-2c1b0a9f8e7d',
  remoteAccessSession: 'c41f0e2d-8b7a-4d6c-9e5f-3a2b1c0d9e8f',
  testGridProject: '2e8d7c6b-5a49-4b3c-8d2e-1f0a9b8c7d6e',
  checkoutSession: '9f1a2b3c4d5e6f708192a3b4c5d6e7f8',
  erroredSession: '0a1b2c3d4e5f60718293a4b5c6d7e8f9',
  sandboxProject: '5d4c3b2a-1f0e-4d9c-8b7a-6f5e4d3c2b1a',
  overrunSession: 'e7d6c5b4-a392-4817-8615-d4c3b2a19f8e',
  layoutSession: 'b3a29180-7f6e-4d5c-8b4a-392817f6e5d4',
  stuckRun: 'f1e2d3c4-b5a6-4978-8695-a4b3c2d1e0f9',
} as const;

/** Ids of {@link fourJobRunScenario}'s resources. */
export const FOUR_JOB_IDS = {
  project: '7d6c5b4a-3928-4f1e-8d0c-9b8a7f6e5d4c',
  run: '1e2d3c4b-5a69-4788-9a0b-c1d2e3f4a5b6',
} as const;

/** Steps of {@link fourJobRunScenario}: 0 (empty) to 3 (run completed). */
export const FOUR_JOB_STEPS = 4;

const PIXEL_8: ScenarioDevice = {
  name: 'Google Pixel 8',
  platform: 'ANDROID',
  os: '14',
  manufacturer: 'Google',
  model: 'Pixel 8',
};
const GALAXY_S23: ScenarioDevice = {
  name: 'Samsung Galaxy S23',
  platform: 'ANDROID',
  os: '14',
  manufacturer: 'Samsung',
  model: 'Galaxy S23',
};
const ONEPLUS_11: ScenarioDevice = {
  name: 'OnePlus 11',
  platform: 'ANDROID',
  os: '13',
  manufacturer: 'OnePlus',
  model: '11',
};
const MOTO_EDGE_40: ScenarioDevice = {
  name: 'Motorola Edge 40',
  platform: 'ANDROID',
  os: '13',
  manufacturer: 'Motorola',
  model: 'Edge 40',
};

const IPHONE_15: ScenarioDevice = {
  name: 'Apple iPhone 15',
  platform: 'IOS',
  os: '17',
  manufacturer: 'Apple',
  model: 'iPhone 15',
  remoteAccessEnabled: true,
  availability: 'HIGHLY_AVAILABLE',
};
/** The one demo device CreateRemoteAccessSession refuses. */
const GALAXY_TAB_S9: ScenarioDevice = {
  name: 'Samsung Galaxy Tab S9',
  platform: 'ANDROID',
  os: '13',
  formFactor: 'TABLET',
  manufacturer: 'Samsung',
  model: 'Galaxy Tab S9',
  remoteAccessEnabled: false,
  availability: 'BUSY',
};

/**
 * The demo account's device catalogue (ListDevices, GetDevice), in listing order: the
 * four Android phones the jobs use, an iPhone 15, all open to remote access, and a
 * Galaxy Tab S9 that is not.
 */
export const DEMO_DEVICES: readonly ScenarioDevice[] = [
  PIXEL_8,
  GALAXY_S23,
  ONEPLUS_11,
  MOTO_EDGE_40,
  IPHONE_15,
  GALAXY_TAB_S9,
];

/** Full counters: the service always sends all seven members once a job has results. */
function counters(total: number, outcome: Partial<Counters>): Counters {
  return { total, passed: 0, failed: 0, warned: 0, errored: 0, stopped: 0, skipped: 0, ...outcome };
}

function metered(minutes: number): { total: number; metered: number; unmetered: number } {
  return { total: minutes, metered: minutes, unmetered: 0 };
}

function unmetered(minutes: number): { total: number; metered: number; unmetered: number } {
  return { total: minutes, metered: 0, unmetered: minutes };
}

/** A job that queues at `created`, runs from `running` and passes at `done`. */
function passingJob(created: number, running: number, done: number, total: number, minutes: number): StateAt[] {
  return [
    { step: created, status: 'PENDING', result: 'PENDING' },
    { step: running, status: 'RUNNING', result: 'PENDING' },
    {
      step: done,
      status: 'COMPLETED',
      result: 'PASSED',
      counters: counters(total, { passed: total }),
      deviceMinutes: metered(minutes),
    },
  ];
}

/**
 * The demo account, starting at `startTime` (step 0):
 *
 * - project `android-app`:
 *   - run `release-1.4.1`, finished (PASSED, 2 jobs) before step 0: baseline, never notified;
 *   - run `nightly-android` from step 1 on four Android devices: Pixel 8 and Galaxy S23
 *     pass, `Tests on OnePlus 11` FAILS at step 2 (2 of 10 tests), the Motorola Edge 40
 *     job ERRORS at step 3 ("Appium server failed to start"), the run completes FAILED at step 3;
 *   - remote access session `debug-login-crash` on a Pixel 8, RUNNING from step 1, PASSED at
 *     step 4 after 15 metered device minutes (its 15 minutes from step 1 to 4);
 * - test grid project `web-checkout`: one session ACTIVE at 1 and CLOSED at 2 (5 billing
 *   minutes), one ACTIVE at 2 and ERRORED at 4 (10 billing minutes): billed as long as they ran;
 * - project `qa-sandbox`: remote access session `checkout-repro` RUNNING from step 1 and
 *   never ended by the script (the guard stops it at its 9-minute limit); session
 *   `layout-check` (unmetered) RUNNING from step 2, at 8 of its 9 minutes at step 4; run
 *   `ui-smoke` (unmetered, no jobs) queued PENDING just after step 0, RUNNING from step 3;
 * - devices: {@link DEMO_DEVICES} (the Galaxy Tab S9 refuses remote access).
 */
export function demoScenario(startTime: Date): DeviceFarmScenario {
  return {
    startTime: startTime.toISOString(),
    stepSeconds: DEMO_STEP_SECONDS,
    devices: [...DEMO_DEVICES],
    projects: [
      {
        id: DEMO_IDS.project,
        name: 'android-app',
        // Projects outlive runs: created a month before the demo starts.
        created: new Date(startTime.getTime() - 30 * 24 * 3600 * 1000).toISOString(),
        runs: [
          {
            id: DEMO_IDS.releaseRun,
            name: 'release-1.4.1',
            platform: 'ANDROID',
            type: 'APPIUM_NODE',
            billingMethod: 'METERED',
            // Negative steps: the whole run happened before the monitor's first poll.
            timeline: [
              { step: -4, status: 'PENDING', result: 'PENDING' },
              { step: -3.8, status: 'SCHEDULING', result: 'PENDING' },
              { step: -3.5, status: 'RUNNING', result: 'PENDING' },
              {
                step: -2,
                status: 'COMPLETED',
                result: 'PASSED',
                counters: counters(24, { passed: 24 }),
                deviceMinutes: metered(13.7),
              },
            ],
            jobs: [
              {
                id: '00000',
                name: 'Tests on Google Pixel 8',
                device: PIXEL_8,
                timeline: passingJob(-4, -3.5, -2.2, 12, 6.9),
              },
              {
                id: '00001',
                name: 'Tests on Samsung Galaxy S23',
                device: GALAXY_S23,
                timeline: passingJob(-4, -3.4, -2, 12, 6.8),
              },
            ],
          },
          {
            id: DEMO_IDS.nightlyRun,
            name: 'nightly-android',
            platform: 'ANDROID',
            type: 'APPIUM_NODE',
            billingMethod: 'METERED',
            // No counters in the run's states: the emulator sums the visible jobs' counters.
            timeline: [
              { step: 0.8, status: 'PENDING', result: 'PENDING' },
              { step: 0.9, status: 'SCHEDULING', result: 'PENDING' },
              { step: 1, status: 'RUNNING', result: 'PENDING' },
              { step: 3, status: 'COMPLETED', result: 'FAILED', deviceMinutes: metered(20.6) },
            ],
            jobs: [
              {
                id: '00000',
                name: 'Tests on Google Pixel 8',
                device: PIXEL_8,
                timeline: passingJob(0.8, 1, 2.5, 10, 6.1),
              },
              {
                id: '00001',
                name: 'Tests on Samsung Galaxy S23',
                device: GALAXY_S23,
                timeline: [
                  { step: 0.8, status: 'PENDING', result: 'PENDING' },
                  { step: 1, status: 'SCHEDULING', result: 'PENDING' },
                  { step: 1.4, status: 'RUNNING', result: 'PENDING' },
                  {
                    step: 2.8,
                    status: 'COMPLETED',
                    result: 'PASSED',
                    counters: counters(10, { passed: 10 }),
                    deviceMinutes: metered(6.0),
                  },
                ],
              },
              {
                id: '00002',
                name: 'Tests on OnePlus 11',
                device: ONEPLUS_11,
                timeline: [
                  { step: 0.8, status: 'PENDING', result: 'PENDING' },
                  { step: 1, status: 'RUNNING', result: 'PENDING' },
                  {
                    step: 2,
                    status: 'COMPLETED',
                    result: 'FAILED',
                    counters: counters(10, { passed: 8, failed: 2 }),
                    deviceMinutes: metered(6.4),
                    message: '2 tests failed',
                  },
                ],
                problems: [
                  {
                    suite: 'CheckoutTest',
                    test: 'testPayWithSavedCard',
                    result: 'FAILED',
                    message: 'expected:<PAID> but was:<DECLINED>',
                  },
                  {
                    suite: 'LoginTest',
                    test: 'testBiometricLogin',
                    result: 'FAILED',
                    message: 'Element not found: id/fingerprint_prompt',
                  },
                ],
              },
              {
                id: '00003',
                name: 'Tests on Motorola Edge 40',
                device: MOTO_EDGE_40,
                timeline: [
                  { step: 0.8, status: 'PENDING', result: 'PENDING' },
                  { step: 1, status: 'PENDING_DEVICE', result: 'PENDING' },
                  { step: 1.7, status: 'PREPARING', result: 'PENDING' },
                  { step: 2, status: 'RUNNING', result: 'PENDING' },
                  {
                    step: 3,
                    status: 'COMPLETED',
                    result: 'ERRORED',
                    counters: counters(1, { errored: 1 }),
                    deviceMinutes: metered(2.1),
                    message: 'Appium server failed to start',
                  },
                ],
                problems: [{ suite: 'Setup Suite', result: 'ERRORED', message: 'Appium server failed to start' }],
              },
            ],
          },
        ],
        remoteAccessSessions: [
          {
            id: DEMO_IDS.remoteAccessSession,
            name: 'debug-login-crash',
            device: PIXEL_8,
            billingMethod: 'METERED',
            // No deviceMinutes while RUNNING: the service reports them when the session ends.
            timeline: [
              { step: 1, status: 'RUNNING', result: 'PENDING' },
              { step: 4, status: 'COMPLETED', result: 'PASSED', deviceMinutes: metered(15) },
            ],
          },
        ],
      },
      {
        id: DEMO_IDS.sandboxProject,
        name: 'qa-sandbox',
        created: new Date(startTime.getTime() - 30 * 24 * 3600 * 1000).toISOString(),
        remoteAccessSessions: [
          {
            id: DEMO_IDS.overrunSession,
            name: 'checkout-repro',
            device: GALAXY_S23,
            billingMethod: 'METERED',
            // Left open in a browser tab. This session reports its minutes while it runs
            // (Device Farm may or may not), so the guard's count does not depend on the
            // demo's compressed clock. Nothing ends it in the script: only a stop does.
            timeline: [
              { step: 1, status: 'RUNNING', result: 'PENDING', deviceMinutes: metered(0) },
              { step: 2, status: 'RUNNING', result: 'PENDING', deviceMinutes: metered(5) },
              { step: 3, status: 'RUNNING', result: 'PENDING', deviceMinutes: metered(10) },
              { step: 4, status: 'RUNNING', result: 'PENDING', deviceMinutes: metered(15) },
            ],
          },
          {
            id: DEMO_IDS.layoutSession,
            name: 'layout-check',
            device: PIXEL_8,
            billingMethod: 'UNMETERED',
            // Near its limit at step 4: the guard warns (the demo's silence mutes the warning).
            timeline: [
              { step: 2, status: 'RUNNING', result: 'PENDING', deviceMinutes: unmetered(0) },
              { step: 3, status: 'RUNNING', result: 'PENDING', deviceMinutes: unmetered(3) },
              { step: 4, status: 'RUNNING', result: 'PENDING', deviceMinutes: unmetered(8) },
            ],
          },
        ],
        runs: [
          {
            id: DEMO_IDS.stuckRun,
            name: 'ui-smoke',
            platform: 'ANDROID',
            type: 'APPIUM_NODE',
            billingMethod: 'UNMETERED',
            // Queued just after step 0, no device until step 3: STUCK (the demo's limit is 17 min; the clock stands at step 4, so it has waited 19.5 min), then UNSTUCK.
            timeline: [
              { step: 0.1, status: 'PENDING', result: 'PENDING' },
              { step: 3, status: 'RUNNING', result: 'PENDING' },
            ],
          },
        ],
      },
    ],
    testGridProjects: [
      {
        id: DEMO_IDS.testGridProject,
        name: 'web-checkout',
        description: 'Checkout flow in desktop browsers',
        created: new Date(startTime.getTime() - 7 * 24 * 3600 * 1000).toISOString(),
        sessions: [
          {
            id: DEMO_IDS.checkoutSession,
            timeline: [
              { step: 1, status: 'ACTIVE' },
              { step: 2, status: 'CLOSED', billingMinutes: 5 },
            ],
          },
          {
            id: DEMO_IDS.erroredSession,
            timeline: [
              { step: 2, status: 'ACTIVE' },
              { step: 4, status: 'ERRORED', billingMinutes: 10 },
            ],
          },
        ],
      },
    ],
  };
}

/**
 * One project, one run with four jobs, nothing at step 0 (so nothing is baseline):
 * step 1 everything RUNNING; step 2 the two passing jobs PASS and job `00002` FAILS
 * (test `CheckoutTest › testPayWithSavedCard`); step 3 job `00003` ERRORS (its
 * `Setup Suite`) and the run completes FAILED.
 */
export function fourJobRunScenario(startTime: Date): DeviceFarmScenario {
  return {
    startTime: startTime.toISOString(),
    stepSeconds: DEMO_STEP_SECONDS,
    projects: [
      {
        id: FOUR_JOB_IDS.project,
        name: 'four-job-app',
        created: new Date(startTime.getTime() - 24 * 3600 * 1000).toISOString(),
        runs: [
          {
            id: FOUR_JOB_IDS.run,
            name: 'four-job-run',
            platform: 'ANDROID',
            type: 'INSTRUMENTATION',
            timeline: [
              { step: 0.5, status: 'SCHEDULING', result: 'PENDING' },
              { step: 1, status: 'RUNNING', result: 'PENDING' },
              { step: 3, status: 'COMPLETED', result: 'FAILED', deviceMinutes: metered(17.3) },
            ],
            jobs: [
              {
                id: '00000',
                name: 'Tests on Google Pixel 8',
                device: PIXEL_8,
                timeline: passingJob(0.5, 1, 2, 5, 4.8),
              },
              {
                id: '00001',
                name: 'Tests on Samsung Galaxy S23',
                device: GALAXY_S23,
                timeline: passingJob(0.5, 1, 2, 5, 4.9),
              },
              {
                id: '00002',
                name: 'Tests on OnePlus 11',
                device: ONEPLUS_11,
                timeline: [
                  { step: 0.5, status: 'PENDING', result: 'PENDING' },
                  { step: 1, status: 'RUNNING', result: 'PENDING' },
                  {
                    step: 2,
                    status: 'COMPLETED',
                    result: 'FAILED',
                    counters: counters(5, { passed: 4, failed: 1 }),
                    deviceMinutes: metered(5.1),
                    message: '1 test failed',
                  },
                ],
                problems: [
                  {
                    suite: 'CheckoutTest',
                    test: 'testPayWithSavedCard',
                    result: 'FAILED',
                    message: 'expected:<PAID> but was:<DECLINED>',
                  },
                ],
              },
              {
                id: '00003',
                name: 'Tests on Motorola Edge 40',
                device: MOTO_EDGE_40,
                timeline: [
                  { step: 0.5, status: 'PENDING', result: 'PENDING' },
                  { step: 1, status: 'RUNNING', result: 'PENDING' },
                  {
                    step: 3,
                    status: 'COMPLETED',
                    result: 'ERRORED',
                    counters: counters(1, { errored: 1 }),
                    deviceMinutes: metered(2.5),
                    message: 'Appium server failed to start',
                  },
                ],
                problems: [{ suite: 'Setup Suite', result: 'ERRORED', message: 'Appium server failed to start' }],
              },
            ],
          },
        ],
      },
    ],
  };
}
