/**
 * Budgets and the session guard end to end: the real SDK clients against
 * the Device Farm emulator and DynamoDB Local; the accountant and guard as
 * stream consumers over the real stream; the notifier publishing to fauxqs.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../lambda/cli/main';
import { createDeviceFarmClient } from '../../lambda/clients/aws-clients';
import { silentLog } from '../../lambda/core/log';
import { DEFAULT_SETTINGS, type Settings } from '../../lambda/core/settings';
import type { StreamRecordInput } from '../../lambda/deliver/stream-events';
import { accountChange } from '../../lambda/react/budgets/accountant';
import { eachChange } from '../../lambda/react/each-change';
import { guardSessions } from '../../lambda/react/guard/guard';
import { stopWith } from '../../lambda/react/guard/stop';
import { DynamoBudgetLedger } from '../../lambda/record/budget-ledger';
import { DynamoGuardLedger } from '../../lambda/record/guard-ledger';
import type { DeviceFarmScenario } from '../emulators/device-farm';
import { fourJobRunScenario } from '../emulators/device-farm/scenarios/demo';
import { type Harness, startHarness } from './support/pipeline';

const START = new Date('2026-11-21T02:00:00.000Z');

const BUDGET: Settings['budgets'][number] = {
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
    for (const _ of [1, 2]) {
      const response = await eachChange(records, silentLog, async (change) => {
        await accountChange(change, deps);
      });
      expect(response.batchItemFailures).toEqual([]);
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
      [
        '50%: budget nightly-metered at 10 of 17 min',
        '80%: budget nightly-metered at 14.8 of 17 min',
        'FORECAST: budget nightly-metered projected to pass 17 min on 2026-11-24',
      ],
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

  it('stops a session that runs past its limit exactly once, and says so', async () => {
    harness = await startHarness({ scenario: oneSessionScenario('METERED') });
    const emulator = harness.emulator;
    const ledger = new DynamoGuardLedger(harness.documents, harness.tableName);
    const guard = {
      ledger,
      settings: { ...DEFAULT_SETTINGS.guard, maxMinutes: 12, autoStop: true },
      stop: stopWith(createDeviceFarmClient()),
      log: silentLog,
      now: () => emulator.now(),
    };
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
    expect(subjects).toEqual([
      [],
      [],
      [],
      ['LIMIT SOON: remote access session exploratory (10 min of 12 min)'],
      ['STOPPED: remote access session exploratory (15 min of 12 min)'],
      [],
      ['STOPPED: remote access session exploratory (15 min)'],
    ]);
  });

  it('stops a session started with vigil session start at its own limit', async () => {
    harness = await startHarness({ scenario: oneSessionScenario('METERED') });
    const emulator = harness.emulator;
    const dir = mkdtempSync(join(tmpdir(), 'vigil-session-'));
    writeFileSync(join(dir, 'vigil.config.json'), JSON.stringify({ guard: { autoStop: true, maxMinutes: 60 } }));
    const out: string[] = [];
    const io = {
      env: { ...process.env, VIGIL_TABLE: harness.tableName },
      cwd: dir,
      out: (t: string) => out.push(t),
      err: (t: string) => out.push(`ERR ${t}`),
    };
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
    const guard = {
      ledger: new DynamoGuardLedger(harness.documents, harness.tableName),
      settings: { ...DEFAULT_SETTINGS.guard, maxMinutes: 60, autoStop: true },
      stop: stopWith(createDeviceFarmClient()),
      log: silentLog,
      now: () => emulator.now(),
    };
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
});
