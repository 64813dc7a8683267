/** What a poller Lambda returns and logs at the end of a cycle: its counts, stable from run to run. */
import type { Metrics } from '@aws-lambda-powertools/metrics';
import type { Context } from 'aws-lambda';
import type { Log } from '../core/log';
import { SERVICE_NAMES } from '../core/observation';
import type { Tally } from '../core/tally';
import type { CycleBudget, CycleReport, ResumePoint } from '../observe/poll-cycle-base';
import { publishCycleMetrics } from './metrics';

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
    listingsOutOfOrder: report.listingsOutOfOrder,
    fullListingScopes: report.fullListingScopes,
    foundBelowWatermark: report.foundBelowWatermark,
  });
  if (metrics !== undefined) publishCycleMetrics(metrics, report, result.calls);
  return result;
}

/** What a poller handler needs besides its source's own dependencies. */
export interface PollerDeps {
  readonly tally: Tally;
  readonly log: Log;
  /** Without it the handler publishes no metrics (tests, the CLI). */
  readonly metrics?: Metrics;
}

/** A poller handler as Lambda invokes it; tests call it without a context. */
export type PollHandler = (event?: unknown, context?: Pick<Context, 'getRemainingTimeInMillis'>) => Promise<PollResult>;

/**
 * A poller handler over `poll`. Given the Lambda context, a cycle starts
 * scopes only while the invocation has time left, and the next cycle of this
 * container resumes where it stopped (kept in this closure).
 */
export function pollHandler<D extends PollerDeps>(
  deps: D,
  poll: (deps: D & { budget?: CycleBudget; resume: ResumePoint }) => Promise<CycleReport>,
): PollHandler {
  const resume: ResumePoint = {};
  return (_event, context) => {
    const budget = context === undefined ? undefined : { remainingMs: () => context.getRemainingTimeInMillis() };
    return runCycle(() => poll({ ...deps, budget, resume }), deps.tally, deps.log, deps.metrics);
  };
}
