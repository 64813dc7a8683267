/**
 * Events whose stream records no notifier ever handled: the Lambda gave up
 * after its retries (its on-failure queue holds only metadata), or the CLI's
 * checkpoint moved past them. Their outbox entries are still in the table,
 * and the sweeper delivers them once they are older than
 * `delivery.sweepAfterMinutes` (the stream had its chance), once.
 */
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { deliverFromStream } from '../../lambda/cli/deliver-from-stream';
import { ensureTable } from '../../lambda/cli/ensure-table';
import { StreamFollower } from '../../lambda/cli/stream-follower';
import { createDeviceFarmClient, createDynamoClient } from '../../lambda/clients/aws-clients';
import { budgetSchema, DEFAULT_SETTINGS } from '../../lambda/config/settings';
import { silentLog } from '../../lambda/core/log';
import { sweepNotifications } from '../../lambda/deliver/notifier';
import { reactorDeps } from '../../lambda/engine/wiring';
import { pollDeviceFarm } from '../../lambda/observe/device-farm/poll-cycle';
import { sweepReactions } from '../../lambda/react/reactor';
import { BUSY_STEP_SUBJECTS, busyStepScenario, nightlyRunsScenario } from '../emulators/device-farm/scenarios/delivery';
import { vigilEnv, vigilInProcess, writeConfig } from '../support/cli-process';
import { type Harness, startHarness } from '../support/pipeline';
import { coverage } from '../support/published';

const START = new Date('2026-11-21T02:00:00.000Z');
const MINUTE_MS = 60_000;

const minutesAfter = (time: number, minutes: number) => () => new Date(time + minutes * MINUTE_MS);

describe('sweepNotifications', () => {
  let harness: Harness | undefined;

  afterEach(async () => {
    await harness?.stop();
    harness = undefined;
  });

  it('delivers each owed notification once, only after the stale period, when the stream path never ran', async () => {
    // Arrange: steps 0 to 2 recorded (events and their outbox entries); no stream record ever consumed.
    const started = await startHarness({ scenario: busyStepScenario(START) });
    harness = started;
    for (const step of [0, 1, 2]) {
      started.emulator.setStep(step);
      await started.poll();
    }
    const recordedBy = Date.now();
    const staleAfterMinutes = started.settings.delivery.sweepAfterMinutes;
    const options = { staleAfterMs: staleAfterMinutes * MINUTE_MS };
    // A sweep whose clock reads `minutes` after the events were recorded.
    const sweepAt = (minutes: number) =>
      sweepNotifications({ ...started.notifier, now: minutesAfter(recordedBy, minutes) }, options);

    // Act
    const early = await sweepAt(staleAfterMinutes - 1);
    const receivedEarly = await harness.received();
    const stale = await sweepAt(staleAfterMinutes + 1);
    const receivedStale = await harness.received();
    const again = await sweepAt(staleAfterMinutes + 2);
    // A stream reader that comes late (the event source mapping retried after all) finds nothing owed.
    const lateStream = await deliverFromStream(harness.newFollower(), harness.notifier);
    const receivedLast = await harness.received();

    // Assert
    expect(staleAfterMinutes).toBe(5);
    expect({ swept: early.swept, published: early.published, received: receivedEarly.length }).toEqual({
      swept: 0,
      published: 0,
      received: 0,
    });
    // Nine events wait in the outbox; two have nothing to send (the job that passed, and the browser
    // session becoming ACTIVE at step 1, which a rule on test grid statuses could have wanted).
    expect({ swept: stale.swept, published: stale.published, nothingToSend: stale.nothingToSend }).toEqual({
      swept: 9,
      published: 5,
      nothingToSend: 2,
    });
    expect(receivedStale.map((m) => m.subject).sort()).toEqual(BUSY_STEP_SUBJECTS);
    expect([...coverage(receivedStale).values()]).toEqual([1, 1, 1, 1, 1, 1, 1]);
    expect({ swept: again.swept, published: again.published }).toEqual({ swept: 0, published: 0 });
    expect(lateStream.published).toBe(0);
    expect(receivedLast).toEqual([]);
  });
});

describe('vigil run --once', () => {
  let harness: Harness | undefined;

  afterEach(async () => {
    await harness?.stop();
    harness = undefined;
  });

  it('delivers once what its notifier checkpoint has passed when the events are older than sweepAfterMinutes', async () => {
    // Arrange: steps 0 to 2 recorded minutes ago by another poller (its clock says so: a poll never
    // records an observation older than the stored one), and the CLI notifier's checkpoint moved past
    // those records unhandled.
    harness = await startHarness({ scenario: busyStepScenario(START) });
    const env = vigilEnv(harness);
    const config = writeConfig({ delivery: { sweepAfterMinutes: 1 } });
    const now = Date.now();
    const recorded: number[] = [];
    for (const step of [0, 1, 2]) {
      harness.emulator.setStep(step);
      const report = await pollDeviceFarm({
        client: createDeviceFarmClient(),
        store: harness.store,
        settings: harness.settings,
        log: silentLog,
        now: minutesAfter(now, step - 4),
      });
      recorded.push(report.events.length);
    }
    const { streamArn } = await ensureTable(createDynamoClient(), harness.tableName);
    const notifier = new StreamFollower(
      new DynamoDBStreamsClient({ endpoint: process.env.AWS_ENDPOINT_URL_DYNAMODB }),
      streamArn,
      { store: harness.table.checkpoints, consumer: 'notifier' },
    );
    const passed = await notifier.readAvailable();
    for (const shardId of new Set(passed.map((r) => r.shardId))) {
      const last = passed.filter((r) => r.shardId === shardId).at(-1);
      await notifier.commit(shardId, last?.record.dynamodb?.SequenceNumber);
    }

    // Act
    const swept = await vigilInProcess(['run', '--once', '--config', config], env);
    const received = await harness.received();
    const again = await vigilInProcess(['run', '--once', '--config', config], env);

    // Assert
    expect(recorded).toEqual([0, 9, 9]);
    expect(swept.code).toBe(0);
    expect(swept.out).toMatch(/^cycle \S+: 0 changes recorded, 5 notifications published$/m);
    expect(swept.err).toContain('The sweeper found events the stream path never handled; delivering them now');
    expect(received.map((m) => m.subject).sort()).toEqual(BUSY_STEP_SUBJECTS);
    expect(again.out).toMatch(/^cycle \S+: 0 changes recorded, 0 notifications published$/m);
    expect(await harness.received()).toEqual([]);
  });
});

describe('sweepReactions', () => {
  let harness: Harness | undefined;

  afterEach(async () => {
    await harness?.stop();
    harness = undefined;
  });

  it('counts a change toward its budget once, after the stale period, when the reactors never saw its stream record', async () => {
    // Arrange: a budget of metered minutes; step 1 finds a failed run whose job metered 3 minutes.
    const budget = budgetSchema.parse({ name: 'metered', meter: 'deviceMinutes.metered', limitMinutes: 100 });
    const started = await startHarness({
      scenario: nightlyRunsScenario(START, 2),
      settings: { ...DEFAULT_SETTINGS, budgets: [budget] },
    });
    harness = started;
    for (const step of [0, 1]) {
      started.emulator.setStep(step);
      await started.poll();
    }
    const recordedBy = Date.now();
    const staleAfterMs = started.settings.delivery.sweepAfterMinutes * MINUTE_MS;
    const sweepAt = (minutes: number) =>
      sweepReactions(
        reactorDeps({
          table: started.table,
          deviceFarm: createDeviceFarmClient(),
          settings: started.settings,
          log: silentLog,
          now: minutesAfter(recordedBy, minutes),
        }),
        { staleAfterMs, limit: 100 },
      );

    // Act
    const early = await sweepAt(4);
    const usageEarly = await started.table.budgets.usage('metered', '2026-11');
    const stale = await sweepAt(6);
    const again = await sweepAt(7);
    const usage = await started.table.budgets.usage('metered', '2026-11');

    // Assert
    expect(early.swept).toBe(0);
    expect(usageEarly).toBeUndefined();
    expect(stale.swept).toBeGreaterThan(0);
    expect(stale.retrying).toBe(0);
    expect(again.swept).toBe(0);
    expect(usage?.usedMinutes).toBe(3);
  });
});
