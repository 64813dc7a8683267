/**
 * Budgets and the session guard end to end: the real SDK clients against
 * the Device Farm emulator and DynamoDB Local; the accountant and guard as
 * stream consumers over the real stream; the notifier publishing to fauxqs.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deliverFromStream, reactFromStream } from '../../lambda/cli/deliver-from-stream';
import { main } from '../../lambda/cli/main';
import { createDeviceFarmClient } from '../../lambda/clients/aws-clients';
import { type Budget, DEFAULT_SETTINGS } from '../../lambda/config/settings';
import { silentLog } from '../../lambda/core/log';
import { guardDeps } from '../../lambda/engine/wiring';
import { accountChange } from '../../lambda/react/budgets/accountant';
import { guardSessions } from '../../lambda/react/guard/guard';
import { announcePass } from '../../lambda/react/reactor';
import { DynamoBudgetLedger } from '../../lambda/record/budget-ledger';
import { readEvents, type StreamRecordInput } from '../../lambda/record/stream-events';
import type { DeviceFarmScenario } from '../emulators/device-farm';
import { fourJobRunScenario } from '../emulators/device-farm/scenarios/demo';
import { type Harness, harnessReactors, startHarness } from '../support/pipeline';

const START = new Date('2026-11-21T02:00:00.000Z');

const BUDGET: Budget = {
  name: 'nightly-metered',
  meter: 'deviceMinutes.metered',
  period: 'month',
  timeZone: 'UTC',
  limitMinutes: 17,
  thresholds: [50, 80, 100],
  projects: [],
  forecast: true,
};

/** A project with one remote access session RUNNING from step 1 (5-minute steps). */
function oneSessionScenario(billing: 'METERED' | 'UNMETERED', endsAt?: number): DeviceFarmScenario {
  const device = { name: 'Google Pixel 8', platform: 'ANDROID' as const, os: '14' };
  const minutes = endsAt === undefined ? undefined : (endsAt - 1) * 5;
  return {
    startTime: START.toISOString(),
    stepSeconds: 300,
    projects: [
      {
        id: 'a1b2c3d4-0000-4000-8000-000000000001',
        name: 'qa-app',
        remoteAccessSessions: [
          {
            id: 'a1b2c3d4-0000-4000-8000-0000000000aa',
            name: 'exploratory',
            device,
            billingMethod: billing,
            timeline: [
              { step: 1, status: 'RUNNING', result: 'PENDING' },
              ...(endsAt === undefined || minutes === undefined
                ? []
                : [
                    {
                      step: endsAt,
                      status: 'COMPLETED',
                      result: 'PASSED',
                      deviceMinutes:
                        billing === 'METERED'
                          ? { total: minutes, metered: minutes, unmetered: 0 }
                          : { total: minutes, metered: 0, unmetered: minutes },
                    },
                  ]),
            ],
          },
        ],
      },
    ],
    devices: [device],
  };
}

/** 100 metered minutes a month, thresholds 50, 80 and 100: the budget. */
const HUNDRED: Budget = { ...BUDGET, name: 'hundred', limitMinutes: 100 };

/** Steps of 5 minutes from START (21 November 2026, 02:00 UTC): one day is 288 steps. */
const DAY_STEPS = 288;

/**
 * An account as a new install's first poll finds it: run `last-month` (started on
 * 14 October, 500 metered minutes) and one finished run per entry of `thisMonth`
 * (started on successive days from 18 November, with that many metered minutes).
 */
function installScenario(thisMonth: readonly number[]): DeviceFarmScenario {
  const finished = (id: string, name: string, startStep: number, metered: number) => ({
    id,
    name,
    billingMethod: 'METERED',
    timeline: [
      { step: startStep, status: 'RUNNING', result: 'PENDING' },
      {
        step: startStep + 12,
        status: 'COMPLETED',
        result: 'PASSED',
        deviceMinutes: { total: metered, metered, unmetered: 0 },
      },
    ],
  });
  return {
    startTime: START.toISOString(),
    stepSeconds: 300,
    projects: [
      {
        id: 'b2c3d4e5-0000-4000-8000-000000000001',
        name: 'shop-app',
        created: '2026-09-01T00:00:00.000Z',
        runs: [
          finished('b2c3d4e5-0000-4000-8000-0000000000f0', 'last-month', -38 * DAY_STEPS, 500),
          ...thisMonth.map((minutes, i) =>
            finished(`b2c3d4e5-0000-4000-8000-00000000000${i}`, `run-${i + 1}`, (i - 3) * DAY_STEPS, minutes),
          ),
        ],
      },
    ],
  };
}

/** The session guard on the harness's table and the emulator's clock, stopping sessions past `maxMinutes`. */
function autoStopGuard(h: Harness, maxMinutes: number) {
  return guardDeps({
    table: h.table,
    deviceFarm: createDeviceFarmClient(),
    settings: { ...DEFAULT_SETTINGS, guard: { ...DEFAULT_SETTINGS.guard, maxMinutes, autoStop: true } },
    log: silentLog,
    now: () => h.emulator.now(),
  });
}

/**
 * The CLI's io in a new folder (named from `prefix`) whose vigil.config.json is `config`, on the harness's
 * table; `out` collects what it prints, errors marked `ERR`.
 */
function cliWith(h: Harness, prefix: string, config: unknown) {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  writeFileSync(join(dir, 'vigil.config.json'), JSON.stringify(config));
  const out: string[] = [];
  const io = {
    env: { ...process.env, VIGIL_TABLE: h.tableName },
    cwd: dir,
    out: (t: string) => out.push(t),
    err: (t: string) => out.push(`ERR ${t}`),
  };
  return { io, out };
}

describe('budgets and the session guard', () => {
  let harness: Harness | undefined;

  afterEach(async () => {
    await harness?.stop();
    harness = undefined;
  });

  /** Runs the accountant over the stream, handing it every batch twice (as a retried stream would). */
  async function accountTwice(h: Harness, follower: ReturnType<Harness['newFollower']>, budgets = [BUDGET]) {
    const deps = {
      ledger: new DynamoBudgetLedger(h.documents, h.tableName),
      budgets,
      log: silentLog,
      now: () => new Date('2026-11-21T02:30:00.000Z'),
    };
    const records = (await follower.readAvailable()).map((r) => r.record as StreamRecordInput);
    const { events, rejected } = readEvents(records);
    expect(rejected).toEqual([]);
    // The accountant's own idempotency: each change counted twice, as a retried batch would.
    for (const _ of [1, 2]) {
      for (const { event } of events) if (event.eventType === 'change') await accountChange(event, deps);
    }
  }

  it('fires 50%, 80% and 100% once each when jobs cross them, even when every batch is delivered twice', async () => {
    harness = await startHarness({ scenario: fourJobRunScenario(START) });
    const accountant = harness.newFollower();
    const subjects: string[][] = [];

    for (let step = 0; step < 4; step++) {
      harness.emulator.setStep(step);
      await harness.poll();
      await accountTwice(harness, accountant);
      await harness.deliver();
      subjects.push((await harness.received()).map((m) => m.subject).filter((s) => s.includes('budget')));
    }

    expect(subjects).toEqual([
      [],
      [],
      // No forecast: all of it ran on one day, too little evidence for a rate.
      ['50%: budget nightly-metered at 10 of 17 min', '80%: budget nightly-metered at 14.8 of 17 min'],
      ['100%: budget nightly-metered at 17.3 of 17 min'],
    ]);
    const period = await new DynamoBudgetLedger(harness.documents, harness.tableName).period(
      'nightly-metered',
      '2026-11',
    );
    expect(period.usage?.usedMinutes).toBe(17.3);
    expect(period.usage?.fired).toEqual([50, 80, 100]);
    expect(period.shares).toHaveLength(4);
  });

  it('counts nothing for unmetered minutes', async () => {
    harness = await startHarness({ scenario: oneSessionScenario('UNMETERED', 3) });
    const accountant = harness.newFollower();
    for (const step of [0, 1, 3]) {
      harness.emulator.setStep(step);
      await harness.poll();
      await accountTwice(harness, accountant);
    }

    const period = await new DynamoBudgetLedger(harness.documents, harness.tableName).period(
      'nightly-metered',
      '2026-11',
    );
    expect(period).toEqual({ shares: [], events: [] });
  });

  it('stops a session that runs past its limit exactly once, and says so in one message', async () => {
    harness = await startHarness({ scenario: oneSessionScenario('METERED') });
    const emulator = harness.emulator;
    const guard = autoStopGuard(harness, 12);
    const pass = async () => {
      const active = await harness?.store.loadActive('devicefarm');
      await guardSessions(active ?? [], guard);
    };

    const subjects: string[][] = [];
    for (const step of [0, 1, 2, 3, 4, 4, 5]) {
      emulator.setStep(step);
      await harness.poll();
      await pass();
      await pass(); // the schedule and the stream may both look at a session in the same minute
      await harness.deliver();
      subjects.push((await harness.received()).map((m) => m.subject));
    }

    expect(emulator.calls.StopRemoteAccessSession).toBe(1);
    expect(emulator.calls.GetRemoteAccessSession).toBe(1); // the stop, confirmed right before it was made
    // The session's own STOPPED, a poll later, is the same news: it is covered by the stop's message.
    expect(subjects).toEqual([
      [],
      [],
      [],
      ['LIMIT SOON: remote access session exploratory (10 min of 12 min)'],
      ['STOPPED: remote access session exploratory (15 min of 12 min)'],
      [],
      [],
    ]);
    const [session] = await harness.store.find('exploratory');
    const timeline = await harness.store.timeline(session?.arn ?? '');
    const finished = timeline.find((t) => t.event.eventType === 'change' && t.event.to.status === 'COMPLETED');
    const stopped = timeline.find((t) => t.event.eventType === 'guard' && t.event.action === 'stop');
    expect(finished?.delivery?.messageId).toBeDefined();
    expect(finished?.delivery?.messageId).toBe(stopped?.delivery?.messageId);
  });

  it('sends one message, the stop with its final minutes, when the stop and the completion are delivered together', async () => {
    harness = await startHarness({ scenario: oneSessionScenario('METERED') });
    const emulator = harness.emulator;
    const guard = autoStopGuard(harness, 12);
    for (const step of [0, 1, 2, 3, 4]) {
      emulator.setStep(step);
      await harness.poll();
      await guardSessions(await harness.store.loadActive('devicefarm'), guard);
      // The notifier is down from the stop on: it catches up once the session has ended.
      if (step < 4) await harness.deliver();
    }
    emulator.setStep(5);
    await harness.poll();
    // The stream path: the stop's record and the completion's arrive in one batch.
    await deliverFromStream(harness.follower, harness.notifier);

    const received = await harness.received();
    expect(received.map((m) => m.subject)).toEqual([
      'LIMIT SOON: remote access session exploratory (10 min of 12 min)',
      'STOPPED: remote access session exploratory (15 min of 12 min)',
    ]);
    const stop = received[1];
    expect(stop?.email).toContain(
      'reached its 12 min limit after 15 min; Vigil stopped it. Device Farm reports it COMPLETED',
    );
    expect(stop?.document.eventIds).toHaveLength(2);
  });

  it('stops a session started with vigil session start at its own limit', async () => {
    harness = await startHarness({ scenario: oneSessionScenario('METERED') });
    const emulator = harness.emulator;
    const { io, out } = cliWith(harness, 'vigil-session-', { guard: { autoStop: true, maxMinutes: 60 } });
    emulator.setStep(1);
    await harness.poll(); // baseline: the scripted session is known

    const started = await main(
      [
        'session',
        'start',
        '--project',
        'qa-app',
        '--device',
        'Google Pixel 8',
        '--max-minutes',
        '7',
        '--name',
        'login-bug',
      ],
      io,
    );
    const arn = (out.find((l) => l.startsWith('ARN')) ?? '').replace(/^ARN\s+/, '');
    const guard = autoStopGuard(harness, 60);
    for (const step of [2, 3, 4]) {
      emulator.setStep(step);
      await harness.poll();
      await guardSessions(await harness.store.loadActive('devicefarm'), guard);
      await harness.deliver();
    }

    expect(started).toBe(0);
    expect(out[0]).toBe('Started remote access session login-bug');
    expect(out).toContain("Limit    7 min: Vigil's guard stops it there (warning at 6 min).");
    expect(arn).toMatch(
      /^arn:aws:devicefarm:us-west-2:123456789012:session:a1b2c3d4-0000-4000-8000-000000000001\/.+\/00000$/,
    );
    // Its own 7-minute limit, not the global 60: stopped at step 3 (started at step 2, 5-minute steps → 5, then 10 min).
    expect(emulator.callLog.filter((c) => c.operation === 'StopRemoteAccessSession').map((c) => c.input)).toEqual([
      { arn },
    ]);
    const subjects = (await harness.received()).map((m) => m.subject);
    expect(subjects).toContain('STOPPED: remote access session login-bug (10 min of 7 min)');
  });

  it('refuses bad session arguments before any call to AWS', async () => {
    harness = await startHarness({ scenario: oneSessionScenario('METERED') });
    const err: string[] = [];
    const io = { env: process.env, cwd: process.cwd(), out: () => {}, err: (t: string) => err.push(t) };

    const code = await main(['session', 'start', '--project', 'qa-app', '--device', 'Pixel', '--max-minutes', '0'], io);

    expect(code).toBe(2);
    expect(err).toEqual([
      '--max-minutes "0" is not a number of minutes above 0 and at most 150 (Device Farm ends every remote access session at 150)',
    ]);
    expect(harness.emulator.callLog).toEqual([]);
  });

  describe('on the first poll of a new install', () => {
    /**
     * Polls once (every change is baseline), lets the reactors run as `vigil run`
     * runs them (stream consumers, then the baseline announcement) twice, as the
     * next cycle would, and returns the budget messages delivered.
     */
    async function firstPoll(h: Harness): Promise<string[]> {
      const reactors = harnessReactors(h, {
        settings: { ...DEFAULT_SETTINGS, budgets: [HUNDRED] },
        now: () => new Date('2026-11-21T02:00:30.000Z'),
      });
      const follower = h.newFollower();
      h.emulator.setStep(0);
      await h.poll();
      for (const _ of [1, 2]) {
        expect(await reactFromStream(follower, reactors)).toMatchObject({ retrying: 0, failedBatches: 0 });
        await announcePass(reactors);
      }
      await h.deliver();
      return (await h.received()).map((m) => m.subject).filter((s) => s.includes('budget'));
    }

    it('alerts for neither month when last month holds 500 minutes and this month 40 of 100', async () => {
      harness = await startHarness({ scenario: installScenario([40]) });

      const subjects = await firstPoll(harness);

      expect(subjects).toEqual([]);
      const ledger = new DynamoBudgetLedger(harness.documents, harness.tableName);
      const october = await ledger.period('hundred', '2026-10');
      expect([october.usage?.usedMinutes, october.usage?.fired, october.events]).toEqual([500, [], []]);
      expect(october.shares.map((share) => [share.name, share.minutes])).toEqual([['last-month', 500]]);
      expect((await ledger.usage('hundred', '2026-11'))?.usedMinutes).toBe(40);
      // The budget's definition, for `vigil budget` without a config file.
      expect((await ledger.catalog()).map((b) => [b.name, b.limitMinutes])).toEqual([['hundred', 100]]);
    });

    it('sends exactly one 50% alert when this month already holds 60 of 100', async () => {
      harness = await startHarness({ scenario: installScenario([60]) });

      const subjects = await firstPoll(harness);

      expect(subjects).toEqual(['50%: budget hundred already at 60 of 100 min when Vigil first looked']);
    });

    it('sends exactly one alert, 80%, when three runs this month already hold 90 of 100', async () => {
      harness = await startHarness({ scenario: installScenario([30, 30, 30]) });

      const subjects = await firstPoll(harness);

      expect(subjects).toEqual(['80%: budget hundred already at 90 of 100 min when Vigil first looked']);
      const period = await new DynamoBudgetLedger(harness.documents, harness.tableName).period('hundred', '2026-11');
      expect(period.usage?.fired).toEqual([50, 80]);
      expect(period.usage?.usageDays).toEqual(['2026-11-18', '2026-11-19', '2026-11-20']);
      expect(period.events.map((e) => [e.eventId, e.baseline])).toEqual([
        ['vigil:budget/hundred/2026-11#threshold-80', true],
      ]);
    });

    it('shows last month with vigil budget --period, though it never alerted', async () => {
      harness = await startHarness({ scenario: installScenario([40]) });
      await firstPoll(harness);
      const { io, out } = cliWith(harness, 'vigil-budget-', { budgets: [HUNDRED] });

      const code = await main(['budget', '--period', '2026-10'], io);

      expect(code).toBe(0);
      expect(out.slice(0, 3)).toEqual([
        'hundred  2026-10 (UTC)  [████████████████████] 500%  500 of 100 min  85.00 USD of 17.00 USD  (deviceMinutes.metered)',
        '  thresholds reached: 50%, 80%, 100%',
        '  forecast: none, the period is over',
      ]);
      expect(out[3]).toMatch(
        /^ {7}500 min {5}85\.00 USD {2}run last-month {2}arn:aws:devicefarm:us-west-2:123456789012:run:/,
      );
    });
  });
});
