import type { Metrics } from '@aws-lambda-powertools/metrics';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import { DEFAULT_SETTINGS } from '../../../lambda/config/settings';
import { Tally } from '../../../lambda/core/tally';
import { createMetrics } from '../../../lambda/engine/metrics';
import { runCycle } from '../../../lambda/engine/poll-handler';
import { makeHandler as makeNotifier } from '../../../lambda/handlers/notify';
import type { CycleReport } from '../../../lambda/observe/poll-cycle-base';
import { jobFinished, runFinished, streamRecord } from '../../support/builders';
import { InMemoryDeliveryLedger, InMemoryOutbox, MemoryLog, RecordingPublisher } from '../../support/fakes';

/** The EMF documents Powertools printed to stdout while `act` ran. */
async function emitted(act: () => Promise<unknown>): Promise<Record<string, unknown>[]> {
  const lines: string[] = [];
  const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    lines.push(String(chunk));
    return true;
  });
  try {
    await act();
  } finally {
    spy.mockRestore();
  }
  return lines
    .flatMap((chunk) => chunk.split('\n'))
    .filter((line) => line.includes('"_aws"'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

/** A document's metric values, units and dimension sets, without its timestamp. */
function metricsOf(doc: Record<string, unknown>) {
  const aws = doc._aws as {
    CloudWatchMetrics: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string; Unit: string }[] }[];
  };
  const [directive] = aws.CloudWatchMetrics;
  return {
    namespace: directive?.Namespace,
    dimensions: directive?.Dimensions,
    service: doc.service,
    values: Object.fromEntries(directive?.Metrics.map((m) => [m.Name, [doc[m.Name], m.Unit]]) ?? []),
  };
}

/** The one document a handler publishes under the Vigil namespace with the service dimension. */
function vigilDoc(service: string, values: Record<string, [number, string]>) {
  return { namespace: 'Vigil', dimensions: [['service']], service, values };
}

/** A poll cycle's metric values: one completed cycle, and zero for every count `values` does not name. */
function cycleValues(values: Record<string, [number, string]>): Record<string, [number, string]> {
  return {
    CyclesCompleted: [1, 'Count'],
    ApiCalls: [0, 'Count'],
    Throttles: [0, 'Count'],
    Changes: [0, 'Count'],
    ScopesDeferred: [0, 'Count'],
    ListingsOutOfOrder: [0, 'Count'],
    FullListingScopes: [0, 'Count'],
    FoundBelowWatermark: [0, 'Count'],
    ...values,
  };
}

/** Metrics print unless POWERTOOLS_DEV or POWERTOOLS_METRICS_DISABLED say otherwise: let them print in this block. */
function printMetrics(): void {
  const saved = { ...process.env };

  beforeEach(() => {
    process.env = { ...saved, POWERTOOLS_METRICS_DISABLED: 'false' };
    delete process.env.POWERTOOLS_METRICS_NAMESPACE;
    delete process.env.POWERTOOLS_DEV;
  });

  afterAll(() => {
    process.env = saved;
  });
}

function report(overrides: Partial<CycleReport> = {}): CycleReport {
  return {
    service: 'devicefarm',
    cycleId: 'c-1',
    startedAt: '2026-11-21T08:00:00.000Z',
    finishedAt: '2026-11-21T08:00:01.250Z',
    projects: 1,
    observed: 3,
    unchanged: 1,
    stale: 0,
    malformed: 0,
    deferred: 0,
    listingsOutOfOrder: 0,
    fullListingScopes: 0,
    foundBelowWatermark: 0,
    events: [runFinished('FAILED'), jobFinished('00000', 'FAILED')],
    failures: [],
    ...overrides,
  };
}

describe('poll cycle metrics', () => {
  let metrics: Metrics;
  printMetrics();

  it('publishes cycles, calls, throttles, changes and duration with the service dimension when a cycle finishes', async () => {
    // Arrange
    metrics = createMetrics('devicefarm');
    const tally = new Tally();
    tally.add('devicefarm.ListRuns', 99); // before the cycle: not counted
    const poll = async () => {
      tally.add('devicefarm.ListRuns', 3);
      tally.add('devicefarm.ListJobs');
      tally.add('dynamodb.Query', 2);
      tally.add('devicefarm.attempts', 6);
      tally.add('devicefarm.throttled', 2);
      return report();
    };

    // Act
    const docs = await emitted(() => runCycle(poll, tally, new MemoryLog(), metrics));

    // Assert
    expect(docs.map(metricsOf)).toEqual([
      vigilDoc(
        'devicefarm',
        cycleValues({
          ApiCalls: [6, 'Count'],
          Throttles: [2, 'Count'],
          Changes: [2, 'Count'],
          CycleDurationMs: [1250, 'Milliseconds'],
        }),
      ),
    ]);
  });

  it('uses the deadline dimension and zero counts when a Deadline cycle was quiet', async () => {
    // Arrange
    metrics = createMetrics('deadline');
    const quiet = report({ service: 'deadline', events: [], finishedAt: '2026-11-21T08:00:00.040Z' });

    // Act
    const docs = await emitted(() => runCycle(async () => quiet, new Tally(), new MemoryLog(), metrics));

    // Assert
    expect(docs.map(metricsOf)).toEqual([vigilDoc('deadline', cycleValues({ CycleDurationMs: [40, 'Milliseconds'] }))]);
  });

  it('publishes the listing counts when a cycle found a listing out of order and runs below the watermark', async () => {
    // Arrange
    metrics = createMetrics('devicefarm');
    const found = report({ listingsOutOfOrder: 1, fullListingScopes: 2, foundBelowWatermark: 3 });

    // Act
    const docs = await emitted(() => runCycle(async () => found, new Tally(), new MemoryLog(), metrics));

    // Assert
    const [values] = docs.map((doc) => metricsOf(doc).values);
    expect(values).toMatchObject({
      ListingsOutOfOrder: [1, 'Count'],
      FullListingScopes: [2, 'Count'],
      FoundBelowWatermark: [3, 'Count'],
    });
  });

  it('publishes nothing when the cycle throws, so the dead man’s switch sees no completed cycle', async () => {
    // Arrange
    metrics = createMetrics('devicefarm');
    const failing = async (): Promise<CycleReport> => {
      throw new Error('store unavailable');
    };

    // Act
    const docs = await emitted(() => runCycle(failing, new Tally(), new MemoryLog(), metrics).catch(() => undefined));

    // Assert
    expect(docs).toEqual([]);
  });

  it('takes the namespace from POWERTOOLS_METRICS_NAMESPACE when it is set', async () => {
    // Arrange
    process.env.POWERTOOLS_METRICS_NAMESPACE = 'VigilStaging';
    metrics = createMetrics('devicefarm');

    // Act
    const docs = await emitted(() => runCycle(async () => report(), new Tally(), new MemoryLog(), metrics));

    // Assert
    expect(docs.map((doc) => metricsOf(doc).namespace)).toEqual(['VigilStaging']);
  });
});

describe('notifier metrics', () => {
  printMetrics();

  /** The notifier's dependencies, fakes all, with `outbox` and the clock at `now`. */
  const notifierDeps = (outbox: InMemoryOutbox, now: string) => ({
    ledger: new InMemoryDeliveryLedger(),
    outbox,
    publisher: new RecordingPublisher(),
    log: new MemoryLog(),
    rules: DEFAULT_SETTINGS.rules,
    now: () => new Date(now),
  });

  it('publishes NotificationsPublished with the messages the batch sent', async () => {
    // Arrange
    const deps = notifierDeps(new InMemoryOutbox(), '2026-11-21T08:02:00.000Z');
    const handler = makeNotifier(deps, { staleAfterMs: 300_000 }, createMetrics('vigil'));
    const event = { Records: [streamRecord(runFinished('FAILED'), '100')] } as unknown as DynamoDBStreamEvent;

    // Act
    const docs = await emitted(() => handler(event));

    // Assert
    expect(deps.publisher.sent).toHaveLength(1);
    expect(docs.map(metricsOf)).toEqual([
      vigilDoc('vigil', {
        NotificationsPublished: [1, 'Count'],
        NotificationsParked: [0, 'Count'],
        NotificationsRetrying: [0, 'Count'],
      }),
    ]);
  });

  it('publishes NotificationsParked and OutboxSwept when a sweep parks an event SNS refuses for good', async () => {
    // Arrange: a run finished 10 minutes ago whose stream record was never handled, and SNS refuses it.
    const run = runFinished('FAILED');
    const deps = notifierDeps(new InMemoryOutbox().record(run), '2026-11-21T08:10:00.000Z');
    deps.publisher.refuseIf = () => true;
    const handler = makeNotifier(deps, { staleAfterMs: 300_000 }, createMetrics('vigil'));

    // Act
    const docs = await emitted(() => handler({ source: 'aws.events', 'detail-type': 'Scheduled Event' }));

    // Assert
    expect(docs.map(metricsOf)).toEqual([
      vigilDoc('vigil', {
        NotificationsPublished: [0, 'Count'],
        NotificationsParked: [1, 'Count'],
        NotificationsRetrying: [0, 'Count'],
        OutboxSwept: [1, 'Count'],
      }),
    ]);
  });
});
