/**
 * Issue #12 end to end (the real SDK clients, the Device Farm emulator,
 * DynamoDB Local, the stream and fauxqs): a project whose listings are not
 * newest first loses nothing on their last page, and a run whose GetRun
 * answers NotFound once is followed to its result instead of being taken for
 * deleted.
 */
import { ArnBuilder, DEFAULT_ACCOUNT_ID } from '../emulators/device-farm';
import { followedRunScenario, LISTING_IDS, oldestFirstScenario } from '../emulators/device-farm/scenarios/listings';
import { changesOf } from '../support/changes';
import { type Harness, startHarness } from '../support/pipeline';

const arns = new ArnBuilder(DEFAULT_ACCOUNT_ID);
const PROJECT = arns.project(LISTING_IDS.project);
const NIGHTLY = arns.run(LISTING_IDS.project, LISTING_IDS.nightlyRun);
const START = new Date('2026-11-21T02:00:00.000Z');

/** One poll and delivery at `step`: the report, the Device Farm calls and the subjects received. */
async function cycleAt(harness: Harness, step: number) {
  harness.emulator.setStep(step);
  const { report, calls } = await harness.cycle();
  const subjects = (await harness.received()).map((m) => m.subject).sort();
  return { report, calls, subjects };
}

describe('Device Farm listings and NotFound answers', () => {
  let harness: Harness | undefined;

  afterEach(async () => {
    await harness?.stop();
    harness = undefined;
  });

  describe('a project listed oldest first, two per page', () => {
    it('notifies the run and the session on the last page within one poll of their change, and reads the listings in full from then on', async () => {
      harness = await startHarness({ scenario: oldestFirstScenario(START) });

      const baseline = await cycleAt(harness, 0);
      const found = await cycleAt(harness, 1);
      const jobFailed = await cycleAt(harness, 2);
      const finished = await cycleAt(harness, 3);

      // What the subscriber got: the failed job within one poll of its change (1.5 → step 2), the
      // run's and the session's completions within one poll of theirs (2.5 → step 3).
      expect([baseline.subjects, found.subjects, jobFailed.subjects, finished.subjects]).toEqual([
        [],
        [],
        ['FAILED: job Tests on Galaxy S23 in run nightly'],
        ['FAILED: run nightly (1 of 2 jobs did not pass)', 'PASSED: remote access session debug-session (12.5 min)'],
      ]);
      // Step 1: the first page is oldest first: both listings are read to their end and flagged.
      expect(baseline.report.listingsOutOfOrder).toBe(0);
      expect(found.report).toMatchObject({ listingsOutOfOrder: 2, fullListingScopes: 2, failures: [] });
      expect(found.report.events.filter((e) => e.kind === 'run').map((e) => e.name)).toEqual(['smoke', 'nightly']);
      expect(found.calls['devicefarm.ListRuns']).toBe(2);
      expect(found.calls['devicefarm.ListRemoteAccessSessions']).toBe(2);
      const cursors = await harness.store.loadCursors('devicefarm');
      expect(cursors.filter((c) => c.scope === PROJECT).map((c) => [c.kind, c.fullListings])).toEqual([
        ['remote-access-session', true],
        ['run', true],
      ]);
      // Step 2 on: read in full directly, nothing found out of order again.
      expect(jobFailed.report).toMatchObject({ listingsOutOfOrder: 0, fullListingScopes: 2, failures: [] });
      expect(jobFailed.calls['devicefarm.ListRuns']).toBe(2);
      expect(jobFailed.calls['devicefarm.ListRemoteAccessSessions']).toBe(2);
      expect(finished.report.failures).toEqual([]);
    });
  });

  describe('a running run below the first page, followed with GetRun', () => {
    it('reports the failed read, records no NOT_FOUND and sends the FAILED run when GetRun answers NotFound once', async () => {
      harness = await startHarness({ scenario: followedRunScenario(START) });
      await cycleAt(harness, 1);
      harness.emulator.answerNotFound(NIGHTLY, 1);

      const notFound = await cycleAt(harness, 2);
      const finished = await cycleAt(harness, 3);

      expect(finished.subjects).toEqual(['FAILED: run nightly (1 of 1 jobs did not pass)']);
      expect(notFound.calls['devicefarm.GetRun']).toBe(1);
      expect(notFound.report.events).toEqual([]);
      expect(notFound.report.failures).toEqual([
        {
          scope: PROJECT,
          kind: 'run',
          resource: NIGHTLY,
          error:
            'Device Farm answered NotFound for this run (status RUNNING); it is read again next cycle and recorded as deleted only if that read answers NotFound too',
        },
      ]);
      expect(finished.report.failures).toEqual([]);
      const timeline = changesOf(await harness.store.timeline(NIGHTLY));
      expect(timeline.map((t) => `${t.version}:${t.to.status}/${t.to.result}`)).toEqual([
        '1:RUNNING/PENDING',
        '2:COMPLETED/FAILED',
      ]);
      expect(harness.emulator.pendingNotFound).toBe(0);
    });

    it('records the run NOT_FOUND once, on the second consecutive NotFound, and sends nothing', async () => {
      harness = await startHarness({ scenario: followedRunScenario(START) });
      await cycleAt(harness, 1);
      harness.emulator.answerNotFound(NIGHTLY, 2);

      const first = await cycleAt(harness, 2);
      const second = await cycleAt(harness, 3);
      const after = await cycleAt(harness, 4);

      expect(first.report.failures.map((f) => f.resource)).toEqual([NIGHTLY]);
      expect(first.report.events).toEqual([]);
      expect(second.report.failures).toEqual([]);
      expect(second.report.events.map((e) => `${e.arn} ${e.from?.status} → ${e.to.status}`)).toEqual([
        `${NIGHTLY} RUNNING → NOT_FOUND`,
      ]);
      expect(after.calls['devicefarm.GetRun'] ?? 0).toBe(0);
      expect([...first.subjects, ...second.subjects, ...after.subjects]).toEqual([]);
      const timeline = changesOf(await harness.store.timeline(NIGHTLY));
      expect(timeline.map((t) => t.to.status)).toEqual(['RUNNING', 'NOT_FOUND']);
    });
  });
});
