/**
 * What one measured cycle records: API calls by operation (the SDK call
 * counter of lambda/clients), DynamoDB requests and the capacity DynamoDB
 * Local reports for them, wall time, and the process's peak memory.
 */

import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { InitializeMiddleware, MetadataBearer, MiddlewareStack } from '@smithy/types';
import type { Tally } from '../../lambda/core/tally';

/** DynamoDB operations that read; everything else that reports capacity writes. */
const READ_OPERATIONS = new Set(['Query', 'GetItem', 'BatchGetItem', 'Scan']);
const REPORTS_CAPACITY = new Set([
  'Query',
  'GetItem',
  'BatchGetItem',
  'Scan',
  'PutItem',
  'UpdateItem',
  'DeleteItem',
  'BatchWriteItem',
  'TransactWriteItems',
  'TransactGetItems',
]);

interface Capacity {
  readonly CapacityUnits?: number;
}

/**
 * Asks DynamoDB for `ReturnConsumedCapacity: TOTAL` on every request of
 * `client` and adds what it answers to `dynamodb.rcu` / `dynamodb.wcu` in
 * `tally`. TOTAL includes the global secondary indexes a write updates and
 * counts transactional writes double, as DynamoDB bills them.
 */
export function countCapacity<I extends object, O extends MetadataBearer>(
  client: { middlewareStack: MiddlewareStack<I, O> },
  tally: Tally,
): void {
  const middleware: InitializeMiddleware<I, O> = (next, context) => async (args) => {
    const operation = context.commandName?.replace(/Command$/, '') ?? '';
    if (REPORTS_CAPACITY.has(operation)) {
      (args.input as { ReturnConsumedCapacity?: string }).ReturnConsumedCapacity ??= 'TOTAL';
    }
    const result = await next(args);
    const consumed = (result.output as { ConsumedCapacity?: Capacity | Capacity[] }).ConsumedCapacity;
    const units = [consumed ?? []].flat().reduce((sum, c) => sum + (c.CapacityUnits ?? 0), 0);
    if (units > 0) tally.add(READ_OPERATIONS.has(operation) ? 'dynamodb.rcu' : 'dynamodb.wcu', units);
    // DynamoDB charges a read of a missing item (1 unit consistent, 0.5 eventually); DynamoDB Local reports 0.
    if (operation === 'GetItem' && (result.output as { Item?: unknown }).Item === undefined) {
      tally.add('dynamodb.rcuMissing', (args.input as { ConsistentRead?: boolean }).ConsistentRead ? 1 : 0.5);
    }
    // The same for each key of a BatchGetItem that found no item (the notifier asks for delivery slots that are mostly absent).
    if (operation === 'BatchGetItem') {
      const requested = (
        args.input as { RequestItems?: Record<string, { Keys?: unknown[]; ConsistentRead?: boolean }> }
      ).RequestItems;
      const answered = (result.output as { Responses?: Record<string, unknown[]> }).Responses ?? {};
      const unprocessed = (result.output as { UnprocessedKeys?: Record<string, { Keys?: unknown[] }> }).UnprocessedKeys;
      for (const [table, request] of Object.entries(requested ?? {})) {
        const missing =
          (request.Keys?.length ?? 0) - (answered[table]?.length ?? 0) - (unprocessed?.[table]?.Keys?.length ?? 0);
        if (missing > 0) tally.add('dynamodb.rcuMissing', missing * (request.ConsistentRead ? 1 : 0.5));
      }
    }
    return result;
  };
  client.middlewareStack.add(middleware, { step: 'initialize', name: 'benchCapacityCounter' });
}

/** Samples the process's memory while a cycle runs; reports the peaks. */
export class MemorySampler {
  private timer: NodeJS.Timeout | undefined;
  private peakRss = 0;
  private peakHeap = 0;
  private baseHeap = 0;

  start(): void {
    collectGarbage();
    const now = process.memoryUsage();
    this.baseHeap = now.heapUsed;
    this.peakRss = now.rss;
    this.peakHeap = now.heapUsed;
    this.timer = setInterval(() => this.sample(), 10);
  }

  stop(): { rssMb: number; heapMb: number; heapGrowthMb: number } {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.sample();
    return {
      rssMb: mb(this.peakRss),
      heapMb: mb(this.peakHeap),
      heapGrowthMb: mb(this.peakHeap - this.baseHeap),
    };
  }

  private sample(): void {
    const now = process.memoryUsage();
    this.peakRss = Math.max(this.peakRss, now.rss);
    this.peakHeap = Math.max(this.peakHeap, now.heapUsed);
  }
}

const mb = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;

let gc: (() => void) | undefined;

/** A full garbage collection, so a cycle's heap growth is measured from a clean start. */
export function collectGarbage(): void {
  if (gc === undefined) {
    setFlagsFromString('--expose-gc');
    gc = runInNewContext('gc') as () => void;
  }
  gc();
}

/** API calls of one service in a tally diff, without the attempt and throttle counters. */
export function operationsOf(calls: Record<string, number>, service: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [name, n] of Object.entries(calls)) {
    if (!name.startsWith(`${service}.`)) continue;
    const op = name.slice(service.length + 1);
    if (['attempts', 'throttled', 'rcu', 'wcu', 'rcuMissing'].includes(op)) continue;
    out[op] = n;
  }
  return out;
}

export const sum = (counts: Record<string, number>) => Object.values(counts).reduce((a, b) => a + b, 0);

/** DynamoDB item writes in a tally diff: a transaction writes two items, a batch as many as it held. */
export function itemWrites(calls: Record<string, number>, batchItems = 0): number {
  return (
    (calls['dynamodb.TransactWriteItems'] ?? 0) * 2 +
    (calls['dynamodb.PutItem'] ?? 0) +
    (calls['dynamodb.UpdateItem'] ?? 0) +
    (calls['dynamodb.DeleteItem'] ?? 0) +
    batchItems
  );
}

/** An attribute value's size as DynamoDB counts it (strings in UTF-8 bytes, numbers by digits, maps and lists with their overhead). */
function valueBytes(value: unknown): number {
  if (typeof value === 'string') return Buffer.byteLength(value);
  if (typeof value === 'number') {
    const digits = String(Math.abs(value))
      .replace(/[.\-+e]/g, '')
      .replace(/^0+/, '').length;
    return Math.ceil(Math.max(1, digits) / 2) + 1;
  }
  if (Array.isArray(value)) return 3 + value.reduce((sum: number, v) => sum + 1 + valueBytes(v), 0);
  if (typeof value === 'object' && value !== null) {
    return (
      3 +
      Object.entries(value)
        .filter(([, v]) => v !== undefined)
        .reduce((sum, [k, v]) => sum + 1 + Buffer.byteLength(k) + valueBytes(v), 0)
    );
  }
  return 1;
}

/** An item's size as DynamoDB bills it: attribute names plus values. */
export function itemBytes(item: Record<string, unknown>): number {
  return Object.entries(item)
    .filter(([, v]) => v !== undefined)
    .reduce((sum, [k, v]) => sum + Buffer.byteLength(k) + valueBytes(v), 0);
}
