/**
 * What the reminders keep in the table: one item per condition that holds
 * (or held when last looked at), with how many reminders it has had.
 *
 * | item      | pk         | sk                          | |
 * |-----------|------------|-----------------------------|---|
 * | condition | `W#remind` | `<condition>#<subject ARN>` | `occurrence`, `since`, `reminded`; what a reminder says about it |
 *
 * Conditions the active index cannot show (a Deadline job FAILED, which is
 * finished; a project or device whose latest run or job failed) are put
 * here by the reactors' stream path as they begin and removed as they end
 * (`track`, `untrack`, ordered by the resource's creation so a late or
 * replayed change never undoes a newer one). The others are put here by the
 * scheduled pass the first time it sees them. A reminder is one
 * transaction: the item's count moves from n-1 to n (for this occurrence
 * only) and the reminder event is written with its outbox entry, so a
 * retried pass never reminds twice.
 */
import { DeleteCommand, type DynamoDBDocumentClient, PutCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { Kind, Observation, Service } from '../core/observation';
import { isConditionFailure, isTransactionConditionFailure } from './conditions';
import { expiryAfter, stripItem } from './keys';
import { derivedEventPuts } from './outbox';
import { queryPartition } from './query';
import type { ReminderCondition, ReminderDetail, ReminderEvent } from './vigil-event';

/** The partition of the conditions reminders follow. */
export const REMINDER_PK = 'W#remind';

/** A condition and its reminders so far. */
export interface ReminderItem {
  readonly condition: ReminderCondition;
  /** What it is about: a session, a budget period, a Deadline job, a project, a device. */
  readonly arn: string;
  readonly name: string;
  readonly kind: Kind | 'budget';
  readonly service: Service;
  readonly project: Observation['project'];
  /** Where the resource's latest state is (a Deadline job's queue), for conditions read again before each reminder. */
  readonly scope?: string;
  /** Which occurrence of the condition (a job's version, a budget period, the failing run): a new one starts again at 0. */
  readonly occurrence: string;
  readonly since: string;
  /** Reminders sent for this occurrence. */
  readonly reminded: number;
  /** What a reminder says (the failing run, the device's name). */
  readonly detail: ReminderDetail;
  /** For tracked conditions: the creation time of the resource that set it (later changes of older resources are ignored). */
  readonly created?: string;
}

export const reminderKey = (condition: ReminderCondition, arn: string) => ({
  pk: REMINDER_PK,
  sk: `${condition}#${arn}`,
});

export interface ReminderLedger {
  /** Every condition followed (one Query; reads nothing when there is none). */
  all(): Promise<ReminderItem[]>;
  /** A condition begins (stream path): kept unless a newer resource already set it. */
  track(item: ReminderItem): Promise<void>;
  /** A condition ends (stream path): removed unless a newer resource set it since. */
  untrack(condition: ReminderCondition, arn: string, created: string): Promise<void>;
  /** Starts following an occurrence the pass found (replacing an older one); false when another process did. */
  start(item: ReminderItem, replacing: ReminderItem | undefined): Promise<boolean>;
  /** Counts reminder n of the item's occurrence and writes its event; 'duplicate' when already counted. */
  remind(item: ReminderItem, event: ReminderEvent): Promise<'recorded' | 'duplicate'>;
  /** Stops following a condition that no longer holds. */
  forget(item: ReminderItem): Promise<void>;
}

/** Conditions are kept at most this long without a change (TTL, cleanup only). */
const KEEP_DAYS = 90;

export class DynamoReminderLedger implements ReminderLedger {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    /** Days the reminder events are kept (the history's retention). */
    private readonly retentionDays: number,
  ) {}

  async all(): Promise<ReminderItem[]> {
    const items = await queryPartition(this.client, this.tableName, REMINDER_PK, { consistent: true });
    return items.map((item) => stripItem<ReminderItem>(item));
  }

  private itemOf(item: ReminderItem): Record<string, unknown> {
    return {
      ...reminderKey(item.condition, item.arn),
      entity: 'reminder',
      ...item,
      expiresAt: expiryAfter(item.since, KEEP_DAYS),
    };
  }

  async track(item: ReminderItem): Promise<void> {
    await this.conditional(
      new PutCommand({
        TableName: this.tableName,
        Item: this.itemOf(item),
        ConditionExpression: 'attribute_not_exists(pk) OR created <= :created',
        ExpressionAttributeValues: { ':created': item.created ?? item.since },
      }),
    );
  }

  async untrack(condition: ReminderCondition, arn: string, created: string): Promise<void> {
    await this.conditional(
      new DeleteCommand({
        TableName: this.tableName,
        Key: reminderKey(condition, arn),
        ConditionExpression: 'attribute_not_exists(created) OR created <= :created',
        ExpressionAttributeValues: { ':created': created },
      }),
    );
  }

  async start(item: ReminderItem, replacing: ReminderItem | undefined): Promise<boolean> {
    return this.conditional(
      new PutCommand({
        TableName: this.tableName,
        Item: this.itemOf(item),
        ...(replacing === undefined
          ? { ConditionExpression: 'attribute_not_exists(pk)' }
          : {
              ConditionExpression: 'occurrence = :was AND reminded = :reminded',
              ExpressionAttributeValues: { ':was': replacing.occurrence, ':reminded': replacing.reminded },
            }),
      }),
    );
  }

  async remind(item: ReminderItem, event: ReminderEvent): Promise<'recorded' | 'duplicate'> {
    try {
      await this.client.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Update: {
                TableName: this.tableName,
                Key: reminderKey(item.condition, item.arn),
                UpdateExpression: 'SET reminded = :n, detail = :detail',
                ConditionExpression: 'occurrence = :occurrence AND reminded = :before',
                ExpressionAttributeValues: {
                  ':n': event.count,
                  ':before': event.count - 1,
                  ':occurrence': item.occurrence,
                  ':detail': item.detail,
                },
              },
            },
            ...derivedEventPuts(this.tableName, event, 'reminder', expiryAfter(event.at, this.retentionDays)),
          ],
        }),
      );
      return 'recorded';
    } catch (error) {
      if (isTransactionConditionFailure(error)) return 'duplicate';
      throw error;
    }
  }

  async forget(item: ReminderItem): Promise<void> {
    await this.conditional(
      new DeleteCommand({
        TableName: this.tableName,
        Key: reminderKey(item.condition, item.arn),
        ConditionExpression: 'occurrence = :occurrence',
        ExpressionAttributeValues: { ':occurrence': item.occurrence },
      }),
    );
  }

  /** Sends a conditional write; false when its condition failed (someone else got there first). */
  private async conditional(command: PutCommand | DeleteCommand): Promise<boolean> {
    try {
      if (command instanceof PutCommand) await this.client.send(command);
      else await this.client.send(command);
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }
}
