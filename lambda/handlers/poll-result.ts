/** What a poller Lambda returns and logs at the end of a cycle: its counts, stable from run to run. */
import type { Metrics } from '@aws-lambda-powertools/metrics';
import type { Log } from '../core/log';
import { SERVICE_NAMES } from '../core/observation';
import type { Tally } from '../core/tally';
import type { CycleReport } from '../observe/poll-cycle-base';
import { publishCycleMetrics } from './cycle-metrics';

export interface PollResult {
  readonly cycleId: string;
  readonly changes: number;
  readonly unchanged: number;
  readonly failures: number;
  /** API calls and DynamoDB operations made by the cycle, by operation. */
  readonly calls: Record<string, number>;
}

/**
 * Runs one cycle, then logs and returns its counts and, given `metrics`,
 * publishes them as CloudWatch metrics. A cycle that throws publishes
 * nothing, which is what the dead man's switch alarm notices.
 */
export async function runCycle(
  poll: () => Promise<CycleReport>,
  tally: Tally,
  log: Log,
  metrics?: Metrics,
): Promise<PollResult> {
  const before = tally.snapshot();
  const report = await poll();
  const result: PollResult = {
    cycleId: report.cycleId,
    changes: report.events.length,
    unchanged: report.unchanged,
    failures: report.failures.length,
    calls: tally.since(before),
  };
  log.info(`${SERVICE_NAMES[report.service]} poll cycle finished`, {
    ...result,
    scopes: report.projects,
    stale: report.stale,
    malformed: report.malformed,
    deferred: report.deferred,
  });
  if (metrics !== undefined) publishCycleMetrics(metrics, report, result.calls);
  return result;
}
