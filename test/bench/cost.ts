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

/** Memory of the functions, from lib/constructs (poller 512 MB; notifier, accountant, guard 256 MB). */
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
  // Notifier for every event; the accountant for Device Farm change events (no budgets configured: it writes nothing).
  const reactorInvocations = batches * (deviceFarm ? 2 : 1);
  const reactorSeconds = reactorInvocations * REACTOR_BASE_SECONDS + cycle.notices * NOTICE_SECONDS;
  const pollerSeconds = cycle.wallMs / 1000;
  // Notifier: one consistent BatchGet key per event (a missing item still costs a read unit), a delivery record per covered event.
  const notifierReads = changes;
  const notifierWrites = cycle.covered;
  const lines: CostLine[] = [
    {
      item: 'Lambda (poller, notifier, accountant): requests and GB-seconds',
      usd:
        n * (1 + reactorInvocations) * PRICES.lambdaRequest +
        n * (pollerSeconds * POLLER_GB + reactorSeconds * REACTOR_GB) * PRICES.lambdaArmGbSecond,
    },
    {
      item: 'DynamoDB on-demand writes (poller measured; notifier delivery records)',
      usd: n * (cycle.wcu + notifierWrites) * PRICES.dynamoWriteUnit,
    },
    {
      item: 'DynamoDB on-demand reads (poller measured; notifier delivery checks)',
      usd: n * (cycle.rcu + cycle.rcuMissing + notifierReads) * PRICES.dynamoReadUnit,
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
