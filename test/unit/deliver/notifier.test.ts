import { DEFAULT_SETTINGS } from '../../../lambda/core/settings';
import { type NotifierDeps, notifyBatch } from '../../../lambda/deliver/notifier';
import type { StreamRecordInput } from '../../../lambda/deliver/stream-events';
import type { ChangeEvent } from '../../../lambda/record/change-event';
import { changeEvent, jobFinished, runFinished, streamRecord } from '../support/builders';
import { InMemoryDeliveryLog, MemoryLog, RecordingPublisher } from '../support/fakes';

const NOW = new Date('2026-11-21T08:02:00.000Z');

function setup() {
  const deliveries = new InMemoryDeliveryLog();
  const publisher = new RecordingPublisher();
  const log = new MemoryLog();
  const deps: NotifierDeps = { deliveries, publisher, log, rules: DEFAULT_SETTINGS.rules, now: () => NOW };
  return { deliveries, publisher, log, deps };
}

/** A batch of stream records, numbered from 100 in order. */
function batch(...events: ChangeEvent[]): StreamRecordInput[] {
  return events.map((e, i) => streamRecord(e, String(100 + i)));
}

describe('notifyBatch', () => {
  const failedJob = jobFinished('00000', 'FAILED');
  const passedJob = jobFinished('00001', 'PASSED');
  const run = runFinished('FAILED');

  it('publishes one message for a finished run and its failing job and records delivery beside both', async () => {
    // Arrange
    const { deliveries, publisher, deps } = setup();

    // Act
    const report = await notifyBatch(batch(failedJob, passedJob, run), deps);

    // Assert
    expect(report).toEqual({ events: 3, alreadyDelivered: 0, published: 1, rejected: 0, failedSequenceNumbers: [] });
    expect(publisher.sent.map((n) => n.subject)).toEqual(['FAILED: run nightly']);
    expect([...deliveries.records.values()]).toEqual([
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

  it('publishes nothing when the same batch is delivered again', async () => {
    // Arrange
    const { publisher, deps } = setup();
    const records = batch(failedJob, passedJob, run);
    await notifyBatch(records, deps);

    // Act
    const report = await notifyBatch(records, deps);

    // Assert
    expect(report).toEqual({ events: 3, alreadyDelivered: 2, published: 0, rejected: 0, failedSequenceNumbers: [] });
    expect(publisher.sent).toHaveLength(1);
  });

  it('returns exactly the covered events’ sequence numbers and records no delivery when the publish fails', async () => {
    // Arrange
    const { deliveries, publisher, log, deps } = setup();
    publisher.failing = true;

    // Act
    const report = await notifyBatch(batch(failedJob, passedJob, run), deps);

    // Assert
    expect(report.published).toBe(0);
    expect(report.failedSequenceNumbers).toEqual(['102', '100']);
    expect(deliveries.records.size).toBe(0);
    expect(log.lines).toContainEqual({
      level: 'error',
      message: 'Publishing a notification failed; its events will be retried',
      extra: {
        subject: 'FAILED: run nightly',
        eventIds: [run.eventId, failedJob.eventId],
        error: 'SNS is unavailable',
        errorName: 'Error',
      },
    });
  });

  it('publishes the batch once when it is retried after the publisher recovers', async () => {
    // Arrange
    const { publisher, deps } = setup();
    const records = batch(failedJob, passedJob, run);
    publisher.failing = true;
    await notifyBatch(records, deps);
    publisher.failing = false;

    // Act
    const retry = await notifyBatch(records, deps);
    const again = await notifyBatch(records, deps);

    // Assert
    expect(retry.published).toBe(1);
    expect(retry.failedSequenceNumbers).toEqual([]);
    expect(again.published).toBe(0);
    expect(publisher.sent).toHaveLength(1);
  });

  it('reports only the failed notice’s events when one of two notices fails', async () => {
    // Arrange
    const { deliveries, publisher, deps } = setup();
    const session = changeEvent('remote-access-session', {
      from: { status: 'RUNNING' },
      to: { status: 'COMPLETED', result: 'PASSED' },
    });
    publisher.failIf = (n) => n.attributes.eventType === 'session-finished';

    // Act
    const report = await notifyBatch(batch(run, session), deps);

    // Assert
    expect(report.published).toBe(1);
    expect(report.failedSequenceNumbers).toEqual(['101']);
    expect([...deliveries.records.keys()]).toEqual([run.eventId]);
  });

  it('logs and does not report as failed a delivery record that could not be written after a successful publish', async () => {
    // Arrange
    const { deliveries, publisher, log, deps } = setup();
    deliveries.failRecording = true;

    // Act
    const report = await notifyBatch(batch(run), deps);

    // Assert
    expect(report.published).toBe(1);
    expect(report.failedSequenceNumbers).toEqual([]);
    expect(publisher.sent).toHaveLength(1);
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
    const { deliveries, publisher, deps } = setup();
    const baseline = changeEvent('run', { to: { status: 'COMPLETED', result: 'FAILED' }, baseline: true });

    // Act
    const report = await notifyBatch(batch(baseline), deps);

    // Assert
    expect(report).toEqual({ events: 1, alreadyDelivered: 0, published: 0, rejected: 0, failedSequenceNumbers: [] });
    expect(publisher.attempts).toBe(0);
    expect(deliveries.records.size).toBe(0);
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
