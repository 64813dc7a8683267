/**
 * The history table in DynamoDB: implements the poller's StateStore, the
 * digest's writer and the CLI's HistoryReader over one table. A change is
 * written with its outbox entries (record/outbox.ts) in one transaction.
 */
import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  type QueryCommandInput,
  ScanCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { KINDS, type Kind, SERVICE_OF, type Service } from '../core/observation';
import type { ChangeEvent, StoredState } from './change-event';
import { isConditionFailure, isTransactionConditionFailure } from './conditions';
import type { DeliveryRecord, ParkedRecord, SilencedRecord } from './delivery-ledger';
import type { Cursor, DigestWriter, HistoryReader, StateStore, TimelineEntry, WriteOutcome } from './history-store';
import {
  activePk,
  cursorItem,
  derivedTimePk,
  eventFromItem,
  eventItem,
  expiryAfter,
  latestFromItem,
  latestItem,
  latestKey,
  resourcePk,
  scopePk,
  stripItem,
  timePk,
} from './keys';
import type { TrackedFailures } from './notable';
import { derivedEventPuts, outboxItemsFor } from './outbox';
import { queryAll } from './query';
import { ACTIVE_INDEX, BY_TIME_INDEX } from './table-schema';
import type { DigestEvent, VigilEvent } from './vigil-event';

/** Settings the store needs. */
export interface DynamoHistoryStoreOptions {
  readonly client: DynamoDBDocumentClient;
  readonly tableName: string;
  /** Days before TTL removes events and finished resources' state. */
  readonly retentionDays: number;
  /** The reminders that follow failures from the stream: their changes get a `react` outbox entry. @default none */
  readonly tracked?: TrackedFailures;
}

export class DynamoHistoryStore implements StateStore, HistoryReader, DigestWriter {
  private readonly client: DynamoDBDocumentClient;
  private readonly tableName: string;
  private readonly retentionDays: number;
  private readonly tracked: TrackedFailures | undefined;

  constructor(options: DynamoHistoryStoreOptions) {
    this.client = options.client;
    this.tableName = options.tableName;
    this.retentionDays = options.retentionDays;
    this.tracked = options.tracked;
  }

  private queryAll(input: Omit<QueryCommandInput, 'TableName'>): Promise<Record<string, unknown>[]> {
    return queryAll(this.client, this.tableName, input);
  }

  // ---- StateStore -------------------------------------------------------

  async loadActive(service: Service): Promise<StoredState[]> {
    const items = await this.queryAll({
      IndexName: ACTIVE_INDEX.name,
      KeyConditionExpression: '#apk = :apk',
      ExpressionAttributeNames: { '#apk': ACTIVE_INDEX.pk },
      ExpressionAttributeValues: { ':apk': activePk(service) },
    });
    return items.map((item) => latestFromItem(item));
  }

  async loadScope(scope: string): Promise<StoredState[]> {
    const items = await this.queryAll({
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :l)',
      ExpressionAttributeValues: { ':pk': scopePk(scope), ':l': 'L#' },
      ConsistentRead: true,
    });
    return items.map((item) => latestFromItem(item));
  }

  async getLatest(scope: string, kind: Kind, arn: string): Promise<StoredState | undefined> {
    const out = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: latestKey(scope, kind, arn), ConsistentRead: true }),
    );
    return out.Item === undefined ? undefined : latestFromItem(out.Item);
  }

  async loadCursors(service: Service): Promise<Cursor[]> {
    const items = await this.queryAll({
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': `C#${service}` },
      ConsistentRead: true,
    });
    return items.map((item) => stripItem<Cursor>(item));
  }

  async saveCursor(cursor: Cursor): Promise<void> {
    await this.client.send(new PutCommand({ TableName: this.tableName, Item: cursorItem(cursor) }));
  }

  async writeChange(
    latest: StoredState,
    event: ChangeEvent,
    expectedVersion: number | undefined,
  ): Promise<WriteOutcome> {
    const latestCondition =
      expectedVersion === undefined
        ? { ConditionExpression: 'attribute_not_exists(pk)' }
        : {
            ConditionExpression: '#version = :expected',
            ExpressionAttributeNames: { '#version': 'version' },
            ExpressionAttributeValues: { ':expected': expectedVersion },
          };
    try {
      await this.client.send(
        new TransactWriteCommand({
          TransactItems: [
            { Put: { TableName: this.tableName, Item: latestItem(latest, this.retentionDays), ...latestCondition } },
            {
              Put: {
                TableName: this.tableName,
                Item: eventItem(event, this.retentionDays),
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
            ...outboxItemsFor(event, expiryAfter(event.at, this.retentionDays), this.tracked).map((Item) => ({
              Put: { TableName: this.tableName, Item },
            })),
          ],
        }),
      );
      return 'written';
    } catch (error) {
      if (isTransactionConditionFailure(error)) return 'conflict';
      throw error;
    }
  }

  async markNotFound(state: StoredState, at: string): Promise<boolean> {
    // One small UpdateItem: no new version and no event, so nothing reaches
    // the stream consumers; kept if already set, so the first NotFound counts.
    return this.updateLatestAt(state, {
      UpdateExpression: 'SET #notFoundAt = if_not_exists(#notFoundAt, :at)',
      ExpressionAttributeNames: { '#notFoundAt': 'notFoundAt' },
      ExpressionAttributeValues: { ':at': at },
    });
  }

  async clearNotFound(state: StoredState): Promise<void> {
    await this.updateLatestAt(state, {
      UpdateExpression: 'REMOVE #notFoundAt',
      ExpressionAttributeNames: { '#notFoundAt': 'notFoundAt' },
    });
  }

  /** Updates a latest item only while it is still at `state.version`; false when it moved on. */
  private async updateLatestAt(
    state: StoredState,
    update: {
      UpdateExpression: string;
      ExpressionAttributeNames: Record<string, string>;
      ExpressionAttributeValues?: Record<string, unknown>;
    },
  ): Promise<boolean> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: latestKey(state.scope, state.kind, state.arn),
          UpdateExpression: update.UpdateExpression,
          ConditionExpression: '#version = :version',
          ExpressionAttributeNames: { ...update.ExpressionAttributeNames, '#version': 'version' },
          ExpressionAttributeValues: { ...update.ExpressionAttributeValues, ':version': state.version },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  // ---- DigestWriter -------------------------------------------------------

  async putDigest(event: DigestEvent): Promise<boolean> {
    const expiresAt = expiryAfter(event.at, this.retentionDays);
    try {
      await this.client.send(
        new TransactWriteCommand({
          TransactItems: [...derivedEventPuts(this.tableName, event, 'digest', expiresAt)],
        }),
      );
      return true;
    } catch (error) {
      if (isTransactionConditionFailure(error)) return false;
      throw error;
    }
  }

  // ---- HistoryReader ------------------------------------------------------

  async timeline(arn: string, since?: string): Promise<TimelineEntry[]> {
    const items = await this.queryAll({
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': resourcePk(arn) },
    });
    const deliveries = new Map<string, DeliveryRecord>();
    const parked = new Map<string, ParkedRecord>();
    const silenced = new Map<string, SilencedRecord>();
    const events: VigilEvent[] = [];
    for (const item of items) {
      if (item.entity === 'delivery') deliveries.set(String(item.eventId), stripItem<DeliveryRecord>(item));
      else if (item.entity === 'parked') parked.set(String(item.eventId), stripItem<ParkedRecord>(item));
      else if (item.entity === 'silenced') silenced.set(String(item.eventId), stripItem<SilencedRecord>(item));
      else if (item.entity === 'event') events.push(eventFromItem<VigilEvent>(item));
    }
    const version = (e: VigilEvent) => (e.eventType === 'change' ? e.version : Number.MAX_SAFE_INTEGER);
    return events
      .filter((event) => since === undefined || event.at >= since)
      .sort((a, b) => (a.at === b.at ? version(a) - version(b) : a.at < b.at ? -1 : 1))
      .map((event) => {
        const delivery = deliveries.get(event.eventId);
        const refused = parked.get(event.eventId);
        const muted = silenced.get(event.eventId);
        return {
          event,
          ...(delivery === undefined ? {} : { delivery }),
          ...(refused === undefined ? {} : { parked: refused }),
          ...(muted === undefined ? {} : { silenced: muted }),
        };
      });
  }

  async window(since: string, until: string): Promise<VigilEvent[]> {
    const all: VigilEvent[] = [];
    // Every kind's changes, and what the reactors derived (budget and guard events).
    const partitions = [
      ...KINDS.map((kind) => timePk(SERVICE_OF[kind], kind)),
      derivedTimePk('budget'),
      derivedTimePk('guard'),
      derivedTimePk('digest'),
      derivedTimePk('stuck'),
      derivedTimePk('reminder'),
    ];
    for (const tpk of partitions) {
      const items = await this.queryAll({
        IndexName: BY_TIME_INDEX.name,
        KeyConditionExpression: '#tpk = :tpk AND #tsk BETWEEN :from AND :to',
        ExpressionAttributeNames: { '#tpk': BY_TIME_INDEX.pk, '#tsk': BY_TIME_INDEX.sk },
        ExpressionAttributeValues: { ':tpk': tpk, ':from': since, ':to': `${until}~` },
      });
      all.push(...items.map((item) => eventFromItem<VigilEvent>(item)));
    }
    return all.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
  }

  active(service: Service): Promise<StoredState[]> {
    return this.loadActive(service);
  }

  async find(idOrName: string): Promise<StoredState[]> {
    // A scan is acceptable here: it is a CLI convenience for people who do
    // not have the ARN at hand; ARNs go straight to the timeline instead.
    const found: StoredState[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const out = await this.client.send(
        new ScanCommand({
          TableName: this.tableName,
          // The ARN is in the sort key (`L#<kind>#<arn>`), not stored again.
          FilterExpression: 'entity = :latest AND (#name = :id OR contains(sk, :id))',
          ExpressionAttributeNames: { '#name': 'name' },
          ExpressionAttributeValues: { ':latest': 'latest', ':id': idOrName },
          ExclusiveStartKey: start,
        }),
      );
      for (const item of out.Items ?? []) {
        const state = latestFromItem(item);
        if (state.name === idOrName || state.arn.endsWith(idOrName)) found.push(state);
      }
      start = out.LastEvaluatedKey as Record<string, unknown> | undefined;
    } while (start !== undefined);
    return found;
  }
}
