/**
 * What became of each event's notification, beside the event (pk = the
 * event's partition, sk `D#<event id>`): claimed by one notifier for a
 * while, delivered (with the SNS message id), or parked (refused for good,
 * with the error). Parked events are also listed under one partition for
 * `vigil undelivered`.
 *
 * The claim is what makes one publisher per event, whoever runs: a
 * notifier claims every event a message covers in one conditional
 * transaction before publishing, so of two processes (two `vigil run`, a
 * CLI beside the deployed Lambda, the sweeper beside the stream) only one
 * wins. A claim carries a lease: a claimant that crashed is taken over once
 * its lease has passed. The one window left: a crash after SNS accepted the
 * message and before the delivery record was written; the next claimant
 * publishes again, so that message arrives twice with the same `eventIds`.
 */
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, type DynamoDBDocumentClient, PutCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { batchGet } from './batch';
import { isConditionFailure, isTransactionConditionFailure } from './conditions';
import { deliverySk, eventKeyOf, expiryAfter, type ItemKey, PARKED_PK, stripItem } from './keys';
import { queryPartition } from './query';
import { eventPk, type VigilEvent } from './vigil-event';

/** A delivered notification, as recorded beside each event it covered. */
export interface DeliveryRecord {
  readonly eventId: string;
  readonly messageId: string;
  readonly subject: string;
  readonly eventType: string;
  readonly deliveredAt: string;
  /** True when SNS refused the full message and the safe form went out instead. */
  readonly safeForm?: boolean;
}

/** An event whose notification SNS refused for good; nothing retries it until someone asks. */
export interface ParkedRecord {
  readonly eventId: string;
  readonly subject: string;
  readonly eventType: string;
  readonly error: string;
  readonly parkedAt: string;
  /** Where the event item is (for `vigil undelivered --retry`). */
  readonly eventKey: ItemKey;
}

/**
 * An event whose notification a silence or a maintenance window muted: it
 * is never sent, not even once the silence has ended.
 */
export interface SilencedRecord {
  readonly eventId: string;
  readonly subject: string;
  readonly eventType: string;
  /** The silence's id, or `window/<name>`. */
  readonly silencedBy: string;
  readonly reason: string;
  readonly silencedAt: string;
}

/** Who holds an event's claim, until when. */
export interface Claim {
  readonly owner: string;
  readonly leaseUntil: string;
}

export type DeliverySlot =
  | { readonly state: 'delivered'; readonly delivery: DeliveryRecord }
  | { readonly state: 'parked'; readonly parked: ParkedRecord }
  | { readonly state: 'silenced'; readonly silenced: SilencedRecord }
  | { readonly state: 'claimed'; readonly claim: Claim };

export interface DeliveryLedger {
  /** The slot of each event that has one (strongly consistent). */
  slots(events: readonly VigilEvent[]): Promise<Map<string, DeliverySlot>>;
  /**
   * Claims every event of one message, all or none. Succeeds over no slot or
   * an expired claim; returns the ids of the events someone else holds or
   * has settled (empty: the claim is ours).
   */
  claim(events: readonly VigilEvent[], claim: Claim, now: Date): Promise<Set<string>>;
  /** Gives up our claim (a transient failure: the next try claims again). */
  release(events: readonly VigilEvent[], owner: string): Promise<void>;
  /** Records that `events` went out in one message (never overwrites a delivery). */
  recordDelivery(events: readonly VigilEvent[], delivery: Omit<DeliveryRecord, 'eventId'>): Promise<void>;
  /** Records that `events` were muted by a silence or a window (never overwrites a delivery). */
  silence(events: readonly VigilEvent[], silenced: Omit<SilencedRecord, 'eventId'>): Promise<void>;
  /** Records that `events` were refused for good, and lists them. */
  park(events: readonly VigilEvent[], parked: Omit<ParkedRecord, 'eventId' | 'eventKey'>): Promise<void>;
  /** Everything parked, oldest first. */
  parked(): Promise<ParkedRecord[]>;
  /** Takes one parked event off the list and out of its slot, so it can be delivered again. */
  unpark(record: ParkedRecord): Promise<void>;
}

const parkedSk = (parkedAt: string, eventId: string) => `${parkedAt}#${eventId}`;

/** Delivery records are kept as long as the events they describe. */
export class DynamoDeliveryLedger implements DeliveryLedger {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    /** Days before TTL removes a record (the events' retention). */
    private readonly retentionDays: number,
  ) {}

  private slotKey(event: VigilEvent): ItemKey {
    return { pk: eventPk(event), sk: deliverySk(event.eventId) };
  }

  async slots(events: readonly VigilEvent[]): Promise<Map<string, DeliverySlot>> {
    const items = await batchGet(
      this.client,
      this.tableName,
      events.map((e) => this.slotKey(e)),
      { consistent: true },
    );
    const slots = new Map<string, DeliverySlot>();
    for (const item of items) {
      const eventId = String(item.eventId);
      if (item.entity === 'claim') {
        slots.set(eventId, {
          state: 'claimed',
          claim: { owner: String(item.owner), leaseUntil: String(item.leaseUntil) },
        });
      } else if (item.entity === 'parked') {
        slots.set(eventId, { state: 'parked', parked: stripItem<ParkedRecord>(item) });
      } else if (item.entity === 'silenced') {
        slots.set(eventId, { state: 'silenced', silenced: stripItem<SilencedRecord>(item) });
      } else {
        slots.set(eventId, { state: 'delivered', delivery: stripItem<DeliveryRecord>(item) });
      }
    }
    return slots;
  }

  async claim(events: readonly VigilEvent[], claim: Claim, now: Date): Promise<Set<string>> {
    // TransactWriteItems takes at most 100 items: a message covering more is
    // claimed in chunks, and released again if a later chunk is lost.
    const won: VigilEvent[] = [];
    for (let i = 0; i < events.length; i += 100) {
      const chunk = events.slice(i, i + 100);
      try {
        await this.client.send(
          new TransactWriteCommand({
            TransactItems: chunk.map((event) => ({
              Put: {
                TableName: this.tableName,
                Item: {
                  ...this.slotKey(event),
                  entity: 'claim',
                  eventId: event.eventId,
                  ...claim,
                  expiresAt: expiryAfter(event.at, this.retentionDays),
                },
                // Free, or a claim whose lease has passed, or our own (a retry within our lease).
                ConditionExpression:
                  'attribute_not_exists(pk) OR (entity = :claim AND (leaseUntil < :now OR #owner = :owner))',
                ExpressionAttributeNames: { '#owner': 'owner' },
                ExpressionAttributeValues: { ':claim': 'claim', ':now': now.toISOString(), ':owner': claim.owner },
              },
            })),
          }),
        );
        won.push(...chunk);
      } catch (error) {
        if (!(error instanceof TransactionCanceledException)) throw error;
        const reasons = error.CancellationReasons ?? [];
        const lost = new Set(
          chunk.filter((_, index) => reasons[index]?.Code === 'ConditionalCheckFailed').map((e) => e.eventId),
        );
        // Cancelled for another reason (a conflict with a concurrent transaction): the caller tries again later.
        if (lost.size === 0) throw error;
        await this.release(won, claim.owner);
        return lost;
      }
    }
    return new Set();
  }

  async release(events: readonly VigilEvent[], owner: string): Promise<void> {
    for (const event of events) {
      try {
        await this.client.send(
          new DeleteCommand({
            TableName: this.tableName,
            Key: this.slotKey(event),
            ConditionExpression: 'entity = :claim AND #owner = :owner',
            ExpressionAttributeNames: { '#owner': 'owner' },
            ExpressionAttributeValues: { ':claim': 'claim', ':owner': owner },
          }),
        );
      } catch (error) {
        if (!isConditionFailure(error)) throw error; // no longer ours: nothing to give up
      }
    }
  }

  async recordDelivery(events: readonly VigilEvent[], delivery: Omit<DeliveryRecord, 'eventId'>): Promise<void> {
    // All of one message's records in one transaction (chunks of 100, as a
    // claim): a process that died between two of them would leave the rest
    // claimed, and the next claimant would send those again as another
    // message (a run's failed job after the run's summary that named it).
    for (let i = 0; i < events.length; i += 100) {
      const chunk = events.slice(i, i + 100);
      try {
        await this.client.send(
          new TransactWriteCommand({
            TransactItems: chunk.map((event) => ({ Put: this.deliveryPut(event, delivery) })),
          }),
        );
      } catch (error) {
        if (!isTransactionConditionFailure(error)) throw error;
        // Some already have a delivery (a second claimant that published in
        // the at-least-once window): keep theirs, write the others.
        await this.recordEach(chunk, delivery);
      }
    }
  }

  /** One conditional put per event: a delivery is never overwritten, and the ones already written are skipped. */
  private async recordEach(events: readonly VigilEvent[], delivery: Omit<DeliveryRecord, 'eventId'>): Promise<void> {
    for (const event of events) {
      try {
        await this.client.send(new PutCommand(this.deliveryPut(event, delivery)));
      } catch (error) {
        if (!isConditionFailure(error)) throw error;
      }
    }
  }

  private deliveryPut(event: VigilEvent, delivery: Omit<DeliveryRecord, 'eventId'>) {
    return {
      TableName: this.tableName,
      Item: {
        ...this.slotKey(event),
        entity: 'delivery',
        eventId: event.eventId,
        ...delivery,
        expiresAt: expiryAfter(event.at, this.retentionDays),
      },
      ConditionExpression: 'attribute_not_exists(pk) OR entity <> :delivery',
      ExpressionAttributeValues: { ':delivery': 'delivery' },
    };
  }

  async silence(events: readonly VigilEvent[], silenced: Omit<SilencedRecord, 'eventId'>): Promise<void> {
    // As a delivery: one conditional put per event over our claim, never over a delivery or a parking.
    for (const event of events) {
      try {
        await this.client.send(
          new PutCommand({
            TableName: this.tableName,
            Item: {
              ...this.slotKey(event),
              entity: 'silenced',
              eventId: event.eventId,
              ...silenced,
              expiresAt: expiryAfter(event.at, this.retentionDays),
            },
            ConditionExpression: 'attribute_not_exists(pk) OR entity = :claim',
            ExpressionAttributeValues: { ':claim': 'claim' },
          }),
        );
      } catch (error) {
        if (!isConditionFailure(error)) throw error;
      }
    }
  }

  async park(events: readonly VigilEvent[], parked: Omit<ParkedRecord, 'eventId' | 'eventKey'>): Promise<void> {
    for (const event of events) {
      const record: ParkedRecord = { ...parked, eventId: event.eventId, eventKey: eventKeyOf(event) };
      const expiresAt = expiryAfter(event.at, this.retentionDays);
      await this.client.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: this.tableName,
                Item: { ...this.slotKey(event), entity: 'parked', ...record, expiresAt },
              },
            },
            {
              Put: {
                TableName: this.tableName,
                Item: { pk: PARKED_PK, sk: parkedSk(record.parkedAt, event.eventId), entity: 'parked', ...record },
              },
            },
          ],
        }),
      );
    }
  }

  async parked(): Promise<ParkedRecord[]> {
    const items = await queryPartition(this.client, this.tableName, PARKED_PK);
    return items.map((item) => stripItem<ParkedRecord>(item));
  }

  async unpark(record: ParkedRecord): Promise<void> {
    await this.client.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Delete: {
              TableName: this.tableName,
              Key: { pk: PARKED_PK, sk: parkedSk(record.parkedAt, record.eventId) },
            },
          },
          {
            Delete: {
              TableName: this.tableName,
              Key: { pk: record.eventKey.pk, sk: deliverySk(record.eventId) },
              ConditionExpression: 'attribute_not_exists(pk) OR entity = :parked',
              ExpressionAttributeValues: { ':parked': 'parked' },
            },
          },
        ],
      }),
    );
  }
}
