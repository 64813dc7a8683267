/**
 * Each `vigil run --once` is a new process: its stream readers (the
 * reactors' and the notifier's) start from the checkpoints earlier cycles
 * left in the table, so a cycle reads what is new, not the stream's whole
 * 24 hours. Counted on the wire: DynamoDB Streams is reached through a
 * counting proxy (the CLI honours AWS_ENDPOINT_URL_DYNAMODB_STREAMS).
 */
import { nightlyRunsScenario } from '../emulators/device-farm/scenarios/delivery';
import { vigilEnv, vigilInProcess, writeConfig } from '../support/cli-process';
import { type CountingProxy, type Counts, startCountingProxy } from '../support/local/counting-proxy';
import { type Harness, startHarness } from '../support/pipeline';

const START = new Date('2026-11-21T02:00:00.000Z');
/** Cycles after which the next one is measured. */
const FEW = 10;
const MANY = 30;

/** What one cycle read from the stream. */
interface StreamReads {
  readonly getRecords: number;
  readonly records: number;
  readonly calls: number;
}

function readsBetween(before: Counts, after: Counts): StreamReads {
  const calls = (counts: Counts) => Object.values(counts.calls).reduce((n, c) => n + c, 0);
  return {
    getRecords: (after.calls.GetRecords ?? 0) - (before.calls.GetRecords ?? 0),
    records: after.records - before.records,
    calls: calls(after) - calls(before),
  };
}

describe('vigil run --once', () => {
  let harness: Harness | undefined;
  let streams: CountingProxy | undefined;

  afterEach(async () => {
    await Promise.all([harness?.stop(), streams?.stop()]);
    harness = undefined;
    streams = undefined;
  });

  it('reads as much of the stream after 30 earlier cycles as after 10 when every cycle records the same news', async () => {
    // Arrange: an account where every step finds one more failed run (2 changes, 1 message).
    const dynamoDb = process.env.AWS_ENDPOINT_URL_DYNAMODB;
    if (dynamoDb === undefined) throw new Error('AWS_ENDPOINT_URL_DYNAMODB is not set (integration global setup)');
    harness = await startHarness({ scenario: nightlyRunsScenario(START, MANY + 1) });
    streams = await startCountingProxy(dynamoDb);
    const proxy = streams;
    const env = vigilEnv(harness, { AWS_ENDPOINT_URL_DYNAMODB_STREAMS: proxy.endpoint });
    const config = writeConfig({});

    // Act: cycle n runs at step n, after n earlier cycles.
    const reads: StreamReads[] = [];
    const summaries: string[] = [];
    for (let step = 0; step <= MANY; step++) {
      harness.emulator.setStep(step);
      const before = proxy.counts();
      const cycle = await vigilInProcess(['run', '--once', '--config', config], env);
      reads.push(readsBetween(before, proxy.counts()));
      summaries.push(cycle.out.split('\n').find((l) => l.startsWith('cycle ')) ?? cycle.out);
    }
    // Everything the stream holds by now, as a reader without a checkpoint would read it.
    const all = await harness.newFollower().readAvailable();

    // Assert
    const afterFew = reads[FEW];
    const afterMany = reads[MANY];
    console.log(
      `stream-checkpoints: the cycle after ${FEW} cycles read ${JSON.stringify(afterFew)}, ` +
        `after ${MANY} ${JSON.stringify(afterMany)}; the stream then held ${all.length} records`,
    );
    expect(summaries.slice(1).every((s) => / 2 changes recorded, 1 notification published$/.test(s))).toBe(true);
    expect(afterMany).toEqual(afterFew);
    // Small beside the history a reader without checkpoints would read again every cycle.
    expect(afterMany?.records ?? Number.POSITIVE_INFINITY).toBeLessThan(all.length / 10);
    expect((await harness.received()).map((m) => m.subject)).toHaveLength(MANY);
  }, 120_000);
});
