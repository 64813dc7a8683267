import { ArgumentException } from '@aws-sdk/client-device-farm';
import type { GuardSettings } from '../../../../lambda/config/settings';
import type { Observation } from '../../../../lambda/core/observation';
import { type GuardDeps, guardChange, guardSessions, policyFor } from '../../../../lambda/react/guard/guard';
import type { StoredState } from '../../../../lambda/record/change-event';
import type { GuardState } from '../../../../lambda/record/guard-ledger';
import { projectArn, sessionArn } from '../../../support/arns';
import { changeEvent, runObs, sessionObs, stored } from '../../../support/builders';
import { MemoryLog } from '../../../support/fakes';
import { CountingStop, InMemoryGuardLedger } from '../../../support/ledgers';
import { guardSettings } from '../../../support/reactor-builders';

const STARTED = '2026-11-21T07:25:00.000Z';
/** `minutes` after STARTED. */
const at = (minutes: number) => new Date(Date.parse(STARTED) + minutes * 60_000);

const ARN = sessionArn();
const SESSION = sessionObs({ started: STARTED });

describe('guardSessions', () => {
  let ledger: InMemoryGuardLedger;
  let stop: CountingStop;
  let log: MemoryLog;

  beforeEach(() => {
    ledger = new InMemoryGuardLedger();
    stop = new CountingStop();
    log = new MemoryLog();
  });

  function deps(settings: Partial<GuardSettings>, now: Date): GuardDeps {
    return {
      ledger,
      settings: guardSettings(settings),
      // The table and Device Farm agree with the candidate unless a test says otherwise.
      current: async (session) => ({ ...session, version: 1, terminal: false }),
      status: async () => 'RUNNING',
      stop: stop.stop,
      log,
      now: () => now,
    };
  }

  /** One guard pass over `sessions` at `minutes` after STARTED. */
  const pass = (settings: Partial<GuardSettings>, minutes: number, sessions: Observation[] = [SESSION]) =>
    guardSessions(sessions, deps(settings, at(minutes)));

  const AUTO_STOP = { maxMinutes: 30, autoStop: true };

  describe('stopping', () => {
    it('stops a session past its limit exactly once across repeated passes', async () => {
      // Act
      const first = await pass(AUTO_STOP, 35);
      const second = await pass(AUTO_STOP, 36);
      const third = await pass(AUTO_STOP, 40);

      // Assert
      expect(stop.attempts).toEqual([ARN]);
      expect(first).toEqual([
        {
          eventId: `${ARN}#guard-stop`,
          eventType: 'guard',
          service: 'devicefarm',
          kind: 'remote-access-session',
          arn: ARN,
          name: 'debug checkout',
          project: { arn: projectArn(), name: 'Shop App' },
          at: '2026-11-21T08:00:00.000Z',
          action: 'stop',
          minutes: 35,
          limitMinutes: 30,
          limitSource: 'global',
          state: SESSION,
        },
      ]);
      expect([second, third]).toEqual([[], []]);
      expect(ledger.items.get(ARN)).toEqual({ done: ['stop'], stopCalledAt: '2026-11-21T08:00:00.000Z' });
    });

    it('warns once at warnAt, then stops at the limit', async () => {
      // Act
      const passes = [await pass(AUTO_STOP, 24.5), await pass(AUTO_STOP, 27), await pass(AUTO_STOP, 30.25)];

      // Assert
      expect(passes.map((events) => events.map((e) => [e.eventId, e.minutes]))).toEqual([
        [[`${ARN}#guard-warning`, 24.5]],
        [],
        [[`${ARN}#guard-stop`, 30.3]],
      ]);
      expect(stop.attempts).toEqual([ARN]);
    });

    it('completes a stop on the next pass when the previous one crashed after recording it', async () => {
      // Arrange: the first StopRemoteAccessSession call never happens (the process dies, seen as a throw).
      stop.failNext(new Error('socket hang up'));

      // Act
      const crashed = pass(AUTO_STOP, 35);
      await expect(crashed).rejects.toThrow('socket hang up');
      const recorded = structuredClone(ledger.items.get(ARN));
      const retried = await pass(AUTO_STOP, 36);
      const later = await pass(AUTO_STOP, 37);

      // Assert
      expect(recorded).toEqual({ done: ['stop'] });
      expect(ledger.events.map((e) => e.eventId)).toEqual([`${ARN}#guard-stop`]);
      expect([retried, later]).toEqual([[], []]);
      expect(stop.attempts).toEqual([ARN, ARN]);
      expect(stop.stopped).toEqual([ARN]);
      expect(ledger.items.get(ARN)?.stopCalledAt).toBe('2026-11-21T08:01:00.000Z');
    });

    it('does not call Stop again after a crash when the session is already stopping', async () => {
      // Arrange
      stop.failNext(new Error('socket hang up'));
      await expect(pass(AUTO_STOP, 35)).rejects.toThrow('socket hang up');

      // Act
      const events = await pass(AUTO_STOP, 36, [{ ...SESSION, status: 'STOPPING' }]);

      // Assert
      expect(events).toEqual([]);
      expect(stop.stopped).toEqual([]);
      expect(stop.attempts).toEqual([ARN]);
    });

    it('counts an ArgumentException from Device Farm (already stopping) as stopped', async () => {
      // Arrange
      stop.failNext(new ArgumentException({ message: 'The session is already stopping or stopped.', $metadata: {} }));

      // Act
      const first = await pass(AUTO_STOP, 35);
      const second = await pass(AUTO_STOP, 36);

      // Assert
      expect(first.map((e) => e.eventId)).toEqual([`${ARN}#guard-stop`]);
      expect(second).toEqual([]);
      expect(stop.attempts).toEqual([ARN]);
      expect(ledger.items.get(ARN)?.stopCalledAt).toBe('2026-11-21T08:00:00.000Z');
      expect(log.lines).toContainEqual({
        level: 'info',
        message: 'The session was already stopping or over when the guard stopped it',
        extra: {
          arn: ARN,
          error: 'The session is already stopping or stopped.',
          errorName: 'ArgumentException',
        },
      });
    });

    it('never stops a session that is already stopping or completed', async () => {
      const stopping = sessionObs({ arn: sessionArn('s-1'), started: STARTED, status: 'STOPPING' });
      const completed = sessionObs({ arn: sessionArn('s-2'), started: STARTED, status: 'COMPLETED' });

      const events = await pass(AUTO_STOP, 60, [stopping, completed]);

      expect(events).toEqual([]);
      expect(stop.attempts).toEqual([]);
    });

    it('stops only the sessions past their limit and ignores other kinds', async () => {
      // Arrange
      const over = sessionObs({ arn: sessionArn('s-over'), started: STARTED });
      const under = sessionObs({ arn: sessionArn('s-under'), started: '2026-11-21T07:50:00.000Z' });
      const run = runObs({ started: STARTED });

      // Act
      const events = await pass(AUTO_STOP, 35, [over, under, run]);

      // Assert
      expect(events.map((e) => e.eventId)).toEqual([`${sessionArn('s-over')}#guard-stop`]);
      expect(stop.attempts).toEqual([sessionArn('s-over')]);
    });
  });

  describe('without stopping', () => {
    it('never calls Stop in a dry run, and logs what it would stop', async () => {
      // Act
      const first = await pass({ ...AUTO_STOP, dryRun: true }, 35);
      const second = await pass({ ...AUTO_STOP, dryRun: true }, 45);

      // Assert
      expect(stop.attempts).toEqual([]);
      expect(first.map((e) => [e.eventId, e.action])).toEqual([[`${ARN}#guard-would-stop`, 'would-stop']]);
      expect(second).toEqual([]);
      expect(log.lines).toEqual([
        {
          level: 'warn',
          message: 'Dry run: the guard would stop this remote access session',
          extra: { arn: ARN, minutes: 35 },
        },
      ]);
    });

    it('only alerts (over-limit) when autoStop is off', async () => {
      const events = await pass({ maxMinutes: 30 }, 35);

      expect(events.map((e) => [e.eventId, e.limitSource])).toEqual([[`${ARN}#guard-over-limit`, 'global']]);
      expect(stop.attempts).toEqual([]);
    });

    it('warns near the 150-minute hard limit with no guard configured', async () => {
      const events = await pass({}, 121);

      expect(events.map((e) => [e.eventId, e.limitMinutes, e.limitSource, e.minutes])).toEqual([
        [`${ARN}#guard-hard-limit-warning`, 150, 'hard-limit', 121],
      ]);
      expect(stop.attempts).toEqual([]);
    });
  });

  describe('limit sources', () => {
    it.each([
      ['its own limit (vigil session start) first', true, { 'Shop App': 25 }, 30, 20, 'session'],
      ['its project’s limit, by name, before the global one', false, { 'Shop App': 25 }, 30, 25, 'project'],
      ['its project’s limit, by ARN', false, { [projectArn()]: 25 }, 30, 25, 'project'],
      ['the global limit last', false, { 'Other App': 10 }, 30, 30, 'global'],
    ])('stops a session at %s', async (_case, ownLimit, projects, maxMinutes, limit, source) => {
      // Arrange
      if (ownLimit) await ledger.setSessionLimit(ARN, 20, 'alice');

      // Act
      const events = await pass({ autoStop: true, maxMinutes, projects }, 35);

      // Assert
      expect(events.map((e) => [e.eventId, e.limitMinutes, e.limitSource])).toEqual([
        [`${ARN}#guard-stop`, limit, source],
      ]);
    });
  });
});

describe('policyFor', () => {
  const session = sessionObs();
  const BASE = { warnAt: 0.8, autoStop: true, dryRun: false };
  const own: GuardState = { arn: ARN, limitMinutes: 20, startedBy: 'alice', done: [] };
  const none: GuardState = { arn: ARN, done: ['warning'] };

  it.each<[string, GuardState | undefined, Partial<GuardSettings>, object]>([
    [
      'the session’s own limit over its project’s and the global one',
      own,
      { maxMinutes: 30, projects: { [projectArn()]: 25 } },
      { ...BASE, limitMinutes: 20, limitSource: 'session' },
    ],
    [
      'the project’s limit by ARN over the one by name',
      undefined,
      { maxMinutes: 30, projects: { [projectArn()]: 25, 'Shop App': 27 } },
      { ...BASE, limitMinutes: 25, limitSource: 'project' },
    ],
    [
      'the project’s limit by name when there is none by ARN',
      none,
      { maxMinutes: 30, projects: { 'Shop App': 27 } },
      { ...BASE, limitMinutes: 27, limitSource: 'project' },
    ],
    [
      'the global limit when neither the session nor its project has one',
      none,
      { maxMinutes: 30, projects: { 'Other App': 10 } },
      { ...BASE, limitMinutes: 30, limitSource: 'global' },
    ],
    ['no limit when none is configured', undefined, {}, BASE],
  ])('chooses %s', (_case, state, settings, expected) => {
    expect(policyFor(session, state, guardSettings({ autoStop: true, ...settings }))).toEqual(expected);
  });

  it('matches a project without a known name by ARN only', () => {
    const nameless = sessionObs({ project: { arn: projectArn() } });

    expect(policyFor(nameless, undefined, guardSettings({ maxMinutes: 30, projects: { 'Shop App': 27 } }))).toEqual({
      warnAt: 0.8,
      autoStop: false,
      dryRun: false,
      limitMinutes: 30,
      limitSource: 'global',
    });
  });
});

describe('the guard decides on the present', () => {
  const ledger = () => new InMemoryGuardLedger();
  const RUNNING_AT_5 = changeEvent('remote-access-session', {
    from: { status: 'PENDING', result: 'PENDING' },
    to: { status: 'RUNNING', result: 'PENDING' },
    state: { started: STARTED },
  });

  /** Deps whose table holds `latest` and whose Device Farm answers `status`. */
  function present(latest: StoredState | undefined, status: string | undefined, now: Date) {
    const stop = new CountingStop();
    const calls = { current: 0, status: 0 };
    const log = new MemoryLog();
    const deps: GuardDeps = {
      ledger: ledger(),
      settings: guardSettings({ maxMinutes: 30, autoStop: true }),
      current: async () => {
        calls.current++;
        return latest;
      },
      status: async () => {
        calls.status++;
        return status;
      },
      stop: stop.stop,
      log,
      now: () => now,
    };
    return { deps, stop, calls, log };
  }

  it('does nothing for a record processed after the session has ended', async () => {
    // Arrange: the RUNNING record is read at minute 35, but the session COMPLETED at minute 20 (version 3).
    const ended = { ...stored({ ...RUNNING_AT_5.state, status: 'COMPLETED', result: 'PASSED' }), version: 3 };
    const { deps, stop, calls } = present(ended, 'COMPLETED', at(35));

    // Act
    const acted = await guardChange(RUNNING_AT_5, deps);

    // Assert
    expect(acted).toEqual([]);
    expect(stop.attempts).toEqual([]);
    expect(calls).toEqual({ current: 1, status: 0 });
  });

  it('warns nothing for a late record of a session that ended at 15 minutes', async () => {
    // Arrange
    const ended = { ...stored({ ...RUNNING_AT_5.state, status: 'COMPLETED', result: 'PASSED' }), version: 3 };
    const { deps } = present(ended, 'COMPLETED', at(25));

    // Act
    const acted = await guardChange(RUNNING_AT_5, deps);

    // Assert
    expect(acted).toEqual([]);
  });

  it('stops once, confirmed by GetRemoteAccessSession, a session whose late record is still its latest state', async () => {
    // Arrange
    const latest = { ...stored(RUNNING_AT_5.state), version: RUNNING_AT_5.version };
    const { deps, stop, calls } = present(latest, 'RUNNING', at(35));

    // Act
    const acted = await guardChange(RUNNING_AT_5, deps);

    // Assert
    expect(acted.map((e) => [e.action, e.minutes])).toEqual([['stop', 35]]);
    expect(stop.attempts).toEqual([RUNNING_AT_5.arn]);
    expect(calls).toEqual({ current: 1, status: 1 });
  });

  it('neither stops nor announces a stop when Device Farm says the session already ended', async () => {
    // Arrange: the table has not seen the end yet; Device Farm has.
    const latest = { ...stored(RUNNING_AT_5.state), version: RUNNING_AT_5.version };
    const { deps, stop, log } = present(latest, 'COMPLETED', at(35));

    // Act
    const acted = await guardChange(RUNNING_AT_5, deps);

    // Assert
    expect(acted).toEqual([]);
    expect(stop.attempts).toEqual([]);
    expect(log.messages('info')).toEqual([
      'The session is no longer running at Device Farm; the guard does not stop it',
    ]);
  });

  it('reads the table again before acting on a candidate from the active index, and acts on what it holds now', async () => {
    // Arrange: the index still lists the session RUNNING; the table has it COMPLETED.
    const candidate = stored(sessionObs({ started: STARTED }));
    const now = { ...candidate, status: 'COMPLETED', result: 'PASSED', version: 2, terminal: true };
    const { deps, stop, calls } = present(now, 'COMPLETED', at(35));

    // Act
    const acted = await guardSessions([candidate], deps);

    // Assert
    expect(acted).toEqual([]);
    expect(stop.attempts).toEqual([]);
    expect(calls).toEqual({ current: 1, status: 0 });
  });

  it('reads nothing again for a candidate it would not act on', async () => {
    // Arrange
    const candidate = stored(sessionObs({ started: STARTED }));
    const { deps, calls } = present(candidate, 'RUNNING', at(5));

    // Act
    await guardSessions([candidate], deps);

    // Assert
    expect(calls).toEqual({ current: 0, status: 0 });
  });
});
