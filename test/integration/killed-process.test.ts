/**
 * `vigil run --once` killed for real (SIGKILL, no handler runs) at a random
 * point of a cycle that records and publishes five messages, then one clean
 * `vigil run --once`: what a user gets after a crash, an OOM kill or a
 * machine that went away. The delivery design (record/delivery-ledger.ts)
 * promises nothing lost and one window of at-least-once: a kill after SNS
 * accepted a message and before its delivery record was written sends that
 * same message (same eventIds) again. Nothing else may repeat.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BUSY_STEP_SUBJECTS, busyStepScenario } from '../emulators/device-farm/scenarios/delivery';
import {
  mulberry32,
  runVigil,
  spawnVigil,
  type VigilResult,
  vigilEnv,
  vigilInProcess,
  writeConfig,
} from '../support/cli-process';
import { type Harness, type Received, startHarness } from '../support/pipeline';
import { compareMessages } from '../support/published';

const START = new Date('2026-11-21T02:00:00.000Z');
const TRIALS = 20;
/** Issue #11: the same seed draws the same kill times. */
const SEED = 11;
/**
 * A dead process's claims must have expired before the clean run, or it
 * would find the events held by a live-looking claim, leave them to the
 * outbox sweeper (delivery.sweepAfterMinutes later) and exit with them
 * undelivered. A lease of 1 s and a wait just over it make the clean run
 * the one that takes them over, as a later cycle would in production.
 */
const CONFIG = { delivery: { claimLeaseSeconds: 1 } };
const LEASE_EXPIRY_WAIT_MS = 1_100;
const REFERENCE_RUNS = 3;
/** About 100 s alone on a 2-core machine, 140 s inside `npm test` beside other work: a guard against a hang only. */
const TIMEOUT_MS = 300_000;
const NO_DIFFERENCE = { lost: [], repeated: [], overlapping: [], unexpected: [], otherSubject: [] };

interface Trial {
  readonly delayMs: number;
  /** True when SIGKILL ended the process; false when the cycle had finished before the kill. */
  readonly killed: boolean;
  /** From spawn to exit of the killed (or finished) process. */
  readonly victimMs: number;
  /** Messages the killed process printed as published before it died (a lower bound: output may be cut). */
  readonly publishedBeforeKill: number;
  readonly lost: number;
  /** Extra copies of a message with its own eventIds (the documented window). */
  readonly repeated: number;
  readonly cleanExit: number | null;
  readonly owedAfter: number;
}

/** A fresh harness (table, topic, queue, emulator) at step 2, after steps 0 and 1 (nothing to tell yet) ran in-process. */
async function atBusyStep(): Promise<{ harness: Harness; env: NodeJS.ProcessEnv; config: string }> {
  const harness = await startHarness({ scenario: busyStepScenario(START) });
  const env = vigilEnv(harness);
  const config = writeConfig(CONFIG);
  for (const step of [0, 1]) {
    harness.emulator.setStep(step);
    const result = await vigilInProcess(['run', '--once', '--config', config], env);
    if (result.code !== 0) throw new Error(`step ${step} failed: ${result.out}\n${result.err}`);
  }
  harness.emulator.setStep(2);
  return { harness, env, config };
}

/** Outbox entries of the notifier still owed by anyone, now or later. */
async function owed(harness: Harness): Promise<number> {
  const later = new Date(Date.now() + 86_400_000);
  return (await harness.table.outbox.due('notify', later, later, 100)).length;
}

const countPublished = (result: VigilResult) =>
  result.out.split('\n').filter((l) => l.startsWith('(SNS message ')).length;

describe('vigil run --once killed mid-cycle', () => {
  it(
    'loses nothing and repeats a message only with its own eventIds when SIGKILL lands anywhere in a cycle',
    async () => {
      // Arrange: fault-free references of the same account, each timed as a child process from spawn
      // to exit; the kills are drawn over the median (one slow start on a busy machine would otherwise
      // put many kills after the end of the cycle, where they prove nothing).
      const references: { run: VigilResult; received: Received[] }[] = [];
      for (let n = 0; n < REFERENCE_RUNS; n++) {
        const { harness, env, config } = await atBusyStep();
        try {
          if (n === 0) await runVigil(['--help'], env); // warms tsx's compile cache
          const run = await runVigil(['run', '--once', '--config', config], env);
          references.push({ run, received: await harness.received() });
        } finally {
          await harness.stop();
        }
      }
      const [expected = []] = references.map((r) => r.received);
      expect(references.map((r) => r.run.code)).toEqual([0, 0, 0]);
      expect(expected.map((m) => m.subject).sort()).toEqual(BUSY_STEP_SUBJECTS);
      for (const { received } of references) expect(compareMessages(expected, received)).toEqual(NO_DIFFERENCE);
      const cycleMs = [...references.map((r) => r.run.ms)].sort((a, b) => a - b)[1] ?? 0;
      const random = mulberry32(SEED);
      const trials: Trial[] = [];
      const problems: string[] = [];

      // Act
      for (let n = 0; n < TRIALS; n++) {
        const { harness, env, config } = await atBusyStep();
        try {
          const delayMs = Math.round(random() * cycleMs);
          const victim = spawnVigil(['run', '--once', '--config', config], env);
          const timer = setTimeout(() => victim.child.kill('SIGKILL'), delayMs);
          const killed = await victim.exited;
          clearTimeout(timer);
          await new Promise((resolve) => setTimeout(resolve, LEASE_EXPIRY_WAIT_MS));
          const clean = await runVigil(['run', '--once', '--config', config], env);
          const comparison = compareMessages(expected, await harness.received());
          trials.push({
            delayMs,
            killed: killed.signal === 'SIGKILL',
            victimMs: killed.ms,
            publishedBeforeKill: countPublished(killed),
            lost: comparison.lost.length,
            repeated: comparison.repeated.length,
            cleanExit: clean.code,
            owedAfter: await owed(harness),
          });
          const { lost, overlapping, unexpected, otherSubject } = comparison;
          if ([lost, overlapping, unexpected, otherSubject].some((list) => list.length > 0)) {
            problems.push(`trial ${n} (kill at ${delayMs} ms): ${JSON.stringify(comparison)}`);
          }
        } finally {
          await harness.stop();
        }
      }

      // Assert
      const figures = {
        seed: SEED,
        cycleMs,
        trials: trials.length,
        killedMidCycle: trials.filter((t) => t.killed).length,
        finishedBeforeKill: trials.filter((t) => !t.killed).length,
        lost: trials.reduce((n, t) => n + t.lost, 0),
        duplicatedTrials: trials.filter((t) => t.repeated > 0).length,
        duplicatedMessages: trials.reduce((n, t) => n + t.repeated, 0),
        trialsByKill: trials,
      };
      const dir = mkdtempSync(join(tmpdir(), 'vigil-kill-'));
      const file = join(dir, 'figures.json');
      writeFileSync(file, `${JSON.stringify(figures, null, 2)}\n`);
      console.log(
        `killed-process: ${figures.trials} trials (seed ${SEED}, kill drawn from 0-${cycleMs} ms, ` +
          `the median of ${references.map((r) => r.run.ms).join(', ')} ms), ` +
          `${figures.killedMidCycle} killed mid-cycle, lost ${figures.lost}, ` +
          `duplicated ${figures.duplicatedTrials} (${figures.duplicatedMessages} extra copies); ${file}`,
      );
      const written = JSON.parse(readFileSync(file, 'utf8')) as typeof figures;
      expect(problems).toEqual([]);
      expect(written.trials).toBe(TRIALS);
      expect(written.lost).toBe(0);
      // A kill after the cycle ended proves nothing: most kills must land inside it.
      expect(written.killedMidCycle).toBeGreaterThanOrEqual(TRIALS / 2);
      expect(trials.map((t) => t.cleanExit)).toEqual(trials.map(() => 0));
      // The outbox completed itself: nothing is owed after the clean run.
      expect(trials.map((t) => t.owedAfter)).toEqual(trials.map(() => 0));
      // A repeat needs a kill in the window: a cycle that ran to its end wrote every delivery record.
      expect(trials.filter((t) => t.repeated > 0 && !t.killed)).toEqual([]);
    },
    TIMEOUT_MS,
  );
});
