/**
 * What a Deadline queue with a long history costs per cycle. ListJobs has no
 * status filter, so a poller that lists every cycle reads every job the queue
 * keeps (finished ones for up to 120 days). With Deadline's events reaching
 * the table (`eventsArrive`), a cycle reads only the jobs still active and
 * lists in full at the baseline and every `deadline.fullListingMinutes`.
 *
 * One queue of 5,000 jobs, 5 of them active, measured against the Deadline
 * emulator and DynamoDB Local: the baseline, then a quiet cycle listing every
 * cycle (no events), a quiet cycle with events arriving, and the cycle an
 * hour later that lists in full.
 */
import { ensureTable } from '../../lambda/cli/ensure-table';
import { createDeadlineClient, createDocumentClient, createDynamoClient } from '../../lambda/clients/aws-clients';
import { DEFAULT_SETTINGS, type Settings } from '../../lambda/config/settings';
import { silentLog } from '../../lambda/core/log';
import { Tally } from '../../lambda/core/tally';
import { tableAdapters } from '../../lambda/engine/wiring';
import { pollDeadline } from '../../lambda/observe/deadline/poll-cycle';
import { startDeadlineEmulator } from '../emulators/deadline';
import { DEADLINE_LOCATION } from './bench-fleet';
import { type DeadlineFleet, deadlineScenario, START_TIME } from './fleets';
import { countCapacity, operationsOf, sum } from './measure';

export const HISTORY_QUEUE: DeadlineFleet = {
  service: 'deadline',
  name: 'deadline-history',
  queues: 1,
  jobsPerQueue: 5000,
  sessionsPerJob: 2,
  activeJobsPerQueue: 5,
};

export interface HistoryCycle {
  readonly label: string;
  readonly api: Record<string, number>;
  readonly apiCalls: number;
  readonly dynamo: Record<string, number>;
  readonly rcu: number;
  readonly changes: number;
}

export interface DeadlineHistoryResult {
  readonly fleet: DeadlineFleet;
  readonly fullListingMinutes: number;
  readonly cycles: readonly HistoryCycle[];
}

export async function benchDeadlineHistory(progress: (line: string) => void): Promise<DeadlineHistoryResult> {
  const fleet = HISTORY_QUEUE;
  const emulator = await startDeadlineEmulator({ scenario: deadlineScenario(fleet) });
  process.env.AWS_ENDPOINT_URL_DEADLINE = emulator.endpoint;
  const tally = new Tally();
  const dynamo = createDynamoClient(tally);
  countCapacity(dynamo, tally);
  const tableName = `bench-${fleet.name}`;
  await ensureTable(dynamo, tableName);
  const settings: Settings = {
    ...DEFAULT_SETTINGS,
    deviceFarm: { ...DEFAULT_SETTINGS.deviceFarm, enabled: false },
    deadline: { ...DEFAULT_SETTINGS.deadline, enabled: true },
  };
  const { store } = tableAdapters(createDocumentClient(dynamo), tableName, settings);
  const client = createDeadlineClient(DEADLINE_LOCATION.region, tally);
  const start = Date.parse(START_TIME);
  const cycles: HistoryCycle[] = [];
  const measure = async (label: string, minutes: number, eventsArrive: boolean) => {
    // The scenario stays at step 0 (nothing changes); only the poller's clock moves.
    emulator.setStep(0);
    const before = tally.snapshot();
    const report = await pollDeadline({
      client,
      store,
      settings,
      log: silentLog,
      location: DEADLINE_LOCATION,
      now: () => new Date(start + minutes * 60_000),
      eventsArrive,
    });
    const calls = tally.since(before);
    const api = operationsOf(calls, 'deadline');
    const cycle: HistoryCycle = {
      label,
      api,
      apiCalls: sum(api),
      dynamo: operationsOf(calls, 'dynamodb'),
      rcu: calls['dynamodb.rcu'] ?? 0,
      changes: report.events.length,
    };
    progress(`  ${label}: ${cycle.apiCalls} calls ${JSON.stringify(api)}, ${cycle.changes} changes`);
    cycles.push(cycle);
  };
  try {
    await measure('baseline', 0, true);
    await measure('quiet, listing every cycle (no events)', 1, false);
    await measure('quiet, events arrive', 2, true);
    await measure('an hour later: the full listing', 2 + settings.deadline.fullListingMinutes, true);
    await measure('the cycle after', 3 + settings.deadline.fullListingMinutes, true);
  } finally {
    await emulator.stop();
  }
  return { fleet, fullListingMinutes: settings.deadline.fullListingMinutes, cycles };
}
