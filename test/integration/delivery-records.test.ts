/**
 * The delivery ledger's records against DynamoDB Local: what a notifier
 * leaves behind when it dies between two writes, and what a slower second
 * claimant does to records already written. A message's delivery records
 * are written together, so the next claimant sends a message whole (the
 * documented at-least-once window) or not at all, never the part of it
 * whose records were missing.
 */
import type { DynamoDBClient, ServiceInputTypes, ServiceOutputTypes } from '@aws-sdk/client-dynamodb';
import type { InitializeMiddleware } from '@smithy/types';
import { deliverFromStream } from '../../lambda/cli/deliver-from-stream';
import { createDocumentClient, createDynamoClient, createSnsClient } from '../../lambda/clients/aws-clients';
import { silentLog } from '../../lambda/core/log';
import { SnsPublisher } from '../../lambda/deliver/sns-publisher';
import { notifierDeps, tableAdapters } from '../../lambda/engine/wiring';
import { BUSY_STEP_SUBJECTS, busyStepScenario } from '../emulators/device-farm/scenarios/delivery';
import { startHarness } from '../support/pipeline';
import { coverage } from '../support/published';

const START = new Date('2026-11-21T02:00:00.000Z');

/** True when a DynamoDB request writes a delivery record (a PutItem or a transaction of them). */
function writesDelivery(input: unknown): boolean {
  // The document client's middleware may run before or after marshalling: accept either form.
  const isDelivery = (item: unknown) => {
    const entity = (item as { entity?: unknown } | undefined)?.entity;
    return entity === 'delivery' || (entity as { S?: unknown } | undefined)?.S === 'delivery';
  };
  const request = input as { Item?: unknown; TransactItems?: { Put?: { Item?: unknown } }[] };
  return isDelivery(request.Item) || (request.TransactItems ?? []).some((t) => isDelivery(t.Put?.Item));
}

/**
 * A DynamoDB client that "dies" right after the first request that writes a
 * delivery record: every later request fails, as every later step of a
 * process killed at that moment would never happen.
 */
function dyingAfterFirstDeliveryWrite(): DynamoDBClient {
  const client = createDynamoClient();
  let dead = false;
  const die: InitializeMiddleware<ServiceInputTypes, ServiceOutputTypes> = (next) => async (args) => {
    if (dead) throw new Error('the process was killed');
    const result = await next(args);
    if (writesDelivery(args.input)) dead = true;
    return result;
  };
  client.middlewareStack.add(die, { step: 'initialize', name: 'dieAfterDeliveryWrite' });
  return client;
}

describe('DynamoDeliveryLedger.recordDelivery', () => {
  it('sends each message whole or not at all again when the process dies between the delivery records of one message', async () => {
    // Arrange: steps 0 to 2 recorded, nothing delivered; a notifier whose table "dies" after its first delivery write.
    const harness = await startHarness({ scenario: busyStepScenario(START) });
    try {
      for (const step of [0, 1, 2]) {
        harness.emulator.setStep(step);
        await harness.poll();
      }
      const dying = notifierDeps({
        table: tableAdapters(createDocumentClient(dyingAfterFirstDeliveryWrite()), harness.tableName, harness.settings),
        publisher: new SnsPublisher(createSnsClient(), harness.topicArn),
        settings: harness.settings,
        log: silentLog,
      });
      // The successor comes after the dead notifier's claims have expired.
      const afterLease = () => new Date(Date.now() + (harness.settings.delivery.claimLeaseSeconds + 1) * 1000);

      // Act
      const died = await deliverFromStream(harness.newFollower(), dying);
      const successor = await deliverFromStream(harness.newFollower(), { ...harness.notifier, now: afterLease });
      const received = await harness.received();

      // Assert: the dead notifier's one message (the run's summary, covering the run and its failed job)
      // is not followed by a second one about the job alone; the successor sends the other four.
      expect(died.failedBatches).toBe(1);
      expect(received.map((m) => m.subject).sort()).toEqual(BUSY_STEP_SUBJECTS);
      expect([...coverage(received).values()]).toEqual([1, 1, 1, 1, 1, 1, 1]);
      expect(successor.published).toBe(4);
    } finally {
      await harness.stop();
    }
  });

  it('keeps the first delivery record of each event when a slower claimant records the same events after it', async () => {
    // Arrange: two events; the first already delivered by another claimant's message.
    const harness = await startHarness({ scenario: busyStepScenario(START) });
    try {
      for (const step of [0, 1]) {
        harness.emulator.setStep(step);
        await harness.poll();
      }
      harness.emulator.setStep(2);
      const [first, second] = (await harness.poll()).events;
      if (first === undefined || second === undefined) throw new Error('step 2 recorded fewer than two changes');
      const delivery = (messageId: string) => ({
        messageId,
        subject: `message ${messageId}`,
        eventType: 'run-finished',
        deliveredAt: new Date().toISOString(),
      });
      await harness.table.deliveries.recordDelivery([first], delivery('earlier'));

      // Act
      await harness.table.deliveries.recordDelivery([first, second], delivery('later'));

      // Assert
      const slots = await harness.table.deliveries.slots([first, second]);
      const messageIds = [first, second].map((e) => {
        const slot = slots.get(e.eventId);
        return slot?.state === 'delivered' ? slot.delivery.messageId : slot?.state;
      });
      expect(messageIds).toEqual(['earlier', 'later']);
    } finally {
      await harness.stop();
    }
  });
});
