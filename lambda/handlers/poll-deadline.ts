/**
 * Scheduled Deadline Cloud poller Lambda: one poll cycle per invocation over
 * the selected farms and queues. It records changes and sends nothing.
 */
import type { Metrics } from '@aws-lambda-powertools/metrics';
import type { Context } from 'aws-lambda';
import { createDeadlineClient } from '../clients/aws-clients';
import { Tally } from '../core/tally';
import { lambdaHost } from '../engine/lambda-host';
import { createMetrics } from '../engine/metrics';
import { type PollHandler, type PollResult, pollHandler } from '../engine/poll-handler';
import { type DeadlinePollDeps, pollDeadline } from '../observe/deadline/poll-cycle';

/** What the handler runs on; without `metrics` it publishes none (tests, the CLI). */
export type PollHandlerDeps = DeadlinePollDeps & { readonly tally: Tally; readonly metrics?: Metrics };

/** Builds the handler over its dependencies (tests pass fakes); see `pollHandler`. */
export function makeHandler(deps: PollHandlerDeps): PollHandler {
  return pollHandler(deps, pollDeadline);
}

function defaultDeps(): PollHandlerDeps {
  const host = lambdaHost();
  const region = host.need('DEADLINE_REGION');
  const tally = new Tally();
  return {
    tally,
    metrics: createMetrics('deadline'),
    settings: host.settings,
    log: host.log,
    location: { region, accountId: host.need('ACCOUNT_ID') },
    client: createDeadlineClient(region, tally),
    store: host.table(tally).store,
    // Set by the stack: whether Deadline's events reach it (it is in Deadline's region).
    eventsArrive: process.env.DEADLINE_EVENTS === 'on',
  };
}

let ready: PollHandler | undefined;

/** Clients and settings are built on the first invocation and reused by the container. */
export const handler = async (event: unknown, context: Context): Promise<PollResult> => {
  ready ??= makeHandler(defaultDeps());
  return ready(event, context);
};
