/**
 * The session guard's state in the table, beside each session
 * (pk `R#<session ARN>`, sk `GUARD`): the session's own limit (set by
 * `vigil session start`), what the guard already did, and whether the stop
 * call was made. A guard action is one transaction: the action is added to
 * `done` only if absent, and its event is written with it, so each action
 * happens and is announced once; the event's outbox entry (record/outbox.ts)
 * is written in the same transaction.
 */
import {
  BatchGetCommand,
  type DynamoDBDocumentClient,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { batchGet } from './batch';
import { isTransactionConditionFailure } from './conditions';
import { expiryAfter, stripItem } from './keys';
import { derivedEventPuts } from './outbox';
import type { GuardEvent, GuardEventAction } from './vigil-event';

export interface GuardState {
  readonly arn: string;
  /** The session's own limit, when it was started with one. */
  readonly limitMinutes?: number;
  /** Who started the session through Vigil. */
  readonly startedBy?: string;
  readonly done: readonly GuardEventAction[];
  /** When StopRemoteAccessSession was called (set after the call returned). */
  readonly stopCalledAt?: string;
}

export interface GuardLedger {
  states(arns: readonly string[]): Promise<Map<string, GuardState>>;
  /** Records an action and its event once; 'duplicate' when the action was already recorded. */
  record(event: GuardEvent): Promise<'recorded' | 'duplicate'>;
  markStopCalled(arn: string, at: string): Promise<void>;
  /** Remembers a session's own limit (vigil session start). */
  setSessionLimit(arn: string, limitMinutes: number, startedBy: string): Promise<void>;
}

/** The actions that end a session: its completion is announced with them, not again. */
export const STOP_ACTIONS = ['stop', 'stopped-by-user'] as const satisfies readonly GuardEventAction[];

/** Where the notifier finds the stop that ended a session (deliver/guard-stops.ts). */
export interface GuardStops {
  /** The stop event (the guard's or a user's) of each session that has one. */
  stopEvents(arns: readonly string[]): Promise<Map<string, GuardEvent>>;
}

/** Guard state and events are kept this many days after they are written. */
const KEEP_DAYS = 90;
const BATCH_GET_LIMIT = 100;

export class DynamoGuardLedger implements GuardLedger, GuardStops {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async states(arns: readonly string[]): Promise<Map<string, GuardState>> {
    const found = new Map<string, GuardState>();
    for (let i = 0; i < arns.length; i += BATCH_GET_LIMIT) {
      let keys: Record<string, unknown>[] = arns
        .slice(i, i + BATCH_GET_LIMIT)
        .map((arn) => ({ pk: `R#${arn}`, sk: 'GUARD' }));
      while (keys.length > 0) {
        const out = await this.client.send(
          new BatchGetCommand({ RequestItems: { [this.tableName]: { Keys: keys, ConsistentRead: true } } }),
        );
        for (const item of out.Responses?.[this.tableName] ?? []) {
          const arn = String(item.pk).slice(2);
          found.set(arn, {
            arn,
            done: (item.done as GuardEventAction[] | undefined) ?? [],
            ...(typeof item.limitMinutes === 'number' ? { limitMinutes: item.limitMinutes } : {}),
            ...(typeof item.startedBy === 'string' ? { startedBy: item.startedBy } : {}),
            ...(typeof item.stopCalledAt === 'string' ? { stopCalledAt: item.stopCalledAt } : {}),
          });
        }
        keys = (out.UnprocessedKeys?.[this.tableName]?.Keys ?? []) as Record<string, unknown>[];
      }
    }
    return found;
  }

  async record(event: GuardEvent): Promise<'recorded' | 'duplicate'> {
    const expiresAt = expiryAfter(event.at, KEEP_DAYS);
    try {
      await this.client.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Update: {
                TableName: this.tableName,
                Key: { pk: `R#${event.arn}`, sk: 'GUARD' },
                UpdateExpression:
                  'SET #done = list_append(if_not_exists(#done, :none), :action), entity = :entity, expiresAt = :exp',
                ConditionExpression: 'attribute_not_exists(#done) OR NOT contains(#done, :name)',
                ExpressionAttributeNames: { '#done': 'done' },
                ExpressionAttributeValues: {
                  ':none': [],
                  ':action': [event.action],
                  ':name': event.action,
                  ':entity': 'guard-state',
                  ':exp': expiresAt,
                },
              },
            },
            ...derivedEventPuts(this.tableName, event, 'guard', expiresAt),
          ],
        }),
      );
      return 'recorded';
    } catch (error) {
      if (isTransactionConditionFailure(error)) return 'duplicate';
      throw error;
    }
  }

  async stopEvents(arns: readonly string[]): Promise<Map<string, GuardEvent>> {
    const keys = arns.flatMap((arn) => STOP_ACTIONS.map((action) => ({ pk: `R#${arn}`, sk: `E#guard#${action}` })));
    const found = new Map<string, GuardEvent>();
    for (const item of await batchGet(this.client, this.tableName, keys, { consistent: true })) {
      const event = stripItem<GuardEvent>(item);
      found.set(event.arn, event);
    }
    return found;
  }

  async markStopCalled(arn: string, at: string): Promise<void> {
    await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { pk: `R#${arn}`, sk: 'GUARD' },
        UpdateExpression: 'SET stopCalledAt = :at',
        ExpressionAttributeValues: { ':at': at },
      }),
    );
  }

  async setSessionLimit(arn: string, limitMinutes: number, startedBy: string): Promise<void> {
    await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { pk: `R#${arn}`, sk: 'GUARD' },
        UpdateExpression: 'SET limitMinutes = :limit, startedBy = :by, entity = :entity, expiresAt = :exp',
        ExpressionAttributeValues: {
          ':limit': limitMinutes,
          ':by': startedBy,
          ':entity': 'guard-state',
          ':exp': expiryAfter(new Date().toISOString(), KEEP_DAYS),
        },
      }),
    );
  }
}
