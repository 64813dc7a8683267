/**
 * Silences end to end: the real SDK clients against the Device Farm emulator,
 * DynamoDB Local and fauxqs. The notifier, the guard and the silences share
 * the scenario's clock, so the silence's start and end are exact instants.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deliverFromStream } from '../../lambda/cli/deliver-from-stream';
import { main } from '../../lambda/cli/main';
import { createSnsClient } from '../../lambda/clients/aws-clients';
import { DEFAULT_SETTINGS, type Settings } from '../../lambda/config/settings';
import { silentLog } from '../../lambda/core/log';
import { sweepNotifications } from '../../lambda/deliver/notifier';
import { SnsPublisher } from '../../lambda/deliver/sns-publisher';
import { notifierDeps } from '../../lambda/engine/wiring';
import { guardPass } from '../../lambda/react/reactor';
import type { DeviceFarmScenario } from '../emulators/device-farm';
import { ArnBuilder, DEFAULT_ACCOUNT_ID } from '../emulators/device-farm';
import { type Harness, harnessReactors, startHarness } from '../support/pipeline';

const START = new Date('2026-11-21T02:00:00.000Z');
const at = (minutes: number) => new Date(START.getTime() + minutes * 60_000).toISOString();
const arns = new ArnBuilder(DEFAULT_ACCOUNT_ID);
const SANDBOX = 'c0ffee00-0000-4000-8000-000000000001';
const ANDROID = 'c0ffee00-0000-4000-8000-000000000002';
const PIXEL = { name: 'Google Pixel 8', platform: 'ANDROID' as const, os: '14' };

/** A run that RUNs from `from` and ends FAILED at `to` (5-minute steps). */
function failingRun(id: string, name: string, from: number, to: number) {
  return {
    id,
    name,
    billingMethod: 'UNMETERED',
    timeline: [
      { step: from, status: 'RUNNING', result: 'PENDING' },
      { step: to, status: 'COMPLETED', result: 'FAILED', message: 'Tests failed' },
    ],
  };
}

/**
 * Project qa-sandbox (silenced from minute 1 to 22): run sandbox-a FAILS at
 * step 2, sandbox-b at step 5 (after the silence); a remote access session
 * RUNNING from step 1 that the guard stops at its 12-minute limit (step 4).
 * Project android-app: run android-a FAILS at step 2.
 */
const SCENARIO: DeviceFarmScenario = {
  startTime: START.toISOString(),
  stepSeconds: 300,
  projects: [
    {
      id: SANDBOX,
      name: 'qa-sandbox',
      created: '2026-10-01T00:00:00.000Z',
      runs: [
        failingRun('c0ffee00-0000-4000-8000-00000000000a', 'sandbox-a', 1, 2),
        failingRun('c0ffee00-0000-4000-8000-00000000000b', 'sandbox-b', 4, 5),
      ],
      remoteAccessSessions: [
        {
          id: 'c0ffee00-0000-4000-8000-0000000000aa',
          name: 'sandbox-session',
          device: PIXEL,
          billingMethod: 'UNMETERED',
          timeline: [{ step: 1, status: 'RUNNING', result: 'PENDING' }],
        },
      ],
    },
    {
      id: ANDROID,
      name: 'android-app',
      created: '2026-10-01T00:00:00.000Z',
      runs: [failingRun('c0ffee00-0000-4000-8000-00000000000c', 'android-a', 1, 2)],
    },
  ],
  devices: [PIXEL],
};

const SETTINGS: Settings = {
  ...DEFAULT_SETTINGS,
  guard: { ...DEFAULT_SETTINGS.guard, maxMinutes: 12, autoStop: true },
};

describe('silences', () => {
  let harness: Harness | undefined;

  afterEach(async () => {
    await harness?.stop();
    harness = undefined;
  });

  it('records a silenced project’s failures as silenced and never sends them, sends the others, sends again after expiry, and leaves the guard acting', async () => {
    harness = await startHarness({ scenario: SCENARIO, settings: SETTINGS });
    const h = harness;
    let clock = START;
    const notifier = notifierDeps({
      table: h.table,
      publisher: new SnsPublisher(createSnsClient(), h.topicArn),
      settings: h.settings,
      log: silentLog,
      now: () => clock,
    });
    const reactors = harnessReactors(h, { now: () => clock });
    await h.table.silences.add({
      id: 's-5a4db0c5',
      match: { projects: ['qa-sandbox'] },
      startsAt: at(1),
      endsAt: at(22),
      reason: 'devices in the sandbox lab are being replaced',
      createdBy: 'arn:aws:iam::123456789012:user/alice',
      createdAt: at(1),
    });

    const subjects: string[][] = [];
    for (const step of [0, 1, 2, 3, 4, 5]) {
      h.emulator.setStep(step);
      clock = h.emulator.now();
      await h.poll();
      await guardPass(reactors);
      await deliverFromStream(h.follower, notifier);
      subjects.push((await h.received()).map((m) => m.subject));
    }
    // Long after the silence ended, nothing it silenced is sent by a sweep.
    clock = new Date(START.getTime() + 3 * 3600_000);
    const late = await sweepNotifications(notifier, { staleAfterMs: 0 });

    expect(subjects).toEqual([
      [],
      [],
      // sandbox-a's failure is silenced; android-a's is sent.
      ['FAILED: run android-a (0 of 0 jobs passed)'],
      // The session's warning at 10 of 12 min is silenced like any notice of the project.
      [],
      // The guard stopped the session: a stop is never muted.
      ['STOPPED: remote access session sandbox-session (15 min of 12 min)'],
      // The silence ended at minute 22: sandbox-b's failure at minute 25 is sent.
      ['FAILED: run sandbox-b (0 of 0 jobs passed)'],
    ]);
    expect(late.published).toBe(0);
    expect(await h.received()).toEqual([]);
    expect(h.emulator.calls.StopRemoteAccessSession).toBe(1);

    const sandboxA = arns.run(SANDBOX, 'c0ffee00-0000-4000-8000-00000000000a');
    const timeline = await h.store.timeline(sandboxA);
    const finished = timeline.find((t) => t.event.eventType === 'change' && t.event.to.status === 'COMPLETED');
    expect(finished?.delivery).toBeUndefined();
    expect(finished?.silenced).toEqual({
      eventId: `${sandboxA}@2`,
      subject: 'FAILED: run sandbox-a (0 of 0 jobs passed)',
      eventType: 'run-finished',
      silencedBy: 's-5a4db0c5',
      reason: 'devices in the sandbox lab are being replaced',
      silencedAt: at(10),
    });
    const session = arns.remoteAccessSession(SANDBOX, 'c0ffee00-0000-4000-8000-0000000000aa');
    const guard = (await h.store.timeline(session)).filter((t) => t.event.eventType === 'guard');
    expect(
      guard.map((t) => [t.event.eventType === 'guard' && t.event.action, t.silenced?.silencedBy, t.delivery?.subject]),
    ).toEqual([
      ['warning', 's-5a4db0c5', undefined],
      ['stop', undefined, 'STOPPED: remote access session sandbox-session (15 min of 12 min)'],
    ]);

    // vigil history shows what the silence did.
    const out: string[] = [];
    const io = {
      env: { ...process.env, VIGIL_TABLE: h.tableName },
      cwd: mkdtempSync(join(tmpdir(), 'vigil-silence-')),
      out: (t: string) => out.push(t),
      err: (t: string) => out.push(`ERR ${t}`),
    };
    expect(await main(['history', 'sandbox-a'], io)).toBe(0);
    // Events carry the time Vigil observed them (this machine's clock): pinned here.
    expect(out.slice(2).map((line) => line.replace(/^ {2}\d{4}-\S+Z/, '  <observed>'))).toEqual([
      '  <observed>  v1  first seen RUNNING (result PENDING)',
      '  <observed>  v2  RUNNING → COMPLETED, result PENDING → FAILED',
      `  ${' '.repeat(24)}      silenced by s-5a4db0c5 (devices in the sandbox lab are being replaced), never sent: FAILED: run sandbox-a (0 of 0 jobs passed)`,
    ]);
  });

  it('adds, lists and ends a silence with the CLI, recording who added it and why', async () => {
    harness = await startHarness({ scenario: SCENARIO });
    const out: string[] = [];
    const io = {
      env: { ...process.env, VIGIL_TABLE: harness.tableName, USER: 'alice' },
      cwd: mkdtempSync(join(tmpdir(), 'vigil-silence-')),
      out: (t: string) => out.push(t),
      err: (t: string) => out.push(`ERR ${t}`),
    };

    const added = await main(
      ['silence', 'add', '--for', '2h', '--project', 'qa-sandbox', '--kind', 'run,job', '--reason', 'lab work'],
      io,
    );
    const id = /^Silence (s-[0-9a-f]{8}) added until /.exec(out[0] ?? '')?.[1] ?? '';
    out.length = 0;
    const listed = await main(['silence', 'list'], io);
    const listing = [...out];
    out.length = 0;
    const expired = await main(['silence', 'expire', id], io);
    const [stored] = await harness.table.silences.list();

    expect([added, listed, expired]).toEqual([0, 0, 0]);
    expect(listing[0]).toBe('1 active silence:');
    expect(listing[1]).toMatch(new RegExp(`^  ${id}  until \\S+ \\(2 h left\\)  project=qa-sandbox kind=run,job$`));
    expect(out).toEqual([
      `Silence ${id} ended (project=qa-sandbox kind=run,job). What it matches is sent again from now on; what it silenced stays silenced.`,
    ]);
    // fauxqs answers GetCallerIdentity: the identity is recorded as who added and who ended it.
    expect(stored).toMatchObject({
      id,
      reason: 'lab work',
      match: { projects: ['qa-sandbox'], kinds: ['run', 'job'] },
    });
    expect(stored?.createdBy).toBe(stored?.expiredBy);
    expect(stored?.createdBy).not.toBe('');
    expect(stored?.endsAt).toBe(stored?.expiredAt);
  });
});
