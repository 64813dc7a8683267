import type { DynamoDBStreamEvent } from 'aws-lambda';
import { silentLog } from '../../../lambda/core/log';
import { makeHandler } from '../../../lambda/handlers/react';
import type { ReactorDeps } from '../../../lambda/react/reactor';
import { jobArn } from '../../support/arns';
import { streamRecord } from '../../support/builders';
import { InMemoryOutbox, InMemoryStateStore } from '../../support/fakes';
import { InMemoryBudgetLedger } from '../../support/ledgers';
import { budget, minutesChange } from '../../support/reactor-builders';

/** The event EventBridge hands a function on a schedule rule. */
const SCHEDULED = {
  version: '0',
  id: '53dc4d37-cffa-4f76-80c9-8b7d4a4d2eaa',
  'detail-type': 'Scheduled Event',
  source: 'aws.events',
  account: '123456789012',
  time: '2026-11-21T08:01:00Z',
  region: 'us-east-1',
  resources: ['arn:aws:events:us-east-1:123456789012:rule/vigil-accountant-schedule'],
  detail: {},
};

/** A run of this month with `metered` minutes, found by the first poll. */
const baselineRun = (id: string, metered: number) =>
  minutesChange('job', {
    after: { total: metered, metered, unmetered: 0 },
    baseline: true,
    state: { arn: jobArn(id), name: `Run ${id}`, started: '2026-11-18T10:00:00.000Z' },
  });

describe('react handler', () => {
  let ledger: InMemoryBudgetLedger;
  let deps: ReactorDeps;

  beforeEach(() => {
    ledger = new InMemoryBudgetLedger();
    const now = () => new Date('2026-11-21T08:01:00.000Z');
    deps = {
      outbox: new InMemoryOutbox(),
      store: new InMemoryStateStore(),
      accountant: { ledger, budgets: [budget({ name: 'hundred', limitMinutes: 100 })], log: silentLog, now },
      log: silentLog,
      now,
    };
  });

  it('counts a stream batch silently when its changes are baseline, and announces on the schedule', async () => {
    // Arrange
    const handler = makeHandler(deps, { staleAfterMs: 300_000 });
    const batch: DynamoDBStreamEvent = {
      Records: [streamRecord(baselineRun('a', 60), '1'), streamRecord(baselineRun('b', 30), '2')],
    } as DynamoDBStreamEvent;

    // Act
    const fromStream = await handler(batch);
    const afterStream = ledger.allEvents().map((e) => e.eventId);
    const fromSchedule = await handler(SCHEDULED);
    const again = await handler(SCHEDULED);

    // Assert
    expect(fromStream).toEqual({ batchItemFailures: [] });
    expect(afterStream).toEqual([]);
    expect(fromSchedule).toMatchObject({ announced: 1, swept: 0, guardActions: 0 });
    expect(again).toMatchObject({ announced: 0 });
    expect(ledger.allEvents().map((e) => [e.eventId, e.baseline])).toEqual([
      ['vigil:budget/hundred/2026-11#threshold-80', true],
    ]);
  });
});
