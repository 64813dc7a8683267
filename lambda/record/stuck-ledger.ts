/**
 * What the stuck detector keeps in the table: one item per resource it
 * reported STUCK and has not yet seen move on, so the next passes neither
 * report it again nor miss its move (a resource that finishes leaves the
 * `active` index; this item does not).
 *
 * | item         | pk        | sk             | |
 * |--------------|-----------|----------------|---|
 * | open STUCK   | `W#stuck` | `<resource ARN>` | `scope`, `kind`, `since`, `eventPk`/`eventSk` (the STUCK event) |
 *
 * A STUCK event is written in one transaction with its outbox entry and
 * this item; the UNSTUCK event with its outbox entry and the item's removal.
 * Keys are deterministic (keys.ts), so a retried pass writes nothing twice.
 */
import { type DynamoDBDocumentClient, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { Kind } from '../core/observation';
import { batchGet } from './batch';
import { isTransactionConditionFailure } from './conditions';
import { eventFromItem, eventKeyOf, expiryAfter, type ItemKey } from './keys';
import { derivedEventPuts } from './outbox';
import { queryPartition } from './query';
import type { StuckEvent } from './vigil-event';

/** The partition of open STUCK reports. */
export const STUCK_WATCH_PK = 'W#stuck';

/** A resource reported STUCK and not yet seen to move on. */
export interface OpenStuck {
  readonly arn: string;
  readonly scope: string;
  readonly kind: Kind;
  readonly since: string;
  /** Where its STUCK event is. */
  readonly eventKey: ItemKey;
}

export interface StuckLedger {
  /** Every open STUCK report (one Query; reads nothing when there is none). */
  open(): Promise<OpenStuck[]>;
  /** The STUCK events of `open` reports, by ARN. */
  events(open: readonly OpenStuck[]): Promise<Map<string, StuckEvent>>;
  /** Writes a STUCK event, its outbox entry and its open report; 'duplicate' when already there. */
  report(event: StuckEvent): Promise<'recorded' | 'duplicate'>;
  /** Closes a report: with `unstuck`, written with its outbox entry; without, closed silently. */
  close(open: OpenStuck, unstuck: StuckEvent | undefined): Promise<void>;
}

export class DynamoStuckLedger implements StuckLedger {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    /** Days the events are kept (the history's retention). */
    private readonly retentionDays: number,
  ) {}

  async open(): Promise<OpenStuck[]> {
    const items = await queryPartition(this.client, this.tableName, STUCK_WATCH_PK, { consistent: true });
    return items.map((item) => ({
      arn: String(item.sk),
      scope: String(item.scope),
      kind: item.kind as Kind,
      since: String(item.since),
      eventKey: { pk: String(item.eventPk), sk: String(item.eventSk) },
    }));
  }

  async events(open: readonly OpenStuck[]): Promise<Map<string, StuckEvent>> {
    const items = await batchGet(
      this.client,
      this.tableName,
      open.map((o) => o.eventKey),
    );
    const found = new Map<string, StuckEvent>();
    for (const item of items) {
      const event = eventFromItem<StuckEvent>(item);
      found.set(event.arn, event);
    }
    return found;
  }

  async report(event: StuckEvent): Promise<'recorded' | 'duplicate'> {
    const expiresAt = expiryAfter(event.at, this.retentionDays);
    const key = eventKeyOf(event);
    try {
      await this.client.send(
        new TransactWriteCommand({
          TransactItems: [
            ...derivedEventPuts(this.tableName, event, 'stuck', expiresAt),
            {
              Put: {
                TableName: this.tableName,
                Item: {
                  pk: STUCK_WATCH_PK,
                  sk: event.arn,
                  entity: 'watch',
                  scope: event.state.scope,
                  kind: event.kind,
                  since: event.since,
                  eventPk: key.pk,
                  eventSk: key.sk,
                  expiresAt,
                },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
          ],
        }),
      );
      return 'recorded';
    } catch (error) {
      if (isTransactionConditionFailure(error)) return 'duplicate';
      throw error;
    }
  }

  async close(open: OpenStuck, unstuck: StuckEvent | undefined): Promise<void> {
    const remove = {
      Delete: {
        TableName: this.tableName,
        Key: { pk: STUCK_WATCH_PK, sk: open.arn },
        // Only the report this pass read: one about a newer wait stays.
        ConditionExpression: 'since = :since',
        ExpressionAttributeValues: { ':since': open.since },
      },
    };
    const puts =
      unstuck === undefined
        ? []
        : derivedEventPuts(this.tableName, unstuck, 'stuck', expiryAfter(unstuck.at, this.retentionDays));
    try {
      await this.client.send(new TransactWriteCommand({ TransactItems: [...puts, remove] }));
    } catch (error) {
      // Closed already (a second pass, another process): nothing left to do.
      if (!isTransactionConditionFailure(error)) throw error;
    }
  }
}
