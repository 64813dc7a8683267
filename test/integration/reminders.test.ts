/**
 * Reminders end to end: the real SDK clients against the Device Farm
 * emulator, DynamoDB Local and fauxqs; the reactors' present passes on the
 * scenario's clock after each poll, as the schedule runs them.
 */
import { reactFromStream } from '../../lambda/cli/deliver-from-stream';
import { DEFAULT_SETTINGS, type Settings } from '../../lambda/config/settings';
import { presentPasses } from '../../lambda/react/reactor';
import type { DeviceFarmScenario, ScenarioProject } from '../emulators/device-farm';
import { ArnBuilder, DEFAULT_ACCOUNT_ID } from '../emulators/device-farm';
import { type Harness, harnessReactors, startHarness } from '../support/pipeline';

const START = new Date('2026-11-21T02:00:00.000Z');
const arns = new ArnBuilder(DEFAULT_ACCOUNT_ID);
const PROJECT = 'feed0000-0000-4000-8000-000000000001';
const LEFT_OPEN = 'feed0000-0000-4000-8000-0000000000aa';
const PIXEL = { name: 'Google Pixel 8', platform: 'ANDROID' as const, os: '14' };

/** A session opened just after step 0 (5-minute steps), ending at `ends` if given. */
function session(id: string, name: string, ends?: number) {
  return {
    id,
    name,
    device: PIXEL,
    billingMethod: 'UNMETERED',
    timeline: [
      { step: 0.01, status: 'RUNNING', result: 'PENDING' },
      ...(ends === undefined ? [] : [{ step: ends, status: 'COMPLETED', result: 'PASSED' }]),
    ],
  };
}

/** The one project qa-app, with `resources`, in 5-minute steps from START. */
function qaApp(
  resources: Omit<ScenarioProject, 'id' | 'name' | 'created'>,
  rest: Partial<DeviceFarmScenario> = {},
): DeviceFarmScenario {
  return {
    startTime: START.toISOString(),
    stepSeconds: 300,
    projects: [{ id: PROJECT, name: 'qa-app', created: '2026-10-01T00:00:00.000Z', ...resources }],
    ...rest,
  };
}

/** Two sessions over their 5-minute limit: `left-open` runs on, `ends-at-100` ends at minute 100. */
const SCENARIO = qaApp(
  {
    remoteAccessSessions: [
      session(LEFT_OPEN, 'left-open'),
      session('feed0000-0000-4000-8000-0000000000bb', 'ends-at-100', 20),
    ],
  },
  { devices: [PIXEL] },
);

const SETTINGS: Settings = {
  ...DEFAULT_SETTINGS,
  guard: { ...DEFAULT_SETTINGS.guard, maxMinutes: 5, autoStop: false },
  reminders: { ...DEFAULT_SETTINGS.reminders, sessionOverLimit: true, everyHours: 1, max: 2 },
};

describe('reminders', () => {
  let harness: Harness | undefined;

  afterEach(async () => {
    await harness?.stop();
    harness = undefined;
  });

  it('reminds of a session over its limit (autoStop off) every hour up to the cap, and never after it ends', async () => {
    harness = await startHarness({ scenario: SCENARIO, settings: SETTINGS });
    const h = harness;
    const reactors = harnessReactors(h);

    const byMinute: Record<number, string[]> = {};
    for (const step of [0, 1, 2, 3, 13, 14, 15, 20, 25, 26, 27, 38, 50]) {
      h.emulator.setStep(step);
      await h.poll();
      await presentPasses(reactors);
      await presentPasses(reactors); // a second pass in the same minute (two processes) writes nothing more
      await h.deliver();
      byMinute[step * 5] = (await h.received()).map((m) => m.subject).sort();
    }

    expect(byMinute).toEqual({
      0: [],
      5: [
        'LIMIT SOON: remote access session ends-at-100 (5 min of 5 min)',
        'LIMIT SOON: remote access session left-open (5 min of 5 min)',
      ],
      // Over the limit at minute 10: the guard's alert, then reminders from an hour later.
      10: [
        'OVER LIMIT: remote access session ends-at-100 (10 min of 5 min)',
        'OVER LIMIT: remote access session left-open (10 min of 5 min)',
      ],
      15: [],
      65: [],
      70: [
        'REMINDER 1/2: remote access session ends-at-100 still over its limit (70 min of 5 min)',
        'REMINDER 1/2: remote access session left-open still over its limit (70 min of 5 min)',
      ],
      75: [],
      // ends-at-100 ended: its end is news, its second reminder never comes.
      100: ['PASSED: remote access session ends-at-100'],
      125: [],
      130: ['REMINDER 2/2: remote access session left-open still over its limit (130 min of 5 min)'],
      135: [],
      // The cap: no third reminder, however long it runs.
      190: [],
      250: [],
    });

    const timeline = await h.store.timeline(arns.remoteAccessSession(PROJECT, LEFT_OPEN));
    const reminders = timeline.filter((t) => t.event.eventType === 'reminder');
    expect(reminders.map((t) => [t.event.eventId, t.delivery?.subject])).toEqual([
      [
        `${arns.remoteAccessSession(PROJECT, LEFT_OPEN)}#reminder-session-over-limit-2026-11-21T02:10:00.000Z-1`,
        'REMINDER 1/2: remote access session left-open still over its limit (70 min of 5 min)',
      ],
      [
        `${arns.remoteAccessSession(PROJECT, LEFT_OPEN)}#reminder-session-over-limit-2026-11-21T02:10:00.000Z-2`,
        'REMINDER 2/2: remote access session left-open still over its limit (130 min of 5 min)',
      ],
    ]);
    // The one that ended is no longer followed; the one still running is, at its cap.
    expect((await h.table.reminders.all()).map((i) => [i.name, i.reminded])).toEqual([['left-open', 2]]);
  });

  it('says how long it has lasted and how to stop it', async () => {
    harness = await startHarness({ scenario: SCENARIO, settings: SETTINGS });
    const h = harness;
    const reactors = harnessReactors(h);
    for (const step of [0, 2, 14]) {
      h.emulator.setStep(step);
      await h.poll();
      await presentPasses(reactors);
      await h.deliver();
    }
    const reminder = (await h.received()).find((m) =>
      m.subject.startsWith('REMINDER 1/2: remote access session left-open'),
    );
    const arn = arns.remoteAccessSession(PROJECT, LEFT_OPEN);

    expect(reminder?.email.replace(/^Observed \S+ by Vigil/m, 'Observed <time> by Vigil')).toBe(
      [
        'Remote access session left-open is still running past its 5 min limit: 70 min so far, over the limit for 60 min. It keeps billing until it ends (Device Farm ends it at 150 min). This is reminder 1 of 2; the next in 60 min if it lasts.',
        '',
        'Session  left-open',
        `ARN      ${arn}`,
        `Project  qa-app (${arns.project(PROJECT)})`,
        'Status   RUNNING',
        'Since    2026-11-21T02:10:00.000Z',
        'Lasted   60 min',
        `Stop it  npx vigil session stop ${arn}`,
        '',
        `Observed <time> by Vigil (event ${arn}#reminder-session-over-limit-2026-11-21T02:10:00.000Z-1).`,
        `To stop messages like this one, set reminders.sessionOverLimit to false in vigil.config.json, or silence it: npx vigil silence add --resource ${arn} --for 1d --reason "…".`,
      ].join('\n'),
    );
    expect(reminder?.attributes).toEqual({
      service: 'devicefarm',
      kind: 'remote-access-session',
      eventType: 'reminder',
      severity: 'error',
      project: 'qa-app',
    });
  });

  it('reminds of a project whose latest run failed until a run passes, from the stream path', async () => {
    const run = (id: string, name: string, result: string, from: number, to: number) => ({
      id,
      name,
      billingMethod: 'UNMETERED',
      timeline: [
        { step: from, status: 'RUNNING', result: 'PENDING' },
        { step: to, status: 'COMPLETED', result },
      ],
    });
    harness = await startHarness({
      scenario: qaApp({
        runs: [
          run('feed0000-0000-4000-8000-00000000000a', 'nightly-1', 'FAILED', 0.5, 1),
          run('feed0000-0000-4000-8000-00000000000b', 'nightly-2', 'PASSED', 19, 20),
        ],
      }),
      settings: {
        ...DEFAULT_SETTINGS,
        reminders: { ...DEFAULT_SETTINGS.reminders, failingRuns: true, everyHours: 1, max: 5 },
      },
    });
    const h = harness;
    const reactors = harnessReactors(h);
    const follower = h.newFollower();

    const subjects: Record<number, string[]> = {};
    for (const step of [0, 1, 12, 13, 14, 20, 25, 26]) {
      h.emulator.setStep(step);
      await h.poll();
      await reactFromStream(follower, reactors);
      await presentPasses(reactors);
      await h.deliver();
      subjects[step * 5] = (await h.received()).map((m) => m.subject);
    }

    expect(subjects).toEqual({
      0: [],
      5: ['FAILED: run nightly-1 (0 of 0 jobs passed)'],
      60: [],
      65: ['REMINDER 1/5: project qa-app still failing (run nightly-1 FAILED)'],
      70: [],
      // A run passed: the project is no longer failing, and is no longer followed.
      100: ['PASSED: run nightly-2 (0 of 0 jobs passed)'],
      125: [],
      130: [],
    });
    expect(await h.table.reminders.all()).toEqual([]);
  });
});
