/**
 * `vigil run --interval` through a Device Farm outage that outlasts the
 * SDK's retries (6 attempts, adaptive): whole cycles fail. The process is
 * the real one (`node bin/vigil.js`), stopped at the end the way a user
 * stops it, with Ctrl-C (SIGINT). It must report each failing cycle, back
 * off, keep running, and once Device Farm answers again tell the change
 * that happened meanwhile exactly once.
 */
import { fourJobRunScenario } from '../emulators/device-farm/scenarios/demo';
import { spawnVigil, vigilEnv, vigilInProcess, writeConfig } from '../support/cli-process';
import { type Harness, startHarness } from '../support/pipeline';

const START = new Date('2026-11-21T02:00:00.000Z');
/** The SDK's attempts per call (lambda/clients/aws-clients.ts): this many failures fail one cycle's ListProjects. */
const SDK_ATTEMPTS = 6;
/** A hung process fails the test instead of the run. */
const GIVE_UP_MS = 60_000;

/** A cycle's id is its start time: it changes from run to run. */
const normalized = (line: string) => line.replace(/^cycle \S+:/, 'cycle <id>:');

describe('vigil run --interval through an outage', () => {
  let harness: Harness | undefined;

  afterEach(async () => {
    await harness?.stop();
    harness = undefined;
  });

  it('keeps running, reports the failing cycles and tells the change once when Device Farm answers 500 and 503 past the retries for two cycles', async () => {
    // Arrange: the run and its jobs recorded (steps 0 and 1); at step 2 a job fails, but ListProjects
    // answers 500 for one whole cycle's attempts and 503 for the next one's.
    harness = await startHarness({ scenario: fourJobRunScenario(START) });
    const env = vigilEnv(harness);
    const config = writeConfig({});
    for (const step of [0, 1]) {
      harness.emulator.setStep(step);
      expect((await vigilInProcess(['run', '--once', '--config', config], env)).code).toBe(0);
    }
    harness.emulator.setStep(2);
    harness.emulator.inject({ operation: 'ListProjects', times: SDK_ATTEMPTS, fault: 'server-error' });
    harness.emulator.inject({ operation: 'ListProjects', times: SDK_ATTEMPTS, fault: 'server-error', status: 503 });

    // Act: Ctrl-C once a cycle has published something.
    const cycles: string[] = [];
    const vigil = spawnVigil(['run', '--interval', '1s', '--config', config], env, (line) => {
      if (!line.startsWith('cycle ')) return;
      cycles.push(normalized(line));
      if (/[1-9]\d* notifications? published/.test(line)) vigil.child.kill('SIGINT');
    });
    const hung = setTimeout(() => vigil.child.kill('SIGKILL'), GIVE_UP_MS);
    const result = await vigil.exited;
    clearTimeout(hung);

    // Assert
    expect({ code: result.code, signal: result.signal }).toEqual({ code: 0, signal: null });
    expect(cycles).toEqual([
      'cycle <id>: 0 changes recorded, 0 notifications published; Device Farm ListProjects: Internal error (injected)',
      'cycle <id>: 0 changes recorded, 0 notifications published; Device Farm ListProjects: Service unavailable (injected)',
      'cycle <id>: 4 changes recorded, 1 notification published',
    ]);
    const lines = result.out.split('\n');
    expect(lines.filter((l) => l.startsWith('  next cycle in'))).toEqual([
      '  next cycle in 2 s (backing off after 1 failing cycle)',
      '  next cycle in 4 s (backing off after 2 failing cycles)',
    ]);
    expect(
      result.err.split('\n').filter((l) => l.includes('ListProjects failed; its scopes wait for the next cycle')),
    ).toHaveLength(2);
    expect(result.err).toContain('vigil: SIGINT: stopping after the current step');
    expect(harness.emulator.pendingFaults).toBe(0);
    expect((await harness.received()).map((m) => m.subject)).toEqual([
      'FAILED: job Tests on OnePlus 11 in run four-job-run',
    ]);
  }, 90_000);
});
