/**
 * What every source's poll cycle shares: loading stored state once per cycle
 * (one Query on the sparse `active` index, one for cursors), recording
 * observations, confirming deletions, the walk over a listed kind
 * (listed-walk.ts), and running scopes with bounded concurrency so one
 * failing scope never stops the others. The sources (device-farm/,
 * deadline/) decide what to list and how to map it.
 */
import { mapBounded } from '../core/concurrency';
import { errorFields, type Log, withFields } from '../core/log';
import { type Kind, type Observation, SERVICE_NAMES, type Service } from '../core/observation';
import { GONE_STATUS } from '../core/status';
import type { ChangeEvent, StoredState } from '../record/change-event';
import type { Cursor, StateStore } from '../record/history-store';
import { type RecordOutcome, recordObservation } from '../record/recorder';
import type { BoundSummary } from './adaptive-bound';
import { firstNotFoundMessage, goneObservation } from './gone';
import { type ListedKind, type ListingCycle, type ScopeRef, walkListed } from './listed-walk';
import type { Clock } from './page';

export type { ListedKind, ScopeRef } from './listed-walk';

/** A scope that could not be polled this cycle; the others went on. */
export interface ScopeFailure {
  readonly scope: string;
  readonly kind: Kind;
  /** The one resource whose recording failed; absent when the whole scope failed. */
  readonly resource?: string;
  /** The account-wide listing that failed (ListTestGridProjects, say); `scope` names it too. */
  readonly listing?: string;
  readonly error: string;
}

/** What one cycle did, for logs, metrics and the CLI. */
export interface CycleReport {
  readonly service: Service;
  readonly cycleId: string;
  readonly startedAt: string;
  readonly finishedAt: string;
  /** Scopes polled (projects, test grid projects, queues). */
  readonly projects: number;
  readonly observed: number;
  readonly unchanged: number;
  /** Observations older than the stored state (an overlapping cycle got there first). */
  readonly stale: number;
  /** API items without an identity: reported, not recordable. */
  readonly malformed: number;
  readonly events: readonly ChangeEvent[];
  readonly failures: readonly ScopeFailure[];
  /** Scopes not started because the cycle's time budget ran out; the next cycle starts with them. */
  readonly deferred: number;
  /**
   * Listings found not newest first for the first time this cycle: read in
   * full in this cycle, and flagged on their cursor to be read in full from now on.
   */
  readonly listingsOutOfOrder: number;
  /** Listings (scope and kind) this cycle read in full because their cursor says their order cannot be trusted. */
  readonly fullListingScopes: number;
  /** Resources a full listing found at or below the watermark that were never recorded: recorded now, as news. */
  readonly foundBelowWatermark: number;
  /** How the bound on API calls in flight moved (see adaptive-bound.ts). */
  readonly concurrency?: BoundSummary;
}

/**
 * How long a cycle may go on starting scopes: a Lambda is cut at its
 * timeout, and a cycle cut mid-scope loses that scope's work for the minute.
 */
export interface CycleBudget {
  /** Milliseconds left before the invocation is cut (Lambda's `getRemainingTimeInMillis`). */
  readonly remainingMs: () => number;
  /** Scopes are started only while more than this is left. @default 10_000 */
  readonly reserveMs?: number;
}

/**
 * Where the next cycle starts, kept by the poller across the cycles of a warm
 * container. A cycle that ran out of budget records the first scope it could
 * not start; the next cycle starts there, so under a sustained overload every
 * scope is still polled in turn instead of the last ones never.
 */
export interface ResumePoint {
  next?: string;
}

/** Default of {@link CycleBudget.reserveMs}: a scope under throttling can take several seconds. */
export const DEFAULT_RESERVE_MS = 10_000;

/** One unit of polling: a scope and kind, run under the cycle's concurrency bound. */
export interface ScopeUnit {
  readonly scope: string;
  readonly kind: Kind;
  readonly run: () => Promise<void>;
}

/** Kinds loaded with their parent (a run's jobs, a Deadline job's sessions), not from the active index. */
const CHILD_KINDS: ReadonlySet<Kind> = new Set<Kind>(['job', 'deadline-session']);

const scopeKey = (scope: string, kind: Kind) => `${scope}#${kind}`;

/** A cycle id that sorts by time and is unique across overlapping cycles. */
function newCycleId(at: Date): string {
  return `${at.toISOString()}-${Math.random().toString(36).slice(2, 8)}`;
}

export class PollCycle implements ListingCycle {
  readonly cycleId: string;
  readonly startedAt: string;
  readonly events: ChangeEvent[] = [];
  private readonly failures: ScopeFailure[] = [];
  private readonly counts = {
    observed: 0,
    unchanged: 0,
    stale: 0,
    malformed: 0,
    deferred: 0,
    listingsOutOfOrder: 0,
    fullListingScopes: 0,
    foundBelowWatermark: 0,
  };
  /** Each scope's stored states, loaded at most once per cycle (by the first full listing that needs them). */
  private readonly scopeStates = new Map<string, Promise<StoredState[]>>();

  /** Every line it writes carries the cycle id and the service, so one cycle's lines can be found together. */
  readonly log: Log;

  private constructor(
    readonly service: Service,
    readonly store: StateStore,
    log: Log,
    readonly now: Clock,
    private readonly cursors: Map<string, Cursor>,
    private readonly active: Map<string, Map<string, StoredState>>,
    /** Active children by `<project>#<kind>`, then by parent ARN. */
    private readonly activeChildren: ReadonlyMap<string, ReadonlyMap<string, StoredState[]>> = new Map(),
  ) {
    const start = now();
    this.cycleId = newCycleId(start);
    this.startedAt = start.toISOString();
    this.log = withFields(log, { cycleId: this.cycleId, service });
  }

  /** Starts a cycle: loads what is active and the cursors of `service` (two Queries). */
  static async open(service: Service, store: StateStore, log: Log, now: Clock = () => new Date()): Promise<PollCycle> {
    const [activeStates, cursorList] = await Promise.all([store.loadActive(service), store.loadCursors(service)]);
    const active = new Map<string, Map<string, StoredState>>();
    const children = new Map<string, Map<string, StoredState[]>>();
    for (const s of activeStates) {
      if (CHILD_KINDS.has(s.kind)) {
        const key = scopeKey(s.project.arn, s.kind);
        const byParent = children.get(key) ?? new Map<string, StoredState[]>();
        children.set(key, byParent);
        const siblings = byParent.get(s.scope) ?? [];
        byParent.set(s.scope, siblings);
        siblings.push(s);
        continue;
      }
      const key = scopeKey(s.scope, s.kind);
      const group = active.get(key) ?? new Map<string, StoredState>();
      group.set(s.arn, s);
      active.set(key, group);
    }
    return new PollCycle(
      service,
      store,
      log,
      now,
      new Map(cursorList.map((c) => [scopeKey(c.scope, c.kind), c])),
      active,
      children,
    );
  }

  /**
   * A cycle that loads nothing up front, for recording what one event
   * reports (the event path reads only the resources it names).
   */
  static forEvent(service: Service, store: StateStore, log: Log, now: Clock = () => new Date()): PollCycle {
    return new PollCycle(service, store, log, now, new Map(), new Map());
  }

  /** The stored states of what is active in one scope and kind. */
  activeIn(scope: string, kind: Kind): StoredState[] {
    return [...(this.active.get(scopeKey(scope, kind))?.values() ?? [])];
  }

  /**
   * Children (a run's jobs, a Deadline job's sessions) still active in the
   * index, of one project or queue, by parent ARN. They are normally polled
   * with their parent; this finds the ones whose parent finished first.
   */
  activeChildrenOf(project: string, kind: Kind): ReadonlyMap<string, readonly StoredState[]> {
    return this.activeChildren.get(scopeKey(project, kind)) ?? new Map();
  }

  cursor(scope: string, kind: Kind): Cursor | undefined {
    return this.cursors.get(scopeKey(scope, kind));
  }

  /** Counts an item the API returned without an identity. */
  malformed(scope: string, kind: Kind): void {
    this.counts.malformed++;
    this.log.warn('An API item came without an identity; it cannot be recorded', {
      scope,
      kind,
    });
  }

  /**
   * Logs and reports an account-wide listing that failed (ListTestGridProjects,
   * say): the scopes it would have named wait for the next cycle, the others
   * go on. Reported, so the CLI's exit code and the metrics see it.
   */
  listingFailed(listing: string, kind: Kind, error: unknown): void {
    const fields = errorFields(error);
    this.log.error(`${listing} failed; its scopes wait for the next cycle, the others went on`, fields);
    this.failures.push({ scope: listing, kind, listing, error: String(fields.error) });
  }

  /**
   * Logs and reports a resource that could not be recorded (retried next
   * cycle): reported too, so the CLI's exit code and the metrics see it,
   * not only the log.
   */
  failed(where: { scope: string; kind: Kind; resource: string }, error: unknown): void {
    const fields = errorFields(error);
    this.log.error('Recording a resource failed; it is retried next cycle', { arn: where.resource, ...fields });
    this.failures.push({ ...where, error: String(fields.error) });
  }

  /**
   * Records one observation and keeps the cycle's counts. A resource read
   * successfully after a first NotFound loses its `notFoundAt` note: a
   * recorded change replaces the item, an unchanged one is cleared here.
   */
  async record(stored: StoredState | undefined, observation: Observation, baseline: boolean): Promise<RecordOutcome> {
    this.counts.observed++;
    const outcome = await recordObservation(this.store, stored, observation, { cycleId: this.cycleId, baseline });
    if (outcome.kind === 'written') this.events.push(outcome.event);
    else {
      this.counts[outcome.kind]++;
      if (outcome.latest.notFoundAt !== undefined && observation.status !== GONE_STATUS) {
        await this.store.clearNotFound(outcome.latest);
      }
    }
    return outcome;
  }

  /**
   * A followed resource whose read answered NotFound. Recorded as gone (by
   * `recordGone`) only when the previous read answered NotFound too; a first
   * NotFound is noted on the resource and reported as a failed read, so the
   * next cycle reads it again (see gone.ts).
   */
  async notFound(stored: StoredState, recordGone: (gone: Observation) => Promise<unknown>): Promise<void> {
    const at = this.now().toISOString();
    if (stored.notFoundAt !== undefined) {
      await recordGone(goneObservation(stored, at));
      return;
    }
    await this.store.markNotFound(stored, at);
    const message = firstNotFoundMessage(stored);
    this.log.warn('A followed resource answered NotFound once; it is read again next cycle', {
      arn: stored.arn,
      kind: stored.kind,
      status: stored.status,
    });
    this.failures.push({ scope: stored.project.arn, kind: stored.kind, resource: stored.arn, error: message });
  }

  /** The stored states of one kind in `scope`, from one strongly consistent Query per scope per cycle. */
  async storedIn(scope: string, kind: Kind): Promise<Map<string, StoredState>> {
    let loading = this.scopeStates.get(scope);
    if (loading === undefined) {
      loading = this.store.loadScope(scope);
      this.scopeStates.set(scope, loading);
    }
    return new Map((await loading).filter((s) => s.kind === kind).map((s) => [s.arn, s]));
  }

  /** Counts and logs a listing first found out of order (its cursor is flagged by the walk). */
  listingOutOfOrder(scope: string, kind: Kind): void {
    this.counts.listingsOutOfOrder++;
    this.log.warn(
      `A ${SERVICE_NAMES[this.service]} listing is not newest first; it is read in full from now on, and was this cycle`,
      { scope, kind },
    );
  }

  /** Counts a listing read in full because its order cannot be trusted. */
  listingNeedsFullReads(): void {
    this.counts.fullListingScopes++;
  }

  /** Counts and logs resources a full listing found below the watermark that were never recorded. */
  foundBelowWatermark(scope: string, kind: Kind, arns: readonly string[]): void {
    this.counts.foundBelowWatermark += arns.length;
    this.log.warn('A full listing found resources below the watermark that were never recorded; recorded now', {
      scope,
      kind,
      arns,
    });
  }

  /**
   * Runs every unit with at most `concurrency` at once; a failing unit is
   * logged and reported, never thrown. The API calls the units make are
   * bounded separately (the sources gate their client with an AdaptiveBound),
   * so `concurrency` only needs to keep enough units going to fill that bound.
   * With a `budget`, units are started only while it lasts, beginning at
   * `resume`'s unit; the first unit left out becomes the next `resume`.
   */
  async runScopes(
    units: readonly ScopeUnit[],
    concurrency: number,
    budget?: CycleBudget,
    resume?: ResumePoint,
  ): Promise<void> {
    const ordered = startingAt(units, resume?.next);
    const reserve = budget?.reserveMs ?? DEFAULT_RESERVE_MS;
    const settled = await mapBounded(ordered, concurrency, async (unit) => {
      if (budget !== undefined && budget.remainingMs() <= reserve) return 'deferred' as const;
      await unit.run();
      return 'done' as const;
    });
    const deferred = ordered.filter((_, index) => {
      const result = settled[index];
      return result?.status === 'fulfilled' && result.value === 'deferred';
    });
    this.counts.deferred = deferred.length;
    if (resume !== undefined) {
      const [first] = deferred;
      resume.next = first === undefined ? undefined : scopeKey(first.scope, first.kind);
    }
    if (deferred.length > 0) {
      this.log.warn('The cycle ran out of time; the scopes it did not start come first next cycle', {
        deferred: deferred.length,
        of: units.length,
        next: resume?.next,
      });
    }
    settled.forEach((result, index) => {
      const unit = ordered[index];
      if (result.status === 'fulfilled' || unit === undefined) return;
      const fields = errorFields(result.reason);
      this.log.error(`Polling a ${SERVICE_NAMES[this.service]} scope failed; the other scopes went on`, {
        scope: unit.scope,
        kind: unit.kind,
        ...fields,
      });
      this.failures.push({ scope: unit.scope, kind: unit.kind, error: String(fields.error) });
    });
  }

  report(projects: number, concurrency?: BoundSummary): CycleReport {
    return {
      ...(concurrency === undefined ? {} : { concurrency }),
      service: this.service,
      cycleId: this.cycleId,
      startedAt: this.startedAt,
      finishedAt: this.now().toISOString(),
      projects,
      ...this.counts,
      events: this.events,
      failures: this.failures,
    };
  }

  /** The shared walk for a listed kind (listed-walk.ts). */
  pollListed<T>(scope: ScopeRef, listed: ListedKind<T>): Promise<void> {
    return walkListed(this, scope, listed);
  }
}

/** The units in their order, rotated to start at the one keyed `key` (unchanged when it is not there). */
function startingAt(units: readonly ScopeUnit[], key: string | undefined): readonly ScopeUnit[] {
  const index = key === undefined ? -1 : units.findIndex((u) => scopeKey(u.scope, u.kind) === key);
  return index <= 0 ? units : [...units.slice(index), ...units.slice(0, index)];
}

/** Date → ISO-8601, or undefined for a missing or invalid date. */
export function isoOf(date: Date | undefined): string | undefined {
  return date instanceof Date && !Number.isNaN(date.getTime()) ? date.toISOString() : undefined;
}

interface Named {
  readonly arn?: string;
  readonly name?: string;
}

/** Whether a container matches a list of names, ARNs or IDs. */
export function matchesAny(item: Named & { id?: string }, wanted: readonly string[]): boolean {
  return wanted.some((w) => w === item.arn || w === item.name || (item.id !== undefined && w === item.id));
}

/**
 * The containers to follow: all, or those whose name or ARN the settings
 * list. With `warnAgainst` (everything any list of this kind returned), a
 * configured name that matches nothing is logged rather than failing the
 * cycle: the container may not exist yet.
 */
export function selectByNameOrArn<T extends Named>(
  items: readonly T[],
  wanted: readonly string[],
  log: Log,
  what: string,
  warnAgainst?: readonly Named[],
): (T & { arn: string })[] {
  const withArn = items.filter((p): p is T & { arn: string } => typeof p.arn === 'string');
  if (wanted.length === 0) return withArn;
  const chosen = withArn.filter((p) => matchesAny(p, wanted));
  if (warnAgainst !== undefined) {
    const missing = wanted.filter((w) => !warnAgainst.some((p) => matchesAny(p, [w])));
    if (missing.length > 0) log.warn(`Configured ${what} not found`, { missing });
  }
  return chosen;
}
