/**
 * Scheduled poller Lambda: one Device Farm poll cycle per invocation. It
 * records changes and sends nothing; the notifier publishes from the stream.
 */
import type { Metrics } from '@aws-lambda-powertools/metrics';
import type { Context } from 'aws-lambda';
import { createDeviceFarmClient } from '../clients/aws-clients';
import { Tally } from '../core/tally';
import { lambdaHost } from '../engine/lambda-host';
import { createMetrics } from '../engine/metrics';
import { type PollHandler, type PollResult, pollHandler } from '../engine/poll-handler';
import { type DeviceFarmPollDeps, pollDeviceFarm } from '../observe/device-farm/poll-cycle';

/** What the handler runs on; without `metrics` it publishes none (tests, the CLI). */
export type PollHandlerDeps = DeviceFarmPollDeps & { readonly tally: Tally; readonly metrics?: Metrics };

/** Builds the handler over its dependencies (tests pass fakes); see `pollHandler`. */
export function makeHandler(deps: PollHandlerDeps): PollHandler {
  return pollHandler(deps, pollDeviceFarm);
}

function defaultDeps(): PollHandlerDeps {
  const host = lambdaHost();
  const tally = new Tally();
  return {
    tally,
    metrics: createMetrics('devicefarm'),
    settings: host.settings,
    log: host.log,
    client: createDeviceFarmClient(tally),
    store: host.table(tally).store,
  };
}

let ready: PollHandler | undefined;

/** Clients and settings are built on the first invocation and reused by the container. */
export const handler = async (event: unknown, context: Context): Promise<PollResult> => {
  ready ??= makeHandler(defaultDeps());
  return ready(event, context);
};
