import { marshall } from '@aws-sdk/util-dynamodb';
import { DEFAULT_SETTINGS } from '../../../lambda/config/settings';
import { type NotifierDeps, notifyBatch } from '../../../lambda/deliver/notifier';
import { derivedEventItem, eventKeyOf } from '../../../lambda/record/keys';
import type { StreamRecordInput } from '../../../lambda/record/stream-events';
import type { GuardEvent, VigilEvent } from '../../../lambda/record/vigil-event';
import { changeEvent, streamRecord } from '../../support/builders';
import { InMemoryDeliveryLedger, InMemoryOutbox, MemoryLog, RecordingPublisher } from '../../support/fakes';
import { guardEvent } from '../../support/reactor-builders';

const NOW = new Date('2026-11-21T08:02:00.000Z');

/** The session ended after the guard stopped it: Device Farm reports it COMPLETED with 10.4 minutes. */
const completion = changeEvent('remote-access-session', {
  from: { status: 'STOPPING', result: 'PENDING' },
  to: { status: 'COMPLETED', result: 'STOPPED' },
  state: { minutes: { total: 10.4, metered: 10.4, unmetered: 0 } },
});
const stop: GuardEvent = guardEvent({ arn: completion.arn, action: 'stop', minutes: 10, limitMinutes: 9 });

function setup() {
  const ledger = new InMemoryDeliveryLedger();
  const publisher = new RecordingPublisher();
  const deps: NotifierDeps = {
    ledger,
    outbox: new InMemoryOutbox(),
    guardStops: { stopEvents: async (arns) => new Map(arns.includes(stop.arn) ? [[stop.arn, stop]] : []) },
    publisher,
    log: new MemoryLog(),
    rules: DEFAULT_SETTINGS.rules,
    owner: 'notifier-a',
    now: () => NOW,
  };
  return { ledger, publisher, deps };
}

/** Stream records as the notifier's event source hands them over (guard events stored whole, as the ledger writes them). */
const batch = (...events: VigilEvent[]): StreamRecordInput[] =>
  events.map((e, i) =>
    e.eventType === 'change'
      ? streamRecord(e, String(100 + i))
      : {
          eventName: 'INSERT',
          dynamodb: {
            SequenceNumber: String(100 + i),
            NewImage: marshall(derivedEventItem(e, eventKeyOf(e), 'guard', 0), { removeUndefinedValues: true }),
          },
        },
  );

describe('one message per stop', () => {
  it('sends one message, the stop with the final status and minutes, when both arrive together', async () => {
    // Arrange
    const { ledger, publisher, deps } = setup();

    // Act
    const report = await notifyBatch(batch(stop, completion), deps);
    const replay = await notifyBatch(batch(stop, completion), deps);

    // Assert
    expect([report.published, report.rejected, replay.published]).toEqual([1, 0, 0]);
    expect(publisher.sent.map((n) => n.subject)).toEqual([
      'STOPPED: remote access session debug checkout (10.4 min of 9 min)',
    ]);
    expect(publisher.sent[0]?.text.split('\n')[0]).toBe(
      'Device Farm remote access session debug checkout reached its 9 min limit after 10 min; Vigil stopped it. Device Farm reports it COMPLETED (result STOPPED) after 10.4 min in all.',
    );
    expect(publisher.sent[0]?.document.eventIds).toEqual([stop.eventId, completion.eventId]);
    expect([...ledger.records.keys()]).toEqual([stop.eventId, completion.eventId]);
  });

  it('sends nothing for the completion when the stop was announced before, and records it as covered by that message', async () => {
    // Arrange
    const { ledger, publisher, deps } = setup();
    await notifyBatch(batch(stop), deps);

    // Act
    const report = await notifyBatch(batch(completion), deps);

    // Assert
    expect(report.published).toBe(0);
    expect(publisher.sent.map((n) => n.subject)).toEqual([
      'STOPPED: remote access session debug checkout (10 min of 9 min)',
    ]);
    expect(ledger.records.get(completion.eventId)).toMatchObject({ messageId: 'msg-1', eventType: 'guard' });
  });

  it('lets the completion wait while another notifier is announcing the stop', async () => {
    // Arrange
    const { ledger, publisher, deps } = setup();
    ledger.claims.set(stop.eventId, { owner: 'notifier-b', leaseUntil: '2026-11-21T08:05:00.000Z' });

    // Act
    const report = await notifyBatch(batch(completion), deps);

    // Assert
    expect(report).toMatchObject({ published: 0, alreadyHandled: 1 });
    expect(publisher.attempts).toBe(0);
    expect(ledger.records.size).toBe(0);
  });

  it('announces the completion as usual when the stop was refused for good (parked)', async () => {
    // Arrange
    const { ledger, publisher, deps } = setup();
    await ledger.park([stop], { subject: 's', eventType: 'guard', error: 'refused', parkedAt: NOW.toISOString() });

    // Act
    await notifyBatch(batch(completion), deps);

    // Assert
    expect(publisher.sent.map((n) => n.attributes.eventType)).toEqual(['session-finished']);
  });

  it('announces a completion as usual when nothing stopped the session', async () => {
    // Arrange
    const { publisher, deps } = setup();
    const other = changeEvent('remote-access-session', {
      from: { status: 'RUNNING' },
      to: { status: 'COMPLETED', result: 'PASSED' },
      state: { arn: `${completion.arn}-other` },
    });

    // Act
    await notifyBatch(batch(other), deps);

    // Assert
    expect(publisher.sent.map((n) => n.attributes.eventType)).toEqual(['session-finished']);
  });
});
