/**
 * In-memory implementations of the engine's ports (StateStore, DeliveryLog,
 * Publisher). They behave like the DynamoDB store where it matters (the
 * optimistic version check, idempotent delivery records) and count calls so
 * tests can assert what was written and what was not.
 */
import type { Kind, Service } from '../../../lambda/core/observation';
import type { Notification } from '../../../lambda/deliver/compose';
import type { Publisher } from '../../../lambda/deliver/sns-publisher';
import type { ChangeEvent, StoredState } from '../../../lambda/record/change-event';
import type {
  Cursor,
  DeliveryLog,
  DeliveryRecord,
  StateStore,
  WriteOutcome,
} from '../../../lambda/record/history-store';

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

/** A DeliveryLog over a Map; recording can be made to fail. */
export class InMemoryDeliveryLog implements DeliveryLog {
  readonly records = new Map<string, DeliveryRecord>();
  failRecording = false;

  async delivered(events: readonly ChangeEvent[]): Promise<Set<string>> {
    return new Set(events.map((e) => e.eventId).filter((id) => this.records.has(id)));
  }

  async recordDelivery(events: readonly ChangeEvent[], delivery: Omit<DeliveryRecord, 'eventId'>): Promise<void> {
    if (this.failRecording) throw new Error('ProvisionedThroughputExceededException: table busy');
    for (const e of events)
      if (!this.records.has(e.eventId)) this.records.set(e.eventId, { eventId: e.eventId, ...delivery });
  }
}

/** A Publisher that keeps what it sent; it can be told to fail (always, or for some notifications). */
export class RecordingPublisher implements Publisher {
  readonly sent: Notification[] = [];
  failing = false;
  failIf: ((notification: Notification) => boolean) | undefined;
  attempts = 0;

  async publish(notification: Notification): Promise<{ messageId: string }> {
    this.attempts++;
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
