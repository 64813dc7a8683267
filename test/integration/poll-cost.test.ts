/**
 * The cost goals of BENCHMARKS.md as a regression test: on small fleets, run
 * through the same bench code (`npm run bench`), every measured cycle makes
 * exactly the lower bound's API calls and change transactions, an idle cycle
 * writes nothing, and the naive poller costs more. Counts only: they are the
 * same on every run, where times are not (the simulated latency makes the
 * limited cycles take a few seconds; no time is asserted).
 */
import { benchFleet, type FleetResult } from '../bench/bench-fleet';
import type { Fleet } from '../bench/fleets';

const DEVICE_FARM: Fleet = {
  service: 'devicefarm',
  name: 'test-device-farm',
  projects: 3,
  runsPerProject: 60,
  jobsPerRun: 4,
  activeRunsPerProject: 2,
  remoteAccessSessionsPerProject: 2,
  activeRemoteAccessSessionsPerProject: 1,
};

const DEADLINE: Fleet = {
  service: 'deadline',
  name: 'test-deadline',
  queues: 2,
  jobsPerQueue: 30,
  sessionsPerJob: 3,
  activeJobsPerQueue: 3,
};

/** label → [API calls, lower bound, change transactions, their bound, item writes, failures]. */
function figures(result: FleetResult) {
  return Object.fromEntries(
    result.cycles.map((c) => [
      c.label,
      [c.apiCalls, c.lowerBound.calls, c.changes, c.lowerBound.changes, c.itemWrites, c.failures],
    ]),
  );
}

describe('poll cost against the lower bound', () => {
  jest.setTimeout(120_000);

  it('meets the bound in every Device Farm cycle and writes nothing when idle', async () => {
    const result = await benchFleet(DEVICE_FARM);
    const byCycle = figures(result);

    for (const [label, [calls, bound, changes, changeBound, , failures]] of Object.entries(byCycle)) {
      expect({ label, calls, changes, failures }).toEqual({ label, calls: bound, changes: changeBound, failures: 0 });
    }
    // Idle: ListProjects, ListTestGridProjects, and one ListRuns and ListRemoteAccessSessions page per project.
    expect(byCycle.idle).toEqual([2 + 2 * 3, 8, 0, 0, 0, 0]);
    const steady = result.cycles.find((c) => c.label === 'steady');
    expect(result.naive.apiCalls).toBeGreaterThan(10 * (steady?.apiCalls ?? Number.POSITIVE_INFINITY));
  });

  it('meets the bound in every Deadline Cloud cycle and writes nothing when idle', async () => {
    const result = await benchFleet(DEADLINE);
    const byCycle = figures(result);

    for (const [label, [calls, bound, changes, changeBound, , failures]] of Object.entries(byCycle)) {
      expect({ label, calls, changes, failures }).toEqual({ label, calls: bound, changes: changeBound, failures: 0 });
    }
    expect(byCycle.idle?.[4]).toBe(0);
    expect(byCycle.idle?.[2]).toBe(0);
  });
});
