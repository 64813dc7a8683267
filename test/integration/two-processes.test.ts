/**
 * Two `vigil run --once` processes started together on the same table, as
 * when a cron job and a person (or two cron entries) run Vigil at the same
 * moment: both create the table that does not exist yet, both poll the same
 * step, both read the stream and deliver. One table holds the truth: each
 * change is recorded once (versioned writes) and each event is published
 * once (claims), whoever gets there first.
 */
import { BUSY_STEP_SUBJECTS, busyStepScenario } from '../emulators/device-farm/scenarios/delivery';
import {
  mulberry32,
  spawnVigil,
  type VigilResult,
  vigilEnv,
  vigilInProcess,
  writeConfig,
} from '../support/cli-process';
import { type Received, startHarness } from '../support/pipeline';
import { coverage, eventIdsKey } from '../support/published';

const START = new Date('2026-11-21T02:00:00.000Z');
const RUNS = 10;
const SEED = 11;
/** The second process starts 0 to this many milliseconds after the first. */
const MAX_OFFSET_MS = 300;
/** Step 0 (the projects, empty: the first poll) then step 2 (five messages); step 1 is skipped to keep it short. */
const STEPS = [0, 2] as const;
/** About 65 s alone on a 2-core machine, twice that inside `npm test` beside other work: a guard against a hang only. */
const TIMEOUT_MS = 300_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Starts two `vigil run --once`, the second `offsetMs` after the first, and waits for both. */
async function pair(args: readonly string[], env: NodeJS.ProcessEnv, offsetMs: number): Promise<VigilResult[]> {
  const first = spawnVigil(args, env);
  await sleep(offsetMs);
  const second = spawnVigil(args, env);
  return Promise.all([first.exited, second.exited]);
}

/** What one run left: the messages received and each process's result, step by step. */
interface Outcome {
  readonly received: Received[];
  readonly processes: VigilResult[];
}

describe('two vigil run --once processes at once', () => {
  it(
    'creates the table once and publishes every event exactly once when two processes start together on a new table',
    async () => {
      // Arrange: the fault-free reference, one process per step, on a table it creates.
      const config = writeConfig({});
      const reference = await startHarness({ scenario: busyStepScenario(START) });
      let expected: Received[];
      try {
        const env = vigilEnv(reference, { VIGIL_TABLE: `${reference.tableName}-new` });
        for (const step of STEPS) {
          reference.emulator.setStep(step);
          expect((await vigilInProcess(['run', '--once', '--config', config], env)).code).toBe(0);
        }
        expected = await reference.received();
      } finally {
        await reference.stop();
      }
      expect(expected.map((m) => m.subject).sort()).toEqual(BUSY_STEP_SUBJECTS);
      const expectedCoverage = new Map([...coverage(expected).keys()].map((id) => [id, 1]));
      const random = mulberry32(SEED);

      // Act
      const outcomes: (Outcome & { offsets: number[] })[] = [];
      for (let n = 0; n < RUNS; n++) {
        const harness = await startHarness({ scenario: busyStepScenario(START) });
        try {
          // A table nobody has created yet (the harness's own stays unused).
          const env = vigilEnv(harness, { VIGIL_TABLE: `${harness.tableName}-new` });
          const processes: VigilResult[] = [];
          const offsets: number[] = [];
          for (const step of STEPS) {
            harness.emulator.setStep(step);
            const offset = Math.round(random() * MAX_OFFSET_MS);
            offsets.push(offset);
            processes.push(...(await pair(['run', '--once', '--config', config], env, offset)));
          }
          outcomes.push({ received: await harness.received(), processes, offsets });
        } finally {
          await harness.stop();
        }
      }

      // Assert
      const everyProcess = outcomes.flatMap((o) => o.processes);
      const figures = {
        runs: outcomes.length,
        processes: everyProcess.length,
        offsetsMs: outcomes.map((o) => o.offsets),
        duplicates: outcomes.reduce((n, o) => n + [...coverage(o.received).values()].filter((c) => c > 1).length, 0),
        lost: outcomes.reduce(
          (n, o) => n + [...expectedCoverage.keys()].filter((id) => !coverage(o.received).has(id)).length,
          0,
        ),
        // Each event once, but grouped otherwise than one process would (one process's stream read
        // ran before the other had recorded the rest of a run): counted, not a failure.
        regrouped: outcomes.filter(
          (o) => o.received.map(eventIdsKey).sort().join('\n') !== expected.map(eventIdsKey).sort().join('\n'),
        ).length,
      };
      console.log(
        `two-processes: ${figures.runs} runs of 2 processes x 2 steps (seed ${SEED}), ` +
          `duplicates ${figures.duplicates}, lost ${figures.lost}, regrouped ${figures.regrouped}`,
      );
      expect(everyProcess.map((p) => p.code)).toEqual(everyProcess.map(() => 0));
      expect(everyProcess.filter((p) => `${p.out}\n${p.err}`.includes('Cannot create preexisting table'))).toEqual([]);
      // Of each pair at the first step, exactly one created the table; the other used it.
      expect(
        outcomes.map((o) => o.processes.slice(0, 2).filter((p) => p.out.includes('Created table')).length),
      ).toEqual(outcomes.map(() => 1));
      for (const outcome of outcomes) expect(coverage(outcome.received)).toEqual(expectedCoverage);
      expect(figures).toMatchObject({ runs: RUNS, processes: RUNS * 4, duplicates: 0, lost: 0 });
    },
    TIMEOUT_MS,
  );
});
