/**
 * The hostile-name corpus (26 names × 31 notices = 806 notifications, see
 * test/unit/deliver/hostile-names.test.ts) published through the real
 * SnsPublisher and SDK client to the strict SNS global-setup put in front of
 * fauxqs: every one must be accepted (0 refused) and reach the SQS
 * subscriber with its ASCII subject, its attributes, and a JSON document
 * that still has the real UTF-8 names, byte for byte.
 */
import { compose, type Notification } from '../../lambda/deliver/compose';
import { messageAttributes } from '../../lambda/deliver/sns-publisher';
import { HOSTILE_NAMES } from '../support/hostile-names';
import { hostileCases } from '../support/hostile-notices';
import { type Harness, type Received, startHarness } from '../support/pipeline';

const NOTIFICATIONS: readonly Notification[] = HOSTILE_NAMES.flatMap(({ name }) =>
  hostileCases(name).map((c) => compose(c.notice)),
);

/** What the subscriber should hold for a notification, in the shape the harness reads it. */
function expected(n: Notification): Omit<Received, 'email'> & { email: string } {
  return {
    subject: n.subject,
    document: { ...n.document, text: n.text },
    email: n.text,
    attributes: Object.fromEntries(
      Object.entries(messageAttributes(n)).map(([name, value]) => [name, value.StringValue ?? '']),
    ),
  };
}

/** A stable order for comparing what was sent with what arrived (SQS promises none). */
function byContent(a: { document: { text: string } }, b: { document: { text: string } }): number {
  return a.document.text < b.document.text ? -1 : a.document.text > b.document.text ? 1 : 0;
}

describe('hostile names through a strict SNS', () => {
  let harness: Harness;
  let refused: unknown[];
  let received: Received[];

  beforeAll(async () => {
    harness = await startHarness({});
    refused = [];
    for (const notification of NOTIFICATIONS) {
      await harness.notifier.publisher.publish(notification).catch((error: unknown) => refused.push(error));
    }
    received = await harness.received();
  }, 120_000);

  afterAll(async () => {
    await harness.stop();
  });

  it('publishes all 806 notifications with none refused', () => {
    expect(NOTIFICATIONS).toHaveLength(806);
    expect(refused).toEqual([]);
  });

  it('delivers every notification to the SQS subscriber with its ASCII subject, attributes and real UTF-8 names', () => {
    // Assert: texts are unique per notification, so sorting by them pairs each message with what was sent
    expect(new Set(NOTIFICATIONS.map((n) => n.text)).size).toBe(806);
    expect([...received].sort(byContent)).toEqual(NOTIFICATIONS.map(expected).sort(byContent));
  });

  it('keeps the German, Japanese and emoji names whole in the document the subscriber reads', () => {
    // Act
    const names = new Set(received.flatMap((m) => [m.document.resource?.name, m.document.budget?.name]));

    // Assert
    expect(names.has('Nächtlicher Lauf — Android 🚀')).toBe(true);
    expect(names.has('夜間テスト（アンドロイド）')).toBe(true);
    expect(names.has('👨‍👩‍👧‍👦 family run 👩🏽‍💻')).toBe(true);
    expect(received.map((m) => m.subject)).toContain(
      'FAILED: run Nachtlicher Lauf - Android (2 of 4 jobs did not pass)',
    );
    expect(received.map((m) => m.subject)).toContain('FAILED: run (2 of 4 jobs did not pass)');
  });
});
