import { Tally } from '../../../lambda/core/tally';
import { pollHandler } from '../../../lambda/engine/poll-handler';
import type { CycleBudget, CycleReport, ResumePoint } from '../../../lambda/observe/poll-cycle-base';
import { MemoryLog } from '../../support/fakes';

const report = (deferred: number): CycleReport => ({
  service: 'devicefarm',
  cycleId: 'c-1',
  startedAt: '2026-11-21T08:00:00.000Z',
  finishedAt: '2026-11-21T08:00:40.000Z',
  projects: 3,
  observed: 0,
  unchanged: 0,
  stale: 0,
  malformed: 0,
  deferred,
  listingsOutOfOrder: 0,
  fullListingScopes: 0,
  foundBelowWatermark: 0,
  events: [],
  failures: [],
});

describe('pollHandler', () => {
  it('gives the cycle the Lambda’s remaining time and one resume point kept across invocations', async () => {
    // Arrange
    const seen: { budget?: CycleBudget; resume: ResumePoint }[] = [];
    const log = new MemoryLog();
    const handler = pollHandler({ tally: new Tally(), log }, async (deps) => {
      seen.push({ budget: deps.budget, resume: deps.resume });
      deps.resume.next = 'arn:aws:devicefarm:us-west-2:111122223333:project:p-3#run';
      return report(2);
    });
    let remaining = 12_345;

    // Act
    await handler({}, { getRemainingTimeInMillis: () => remaining });
    remaining = 50_000;
    await handler({}, { getRemainingTimeInMillis: () => remaining });
    await handler();

    // Assert
    expect(seen[1]?.budget?.remainingMs()).toBe(50_000);
    expect(seen[0]?.resume).toBe(seen[1]?.resume);
    expect(seen[1]?.resume.next).toBe('arn:aws:devicefarm:us-west-2:111122223333:project:p-3#run');
    expect(seen[2]?.budget).toBeUndefined();
    expect(log.lines.find((l) => l.level === 'info')?.extra).toMatchObject({ deferred: 2, scopes: 3 });
  });
});
