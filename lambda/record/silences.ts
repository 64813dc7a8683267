/**
 * Silences in the history table, one item each under one partition:
 *
 * | item    | pk        | sk        | |
 * |---------|-----------|-----------|---|
 * | silence | `SILENCE` | `<id>`    | `match`, `startsAt`, `endsAt`, `reason`, `createdBy`, `createdAt`, `expiredBy`/`expiredAt` once ended early |
 *
 * The item is also the record of who added the silence, when and why, and
 * of who ended it. Expiry is decided by time (`endsAt`), at every read; the
 * TTL (`expiresAt`, the history's retention after `endsAt`) only cleans up.
 * The notifier reads the active ones with one Query per batch or sweep.
 */
import { randomBytes } from 'node:crypto';
import { type DynamoDBDocumentClient, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Match } from '../config/settings';
import { isConditionFailure } from './conditions';
import { expiryAfter, stripItem } from './keys';
import { queryPartition } from './query';

/** The partition every silence is stored under. */
export const SILENCE_PK = 'SILENCE';

/** A silence as stored here and shown by `vigil silence list`; deliver/silences.ts decides what it mutes. */
export interface Silence {
  /** `s-` and 8 hex digits. */
  readonly id: string;
  readonly match: Match;
  readonly startsAt: string;
  readonly endsAt: string;
  /** Why, as given to `vigil silence add --reason`. */
  readonly reason: string;
  /** Who added it (their AWS identity, else the local user) and when. */
  readonly createdBy: string;
  readonly createdAt: string;
  /** Set by `vigil silence expire`: who ended it early, and when. */
  readonly expiredBy?: string;
  readonly expiredAt?: string;
}

/** Where the notifier finds silences. */
export interface ActiveSilences {
  /** The silences in force at `now` (one strongly consistent Query). */
  active(now: Date): Promise<Silence[]>;
}

/** What `vigil silence` needs. */
export interface SilenceStore extends ActiveSilences {
  add(silence: Silence): Promise<void>;
  /** Every silence still kept (ended ones until TTL removes them), oldest first. */
  list(): Promise<Silence[]>;
  /** Ends a silence now; undefined when no silence has the id. */
  expire(id: string, by: string, at: Date): Promise<Silence | undefined>;
}

/** A new silence id: `s-` and 8 hex digits. */
export function newSilenceId(): string {
  return `s-${randomBytes(4).toString('hex')}`;
}

export class DynamoSilences implements SilenceStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    /** Days a silence is kept after it ends (the history's retention). */
    private readonly retentionDays: number,
  ) {}

  private async query(filter?: { expression: string; values: Record<string, unknown> }): Promise<Silence[]> {
    const items = await queryPartition(this.client, this.tableName, SILENCE_PK, {
      consistent: true,
      ...(filter === undefined ? {} : { filter: { expression: filter.expression, values: filter.values } }),
    });
    return items
      .map((item) => stripItem<Silence>(item))
      .sort((a, b) => (a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : 0));
  }

  active(now: Date): Promise<Silence[]> {
    const t = now.toISOString();
    return this.query({ expression: 'startsAt <= :now AND endsAt > :now', values: { ':now': t } });
  }

  list(): Promise<Silence[]> {
    return this.query();
  }

  async add(silence: Silence): Promise<void> {
    await this.client.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          pk: SILENCE_PK,
          sk: silence.id,
          entity: 'silence',
          ...silence,
          expiresAt: expiryAfter(silence.endsAt, this.retentionDays),
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  }

  async expire(id: string, by: string, at: Date): Promise<Silence | undefined> {
    const now = at.toISOString();
    try {
      const out = await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: SILENCE_PK, sk: id },
          // An ended silence keeps its end; only one still in force is cut short.
          UpdateExpression: 'SET endsAt = :now, expiredBy = :by, expiredAt = :now, expiresAt = :exp',
          ConditionExpression: 'attribute_exists(pk) AND endsAt > :now',
          ExpressionAttributeValues: { ':now': now, ':by': by, ':exp': expiryAfter(now, this.retentionDays) },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return out.Attributes === undefined ? undefined : stripItem<Silence>(out.Attributes);
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      const existing = (await this.list()).find((s) => s.id === id);
      return existing;
    }
  }
}
