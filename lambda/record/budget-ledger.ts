/**
 * Budget usage in the table. Per budget and period (pk `BU#<budget>#<period>`):
 * one USAGE item (minutes used, thresholds fired, version), one share item
 * per change counted (`M#<event id>`: the idempotency marker, and what
 * `vigil budget` ranks resources by), and the budget's events.
 *
 * Counting a change is one transaction: the marker (only if absent), the new
 * usage (only if its version is unchanged) and any threshold or forecast
 * events. A retried stream batch finds its marker and adds nothing twice; a
 * crash between steps leaves nothing half done. Announcing the thresholds
 * that baseline changes crossed is one transaction too: the usage (only if
 * its version is unchanged) with `fired` updated, and the one event.
 */
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { Budget } from '../config/settings';
import { isTransactionConditionFailure } from './conditions';
import { expiryAfter, stripItem } from './keys';
import { derivedEventPuts } from './outbox';
import { queryPartition } from './query';
import { type BudgetEvent, budgetArn, budgetPk, type UsageShare } from './vigil-event';

/** A budget period's running total. */
export interface BudgetUsage {
  readonly budget: string;
  readonly periodKey: string;
  readonly start: string;
  readonly end: string;
  readonly usedMinutes: number;
  readonly limitMinutes: number;
  /** Thresholds (percent) settled this period: announced, or passed over by a higher announcement. */
  readonly fired: readonly number[];
  readonly forecastSent: boolean;
  /**
   * Thresholds crossed by baseline changes (usage that existed before Vigil
   * first looked), counted without an alert; the announcement pass announces
   * the highest one not in `fired`. Absent on items written before it existed. @default []
   */
  readonly crossedAtBaseline?: readonly number[];
  /** The baseline change that crossed the highest of `crossedAtBaseline` (the announcement names it). */
  readonly baselineCause?: BudgetEvent['causedBy'];
  /**
   * Distinct local days (`YYYY-MM-DD` in the budget's time zone) on which
   * counted usage started: the forecast's evidence. Absent on items written
   * before it existed. @default []
   */
  readonly usageDays?: readonly string[];
  readonly version: number;
}

/** One change's contribution to a budget period. */
export interface BudgetShare extends UsageShare {
  readonly eventId: string;
  readonly at: string;
}

export type ApplyOutcome = 'applied' | 'duplicate' | 'conflict';

/** 'conflict': the usage's version moved, or one of the events already exists; nothing was written. */
export type AnnounceOutcome = 'applied' | 'conflict';

export interface BudgetLedger {
  usage(budget: string, periodKey: string): Promise<BudgetUsage | undefined>;
  /**
   * Adds one change's share, writes the new usage and its events, atomically.
   * With `budget`, a period's first write also records the budget's
   * definition in the catalog (what `vigil budget` shows without a config file).
   */
  apply(
    usage: BudgetUsage,
    share: BudgetShare,
    events: readonly BudgetEvent[],
    expectedVersion: number,
    budget?: Budget,
  ): Promise<ApplyOutcome>;
  /** The budgets that have counted anything, as last configured (one Query). */
  catalog(): Promise<Budget[]>;
  /** Writes the new usage and its events (no share: nothing is counted), atomically. */
  announce(usage: BudgetUsage, events: readonly BudgetEvent[], expectedVersion: number): Promise<AnnounceOutcome>;
  /** Usage, shares and events of one budget period (for `vigil budget`). */
  period(
    budget: string,
    periodKey: string,
  ): Promise<{ usage?: BudgetUsage; shares: BudgetShare[]; events: BudgetEvent[] }>;
}

/** The partition of the budget catalog: one item per budget that has counted anything. */
const CATALOG_PK = 'BUDGETS';

/** Markers and events outlive their period by this many days (then TTL removes them). */
const KEEP_AFTER_PERIOD_DAYS = 90;

export class DynamoBudgetLedger implements BudgetLedger {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async usage(budget: string, periodKey: string): Promise<BudgetUsage | undefined> {
    const out = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: budgetPk(budgetArn(budget, periodKey)), sk: 'USAGE' },
        ConsistentRead: true,
      }),
    );
    return out.Item === undefined ? undefined : stripItem<BudgetUsage>(out.Item);
  }

  async apply(
    usage: BudgetUsage,
    share: BudgetShare,
    events: readonly BudgetEvent[],
    expectedVersion: number,
    budget?: Budget,
  ): Promise<ApplyOutcome> {
    const pk = budgetPk(budgetArn(usage.budget, usage.periodKey));
    const expiresAt = expiryAfter(usage.end, KEEP_AFTER_PERIOD_DAYS);
    // Once per budget and period (the usage item's first write): the budget as configured then.
    const catalog =
      budget !== undefined && expectedVersion === 0
        ? [{ Put: { TableName: this.tableName, Item: { pk: CATALOG_PK, sk: budget.name, entity: 'budget', budget } } }]
        : [];
    try {
      await this.client.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: this.tableName,
                Item: { pk, sk: `M#${share.eventId}`, entity: 'budget-share', ...share, expiresAt },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
            this.usagePut(pk, usage, expectedVersion, expiresAt),
            ...events.flatMap((event) => derivedEventPuts(this.tableName, event, 'budget', expiresAt)),
            ...catalog,
          ],
        }),
      );
      return 'applied';
    } catch (error) {
      if (!(error instanceof TransactionCanceledException)) throw error;
      const reasons = error.CancellationReasons ?? [];
      if (reasons[0]?.Code === 'ConditionalCheckFailed') return 'duplicate';
      if (reasons.some((r) => r.Code === 'ConditionalCheckFailed')) return 'conflict';
      throw error;
    }
  }

  /** The usage item's Put, only while its version is still `expectedVersion` (0: not written yet). */
  private usagePut(pk: string, usage: BudgetUsage, expectedVersion: number, expiresAt: number) {
    return {
      Put: {
        TableName: this.tableName,
        Item: { pk, sk: 'USAGE', entity: 'budget-usage', ...usage, expiresAt },
        ...(expectedVersion === 0
          ? { ConditionExpression: 'attribute_not_exists(pk)' }
          : {
              ConditionExpression: '#version = :expected',
              ExpressionAttributeNames: { '#version': 'version' },
              ExpressionAttributeValues: { ':expected': expectedVersion },
            }),
      },
    };
  }

  async announce(
    usage: BudgetUsage,
    events: readonly BudgetEvent[],
    expectedVersion: number,
  ): Promise<AnnounceOutcome> {
    const pk = budgetPk(budgetArn(usage.budget, usage.periodKey));
    const expiresAt = expiryAfter(usage.end, KEEP_AFTER_PERIOD_DAYS);
    try {
      await this.client.send(
        new TransactWriteCommand({
          TransactItems: [
            this.usagePut(pk, usage, expectedVersion, expiresAt),
            ...events.flatMap((event) => derivedEventPuts(this.tableName, event, 'budget', expiresAt)),
          ],
        }),
      );
      return 'applied';
    } catch (error) {
      if (isTransactionConditionFailure(error)) return 'conflict';
      throw error;
    }
  }

  async catalog(): Promise<Budget[]> {
    const items = await queryPartition(this.client, this.tableName, CATALOG_PK);
    return items.map((item) => item.budget as Budget);
  }

  async period(budget: string, periodKey: string) {
    const pk = budgetPk(budgetArn(budget, periodKey));
    let usage: BudgetUsage | undefined;
    const shares: BudgetShare[] = [];
    const events: BudgetEvent[] = [];
    for (const item of await queryPartition(this.client, this.tableName, pk)) {
      const value = stripItem<Record<string, unknown>>(item);
      if (item.entity === 'budget-usage') usage = value as unknown as BudgetUsage;
      else if (item.entity === 'budget-share') shares.push(value as unknown as BudgetShare);
      else if (item.entity === 'event') events.push(value as unknown as BudgetEvent);
    }
    return { ...(usage === undefined ? {} : { usage }), shares, events };
  }
}
