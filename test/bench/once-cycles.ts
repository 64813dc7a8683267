/**
 * What one `vigil run --once` cycle reads from the table's stream after 10,
 * 100 and 300 earlier cycles. Each cycle is a fresh run of the CLI's `main`
 * (fresh stream readers, as a new process has): its readers start from the
 * checkpoints earlier cycles left in the table, so a cycle reads what is new,
 * not the stream's whole 24 hours. The account has the same news every
 * cycle (one more failed run: 2 changes, 1 message), so the figures must stay
 * flat while the stream grows. DynamoDB Streams is reached through a counting
 * proxy; the wall time is the cycle's in this process (no Node start-up).
 */
import { performance } from 'node:perf_hooks';
import { nightlyRunsScenario } from '../emulators/device-farm/scenarios/delivery';
import { vigilEnv, vigilInProcess, writeConfig } from '../support/cli-process';
import { type Counts, startCountingProxy } from '../support/local/counting-proxy';
import { startHarness } from '../support/pipeline';

/** The cycles after which the next one is reported. */
export const MEASURED_AFTER = [10, 100, 300] as const;

export interface OnceCycle {
  /** Earlier cycles on this table. */
  readonly after: number;
  readonly getRecords: number;
  readonly records: number;
  /** Every DynamoDB Streams call (DescribeStream, GetShardIterator, GetRecords). */
  readonly streamCalls: number;
  readonly ms: number;
  /** The cycle's own summary line. */
  readonly summary: string;
}

export interface OnceCyclesResult {
  readonly cycles: readonly OnceCycle[];
  /** Records the stream held after the last cycle (what a reader without checkpoints would read each time). */
  readonly streamRecords: number;
}

const calls = (counts: Counts) => Object.values(counts.calls).reduce((n, c) => n + c, 0);

/** Needs DynamoDB Local, SNS and SQS reachable through the standard AWS_ENDPOINT_URL_* settings. */
export async function benchOnceCycles(progress: (line: string) => void): Promise<OnceCyclesResult> {
  const last = Math.max(...MEASURED_AFTER);
  const dynamoDb = process.env.AWS_ENDPOINT_URL_DYNAMODB;
  if (dynamoDb === undefined) throw new Error('AWS_ENDPOINT_URL_DYNAMODB is not set');
  const harness = await startHarness({ scenario: nightlyRunsScenario(new Date('2026-11-21T02:00:00.000Z'), last + 1) });
  const proxy = await startCountingProxy(dynamoDb);
  try {
    const env = vigilEnv(harness, { AWS_ENDPOINT_URL_DYNAMODB_STREAMS: proxy.endpoint });
    const config = writeConfig({});
    const cycles: OnceCycle[] = [];
    for (let step = 0; step <= last; step++) {
      harness.emulator.setStep(step);
      const before = proxy.counts();
      const began = performance.now();
      const run = await vigilInProcess(['run', '--once', '--config', config], env);
      const ms = performance.now() - began;
      if (run.code !== 0) throw new Error(`vigil run --once exited with ${run.code} at cycle ${step}: ${run.err}`);
      if (!(MEASURED_AFTER as readonly number[]).includes(step)) continue;
      const after = proxy.counts();
      const cycle: OnceCycle = {
        after: step,
        getRecords: (after.calls.GetRecords ?? 0) - (before.calls.GetRecords ?? 0),
        records: after.records - before.records,
        streamCalls: calls(after) - calls(before),
        ms,
        summary: run.out.split('\n').find((l) => l.startsWith('cycle ')) ?? '',
      };
      cycles.push(cycle);
      progress(
        `  after ${step} cycles: ${cycle.getRecords} GetRecords, ${cycle.records} records, ${cycle.streamCalls} stream calls, ${ms.toFixed(0)} ms`,
      );
    }
    const streamRecords = (await harness.newFollower().readAvailable()).length;
    return { cycles, streamRecords };
  } finally {
    await Promise.all([harness.stop(), proxy.stop()]);
  }
}
