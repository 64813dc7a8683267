import {
  DeviceFarmClient,
  ListJobsCommand,
  ListProjectsCommand,
  ListRemoteAccessSessionsCommand,
  ListRunsCommand,
  ListTestGridProjectsCommand,
  type Run,
} from '@aws-sdk/client-device-farm';
import { mockClient } from 'aws-sdk-client-mock';
import { DEFAULT_SETTINGS } from '../../../../lambda/config/settings';
import { planNotices } from '../../../../lambda/deliver/rules';
import { pollDeviceFarm } from '../../../../lambda/observe/device-farm/poll-cycle';
import { projectArn, runArn } from '../../../support/arns';
import { clockFrom, run } from '../../../support/device-farm-api';
import { InMemoryStateStore, MemoryLog } from '../../../support/fakes';

const deviceFarm = mockClient(DeviceFarmClient);
const client = new DeviceFarmClient({ region: 'us-west-2' });

const SHOP = { arn: projectArn('p-shop'), name: 'Shop App' };
const CURSOR_KEY = `devicefarm|${SHOP.arn}|run`;

/** Runs one cycle at `at` and returns its report with the store calls and ListRuns pages it made. */
async function cycleAt(store: InMemoryStateStore, at: string, log = new MemoryLog()) {
  const before = { ...store.calls };
  deviceFarm.resetHistory();
  const report = await pollDeviceFarm({ client, store, settings: DEFAULT_SETTINGS, log, now: clockFrom(at) });
  return {
    report,
    listRuns: deviceFarm.commandCalls(ListRunsCommand).length,
    loadScope: store.calls.loadScope - before.loadScope,
    writes: store.calls.writeChange - before.writeChange,
  };
}

const finished = (id: string, created: string, stopped: string, result = 'PASSED'): Run =>
  run(id, 'p-shop', {
    status: 'COMPLETED',
    result: result as Run['result'],
    created: new Date(created),
    stopped: new Date(stopped),
  });

/** ListRuns answers `pages` in order, following nextTokens `p2`, `p3`, ... */
function listRuns(...pages: Run[][]): void {
  pages.forEach((runs, index) => {
    const input = index === 0 ? { arn: SHOP.arn } : { arn: SHOP.arn, nextToken: `p${index + 1}` };
    const next = index + 1 < pages.length ? { nextToken: `p${index + 2}` } : {};
    deviceFarm.on(ListRunsCommand, input).resolves({ runs, ...next });
  });
}

beforeEach(() => {
  deviceFarm.reset();
  deviceFarm.on(ListProjectsCommand).resolves({ projects: [SHOP] });
  deviceFarm.on(ListTestGridProjectsCommand).resolves({ testGridProjects: [] });
  deviceFarm.on(ListRemoteAccessSessionsCommand).resolves({ remoteAccessSessions: [] });
  deviceFarm.on(ListJobsCommand).resolves({ jobs: [] });
});

describe('pollDeviceFarm reading listings in full', () => {
  describe('a project whose runs are listed oldest first', () => {
    const a = finished('r-a', '2026-11-21T07:00:00Z', '2026-11-21T07:05:00Z');
    const b = finished('r-b', '2026-11-21T08:02:00Z', '2026-11-21T08:04:00Z');
    const c = run('r-c', 'p-shop', { created: new Date('2026-11-21T08:06:00Z') });

    /** Baseline with one run: no order to judge yet. */
    async function arrange(): Promise<InMemoryStateStore> {
      const store = new InMemoryStateStore();
      listRuns([a]);
      await cycleAt(store, '2026-11-21T08:00:00.000Z');
      listRuns([a, b], [c]);
      return store;
    }

    it('reads every page, records the run on the last page and flags the project when a page is out of order', async () => {
      // Arrange
      const store = await arrange();
      const log = new MemoryLog();

      // Act
      const { report, listRuns: pages } = await cycleAt(store, '2026-11-21T08:10:00.000Z', log);

      // Assert
      expect(pages).toBe(2);
      expect(report.events.map((e) => e.arn)).toEqual([runArn('r-b', 'p-shop'), runArn('r-c', 'p-shop')]);
      expect(report.events.every((e) => !e.baseline)).toBe(true);
      expect(report).toMatchObject({ listingsOutOfOrder: 1, fullListingScopes: 1, foundBelowWatermark: 0 });
      expect(store.cursors.get(CURSOR_KEY)).toEqual({
        service: 'devicefarm',
        scope: SHOP.arn,
        kind: 'run',
        seenThrough: '2026-11-21T08:06:00.000Z',
        firstPolledAt: '2026-11-21T08:00:00.000Z',
        fullListings: true,
      });
      expect(log.lines.filter((l) => l.level === 'warn')).toEqual([
        {
          level: 'warn',
          message: 'A Device Farm listing is not newest first; it is read in full from now on, and was this cycle',
          extra: { cycleId: report.cycleId, service: 'devicefarm', scope: SHOP.arn, kind: 'run' },
        },
      ]);
    });

    it('reads the full listing directly, compared with one Query and without re-recording, on the next cycle', async () => {
      // Arrange
      const store = await arrange();
      await cycleAt(store, '2026-11-21T08:10:00.000Z');
      const log = new MemoryLog();

      // Act
      const next = await cycleAt(store, '2026-11-21T08:11:00.000Z', log);

      // Assert
      expect(next.listRuns).toBe(2);
      expect(next.loadScope).toBe(1);
      expect(next.writes).toBe(0);
      expect(next.report.events).toEqual([]);
      expect(next.report).toMatchObject({ listingsOutOfOrder: 0, fullListingScopes: 1, foundBelowWatermark: 0 });
      expect(log.messages('warn')).toEqual([]);
      expect(deviceFarm).not.toHaveReceivedCommand(ListJobsCommand);
    });
  });

  describe('the hourly full listing of a project listed newest first', () => {
    const a = finished('r-a', '2026-11-21T07:00:00Z', '2026-11-21T07:05:00Z');
    // Listed late: absent from the 08:10 listing, then listed below the watermark that c moved to 08:08.
    const b = finished('r-b', '2026-11-21T08:05:00Z', '2026-11-21T08:07:00Z', 'FAILED');
    const c = finished('r-c', '2026-11-21T08:08:00Z', '2026-11-21T08:09:00Z');

    async function arrange(): Promise<InMemoryStateStore> {
      const store = new InMemoryStateStore();
      listRuns([a]);
      await cycleAt(store, '2026-11-21T08:00:00.000Z');
      listRuns([c, a]);
      await cycleAt(store, '2026-11-21T08:10:00.000Z');
      listRuns([c, b], [a]);
      return store;
    }

    it('reads only down to the watermark, and misses the run listed late, before 60 minutes', async () => {
      // Arrange
      const store = await arrange();

      // Act
      const early = await cycleAt(store, '2026-11-21T08:59:59.000Z');

      // Assert
      expect(early.listRuns).toBe(1);
      expect(early.loadScope).toBe(0);
      expect(early.report.events).toEqual([]);
      expect(early.report.foundBelowWatermark).toBe(0);
    });

    it('reads every page at 60 minutes, records the run found below the watermark as news and reports it', async () => {
      // Arrange
      const store = await arrange();
      const log = new MemoryLog();

      // Act
      const hourly = await cycleAt(store, '2026-11-21T09:00:00.000Z', log);
      const after = await cycleAt(store, '2026-11-21T09:01:00.000Z');

      // Assert
      expect(hourly.listRuns).toBe(2);
      expect(hourly.loadScope).toBe(1);
      expect(hourly.report.events.map((e) => [e.arn, e.to.status, e.to.result, e.baseline])).toEqual([
        [runArn('r-b', 'p-shop'), 'COMPLETED', 'FAILED', false],
      ]);
      expect(hourly.report).toMatchObject({ foundBelowWatermark: 1, listingsOutOfOrder: 0, fullListingScopes: 0 });
      expect(planNotices(hourly.report.events, DEFAULT_SETTINGS.rules).map((n) => n.type)).toEqual(['run-finished']);
      expect(log.lines.find((l) => l.message.startsWith('A full listing found'))).toEqual({
        level: 'warn',
        message: 'A full listing found resources below the watermark that were never recorded; recorded now',
        extra: {
          cycleId: hourly.report.cycleId,
          service: 'devicefarm',
          scope: SHOP.arn,
          kind: 'run',
          arns: [runArn('r-b', 'p-shop')],
        },
      });
      expect(store.cursors.get(CURSOR_KEY)?.fullListedAt).toBe('2026-11-21T09:00:00.000Z');
      expect(after).toMatchObject({ listRuns: 1, loadScope: 0, writes: 0 });
    });

    it('records nothing again when the next hourly listing finds the same runs', async () => {
      // Arrange
      const store = await arrange();
      await cycleAt(store, '2026-11-21T09:00:00.000Z');

      // Act
      const nextHour = await cycleAt(store, '2026-11-21T10:00:00.000Z');

      // Assert
      expect(nextHour).toMatchObject({ listRuns: 2, loadScope: 1, writes: 0 });
      expect(nextHour.report.foundBelowWatermark).toBe(0);
    });
  });

  describe('history a full listing finds unrecorded', () => {
    const firstPoll = '2026-11-21T08:00:00.000Z';
    // Finished before the first poll, and missing from the table (the baseline's listing did not show it).
    const older = finished('r-older', '2026-11-21T07:30:00Z', '2026-11-21T07:40:00Z', 'FAILED');
    // Finished after the first poll but more than the 90 days of retention ago: TTL removed its state.
    const expired = finished('r-expired', '2026-11-21T08:30:00Z', '2026-11-21T09:00:00Z', 'FAILED');

    it('records neither run, reports neither, and writes nothing for them an hour later', async () => {
      // Arrange
      const store = new InMemoryStateStore().seedCursor({
        service: 'devicefarm',
        scope: SHOP.arn,
        kind: 'run',
        seenThrough: '2026-11-21T09:30:00.000Z',
        firstPolledAt: firstPoll,
        fullListedAt: '2027-03-01T07:00:00.000Z',
      });
      listRuns([expired], [older]);
      await cycleAt(store, '2027-03-01T07:30:00.000Z');

      // Act
      const hourly = await cycleAt(store, '2027-03-01T08:00:00.000Z');
      const nextHour = await cycleAt(store, '2027-03-01T09:00:00.000Z');

      // Assert
      expect(hourly).toMatchObject({ listRuns: 2, loadScope: 1, writes: 0 });
      expect(hourly.report.events).toEqual([]);
      expect(hourly.report.foundBelowWatermark).toBe(0);
      expect(nextHour).toMatchObject({ listRuns: 2, loadScope: 1, writes: 0 });
    });
  });
});
