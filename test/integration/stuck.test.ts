/**
 * Stuck detection end to end: the real SDK clients against the Device Farm
 * emulator, DynamoDB Local and fauxqs; the reactors' present passes on the
 * scenario's clock, as the schedule runs them after each poll.
 */
import { DEFAULT_SETTINGS } from '../../lambda/config/settings';
import { presentPasses } from '../../lambda/react/reactor';
import type { DeviceFarmScenario } from '../emulators/device-farm';
import { ArnBuilder, DEFAULT_ACCOUNT_ID } from '../emulators/device-farm';
import { type Harness, harnessReactors, type Received, startHarness } from '../support/pipeline';

const START = new Date('2026-11-21T02:00:00.000Z');
const arns = new ArnBuilder(DEFAULT_ACCOUNT_ID);
const PROJECT = 'd00d0000-0000-4000-8000-000000000001';
const RUN_A = 'd00d0000-0000-4000-8000-00000000000a';
const RUN_B = 'd00d0000-0000-4000-8000-00000000000b';

/** A run queued just after step 0 (one-minute steps) that starts RUNNING at `starts`. */
function queuedRun(id: string, name: string, starts: number) {
  return {
    id,
    name,
    billingMethod: 'UNMETERED',
    timeline: [
      { step: 0.01, status: 'PENDING', result: 'PENDING' },
      { step: starts, status: 'RUNNING', result: 'PENDING' },
    ],
  };
}

/** run-a waits 62 minutes for a device, run-b 59. */
const SCENARIO: DeviceFarmScenario = {
  startTime: START.toISOString(),
  stepSeconds: 60,
  projects: [
    {
      id: PROJECT,
      name: 'ios-lab',
      created: '2026-10-01T00:00:00.000Z',
      runs: [queuedRun(RUN_A, 'run-a', 62), queuedRun(RUN_B, 'run-b', 59)],
    },
  ],
};

describe('stuck detection', () => {
  let harness: Harness | undefined;

  afterEach(async () => {
    await harness?.stop();
    harness = undefined;
  });

  it('sends one STUCK for a run PENDING 61 minutes and one UNSTUCK when it starts, and nothing for a run that starts at 59', async () => {
    harness = await startHarness({ scenario: SCENARIO });
    const h = harness;
    const reactors = harnessReactors(h, { settings: { ...DEFAULT_SETTINGS, budgets: [] } });

    const byStep: Record<number, Received[]> = {};
    let calls: Record<string, number> = {};
    for (const step of [0, 1, 30, 58, 59, 60, 61, 61, 62, 63]) {
      h.emulator.setStep(step);
      await h.poll();
      const before = h.tally.snapshot();
      await presentPasses(reactors);
      calls = {
        ...calls,
        ...Object.fromEntries(Object.entries(h.tally.since(before)).filter(([k]) => k.startsWith('devicefarm.'))),
      };
      await h.deliver();
      byStep[step] = [...(byStep[step] ?? []), ...(await h.received())];
    }

    const subjects = Object.fromEntries(Object.entries(byStep).map(([step, got]) => [step, got.map((m) => m.subject)]));
    expect(subjects).toEqual({
      0: [],
      1: [],
      30: [],
      58: [],
      59: [],
      60: [],
      61: ['STUCK: run run-a PENDING for 61 min'],
      62: ['UNSTUCK: run run-a now RUNNING after 62 min'],
      63: [],
    });
    // Decided on recorded state and the clock: the passes made no Device Farm call.
    expect(calls).toEqual({});
    const runA = arns.run(PROJECT, RUN_A);
    const [stuck] = byStep[61] ?? [];
    expect(stuck?.attributes).toEqual({
      service: 'devicefarm',
      kind: 'run',
      eventType: 'stuck',
      severity: 'warning',
      project: 'ios-lab',
    });
    expect(stuck?.email.replace(/^Observed \S+ by Vigil/m, 'Observed <time> by Vigil')).toBe(
      [
        'Device Farm run run-a has waited in PENDING for 61 min, longer than rules.stuckMinutes.deviceFarm (60 min).',
        '',
        'Run            run-a',
        `ARN            ${runA}`,
        `Project        ios-lab (${arns.project(PROJECT)})`,
        'Status         PENDING',
        'Waiting since  2026-11-21T02:00:00.600Z (created)',
        'Waited         61 min',
        'Limit          60 min (rules.stuckMinutes.deviceFarm)',
        `Console        https://us-west-2.console.aws.amazon.com/devicefarm/home?region=us-west-2#/mobile/projects/${PROJECT}/runs/${RUN_A}`,
        '',
        'Device Farm is waiting for a device or a free slot: check the device pool (devices busy or offline) and your concurrency.',
        'Vigil says so once, and once more when it moves.',
        '',
        `Observed <time> by Vigil (event ${runA}#stuck-2026-11-21T02:00:00.600Z).`,
        'To stop messages like this one, set rules.stuckMinutes.deviceFarm to 0 in vigil.config.json.',
      ].join('\n'),
    );
    const [unstuck] = byStep[62] ?? [];
    expect(unstuck?.document.stuck).toEqual({
      since: '2026-11-21T02:00:00.600Z',
      waitedMinutes: 62,
      limitMinutes: 60,
      waitingStatus: 'PENDING',
    });
    // Both are in the run's history, and nothing is left open.
    const timeline = await h.store.timeline(runA);
    expect(
      timeline.filter((t) => t.event.eventType !== 'change').map((t) => [t.event.eventType, t.delivery?.subject]),
    ).toEqual([
      ['stuck', 'STUCK: run run-a PENDING for 61 min'],
      ['unstuck', 'UNSTUCK: run run-a now RUNNING after 62 min'],
    ]);
    expect(await h.table.stuck.open()).toEqual([]);
    expect((await h.store.timeline(arns.run(PROJECT, RUN_B))).map((t) => t.event.eventType)).toEqual([
      'change',
      'change',
    ]);
  });

  it('sends no UNSTUCK when the STUCK was silenced', async () => {
    harness = await startHarness({ scenario: SCENARIO });
    const h = harness;
    const reactors = harnessReactors(h, { settings: DEFAULT_SETTINGS });
    await h.table.silences.add({
      id: 's-000000aa',
      match: { eventTypes: ['stuck'] },
      startsAt: '2020-01-01T00:00:00.000Z',
      endsAt: '2099-01-01T00:00:00.000Z',
      reason: 'known device shortage',
      createdBy: 'alice',
      createdAt: '2020-01-01T00:00:00.000Z',
    });

    const subjects: string[] = [];
    for (const step of [0, 1, 61, 62, 63]) {
      h.emulator.setStep(step);
      await h.poll();
      await presentPasses(reactors);
      await h.deliver();
      subjects.push(...(await h.received()).map((m) => m.subject));
    }

    expect(subjects).toEqual([]);
    const timeline = await h.store.timeline(arns.run(PROJECT, RUN_A));
    expect(
      timeline.filter((t) => t.event.eventType !== 'change').map((t) => [t.event.eventType, t.silenced?.silencedBy]),
    ).toEqual([['stuck', 's-000000aa']]);
    expect(await h.table.stuck.open()).toEqual([]);
  });
});
