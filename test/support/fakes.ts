/**
 * In-memory implementations of the engine's ports (StateStore,
 * DeliveryLedger, Outbox, Publisher). They behave like the DynamoDB store where it matters (the
 * optimistic version check, idempotent delivery records) and count calls so
 * tests can assert what was written and what was not.
 */
import type { Kind, Service } from '../../lambda/core/observation';
import type { Notification } from '../../lambda/deliver/compose';
import type { Publisher } from '../../lambda/deliver/sns-publisher';
import type { ChangeEvent, StoredState } from '../../lambda/record/change-event';
import type {
  Claim,
  DeliveryLedger,
  DeliveryRecord,
  DeliverySlot,
  ParkedRecord,
  SilencedRecord,
} from '../../lambda/record/delivery-ledger';
import type { Cursor, StateStore, WriteOutcome } from '../../lambda/record/history-store';
import { eventKeyOf, type ItemKey } from '../../lambda/record/keys';
import { type Outbox, type OutboxEntry, type OutboxQueue, queuesFor, type RetryPlan } from '../../lambda/record/outbox';
import type { VigilEvent } from '../../lambda/record/vigil-event';

const latestKey = (scope: string, kind: Kind, arn: string) => `${scope}|${kind}|${arn}`;
const cursorKey = (c: Pick<Cursor, 'service' | 'scope' | 'kind'>) => `${c.service}|${c.scope}|${c.kind}`;

/** A StateStore over Maps, with the same version check the DynamoDB transaction makes. */
export class InMemoryStateStore implements StateStore {
  readonly latest = new Map<string, StoredState>();
  readonly events: ChangeEvent[] = [];
  readonly cursors = new Map<string, Cursor>();
  readonly calls = {
    writeChange: 0,
    saveCursor: 0,
    loadScope: 0,
    getLatest: 0,
    loadActive: 0,
    loadCursors: 0,
    markNotFound: 0,
    clearNotFound: 0,
  };
  private forcedConflicts = 0;

  /** Makes the next `count` writes answer 'conflict' without writing (as if another poller won). */
  conflictNext(count = 1): this {
    this.forcedConflicts = count;
    return this;
  }

  /** Seeds stored states (as earlier cycles would have written them). */
  seed(...states: StoredState[]): this {
    for (const s of states) this.latest.set(latestKey(s.scope, s.kind, s.arn), s);
    return this;
  }

  seedCursor(cursor: Cursor): this {
    this.cursors.set(cursorKey(cursor), cursor);
    return this;
  }

  get(scope: string, kind: Kind, arn: string): StoredState | undefined {
    return this.latest.get(latestKey(scope, kind, arn));
  }

  async loadActive(service: Service): Promise<StoredState[]> {
    this.calls.loadActive++;
    return [...this.latest.values()].filter((s) => s.service === service && !s.terminal);
  }

  async loadScope(scope: string): Promise<StoredState[]> {
    this.calls.loadScope++;
    return [...this.latest.values()].filter((s) => s.scope === scope);
  }

  async getLatest(scope: string, kind: Kind, arn: string): Promise<StoredState | undefined> {
    this.calls.getLatest++;
    return this.get(scope, kind, arn);
  }

  async loadCursors(service: Service): Promise<Cursor[]> {
    this.calls.loadCursors++;
    return [...this.cursors.values()].filter((c) => c.service === service);
  }

  async saveCursor(cursor: Cursor): Promise<void> {
    this.calls.saveCursor++;
    this.cursors.set(cursorKey(cursor), cursor);
  }

  async writeChange(
    latest: StoredState,
    event: ChangeEvent,
    expectedVersion: number | undefined,
  ): Promise<WriteOutcome> {
    this.calls.writeChange++;
    if (this.forcedConflicts > 0) {
      this.forcedConflicts--;
      return 'conflict';
    }
    const current = this.get(latest.scope, latest.kind, latest.arn);
    if ((current?.version ?? undefined) !== expectedVersion) return 'conflict';
    this.latest.set(latestKey(latest.scope, latest.kind, latest.arn), latest);
    this.events.push(event);
    return 'written';
  }

  async markNotFound(state: StoredState, at: string): Promise<boolean> {
    this.calls.markNotFound++;
    const current = this.get(state.scope, state.kind, state.arn);
    if (current === undefined || current.version !== state.version) return false;
    this.latest.set(latestKey(state.scope, state.kind, state.arn), {
      ...current,
      notFoundAt: current.notFoundAt ?? at,
    });
    return true;
  }

  async clearNotFound(state: StoredState): Promise<void> {
    this.calls.clearNotFound++;
    const current = this.get(state.scope, state.kind, state.arn);
    if (current === undefined || current.version !== state.version) return;
    const { notFoundAt: _cleared, ...kept } = current;
    this.latest.set(latestKey(state.scope, state.kind, state.arn), kept);
  }
}

/**
 * A DeliveryLedger over Maps, with the DynamoDB ledger's claim rule (free,
 * expired or our own claims are taken; delivered and parked ones never).
 * Recording can be made to fail.
 */
export class InMemoryDeliveryLedger implements DeliveryLedger {
  readonly records = new Map<string, DeliveryRecord>();
  readonly parkedRecords = new Map<string, ParkedRecord>();
  readonly silencedRecords = new Map<string, SilencedRecord>();
  readonly claims = new Map<string, Claim>();
  failRecording = false;

  async slots(events: readonly VigilEvent[]): Promise<Map<string, DeliverySlot>> {
    const slots = new Map<string, DeliverySlot>();
    for (const e of events) {
      const delivery = this.records.get(e.eventId);
      const parked = this.parkedRecords.get(e.eventId);
      const silenced = this.silencedRecords.get(e.eventId);
      const claim = this.claims.get(e.eventId);
      if (delivery !== undefined) slots.set(e.eventId, { state: 'delivered', delivery });
      else if (parked !== undefined) slots.set(e.eventId, { state: 'parked', parked });
      else if (silenced !== undefined) slots.set(e.eventId, { state: 'silenced', silenced });
      else if (claim !== undefined) slots.set(e.eventId, { state: 'claimed', claim });
    }
    return slots;
  }

  async claim(events: readonly VigilEvent[], claim: Claim, now: Date): Promise<Set<string>> {
    const lost = new Set(
      events
        .filter((e) => {
          if (this.records.has(e.eventId) || this.parkedRecords.has(e.eventId) || this.silencedRecords.has(e.eventId))
            return true;
          const held = this.claims.get(e.eventId);
          return held !== undefined && held.owner !== claim.owner && held.leaseUntil >= now.toISOString();
        })
        .map((e) => e.eventId),
    );
    if (lost.size === 0) for (const e of events) this.claims.set(e.eventId, claim);
    return lost;
  }

  async release(events: readonly VigilEvent[], owner: string): Promise<void> {
    for (const e of events) if (this.claims.get(e.eventId)?.owner === owner) this.claims.delete(e.eventId);
  }

  async recordDelivery(events: readonly VigilEvent[], delivery: Omit<DeliveryRecord, 'eventId'>): Promise<void> {
    if (this.failRecording) throw new Error('ProvisionedThroughputExceededException: table busy');
    for (const e of events) {
      if (!this.records.has(e.eventId)) this.records.set(e.eventId, { eventId: e.eventId, ...delivery });
      this.claims.delete(e.eventId);
    }
  }

  async silence(events: readonly VigilEvent[], silenced: Omit<SilencedRecord, 'eventId'>): Promise<void> {
    for (const e of events) {
      if (!this.records.has(e.eventId)) this.silencedRecords.set(e.eventId, { eventId: e.eventId, ...silenced });
      this.claims.delete(e.eventId);
    }
  }

  async park(events: readonly VigilEvent[], parked: Omit<ParkedRecord, 'eventId' | 'eventKey'>): Promise<void> {
    for (const e of events) {
      this.parkedRecords.set(e.eventId, { ...parked, eventId: e.eventId, eventKey: eventKeyOf(e) });
      this.claims.delete(e.eventId);
    }
  }

  async parked(): Promise<ParkedRecord[]> {
    return [...this.parkedRecords.values()].sort((a, b) => (a.parkedAt < b.parkedAt ? -1 : 1));
  }

  async unpark(record: ParkedRecord): Promise<void> {
    this.parkedRecords.delete(record.eventId);
  }
}

/**
 * An Outbox over Maps. Every event is taken to have been written with the
 * entries the recorder writes for it (record/outbox.ts `queuesFor`), until
 * it is settled or moved to the retry partition, so tests feed events as
 * the stream would and see what the table would owe.
 */
export class InMemoryOutbox implements Outbox {
  readonly settled = new Set<string>();
  readonly retries = new Map<string, { entry: OutboxEntry; event: VigilEvent }>();
  /** Events written, for `due` (what a sweep would find): add with {@link record}. */
  readonly written = new Map<string, VigilEvent>();

  private id(queue: OutboxQueue, eventKey: ItemKey): string {
    return `${queue}|${eventKey.pk}|${eventKey.sk}`;
  }

  private firstEntry(queue: OutboxQueue, event: VigilEvent): OutboxEntry {
    const eventKey = eventKeyOf(event);
    return {
      queue,
      key: { pk: `O#${queue}`, sk: `${event.at}#${eventKey.pk}#${eventKey.sk}` },
      eventKey,
      at: event.at,
      attempts: 0,
    };
  }

  /** Writes events as the recorder would (their entries become due for the sweeper). */
  record(...events: VigilEvent[]): this {
    for (const e of events) this.written.set(e.eventId, e);
    return this;
  }

  async waiting(queue: OutboxQueue, events: readonly VigilEvent[]): Promise<Map<string, OutboxEntry>> {
    const found = new Map<string, OutboxEntry>();
    for (const e of events) {
      const entry = this.firstEntry(queue, e);
      if (
        !queuesFor(e).includes(queue) ||
        this.settled.has(this.id(queue, entry.key)) ||
        this.retries.has(this.id(queue, entry.eventKey))
      )
        continue;
      found.set(e.eventId, entry);
    }
    return found;
  }

  async due(queue: OutboxQueue, now: Date, staleBefore: Date, limit: number): Promise<OutboxEntry[]> {
    const stale = [...this.written.values()]
      .filter((e) => e.at < staleBefore.toISOString())
      .flatMap((e) => [...(this.waitingNow(queue, e) ? [this.firstEntry(queue, e)] : [])]);
    const retries = [...this.retries.values()]
      .filter(({ entry }) => entry.queue === queue && entry.key.sk.slice(0, 24) <= now.toISOString())
      .map(({ entry }) => entry);
    return [...stale, ...retries].slice(0, limit);
  }

  private waitingNow(queue: OutboxQueue, event: VigilEvent): boolean {
    const entry = this.firstEntry(queue, event);
    return (
      queuesFor(event).includes(queue) &&
      !this.settled.has(this.id(queue, entry.key)) &&
      !this.retries.has(this.id(queue, entry.eventKey))
    );
  }

  async load(entries: readonly OutboxEntry[]) {
    const found = new Map<OutboxEntry, VigilEvent>();
    const missing: OutboxEntry[] = [];
    for (const entry of entries) {
      const event =
        this.retries.get(this.id(entry.queue, entry.eventKey))?.event ??
        [...this.written.values()].find((e) => {
          const key = eventKeyOf(e);
          return key.pk === entry.eventKey.pk && key.sk === entry.eventKey.sk;
        });
      if (event === undefined) missing.push(entry);
      else found.set(entry, event);
    }
    return { found, missing };
  }

  async settle(entries: readonly OutboxEntry[]): Promise<void> {
    for (const entry of entries) {
      if (entry.key.pk.endsWith('#retry')) this.retries.delete(this.id(entry.queue, entry.eventKey));
      else this.settled.add(this.id(entry.queue, entry.key));
    }
  }

  async retryLater(
    queue: OutboxQueue,
    event: VigilEvent,
    entry: OutboxEntry | undefined,
    plan: RetryPlan,
  ): Promise<void> {
    const eventKey = entry?.eventKey ?? eventKeyOf(event);
    if (entry !== undefined && !entry.key.pk.endsWith('#retry')) this.settled.add(this.id(queue, entry.key));
    this.retries.set(this.id(queue, eventKey), {
      event,
      entry: {
        queue,
        key: { pk: `O#${queue}#retry`, sk: `${plan.dueAt}#${eventKey.pk}#${eventKey.sk}` },
        eventKey,
        at: event.at,
        attempts: plan.attempts,
        lastError: plan.error,
      },
    });
  }
}

/** A Publisher that keeps what it sent; it can be told to fail (always, or for some notifications). */
export class RecordingPublisher implements Publisher {
  readonly sent: Notification[] = [];
  failing = false;
  failIf: ((notification: Notification) => boolean) | undefined;
  /** Refuses matching notifications as SNS refuses a bad message (InvalidParameterException). */
  refuseIf: ((notification: Notification) => boolean) | undefined;
  attempts = 0;

  async publish(notification: Notification): Promise<{ messageId: string }> {
    this.attempts++;
    if (this.refuseIf?.(notification) === true) {
      const refusal = new Error('Invalid parameter: Subject');
      refusal.name = 'InvalidParameterException';
      throw refusal;
    }
    if (this.failing || this.failIf?.(notification) === true) throw new Error('SNS is unavailable');
    this.sent.push(notification);
    return { messageId: `msg-${this.sent.length}` };
  }
}

/** A Log that keeps its lines, for tests that assert what was logged. */
export class MemoryLog {
  readonly lines: { level: string; message: string; extra?: Record<string, unknown> }[] = [];
  debug = (message: string, extra?: Record<string, unknown>) => this.push('debug', message, extra);
  info = (message: string, extra?: Record<string, unknown>) => this.push('info', message, extra);
  warn = (message: string, extra?: Record<string, unknown>) => this.push('warn', message, extra);
  error = (message: string, extra?: Record<string, unknown>) => this.push('error', message, extra);

  private push(level: string, message: string, extra?: Record<string, unknown>) {
    this.lines.push(extra === undefined ? { level, message } : { level, message, extra });
  }

  messages(level: string): string[] {
    return this.lines.filter((l) => l.level === level).map((l) => l.message);
  }
}
