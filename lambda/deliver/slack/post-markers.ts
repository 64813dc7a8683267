/**
 * "This message was posted to this channel": one small item per message in
 * the history table, so a redelivered SQS message is not posted twice.
 *
 * | item        | pk                                   | sk                                   |
 * |-------------|--------------------------------------|--------------------------------------|
 * | post marker | `SLACK#<channel name or secret ARN>` | `<SNS MessageId>` (or a document key) |
 *
 * Markers expire with the table's TTL after MARKER_RETENTION_DAYS: SQS keeps
 * a message at most 14 days, so no redelivery can come later than that.
 * Their `entity` is not `event`, so the notifier's stream filter ignores them.
 */
import { type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { StoreError } from '../../core/errors';
import { isConditionFailure } from '../../record/conditions';
import { TTL_ATTRIBUTE } from '../../record/table-schema';

/** What a marker records about the post. */
export interface PostRecord {
  readonly postedAt: string;
  readonly subject?: string;
  readonly eventIds?: readonly string[];
}

/** The markers' slot in the forwarder. */
export interface PostMarkers {
  /** True when `key` was already posted to `channel`. */
  has(channel: string, key: string): Promise<boolean>;
  /** Records the post; 'exists' when another attempt recorded it first. */
  put(channel: string, key: string, record: PostRecord): Promise<'written' | 'exists'>;
}

/** Days a marker is kept: longer than SQS's longest retention (14 days). */
export const MARKER_RETENTION_DAYS = 15;

/** The marker's partition for a channel (`prefix`: `SLACK#`, or `POST#` for the other forwarders). */
export const markerPk = (channel: string, prefix = 'SLACK#') => `${prefix}${channel}`;

/** Entity name of marker items. */
export const MARKER_ENTITY = 'slack-post';

export interface DynamoPostMarkersOptions {
  readonly client: DynamoDBDocumentClient;
  readonly tableName: string;
  /** @default MARKER_RETENTION_DAYS */
  readonly retentionDays?: number;
  /** The partitions' prefix. @default `SLACK#` */
  readonly prefix?: string;
  /** The markers' `entity`. @default MARKER_ENTITY */
  readonly entity?: string;
}

export class DynamoPostMarkers implements PostMarkers {
  private readonly retentionDays: number;

  constructor(private readonly options: DynamoPostMarkersOptions) {
    this.retentionDays = options.retentionDays ?? MARKER_RETENTION_DAYS;
  }

  async has(channel: string, key: string): Promise<boolean> {
    try {
      const out = await this.options.client.send(
        new GetCommand({
          TableName: this.options.tableName,
          Key: { pk: markerPk(channel, this.options.prefix), sk: key },
          // A marker written by the previous attempt a moment ago must be seen.
          ConsistentRead: true,
          ProjectionExpression: 'pk',
        }),
      );
      return out.Item !== undefined;
    } catch (error) {
      throw new StoreError(`Reading the Slack post marker of message ${key} failed`, { cause: error });
    }
  }

  async put(channel: string, key: string, record: PostRecord): Promise<'written' | 'exists'> {
    try {
      await this.options.client.send(
        new PutCommand({
          TableName: this.options.tableName,
          Item: {
            pk: markerPk(channel, this.options.prefix),
            sk: key,
            entity: this.options.entity ?? MARKER_ENTITY,
            ...record,
            [TTL_ATTRIBUTE]: Math.floor(Date.parse(record.postedAt) / 1000) + this.retentionDays * 86_400,
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return 'written';
    } catch (error) {
      if (isConditionFailure(error)) {
        return 'exists';
      }
      throw new StoreError(`Writing the Slack post marker of message ${key} failed`, { cause: error });
    }
  }
}
