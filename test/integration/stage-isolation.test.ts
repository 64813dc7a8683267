/**
 * One failing stage holds back no other: in `vigil run`, the reactors (the
 * budgets and the session guard) and the notifier run as separate steps of a
 * cycle, as they are separate Lambdas with their own stream readers in the
 * stack. Here the guard cannot reach Device Farm (GetRemoteAccessSession
 * answers 500 past the SDK's retries) in the very cycle a run fails: the
 * run's message still goes out in that cycle, and the stop comes a cycle
 * later, once, when Device Farm answers again. And one account-wide listing
 * that fails (ListTestGridProjects) holds back no project's runs: before,
 * it failed the whole Device Farm poll and nothing of the cycle was recorded.
 */
import { DEMO_STEP_SECONDS, DEMO_STEPS, demoScenario } from '../emulators/device-farm/scenarios/demo';
import { vigilEnv, vigilInProcess, writeConfig } from '../support/cli-process';
import { type Harness, startHarness } from '../support/pipeline';

/**
 * The demo's account, its clock standing at the last step (so checkout-repro, in qa-sandbox, runs
 * past 9 minutes), with steps 0 to 2 polled and delivered by `vigil run --once` under `config`;
 * `cycle(step)` runs one more.
 */
async function demoAtStep2(
  config: unknown,
): Promise<{ harness: Harness; cycle: (step: number) => ReturnType<typeof vigilInProcess> }> {
  const start = new Date(Date.now() - (DEMO_STEPS - 1) * DEMO_STEP_SECONDS * 1000);
  const harness = await startHarness({ scenario: demoScenario(start) });
  const env = vigilEnv(harness);
  const file = writeConfig(config);
  const cycle = async (step: number) => {
    harness.emulator.setStep(step);
    return vigilInProcess(['run', '--once', '--config', file], env);
  };
  try {
    for (const step of [0, 1, 2]) await cycle(step);
    await harness.received();
  } catch (error) {
    await harness.stop();
    throw error;
  }
  return { harness, cycle };
}

describe('one failing stage or source', () => {
  let harness: Harness | undefined;

  afterEach(async () => {
    await harness?.stop();
    harness = undefined;
  });

  it('holds back no notification, and stops the session once a cycle later', async () => {
    const demo = await demoAtStep2({ guard: { autoStop: true, projects: { 'qa-sandbox': 9 } } });
    harness = demo.harness;
    const { cycle } = demo;

    // Act: the run fails at step 3 while the guard's reads of the session fail.
    harness.emulator.inject({ operation: 'GetRemoteAccessSession', times: 1000, fault: 'server-error' });
    const failing = await cycle(3);
    const sentWhileFailing = (await harness.received()).map((m) => m.subject);
    harness.emulator.clearFaults();
    const recovered = await cycle(3);
    const sentAfter = (await harness.received()).map((m) => m.subject);

    // Assert
    expect(failing.code).toBe(1);
    expect(failing.err).toContain('Reacting to a change failed; it is retried with backoff, the others go on');
    expect(sentWhileFailing).toEqual(['FAILED: run nightly-android (2 of 4 jobs did not pass)']);
    expect(recovered.code).toBe(0);
    expect(sentAfter).toHaveLength(1);
    expect(sentAfter[0]).toMatch(/^STOPPED: remote access session checkout-repro \(\d+ min of 9 min\)$/);
  });

  it('delivers what the cycle recorded when another source fails past its retries in the same cycle', async () => {
    const demo = await demoAtStep2({});
    harness = demo.harness;
    const { cycle } = demo;

    // Act: the run fails at step 3 while test grid discovery answers 500 past the retries.
    harness.emulator.inject({ operation: 'ListTestGridProjects', times: 1000, fault: 'server-error' });
    const failing = await cycle(3);
    const sent = (await harness.received()).map((m) => m.subject);

    // Assert
    expect(failing.code).toBe(1);
    expect(failing.out).toMatch(
      /^cycle \S+: \d+ changes recorded, 1 notification published; Device Farm ListTestGridProjects: Internal error \(injected\)$/m,
    );
    expect(sent).toEqual(['FAILED: run nightly-android (2 of 4 jobs did not pass)']);
  });
});
