/**
 * In-memory implementations of the reactors' ledgers (BudgetLedger,
 * GuardLedger). They make the same checks as the DynamoDB transactions:
 * a change's share marker is written only if absent ('duplicate' otherwise),
 * the usage only if its version is unchanged ('conflict' otherwise), a
 * guard action only if it is not yet in `done`. Calls are counted so tests
 * can assert what was attempted.
 */
import type { Budget } from '../../lambda/config/settings';
import type {
  AnnounceOutcome,
  ApplyOutcome,
  BudgetLedger,
  BudgetShare,
  BudgetUsage,
} from '../../lambda/record/budget-ledger';
import type { GuardLedger, GuardState } from '../../lambda/record/guard-ledger';
import {
  type BudgetEvent,
  budgetArn,
  budgetPk,
  type GuardEvent,
  type GuardEventAction,
} from '../../lambda/record/vigil-event';

/** One budget period's partition: the USAGE item, the `M#<event id>` markers and the `E#…` events. */
interface BudgetPartition {
  usage?: BudgetUsage;
  readonly shares: Map<string, BudgetShare>;
  readonly events: Map<string, BudgetEvent>;
}

/** The event sort key DynamoBudgetLedger uses: one forecast and one item per threshold per period. */
function budgetEventSk(event: BudgetEvent): string {
  return event.eventType === 'budget-forecast'
    ? 'E#forecast'
    : `E#threshold#${String(event.thresholdPercent ?? 0).padStart(4, '0')}`;
}

/** A BudgetLedger over Maps, with the DynamoDB ledger's marker and version checks. */
export class InMemoryBudgetLedger implements BudgetLedger {
  readonly partitions = new Map<string, BudgetPartition>();
  readonly calls = { usage: 0, apply: 0, announce: 0, period: 0 };
  /** Every apply and announce outcome, in order. */
  readonly outcomes: ApplyOutcome[] = [];
  private forcedConflicts = 0;
  private beforeApply: (() => Promise<void>) | undefined;

  /** Makes the next `count` applies answer 'conflict' without writing (as if another consumer kept winning). */
  conflictNext(count = 1): this {
    this.forcedConflicts = count;
    return this;
  }

  /** Runs `write` once, just before the next apply checks its version: a concurrent writer in between read and write. */
  interleaveOnce(write: () => Promise<void>): this {
    this.beforeApply = write;
    return this;
  }

  /** Every budget event written, in write order. */
  allEvents(): BudgetEvent[] {
    return [...this.partitions.values()].flatMap((p) => [...p.events.values()]);
  }

  async usage(budget: string, periodKey: string): Promise<BudgetUsage | undefined> {
    this.calls.usage++;
    return this.partitionOf(budget, periodKey)?.usage;
  }

  /** Budgets as the catalog holds them (written with a period's first usage). */
  readonly budgets = new Map<string, Budget>();

  async catalog(): Promise<Budget[]> {
    return [...this.budgets.values()];
  }

  async apply(
    usage: BudgetUsage,
    share: BudgetShare,
    events: readonly BudgetEvent[],
    expectedVersion: number,
    budget?: Budget,
  ): Promise<ApplyOutcome> {
    this.calls.apply++;
    if (budget !== undefined && expectedVersion === 0) this.budgets.set(budget.name, budget);
    const interleaved = this.beforeApply;
    this.beforeApply = undefined;
    if (interleaved !== undefined) await interleaved();
    const outcome = this.write(usage, share, events, expectedVersion);
    this.outcomes.push(outcome);
    return outcome;
  }

  async announce(
    usage: BudgetUsage,
    events: readonly BudgetEvent[],
    expectedVersion: number,
  ): Promise<AnnounceOutcome> {
    this.calls.announce++;
    const interleaved = this.beforeApply;
    this.beforeApply = undefined;
    if (interleaved !== undefined) await interleaved();
    const outcome = this.settle(usage, events, expectedVersion);
    this.outcomes.push(outcome);
    return outcome;
  }

  async period(budget: string, periodKey: string) {
    this.calls.period++;
    const p = this.partitionOf(budget, periodKey);
    return {
      ...(p?.usage === undefined ? {} : { usage: p.usage }),
      shares: [...(p?.shares.values() ?? [])],
      events: [...(p?.events.values() ?? [])],
    };
  }

  private partitionOf(budget: string, periodKey: string): BudgetPartition | undefined {
    return this.partitions.get(budgetPk(budgetArn(budget, periodKey)));
  }

  private write(
    usage: BudgetUsage,
    share: BudgetShare,
    events: readonly BudgetEvent[],
    expectedVersion: number,
  ): ApplyOutcome {
    if (this.takeForcedConflict()) return 'conflict';
    const partition = this.partitionFor(usage);
    // The transaction's first item is the marker: when it fails, the change was already counted.
    if (partition.shares.has(share.eventId)) return 'duplicate';
    const outcome = this.commit(partition, usage, events, expectedVersion);
    if (outcome === 'applied') partition.shares.set(share.eventId, share);
    return outcome;
  }

  private settle(usage: BudgetUsage, events: readonly BudgetEvent[], expectedVersion: number): AnnounceOutcome {
    if (this.takeForcedConflict()) return 'conflict';
    return this.commit(this.partitionFor(usage), usage, events, expectedVersion);
  }

  private takeForcedConflict(): boolean {
    if (this.forcedConflicts === 0) return false;
    this.forcedConflicts--;
    return true;
  }

  private partitionFor(usage: BudgetUsage): BudgetPartition {
    const pk = budgetPk(budgetArn(usage.budget, usage.periodKey));
    const partition = this.partitions.get(pk) ?? { shares: new Map(), events: new Map() };
    this.partitions.set(pk, partition);
    return partition;
  }

  /** The usage (only if its version is unchanged) and its events (each only if absent), all or nothing. */
  private commit(
    partition: BudgetPartition,
    usage: BudgetUsage,
    events: readonly BudgetEvent[],
    expectedVersion: number,
  ): 'applied' | 'conflict' {
    const versionHolds =
      expectedVersion === 0 ? partition.usage === undefined : partition.usage?.version === expectedVersion;
    if (!versionHolds) return 'conflict';
    if (events.some((e) => partition.events.has(budgetEventSk(e)))) return 'conflict';
    partition.usage = usage;
    for (const e of events) partition.events.set(budgetEventSk(e), e);
    return 'applied';
  }
}

interface GuardItem {
  limitMinutes?: number;
  startedBy?: string;
  done: GuardEventAction[];
  stopCalledAt?: string;
}

/** A GuardLedger over Maps: an action is recorded (with its event) only if not yet done. */
export class InMemoryGuardLedger implements GuardLedger {
  readonly items = new Map<string, GuardItem>();
  /** Every guard event recorded, in order. */
  readonly events: GuardEvent[] = [];
  readonly calls = { states: 0, record: 0, markStopCalled: 0, setSessionLimit: 0 };

  async states(arns: readonly string[]): Promise<Map<string, GuardState>> {
    this.calls.states++;
    const found = new Map<string, GuardState>();
    for (const arn of arns) {
      const item = this.items.get(arn);
      if (item !== undefined) found.set(arn, { arn, ...item, done: [...item.done] });
    }
    return found;
  }

  async record(event: GuardEvent): Promise<'recorded' | 'duplicate'> {
    this.calls.record++;
    const item = this.items.get(event.arn) ?? { done: [] };
    if (item.done.includes(event.action)) return 'duplicate';
    if (this.events.some((e) => e.arn === event.arn && e.action === event.action)) return 'duplicate';
    item.done.push(event.action);
    this.items.set(event.arn, item);
    this.events.push(event);
    return 'recorded';
  }

  async markStopCalled(arn: string, at: string): Promise<void> {
    this.calls.markStopCalled++;
    const item = this.items.get(arn) ?? { done: [] };
    item.stopCalledAt = at;
    this.items.set(arn, item);
  }

  async setSessionLimit(arn: string, limitMinutes: number, startedBy: string): Promise<void> {
    this.calls.setSessionLimit++;
    const item = this.items.get(arn) ?? { done: [] };
    item.limitMinutes = limitMinutes;
    item.startedBy = startedBy;
    this.items.set(arn, item);
  }
}

/** A StopRemoteAccessSession stand-in that counts calls; it can be told to throw for the next calls. */
export class CountingStop {
  /** ARNs of every call, failed or not. */
  readonly attempts: string[] = [];
  /** ARNs of the calls that returned. */
  readonly stopped: string[] = [];
  private readonly failures: unknown[] = [];

  /** The next calls throw these, in order. */
  failNext(...errors: unknown[]): this {
    this.failures.push(...errors);
    return this;
  }

  readonly stop = async (arn: string): Promise<void> => {
    this.attempts.push(arn);
    if (this.failures.length > 0) throw this.failures.shift();
    this.stopped.push(arn);
  };
}
