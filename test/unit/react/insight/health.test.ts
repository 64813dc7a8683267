import { countFlips, flakyScore } from '../../../../lambda/react/insight/flaky';
import { byFailures, byFlakiness, deviceHealth, testHealth } from '../../../../lambda/react/insight/health';
import type { ChangeEvent } from '../../../../lambda/record/change-event';
import { jobFinished, runFinished } from '../../../support/builders';

const device = (name: string) => ({ name, platform: 'ANDROID', os: '14' });

/** Job `device`'s result in nightly run number `n` (runs a day apart, in order). */
function job(deviceName: string, n: number, result: string, project = 'p-app'): ChangeEvent {
  const started = new Date(Date.UTC(2026, 10, 1 + n, 2)).toISOString();
  return jobFinished(`0000${n}`, result, `nightly-${n}-${deviceName}`, {
    device: device(deviceName),
    started,
    project: { arn: `arn:aws:devicefarm:us-west-2:123456789012:project:${project}`, name: project },
    minutes: { total: 2, metered: 2, unmetered: 0 },
  });
}

describe('flaky score', () => {
  it.each([
    ['alternating', [true, false, true, false, true], 1],
    ['always failing', [false, false, false, false], 0],
    ['always passing', [true, true, true], 0],
    ['one failure among passes', [true, true, false, true, true], 0.5],
    ['a single run', [false], 0],
  ])('scores %s as %d', (_case, outcomes, expected) => {
    const sequence = outcomes.map((passed, i) => ({ group: 'p', at: `2026-11-0${i + 1}`, passed }));

    expect(flakyScore(sequence)).toBe(expected);
  });

  it('counts flips within each project only, in time order whatever the order given', () => {
    const outcomes = [
      { group: 'a', at: '2026-11-03', passed: true },
      { group: 'b', at: '2026-11-01', passed: false },
      { group: 'a', at: '2026-11-01', passed: true },
      { group: 'a', at: '2026-11-02', passed: false },
      { group: 'b', at: '2026-11-02', passed: false },
    ];

    expect(countFlips(outcomes)).toEqual({ flips: 2, pairs: 3 });
  });
});

describe('deviceHealth', () => {
  it('puts the device alternating PASSED/FAILED first, then the one always FAILED, then the one always PASSED', () => {
    // Arrange: six runs of one project, one job per device each.
    const results: Record<string, string[]> = {
      'Always Passes': ['PASSED', 'PASSED', 'PASSED', 'PASSED', 'PASSED', 'PASSED'],
      'Always Fails': ['FAILED', 'FAILED', 'FAILED', 'FAILED', 'FAILED', 'FAILED'],
      Alternates: ['PASSED', 'FAILED', 'PASSED', 'FAILED', 'PASSED', 'FAILED'],
    };
    const events = Object.entries(results).flatMap(([name, rs]) => rs.map((r, n) => job(name, n, r)));

    // Act
    const health = deviceHealth(events);

    // Assert
    expect(health.map((d) => [d.device, d.flakyScore, d.passRate, d.failed, d.jobs, d.minutes])).toEqual([
      ['Alternates', 1, 0.5, 3, 6, 12],
      ['Always Fails', 0, 0, 6, 6, 12],
      ['Always Passes', 0, 1, 0, 6, 12],
    ]);
  });

  it('does not count a flip between runs of two projects', () => {
    const events = [
      job('Pixel', 1, 'PASSED', 'app-a'),
      job('Pixel', 2, 'FAILED', 'app-b'),
      job('Pixel', 3, 'PASSED', 'app-a'),
    ];

    const [pixel] = deviceHealth(events);

    expect(pixel?.flakyScore).toBe(0);
    expect(pixel?.errored).toBe(0);
  });
});

describe('testHealth', () => {
  const failing = (names: string[]) => ({
    total: names.length,
    tests: names.map((name) => ({ name, suite: 'S', result: 'FAILED', deviceCount: 1, devices: ['Pixel'] })),
  });
  const run = (n: number, result: string, tests?: string[]) =>
    runFinished(result, {
      arn: `arn:aws:devicefarm:us-west-2:123456789012:run:p-app/r${n}`,
      started: new Date(Date.UTC(2026, 10, 1 + n)).toISOString(),
      ...(tests === undefined ? {} : { failingTests: failing(tests) }),
    });

  it('ranks tests by failed runs, and the flaky ones by how often they flipped across the project’s runs', () => {
    // flaky: F P F P P (3 flips in 4 pairs); broken: F F F F P (1 in 4): a passing run means every test passed.
    const events = [
      run(1, 'FAILED', ['flaky', 'broken']),
      run(2, 'FAILED', ['broken']),
      run(3, 'FAILED', ['flaky', 'broken']),
      run(4, 'FAILED', ['broken']),
      run(5, 'PASSED'),
    ];

    const tests = testHealth(events);

    expect(byFailures(tests).map((t) => [t.name, t.failedRuns, t.runs, t.flakyScore])).toEqual([
      ['broken', 4, 5, 0.25],
      ['flaky', 2, 5, 0.75],
    ]);
    expect(byFlakiness(tests).map((t) => t.name)).toEqual(['flaky', 'broken']);
  });
});
