/**
 * Monthly AWS cost of running Vigil for a fleet at a one-minute schedule,
 * from a measured cycle's counts and public on-demand prices (us-east-1).
 * Device Farm and Deadline Cloud API calls are free; DynamoDB Streams reads
 * made by Lambda triggers are free.
 */
import type { CycleResult } from './bench-fleet';

/** One poll a minute for 30 days. */
export const CYCLES_PER_MONTH = 43_200;

/** Public on-demand prices, us-east-1, as of late 2025 (USD). */
export const PRICES = {
  lambdaArmGbSecond: 0.0000133334,
  lambdaRequest: 0.2 / 1e6,
  dynamoWriteUnit: 0.625 / 1e6,
  dynamoReadUnit: 0.125 / 1e6,
  dynamoStorageGbMonth: 0.25,
  snsPublish: 0.5 / 1e6,
  snsEmailDelivery: 2 / 1e5,
  logsIngestionGb: 0.5,
} as const;

/** Memory of the functions, from lib/constructs (poller 512 MB; notifier and reactors 256 MB). */
const POLLER_GB = 0.5;
const REACTOR_GB = 0.25;
/** Stream batches hold at most 100 records (lib/constructs/table-stream-consumer.ts). */
const STREAM_BATCH = 100;
/**
 * A model, not a measurement: a reactor invocation's fixed cost, and what each
 * notice adds (an SNS publish and a delivery record, tens of milliseconds each).
 */
const REACTOR_BASE_SECONDS = 0.1;
const NOTICE_SECONDS = 0.05;
/** Log bytes per invocation: Lambda's START/END/REPORT lines plus Vigil's one summary line. */
const LOG_BYTES_PER_INVOCATION = 1200;
const LOG_BYTES_PER_NOTICE = 400;
/** Size of an event item when a cycle measured none (it carries the full observed state), for storage. */
const EVENT_ITEM_BYTES = 1500;
const RETENTION_DAYS = 90;
const GB = 1024 ** 3;

export interface CostLine {
  readonly item: string;
  readonly usd: number;
}

export interface MonthlyCost {
  readonly lines: CostLine[];
  readonly total: number;
}

/**
 * The month in which every cycle is like `cycle`. `wallSeconds` is the
 * poller's billed duration (the measured cycle time under the simulated
 * API latency and rate limit).
 */
export function monthlyCost(cycle: CycleResult, deviceFarm: boolean): MonthlyCost {
  const n = CYCLES_PER_MONTH;
  const changes = cycle.changes;
  const batches = Math.ceil(changes / STREAM_BATCH);
  // Stream batches: the notifier for every event, the reactors for Device Farm changes; plus the two
  // schedules of a minute (the notifier's outbox sweep, the reactors' sweep and guard pass).
  const streamInvocations = batches * (deviceFarm ? 2 : 1);
  const scheduledInvocations = deviceFarm ? 2 : 1;
  const reactorInvocations = streamInvocations + scheduledInvocations;
  const reactorSeconds = reactorInvocations * REACTOR_BASE_SECONDS + cycle.notices * NOTICE_SECONDS;
  const pollerSeconds = cycle.wallMs / 1000;
  // Delivery is measured (delivery.ts): outbox checks, delivery slots, claims, delivery records, settled
  // entries. A sweep that finds nothing reads nothing, but DynamoDB bills a Query at least 0.5 read units.
  const sweepReads = Math.max(cycle.delivery.sweep.rcu, cycle.delivery.sweep.queries * 0.5);
  const lines: CostLine[] = [
    {
      item: 'Lambda (poller, notifier, reactors): requests and GB-seconds',
      usd:
        n * (1 + reactorInvocations) * PRICES.lambdaRequest +
        n * (pollerSeconds * POLLER_GB + reactorSeconds * REACTOR_GB) * PRICES.lambdaArmGbSecond,
    },
    {
      item: 'DynamoDB on-demand writes (poller with outbox entries; reactors and notifier, measured)',
      usd: n * (cycle.wcu + cycle.delivery.wcu) * PRICES.dynamoWriteUnit,
    },
    {
      item: 'DynamoDB on-demand reads (poller; reactors and notifier; the outbox sweeps), measured',
      usd: n * (cycle.rcu + cycle.rcuMissing + cycle.delivery.rcu + sweepReads) * PRICES.dynamoReadUnit,
    },
    {
      item: `DynamoDB storage (events kept ${RETENTION_DAYS} days)`,
      usd:
        ((n / 30) *
          RETENTION_DAYS *
          changes *
          (cycle.itemSizes?.event ?? EVENT_ITEM_BYTES) *
          PRICES.dynamoStorageGbMonth) /
        GB,
    },
    { item: 'SNS publishes', usd: n * cycle.notices * PRICES.snsPublish },
    { item: 'SNS email deliveries (one email subscriber)', usd: n * cycle.notices * PRICES.snsEmailDelivery },
    {
      item: 'CloudWatch Logs ingestion',
      usd:
        ((n * ((1 + reactorInvocations) * LOG_BYTES_PER_INVOCATION + cycle.notices * LOG_BYTES_PER_NOTICE)) / GB) *
        PRICES.logsIngestionGb,
    },
  ];
  return { lines, total: lines.reduce((sum, line) => sum + line.usd, 0) };
}

/** `$1.23`, or `<$0.01`. */
export function usd(amount: number): string {
  if (amount > 0 && amount < 0.005) return '<$0.01';
  return `$${amount.toFixed(2)}`;
}
