import { DEFAULT_SETTINGS } from '../../../lambda/config/settings';
import { deliverEvents, type NotifierDeps, notifyBatch, sweepNotifications } from '../../../lambda/deliver/notifier';
import type { ChangeEvent } from '../../../lambda/record/change-event';
import type { Silence } from '../../../lambda/record/silences';
import type { StreamRecordInput } from '../../../lambda/record/stream-events';
import { changeEvent, jobFinished, runFinished, streamRecord } from '../../support/builders';
import { InMemoryDeliveryLedger, InMemoryOutbox, MemoryLog, RecordingPublisher } from '../../support/fakes';

const NOW = new Date('2026-11-21T08:02:00.000Z');
const minutesLater = (minutes: number) => new Date(NOW.getTime() + minutes * 60_000);

function setup(now = NOW) {
  const ledger = new InMemoryDeliveryLedger();
  const outbox = new InMemoryOutbox();
  const publisher = new RecordingPublisher();
  const log = new MemoryLog();
  const deps: NotifierDeps = {
    ledger,
    outbox,
    publisher,
    log,
    rules: DEFAULT_SETTINGS.rules,
    owner: 'notifier-a',
    now: () => now,
  };
  return { ledger, outbox, publisher, log, deps };
}

/** A batch of stream records, numbered from 100 in order. */
function batch(...events: ChangeEvent[]): StreamRecordInput[] {
  return events.map((e, i) => streamRecord(e, String(100 + i)));
}

describe('notifyBatch', () => {
  const failedJob = jobFinished('00000', 'FAILED');
  const passedJob = jobFinished('00001', 'PASSED');
  const run = runFinished('FAILED');
  const session = changeEvent('remote-access-session', {
    from: { status: 'RUNNING' },
    to: { status: 'COMPLETED', result: 'PASSED' },
  });

  it('publishes one message for a finished run and its failing job and records delivery beside both', async () => {
    // Arrange
    const { ledger, publisher, deps } = setup();

    // Act
    const report = await notifyBatch(batch(failedJob, passedJob, run), deps);

    // Assert
    expect(report).toEqual({
      events: 3,
      alreadyHandled: 0,
      published: 1,
      parked: 0,
      retrying: 0,
      nothingToSend: 1,
      silenced: 0,
      rejected: 0,
      failedSequenceNumbers: [],
    });
    expect(publisher.sent.map((n) => n.subject)).toEqual(['FAILED: run nightly']);
    expect([...ledger.records.values()]).toEqual([
      {
        eventId: run.eventId,
        messageId: 'msg-1',
        subject: 'FAILED: run nightly',
        eventType: 'run-finished',
        deliveredAt: NOW.toISOString(),
      },
      {
        eventId: failedJob.eventId,
        messageId: 'msg-1',
        subject: 'FAILED: run nightly',
        eventType: 'run-finished',
        deliveredAt: NOW.toISOString(),
      },
    ]);
  });

  it('settles every event it handled, the one with nothing to send included', async () => {
    // Arrange
    const { outbox, deps } = setup();

    // Act
    await notifyBatch(batch(failedJob, passedJob, run), deps);

    // Assert
    expect(await outbox.waiting('notify', [failedJob, passedJob, run])).toEqual(new Map());
  });

  it('publishes nothing when the same batch is replayed', async () => {
    // Arrange
    const { publisher, deps } = setup();
    const records = batch(failedJob, passedJob, run);
    await notifyBatch(records, deps);

    // Act
    const report = await notifyBatch(records, deps);

    // Assert
    expect(report.alreadyHandled).toBe(3);
    expect(report.published).toBe(0);
    expect(publisher.sent).toHaveLength(1);
  });

  it('sends no old news when the rules are loosened and the stream is replayed', async () => {
    // Arrange: PASSED jobs notify nothing by default, so the passing job is settled with nothing to send.
    const { publisher, deps } = setup();
    await notifyBatch(batch(passedJob), deps);
    const loosened = { ...deps, rules: { ...deps.rules, jobResults: [...deps.rules.jobResults, 'PASSED' as const] } };

    // Act
    const report = await notifyBatch(batch(passedJob), loosened);

    // Assert
    expect(report.alreadyHandled).toBe(1);
    expect(publisher.attempts).toBe(0);
  });

  it('keeps a failed publish in the outbox for a retry without failing the batch when SNS is unavailable', async () => {
    // Arrange
    const { ledger, outbox, publisher, log, deps } = setup();
    publisher.failing = true;

    // Act
    const report = await notifyBatch(batch(failedJob, passedJob, run), deps);

    // Assert
    expect(report).toMatchObject({ published: 0, retrying: 2, failedSequenceNumbers: [] });
    expect(ledger.records.size).toBe(0);
    expect(ledger.claims.size).toBe(0);
    expect([...outbox.retries.values()].map((r) => [r.event.eventId, r.entry.attempts, r.entry.lastError])).toEqual([
      [run.eventId, 1, 'Error: SNS is unavailable'],
      [failedJob.eventId, 1, 'Error: SNS is unavailable'],
    ]);
    expect(log.lines).toContainEqual({
      level: 'error',
      message: 'Publishing a notification failed; its events are retried with backoff',
      extra: {
        subject: 'FAILED: run nightly',
        eventIds: [run.eventId, failedJob.eventId],
        error: 'Error: SNS is unavailable',
      },
    });
  });

  it('publishes the retried message once through the sweeper after the publisher recovers', async () => {
    // Arrange
    const { publisher, deps } = setup();
    publisher.failing = true;
    await notifyBatch(batch(failedJob, passedJob, run), deps);
    publisher.failing = false;

    // Act
    const retry = await sweepNotifications(deps);
    const again = await sweepNotifications(deps);
    const replay = await notifyBatch(batch(failedJob, passedJob, run), deps);

    // Assert
    expect(retry.published).toBe(1);
    expect([again.published, replay.published]).toEqual([0, 0]);
    expect(publisher.sent.map((n) => n.subject)).toEqual(['FAILED: run nightly']);
  });

  it('delivers the other notice in the same batch when one notice fails', async () => {
    // Arrange
    const { ledger, publisher, deps } = setup();
    publisher.failIf = (n) => n.attributes.eventType === 'run-finished';

    // Act
    const report = await notifyBatch(batch(run, session), deps);

    // Assert
    expect(report).toMatchObject({ published: 1, retrying: 1, failedSequenceNumbers: [] });
    expect([...ledger.records.keys()]).toEqual([session.eventId]);
  });

  it('sends the safe form and records it when SNS refuses the full message for good', async () => {
    // Arrange
    const { ledger, publisher, deps } = setup();
    publisher.refuseIf = (n) => n.subject === 'FAILED: run nightly';

    // Act
    const report = await notifyBatch(batch(run), deps);

    // Assert
    expect(report).toMatchObject({ published: 1, parked: 0 });
    expect(publisher.sent.map((n) => n.subject)).toEqual(['Vigil run-finished notice (error)']);
    expect(publisher.sent[0]?.text).toMatch(
      /\n\n\(Vigil sent this shortened form because SNS refused the full message: InvalidParameterException: Invalid parameter: Subject\)$/,
    );
    expect(ledger.records.get(run.eventId)).toEqual({
      eventId: run.eventId,
      messageId: 'msg-1',
      subject: 'Vigil run-finished notice (error)',
      eventType: 'run-finished',
      deliveredAt: NOW.toISOString(),
      safeForm: true,
    });
  });

  it('parks an event once, delivers the rest of the batch and never retries it when SNS refuses both forms', async () => {
    // Arrange
    const { ledger, outbox, publisher, log, deps } = setup();
    publisher.refuseIf = (n) => n.attributes.eventType === 'run-finished';

    // Act
    const report = await notifyBatch(batch(run, session), deps);
    const sweeps = [await sweepNotifications(deps), await sweepNotifications({ ...deps, now: () => minutesLater(90) })];

    // Assert
    expect(report).toMatchObject({ published: 1, parked: 1, retrying: 0, failedSequenceNumbers: [] });
    expect(publisher.sent.map((n) => n.attributes.eventType)).toEqual(['session-finished']);
    expect(publisher.attempts).toBe(3); // the run in full, the run's safe form, the session
    expect(sweeps.map((s) => s.swept)).toEqual([0, 0]);
    expect(outbox.retries.size).toBe(0);
    expect(await ledger.parked()).toEqual([
      {
        eventId: run.eventId,
        eventKey: { pk: `R#${run.arn}`, sk: `E#${run.at}#00000002` },
        subject: 'FAILED: run nightly',
        eventType: 'run-finished',
        error:
          'InvalidParameterException: Invalid parameter: Subject; safe form: InvalidParameterException: Invalid parameter: Subject',
        parkedAt: NOW.toISOString(),
      },
    ]);
    expect(log.messages('error')).toEqual([
      'SNS refused a notification for good, in full and in its safe form; its events are parked',
    ]);
  });

  it('leaves the events owed and logs when the delivery record cannot be written after a successful publish', async () => {
    // Arrange
    const { ledger, outbox, publisher, log, deps } = setup();
    ledger.failRecording = true;

    // Act
    const report = await notifyBatch(batch(run), deps);

    // Assert
    expect(report.published).toBe(1);
    expect(report.failedSequenceNumbers).toEqual([]);
    expect(publisher.sent).toHaveLength(1);
    expect((await outbox.waiting('notify', [run])).size).toBe(1);
    expect(log.lines).toContainEqual({
      level: 'error',
      message: 'A notification was published but its delivery record could not be written',
      extra: {
        messageId: 'msg-1',
        eventIds: [run.eventId],
        error: 'ProvisionedThroughputExceededException: table busy',
        errorName: 'Error',
      },
    });
  });

  it('skips and logs an unreadable record and delivers the rest when a record is malformed', async () => {
    // Arrange
    const { publisher, log, deps } = setup();
    const unreadable: StreamRecordInput = {
      eventName: 'INSERT',
      dynamodb: { SequenceNumber: '99', NewImage: { entity: { S: 'event' }, eventId: { S: 'x' } } },
    };

    // Act
    const report = await notifyBatch([unreadable, ...batch(run)], deps);

    // Assert
    expect(report.rejected).toBe(1);
    expect(report.failedSequenceNumbers).toEqual([]);
    expect(publisher.sent).toHaveLength(1);
    expect(log.messages('error')).toEqual(['Skipping a stream record that is not a readable event']);
  });

  it('publishes nothing and records nothing when every event is baseline', async () => {
    // Arrange
    const { ledger, publisher, deps } = setup();
    const baseline = changeEvent('run', { to: { status: 'COMPLETED', result: 'FAILED' }, baseline: true });

    // Act
    const report = await notifyBatch(batch(baseline), deps);

    // Assert: a baseline change is never written to the notify queue.
    expect(report).toMatchObject({ events: 1, alreadyHandled: 1, published: 0 });
    expect(publisher.attempts).toBe(0);
    expect(ledger.records.size).toBe(0);
  });

  it('fails the batch for a retry when the table itself fails', async () => {
    // Arrange
    const { outbox, publisher, deps } = setup();
    outbox.waiting = async () => {
      throw new Error('ProvisionedThroughputExceededException: table busy');
    };

    // Act
    const report = await notifyBatch(batch(run, session), deps);

    // Assert
    expect(report.failedSequenceNumbers).toEqual(['100']);
    expect(publisher.attempts).toBe(0);
  });

  it('tells onPublished about each published notification with its message id', async () => {
    // Arrange
    const { deps } = setup();
    const seen: string[] = [];

    // Act
    await notifyBatch(batch(run), { ...deps, onPublished: (n, id) => seen.push(`${id} ${n.subject}`) });

    // Assert
    expect(seen).toEqual(['msg-1 FAILED: run nightly']);
  });
});

describe('one publisher per event', () => {
  const run = runFinished('FAILED');
  const failedJob = jobFinished('00000', 'FAILED');

  it('publishes once when two notifiers deliver the same events at the same time', async () => {
    // Arrange
    const { ledger, outbox, publisher, deps } = setup();
    const other: NotifierDeps = { ...deps, owner: 'notifier-b' };

    // Act
    const reports = await Promise.all([
      deliverEvents([run], deps, await outbox.waiting('notify', [run])),
      deliverEvents([run], other, await outbox.waiting('notify', [run])),
    ]);

    // Assert
    expect(reports.map((r) => r.published).sort()).toEqual([0, 1]);
    expect(publisher.sent).toHaveLength(1);
    expect(ledger.records.size).toBe(1);
  });

  it('leaves events alone while another notifier holds their claim, and takes them over once its lease has passed', async () => {
    // Arrange: notifier-b claimed the run and died before publishing.
    const { ledger, publisher, deps } = setup();
    ledger.claims.set(run.eventId, { owner: 'notifier-b', leaseUntil: minutesLater(3).toISOString() });
    const records = batch(run);

    // Act
    const during = await notifyBatch(records, deps);
    const after = await notifyBatch(records, { ...deps, now: () => minutesLater(4) });

    // Assert
    expect(during).toMatchObject({ alreadyHandled: 1, published: 0 });
    expect(after).toMatchObject({ alreadyHandled: 0, published: 1 });
    expect(publisher.sent.map((n) => n.subject)).toEqual(['FAILED: run nightly']);
  });

  it('plans again without the events another notifier took when a claim is partly lost', async () => {
    // Arrange: notifier-b claims the run between this notifier's read and its claim.
    const { ledger, publisher, deps } = setup();
    const claim = ledger.claim.bind(ledger);
    ledger.claim = async (events, mine, now) => {
      ledger.claims.set(run.eventId, { owner: 'notifier-b', leaseUntil: minutesLater(3).toISOString() });
      ledger.claim = claim;
      return claim(events, mine, now);
    };

    // Act
    const report = await notifyBatch(batch(failedJob, run), deps);

    // Assert
    expect(report).toMatchObject({ published: 1, alreadyHandled: 1 });
    expect(publisher.sent.map((n) => n.subject)).toEqual(['FAILED: job Job 00000 in run nightly']);
    expect(ledger.claims.get(run.eventId)?.owner).toBe('notifier-b');
  });
});

describe('sweepNotifications', () => {
  const run = runFinished('FAILED');

  it('delivers an event whose stream record was never handled once it is older than the stale period', async () => {
    // Arrange: the event was written (with its outbox entry) and its stream record lost.
    const { outbox, publisher, deps } = setup();
    outbox.record(run);

    // Act
    const early = await sweepNotifications({ ...deps, now: () => minutesLater(2) });
    const due = await sweepNotifications({ ...deps, now: () => minutesLater(6) });
    const again = await sweepNotifications({ ...deps, now: () => minutesLater(12) });

    // Assert
    expect([early.swept, due.swept, again.swept]).toEqual([0, 1, 0]);
    expect(publisher.sent.map((n) => n.subject)).toEqual(['FAILED: run nightly']);
  });

  it('reads nothing else when nothing is owed', async () => {
    // Arrange
    const { outbox, deps } = setup();
    let loads = 0;
    const load = outbox.load.bind(outbox);
    outbox.load = async (entries) => {
      loads++;
      return load(entries);
    };

    // Act
    const report = await sweepNotifications(deps);

    // Assert
    expect(report.swept).toBe(0);
    expect(loads).toBe(0);
  });
});

describe('deliverEvents with silences', () => {
  const run = runFinished('FAILED');
  const session = changeEvent('remote-access-session', {
    from: { status: 'RUNNING' },
    to: { status: 'COMPLETED', result: 'PASSED' },
  });
  const silence: Silence = {
    id: 's-0000abcd',
    match: { kinds: ['run'] },
    startsAt: '2026-11-21T08:00:00.000Z',
    endsAt: '2026-11-21T09:00:00.000Z',
    reason: 'release freeze',
    createdBy: 'alice',
    createdAt: '2026-11-21T08:00:00.000Z',
  };

  it('records a silenced notice beside its events, publishes only the others, and settles both', async () => {
    // Arrange
    const { ledger, outbox, publisher, deps } = setup();
    let reads = 0;
    const silenced: NotifierDeps = {
      ...deps,
      silences: {
        active: async () => {
          reads++;
          return [silence];
        },
      },
    };

    // Act
    const report = await notifyBatch(batch(run, session), silenced);

    // Assert
    expect(report).toMatchObject({ published: 1, silenced: 1, retrying: 0 });
    expect(publisher.sent.map((n) => n.attributes.kind)).toEqual(['remote-access-session']);
    expect([...ledger.silencedRecords.values()]).toEqual([
      {
        eventId: run.eventId,
        subject: 'FAILED: run nightly',
        eventType: 'run-finished',
        silencedBy: 's-0000abcd',
        reason: 'release freeze',
        silencedAt: NOW.toISOString(),
      },
    ]);
    expect(ledger.claims.size).toBe(0);
    expect(await outbox.waiting('notify', [run, session])).toEqual(new Map());
    expect(reads).toBe(1);
  });

  it('never sends a silenced event later, once the silence has ended', async () => {
    // Arrange
    const { publisher, deps } = setup();
    await notifyBatch(batch(run), { ...deps, silences: { active: async () => [silence] } });
    const later = { ...deps, now: () => minutesLater(120), silences: { active: async () => [] } };

    // Act
    const replay = await notifyBatch(batch(run), later);
    const sweep = await sweepNotifications(later, { staleAfterMs: 0 });
    const retry = await deliverEvents([run], later);

    // Assert
    expect([replay.published, sweep.published, retry.published]).toEqual([0, 0, 0]);
    expect(publisher.attempts).toBe(0);
  });

  it('reads no silence when nothing is to be published', async () => {
    // Arrange
    const { deps } = setup();
    let reads = 0;

    // Act
    await notifyBatch(batch(jobFinished('00001', 'PASSED')), {
      ...deps,
      silences: {
        active: async () => {
          reads++;
          return [];
        },
      },
    });

    // Assert
    expect(reads).toBe(0);
  });
});
