/**
 * Scripted accounts for what a real account brings and the demo does not: a
 * project whose listings are not newest first, and a run whose GetRun answers
 * NotFound for a while (the tests arm that with `answerNotFound`).
 */
import type { DeviceFarmScenario, ScenarioDevice, ScenarioRun } from '../scenario';
import { DEMO_DEVICES } from './demo';

/** Ids of {@link oldestFirstScenario}'s and {@link followedRunScenario}'s resources. */
export const LISTING_IDS = {
  project: '3c2b1a09-8f7e-4d6c-b5a4-9382716f5e4d',
  oldRun: 'a1b2c3d4-0000-4000-8000-000000000001',
  smokeRun: 'a1b2c3d4-0000-4000-8000-000000000002',
  nightlyRun: 'a1b2c3d4-0000-4000-8000-000000000003',
  oldSession: 'b1c2d3e4-0000-4000-8000-000000000001',
  idleSession: 'b1c2d3e4-0000-4000-8000-000000000002',
  debugSession: 'b1c2d3e4-0000-4000-8000-000000000003',
} as const;

const [PIXEL_8, GALAXY_S23] = DEMO_DEVICES as [ScenarioDevice, ScenarioDevice];

const metered = (minutes: number) => ({ total: minutes, metered: minutes, unmetered: 0 });
const counters = (total: number, passed: number, failed: number) => ({
  total,
  passed,
  failed,
  warned: 0,
  errored: 0,
  stopped: 0,
  skipped: 0,
});

/**
 * One project listed OLDEST first, two per page (5-minute steps):
 * - run `release-0` and session `old-session`, finished before step 0 (the
 *   baseline sees only them: one item per listing, nothing to judge the order by);
 * - run `smoke` and session `idle-session`, created at 0.5 and left running;
 * - run `nightly` and session `debug-session`, created at 0.8: the newest, so
 *   on the LAST page of each listing. `nightly`'s job on the Galaxy S23 fails at
 *   1.5, the run completes FAILED at 2.5 (its Pixel 8 job passed at 2.4); the
 *   session completes PASSED at 2.5 after 12.5 metered minutes.
 */
export function oldestFirstScenario(startTime: Date): DeviceFarmScenario {
  return {
    startTime: startTime.toISOString(),
    stepSeconds: 300,
    projects: [
      {
        id: LISTING_IDS.project,
        name: 'oldest-first-app',
        listing: { order: 'oldest-first', pageSize: 2 },
        runs: [
          {
            id: LISTING_IDS.oldRun,
            name: 'release-0',
            timeline: [
              { step: -3, status: 'RUNNING', result: 'PENDING' },
              { step: -2, status: 'COMPLETED', result: 'PASSED' },
            ],
          },
          {
            id: LISTING_IDS.smokeRun,
            name: 'smoke',
            timeline: [{ step: 0.5, status: 'RUNNING', result: 'PENDING' }],
          },
          nightlyRun(),
        ],
        remoteAccessSessions: [
          {
            id: LISTING_IDS.oldSession,
            name: 'old-session',
            device: PIXEL_8,
            timeline: [
              { step: -3, status: 'RUNNING', result: 'PENDING' },
              { step: -2, status: 'COMPLETED', result: 'PASSED', deviceMinutes: metered(3) },
            ],
          },
          {
            id: LISTING_IDS.idleSession,
            name: 'idle-session',
            device: PIXEL_8,
            timeline: [{ step: 0.5, status: 'RUNNING', result: 'PENDING' }],
          },
          {
            id: LISTING_IDS.debugSession,
            name: 'debug-session',
            device: GALAXY_S23,
            timeline: [
              { step: 0.8, status: 'RUNNING', result: 'PENDING' },
              { step: 2.5, status: 'COMPLETED', result: 'PASSED', deviceMinutes: metered(12.5) },
            ],
          },
        ],
      },
    ],
  };
}

/**
 * One project listed newest first, ONE run per page: run `smoke` (created at
 * 0.5, PASSED at 0.6) fills the first page, so run `nightly` (created at 0.2,
 * still running) is below it and is followed with GetRun once the baseline
 * (step 1) recorded both. `nightly`'s one job fails at 2.5 and the run
 * completes FAILED at 2.6.
 */
export function followedRunScenario(startTime: Date): DeviceFarmScenario {
  return {
    startTime: startTime.toISOString(),
    stepSeconds: 300,
    projects: [
      {
        id: LISTING_IDS.project,
        name: 'followed-app',
        listing: { pageSize: 1 },
        runs: [
          {
            id: LISTING_IDS.nightlyRun,
            name: 'nightly',
            timeline: [
              { step: 0.2, status: 'RUNNING', result: 'PENDING' },
              { step: 2.6, status: 'COMPLETED', result: 'FAILED', deviceMinutes: metered(6.2) },
            ],
            jobs: [
              {
                id: '00000',
                name: 'Tests on Galaxy S23',
                device: GALAXY_S23,
                timeline: [
                  { step: 0.2, status: 'RUNNING', result: 'PENDING' },
                  {
                    step: 2.5,
                    status: 'COMPLETED',
                    result: 'FAILED',
                    counters: counters(4, 3, 1),
                    deviceMinutes: metered(6.2),
                    message: '1 test failed',
                  },
                ],
              },
            ],
          },
          {
            id: LISTING_IDS.smokeRun,
            name: 'smoke',
            timeline: [
              { step: 0.5, status: 'RUNNING', result: 'PENDING' },
              { step: 0.6, status: 'COMPLETED', result: 'PASSED' },
            ],
          },
        ],
      },
    ],
  };
}

/** The oldest-first project's `nightly`: two jobs, one failing at 1.5, the run completing FAILED at 2.5. */
function nightlyRun(): ScenarioRun {
  return {
    id: LISTING_IDS.nightlyRun,
    name: 'nightly',
    timeline: [
      { step: 0.8, status: 'RUNNING', result: 'PENDING' },
      { step: 2.5, status: 'COMPLETED', result: 'FAILED', deviceMinutes: metered(9.4) },
    ],
    jobs: [
      {
        id: '00000',
        name: 'Tests on Pixel 8',
        device: PIXEL_8,
        timeline: [
          { step: 0.8, status: 'RUNNING', result: 'PENDING' },
          {
            step: 2.4,
            status: 'COMPLETED',
            result: 'PASSED',
            counters: counters(4, 4, 0),
            deviceMinutes: metered(4.3),
          },
        ],
      },
      {
        id: '00001',
        name: 'Tests on Galaxy S23',
        device: GALAXY_S23,
        timeline: [
          { step: 0.8, status: 'RUNNING', result: 'PENDING' },
          {
            step: 1.5,
            status: 'COMPLETED',
            result: 'FAILED',
            counters: counters(4, 3, 1),
            deviceMinutes: metered(5.1),
            message: '1 test failed',
          },
        ],
      },
    ],
  };
}
