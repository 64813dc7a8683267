/**
 * Runs one fleet: its emulator in-process, a fresh table in DynamoDB Local,
 * the preparation (a baseline cycle, or seeding for the large fleet), the
 * measured cycles through the real poll functions and DynamoHistoryStore,
 * and the naive yardstick against the same emulator.
 */
import { performance } from 'node:perf_hooks';
import type { DeadlineClient } from '@aws-sdk/client-deadline';
import type { DeviceFarmClient } from '@aws-sdk/client-device-farm';
import { CreateTableCommand } from '@aws-sdk/client-dynamodb';
import { ensureTable } from '../../lambda/cli/ensure-table';
import {
  createDeadlineClient,
  createDeviceFarmClient,
  createDocumentClient,
  createDynamoClient,
} from '../../lambda/clients/aws-clients';
import { DEFAULT_SETTINGS, type Settings } from '../../lambda/config/settings';
import { type Log, silentLog } from '../../lambda/core/log';
import { isTerminal } from '../../lambda/core/status';
import { Tally } from '../../lambda/core/tally';
import { planNotices } from '../../lambda/deliver/rules';
import { tableAdapters } from '../../lambda/engine/wiring';
import type { BoundSummary } from '../../lambda/observe/adaptive-bound';
import { pollDeadline } from '../../lambda/observe/deadline/poll-cycle';
import { pollDeviceFarm } from '../../lambda/observe/device-farm/poll-cycle';
import type { CycleReport } from '../../lambda/observe/poll-cycle-base';
import type { ChangeEvent } from '../../lambda/record/change-event';
import type { StateStore } from '../../lambda/record/history-store';
import { eventItem, latestItem } from '../../lambda/record/keys';
import { DEFAULT_DEADLINE_ACCOUNT_ID, startDeadlineEmulator } from '../emulators/deadline';
import { startDeviceFarmEmulator } from '../emulators/device-farm';
import type { RunningEmulator } from '../emulators/shared/http-server';
import { type DeliveryCost, measureDelivery } from './delivery';
import { deadlineScenario, deviceFarmScenario, type Fleet } from './fleets';
import { type LowerBound, lowerBound } from './lower-bound';
import { countCapacity, itemBytes, itemWrites, MemorySampler, operationsOf, sum } from './measure';
import { NaiveWriter, naiveDeadlineCycle, naiveDeviceFarmCycle, scaled } from './naive';
import { CaptureStore, writeSeed } from './seed';

/** The simulated API: latency of every call and the per-account rate limit (token bucket, burst = rate). */
export const LIMITS = { latencyMs: 50, rateLimitPerSecond: 10 } as const satisfies Limits;
const NO_LIMITS: Limits = { latencyMs: 0, rateLimitPerSecond: undefined };

/** Projects (queues) the naive poller visits; counts are scaled to the fleet (every project has the same shape). */
const NAIVE_SAMPLE = 1;

export const DEADLINE_LOCATION = { region: 'us-west-2', accountId: DEFAULT_DEADLINE_ACCOUNT_ID } as const;

export interface CycleResult {
  readonly label: string;
  readonly step: number;
  /** Whether the simulated latency and rate limit were on. */
  readonly limited: boolean;
  readonly api: Record<string, number>;
  readonly apiCalls: number;
  readonly attempts: number;
  readonly throttled: number;
  readonly dynamo: Record<string, number>;
  readonly rcu: number;
  /** Read units DynamoDB charges for reads of missing items, which DynamoDB Local reports as 0. */
  readonly rcuMissing: number;
  readonly wcu: number;
  readonly itemWrites: number;
  readonly changes: number;
  readonly notices: number;
  readonly noticeTypes: Record<string, number>;
  /** Events the notices cover (each gets a delivery record). */
  readonly covered: number;
  readonly failures: number;
  readonly wallMs: number;
  readonly memory: { rssMb: number; heapMb: number; heapGrowthMb: number };
  readonly lowerBound: LowerBound;
  readonly limits: Limits;
  /** How the engine's bound on calls in flight moved. */
  readonly bound: BoundSummary | undefined;
  /** Average sizes of the items the cycle's changes wrote (bytes, as DynamoDB counts them). */
  readonly itemSizes?: { readonly latest: number; readonly event: number; readonly modelUnits: number };
  /** The reactors and the notifier on the cycle's events, and one sweep of each outbox queue (delivery.ts). */
  readonly delivery: DeliveryCost;
}

export interface NaiveResult {
  readonly step: number;
  readonly api: Record<string, number>;
  readonly apiCalls: number;
  readonly observations: number;
  readonly itemWrites: number;
  readonly writeRequests: number;
  readonly wcu: number;
  readonly sampled: number;
  readonly scopes: number;
  readonly wallMs: number;
}

export interface FleetResult {
  readonly fleet: Fleet;
  readonly preparation: string[];
  readonly cycles: CycleResult[];
  readonly naive: NaiveResult;
  readonly seconds: number;
}

/** The engine's bound on API calls in flight, when a measurement pins it. */
interface BoundOptions {
  readonly concurrency?: number;
  readonly maxConcurrency?: number;
}

interface Poller {
  readonly service: 'devicefarm' | 'deadline';
  poll(store: StateStore, log: Log, bound: BoundOptions): Promise<CycleReport>;
}

/** The simulated API of a measured cycle. */
export interface Limits {
  readonly latencyMs: number;
  readonly rateLimitPerSecond: number | undefined;
}

/** A slower API with more headroom, where the number of calls in flight, not the rate limit, sets the pace. */
export const SLOW_API: Limits = { latencyMs: 300, rateLimitPerSecond: 50 };

const settingsFor = (fleet: Fleet): Settings => ({
  ...DEFAULT_SETTINGS,
  deviceFarm: { ...DEFAULT_SETTINGS.deviceFarm, enabled: fleet.service === 'devicefarm' },
  deadline: { ...DEFAULT_SETTINGS.deadline, enabled: fleet.service === 'deadline' },
});

/** A log that counts errors, so a cycle that lost a scope is visible in the report. */
class CountingLog implements Log {
  errors: string[] = [];
  debug(): void {}
  info(): void {}
  warn(): void {}
  error(message: string, extra?: Record<string, unknown>): void {
    this.errors.push(`${message} ${JSON.stringify(extra ?? {})}`);
  }
}

export interface BenchOptions {
  readonly progress?: (line: string) => void;
  /** Called when the cycles under the simulated rate limit start (the bench waits on tokens then). */
  readonly onLimitedPhase?: () => void;
  /** Also measure an idle cycle against a slower API, with the bound fixed and adaptive. */
  readonly slowApi?: boolean;
}

const n = (x: number) => Math.round(x).toLocaleString('en-US');

/**
 * The latest and event items a change writes, sized as DynamoDB bills them (averages over `events`), and
 * the write units the model of BENCHMARKS.md gives them: every KB twice in the transaction, once more in
 * the index that projects the item (`byTime` for events; `active` for a latest item that is, or was, active).
 */
function averageItemSizes(
  events: readonly ChangeEvent[],
  settings: Settings,
): { latest: number; event: number; modelUnits: number } {
  const kb = (bytes: number) => Math.ceil(bytes / 1024);
  let latest = 0;
  let event = 0;
  let units = 0;
  for (const e of events) {
    const terminal = isTerminal(e.kind, e.state.status);
    const state = { ...e.state, version: e.version, terminal };
    const l = itemBytes(latestItem(state, settings.history.eventRetentionDays));
    const ev = itemBytes(eventItem(e, settings.history.eventRetentionDays));
    latest += l;
    event += ev;
    const indexed = !terminal || (e.from !== undefined && !isTerminal(e.kind, e.from.status));
    units += 2 * (kb(l) + kb(ev)) + kb(ev) + (indexed ? kb(l) : 0);
  }
  const count = events.length;
  return { latest: Math.round(latest / count), event: Math.round(event / count), modelUnits: units / count };
}

export async function benchFleet(fleet: Fleet, options: BenchOptions = {}): Promise<FleetResult> {
  const began = performance.now();
  const say = options.progress ?? (() => {});
  const settings = settingsFor(fleet);
  const emulator: Pick<
    RunningEmulator<never, never>,
    'endpoint' | 'configure' | 'setStep' | 'resetCalls' | 'stop'
  > = fleet.service === 'devicefarm'
    ? await startDeviceFarmEmulator({ scenario: deviceFarmScenario(fleet) })
    : await startDeadlineEmulator({ scenario: deadlineScenario(fleet) });
  // The standard settings, read when a client is created: exactly how the CLI and the Lambdas are pointed.
  if (fleet.service === 'devicefarm') process.env.AWS_ENDPOINT_URL_DEVICE_FARM = emulator.endpoint;
  else process.env.AWS_ENDPOINT_URL_DEADLINE = emulator.endpoint;
  const tally = new Tally();
  const dynamo = createDynamoClient(tally);
  countCapacity(dynamo, tally);
  const documents = createDocumentClient(dynamo);
  const tableName = `bench-${fleet.name}`;
  await ensureTable(dynamo, tableName);
  const table = tableAdapters(documents, tableName, settings);
  const { store } = table;
  const deviceFarm: DeviceFarmClient | undefined =
    fleet.service === 'devicefarm' ? createDeviceFarmClient(tally) : undefined;
  const deadline: DeadlineClient | undefined =
    fleet.service === 'deadline' ? createDeadlineClient(DEADLINE_LOCATION.region, tally) : undefined;
  const poller: Poller =
    deviceFarm !== undefined
      ? {
          service: 'devicefarm',
          poll: (s, log, bound) => pollDeviceFarm({ client: deviceFarm, store: s, settings, log, ...bound }),
        }
      : {
          service: 'deadline',
          poll: (s, log, bound) =>
            pollDeadline({
              client: deadline as DeadlineClient,
              store: s,
              settings,
              log,
              location: DEADLINE_LOCATION,
              ...bound,
            }),
        };

  const cycles: CycleResult[] = [];
  const preparation: string[] = [];
  let lastPolled: number | undefined;
  const measure = async (
    label: string,
    step: number,
    limits: Limits | undefined,
    bound: BoundOptions = {},
  ): Promise<CycleResult> => {
    emulator.configure(limits ?? NO_LIMITS);
    emulator.setStep(step);
    emulator.resetCalls();
    const log = new CountingLog();
    const before = tally.snapshot();
    const memory = new MemorySampler();
    memory.start();
    const t0 = performance.now();
    const report = await poller.poll(store, log, bound);
    const wallMs = performance.now() - t0;
    const peaks = memory.stop();
    const calls = tally.since(before);
    const api = operationsOf(calls, poller.service);
    const dynamoOps = operationsOf(calls, 'dynamodb');
    const notices = planNotices(report.events, settings.rules);
    const delivery = await measureDelivery(report.events, table, settings, tally, deviceFarm);
    const noticeTypes: Record<string, number> = {};
    for (const n of notices) noticeTypes[n.type] = (noticeTypes[n.type] ?? 0) + 1;
    const result: CycleResult = {
      label,
      step,
      limited: limits !== undefined,
      limits: limits ?? NO_LIMITS,
      bound: report.concurrency,
      api,
      apiCalls: sum(api),
      attempts: calls[`${poller.service}.attempts`] ?? 0,
      throttled: calls[`${poller.service}.throttled`] ?? 0,
      dynamo: dynamoOps,
      rcu: calls['dynamodb.rcu'] ?? 0,
      rcuMissing: calls['dynamodb.rcuMissing'] ?? 0,
      wcu: calls['dynamodb.wcu'] ?? 0,
      itemWrites: itemWrites(calls),
      changes: report.events.length,
      notices: notices.length,
      noticeTypes,
      covered: notices.reduce((n, notice) => n + notice.covers.length, 0),
      failures: report.failures.length + log.errors.length,
      wallMs,
      memory: peaks,
      lowerBound: lowerBound(fleet, lastPolled, step),
      ...(report.events.length === 0 ? {} : { itemSizes: averageItemSizes(report.events, settings) }),
      delivery,
    };
    if (log.errors.length > 0) say(`  ! ${log.errors.length} errors, first: ${log.errors[0]}`);
    lastPolled = step;
    say(
      `  ${label.padEnd(9)} step ${step}: ${result.apiCalls} calls (bound ${result.lowerBound.calls}), ` +
        `${result.changes} changes (bound ${result.lowerBound.changes}), ${result.itemWrites} item writes, ` +
        `${(wallMs / 1000).toFixed(1)} s, ${result.throttled} throttled, calls in flight ` +
        `${result.bound?.lowest}–${result.bound?.highest}`,
    );
    return result;
  };

  let steadyStep = 2;
  if (fleet.service === 'devicefarm' && fleet.name === 'large') {
    // Seeding: Vigil's baseline into memory, then the items a steady cycle reads, written directly.
    emulator.configure(NO_LIMITS);
    emulator.setStep(0);
    const capture = new CaptureStore();
    const t0 = performance.now();
    const before = tally.snapshot();
    const report = await pollDeviceFarm({
      client: deviceFarm as DeviceFarmClient,
      store: capture,
      settings,
      log: silentLog,
    });
    const baselineCalls = sum(operationsOf(tally.since(before), 'devicefarm'));
    const seeded = await writeSeed(documents, tableName, capture, settings.history.eventRetentionDays);
    const seconds = ((performance.now() - t0) / 1000).toFixed(0);
    preparation.push(
      `Seeded in ${seconds} s: Vigil's own baseline cycle ran at step 0 against the emulator (latency and rate limit off, ` +
        `${n(baselineCalls)} calls) into an in-memory store; of its ${n(capture.changes)} change transactions, the ` +
        `${n(capture.active.size)} latest items of the active runs and of their jobs, and the ${capture.cursors.size} ` +
        `cursors, were written to the table with ${n(seeded.requests)} BatchWriteItem requests. The ` +
        `${n(capture.finished)} finished runs' latest items and the baseline's event items were not written: no ` +
        'later cycle reads them (a finished run below the watermark is skipped without a read), and the emulator makes ' +
        `the jobs of those runs only when asked. Baseline failures: ${report.failures.length}.`,
    );
    lastPolled = 0;
    const first = await measure('first', 0, undefined);
    cycles.push(first);
    preparation.push(
      `The first cycle after seeding, at the same step (latency off), made ${n(first.apiCalls)} calls and ` +
        `${n(first.itemWrites)} item writes: the seeded table is what the baseline would have left. The steady ` +
        'and idle cycles run at step 1.',
    );
    steadyStep = 1;
  } else {
    const baseline = await measure('baseline', 0, undefined);
    cycles.push(baseline);
    preparation.push(
      `Baseline: Vigil's first cycle over an empty table at step 0 (latency and rate limit off): ` +
        `${n(baseline.apiCalls)} calls, ${n(baseline.changes)} change transactions (baseline events, never notified).`,
    );
    // Measured for its counts; its time without the simulated API (it costs about what a steady cycle costs).
    cycles.push(await measure('first', 1, undefined));
  }
  options.onLimitedPhase?.();
  cycles.push(await measure('steady', steadyStep, LIMITS));
  cycles.push(await measure('idle', steadyStep, LIMITS));
  if (options.slowApi === true) {
    // An idle cycle changes nothing, so it can be repeated: the same work with the bound pinned, then adaptive.
    cycles.push(await measure('idle, bound fixed at 4', steadyStep, SLOW_API, { concurrency: 4, maxConcurrency: 4 }));
    cycles.push(await measure('idle, adaptive bound', steadyStep, SLOW_API));
  }

  let naive: NaiveResult;
  {
    emulator.configure(NO_LIMITS);
    emulator.setStep(steadyStep);
    const naiveTable = `${tableName}-naive`;
    // Keys only, and no stream: DynamoDB Local's writes slow down as stream records pile up, and the
    // yardstick needs neither Vigil's indexes nor a stream.
    await dynamo.send(
      new CreateTableCommand({
        TableName: naiveTable,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [
          { AttributeName: 'pk', AttributeType: 'S' },
          { AttributeName: 'sk', AttributeType: 'S' },
        ],
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
      }),
    );
    const writer = new NaiveWriter(documents, naiveTable);
    // Its own clients: the SDK's adaptive retry keeps a client-side rate limit learned from earlier
    // throttling in the client, and the naive cycle must not inherit Vigil's.
    const naiveDeviceFarm = fleet.service === 'devicefarm' ? createDeviceFarmClient(tally) : undefined;
    const naiveDeadline =
      fleet.service === 'deadline' ? createDeadlineClient(DEADLINE_LOCATION.region, tally) : undefined;
    const scopes = fleet.service === 'devicefarm' ? fleet.projects : fleet.queues;
    const sample = Math.min(NAIVE_SAMPLE, scopes);
    const before = tally.snapshot();
    const t0 = performance.now();
    const cycle =
      fleet.service === 'devicefarm'
        ? await naiveDeviceFarmCycle(naiveDeviceFarm as DeviceFarmClient, writer, tally, sample)
        : await naiveDeadlineCycle(naiveDeadline as DeadlineClient, writer, tally, sample, DEADLINE_LOCATION);
    const wallMs = performance.now() - t0;
    const calls = tally.since(before);
    const api = scaled(
      cycle,
      operationsOf(cycle.accountCalls, fleet.service),
      operationsOf(cycle.scopeCalls, fleet.service),
    );
    const factor = cycle.scopes / cycle.sampled;
    naive = {
      step: steadyStep,
      api,
      apiCalls: sum(api),
      observations: cycle.observations * factor,
      itemWrites: writer.items * factor,
      writeRequests: (calls['dynamodb.BatchWriteItem'] ?? 0) * factor,
      wcu: (calls['dynamodb.wcu'] ?? 0) * factor,
      sampled: cycle.sampled,
      scopes: cycle.scopes,
      wallMs,
    };
    say(
      `  naive     step ${steadyStep}: ${naive.apiCalls} calls, ${naive.itemWrites} item writes ` +
        `(sampled ${cycle.sampled} of ${cycle.scopes}, ${(wallMs / 1000).toFixed(1)} s without limits)`,
    );
  }

  await emulator.stop();
  return { fleet, preparation, cycles, naive, seconds: (performance.now() - began) / 1000 };
}
