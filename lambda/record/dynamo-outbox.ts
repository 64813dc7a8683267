/** The outbox (record/outbox.ts) in the history table. */
import { type DynamoDBDocumentClient, paginateQuery, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { batchDelete, batchGet } from './batch';
import { eventFromItem, eventKeyOf, type ItemKey, type OutboxQueue, outboxPk, outboxSk, retryPk } from './keys';
import type { Outbox, OutboxEntry, RetryPlan } from './outbox';
import type { VigilEvent } from './vigil-event';

const keyId = (key: ItemKey) => `${key.pk}\u0000${key.sk}`;

/** The entry's own key in the first-handling partition. */
function firstKey(queue: OutboxQueue, event: VigilEvent): ItemKey {
  return { pk: outboxPk(queue), sk: outboxSk(event.at, eventKeyOf(event)) };
}

function entryFrom(queue: OutboxQueue, item: Record<string, unknown>): OutboxEntry {
  const sk = String(item.sk);
  return {
    queue,
    key: { pk: String(item.pk), sk },
    eventKey: { pk: String(item.eventPk), sk: String(item.eventSk) },
    at: typeof item.at === 'string' ? item.at : sk.slice(0, sk.indexOf('#')),
    attempts: typeof item.attempts === 'number' ? item.attempts : 0,
    ...(typeof item.lastError === 'string' ? { lastError: item.lastError } : {}),
  };
}

export class DynamoOutbox implements Outbox {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async waiting(queue: OutboxQueue, events: readonly VigilEvent[]): Promise<Map<string, OutboxEntry>> {
    const byKey = new Map(events.map((e) => [keyId(firstKey(queue, e)), e]));
    const items = await batchGet(
      this.client,
      this.tableName,
      events.map((e) => firstKey(queue, e)),
      { consistent: true },
    );
    const found = new Map<string, OutboxEntry>();
    for (const item of items) {
      const event = byKey.get(keyId({ pk: String(item.pk), sk: String(item.sk) }));
      if (event !== undefined) found.set(event.eventId, entryFrom(queue, item));
    }
    return found;
  }

  async due(queue: OutboxQueue, now: Date, staleBefore: Date, limit: number): Promise<OutboxEntry[]> {
    // Sort keys start with an ISO time; `~` sorts after every character that follows it.
    const stale = await this.query(outboxPk(queue), staleBefore.toISOString(), limit, queue);
    const retries = await this.query(retryPk(queue), `${now.toISOString()}~`, limit, queue);
    return [...stale, ...retries].sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0)).slice(0, limit);
  }

  private async query(pk: string, before: string, limit: number, queue: OutboxQueue): Promise<OutboxEntry[]> {
    const entries: OutboxEntry[] = [];
    for await (const page of paginateQuery(
      { client: this.client, pageSize: Math.min(limit, 100) },
      {
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND sk < :before',
        ExpressionAttributeValues: { ':pk': pk, ':before': before },
      },
    )) {
      for (const item of page.Items ?? []) entries.push(entryFrom(queue, item as Record<string, unknown>));
      if (entries.length >= limit) break;
    }
    return entries.slice(0, limit);
  }

  async load(entries: readonly OutboxEntry[]) {
    const items = await batchGet(
      this.client,
      this.tableName,
      entries.map((e) => e.eventKey),
      { consistent: true },
    );
    const byKey = new Map(items.map((item) => [keyId({ pk: String(item.pk), sk: String(item.sk) }), item]));
    const found = new Map<OutboxEntry, VigilEvent>();
    const missing: OutboxEntry[] = [];
    for (const entry of entries) {
      const item = byKey.get(keyId(entry.eventKey));
      if (item === undefined) missing.push(entry);
      else found.set(entry, eventFromItem<VigilEvent>(item));
    }
    return { found, missing };
  }

  async settle(entries: readonly OutboxEntry[]): Promise<void> {
    await batchDelete(
      this.client,
      this.tableName,
      entries.map((e) => e.key),
    );
  }

  async retryLater(
    queue: OutboxQueue,
    event: VigilEvent,
    entry: OutboxEntry | undefined,
    plan: RetryPlan,
  ): Promise<void> {
    const eventKey = entry?.eventKey ?? eventKeyOf(event);
    const retry = {
      pk: retryPk(queue),
      sk: `${plan.dueAt}#${eventKey.pk}#${eventKey.sk}`,
      entity: 'outbox',
      eventPk: eventKey.pk,
      eventSk: eventKey.sk,
      at: event.at,
      attempts: plan.attempts,
      // An error text can be long (a whole SNS reply); the first KB says what happened.
      lastError: plan.error.slice(0, 1000),
    };
    const moveFrom = entry !== undefined && keyId(entry.key) !== keyId(retry) ? [entry.key] : [];
    await this.client.send(
      new TransactWriteCommand({
        TransactItems: [
          { Put: { TableName: this.tableName, Item: retry } },
          ...moveFrom.map((key) => ({ Delete: { TableName: this.tableName, Key: { pk: key.pk, sk: key.sk } } })),
        ],
      }),
    );
  }
}
