/**
 * The forwarder Lambda of a PagerDuty, Opsgenie or webhook channel:
 * notification topic → the channel's SQS queue → this function → the
 * service. Returns the messages that failed as batchItemFailures, so SQS
 * retries only those.
 *
 * Environment:
 * - CHANNEL_TYPE: `pagerduty`, `opsgenie` or `webhook`; CHANNEL_NAME: the channel's name.
 * - SECRET_ARN: the secret holding the routing key, API key or signing key,
 *   read at run time and cached 5 minutes; never in the environment or the logs.
 * - TABLE_NAME: the history table (post markers, open incidents).
 * - CHANNEL_REGION (pager channels): `us` or `eu`. WEBHOOK_URL (webhook): where to POST.
 */
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { EnvironmentError } from '../core/errors';
import { type ChannelForwarderDeps, forwardToChannel } from '../deliver/http-channels/forwarder';
import { channelForwarderDeps } from '../engine/forwarders';
import { lambdaHost } from '../engine/lambda-host';

export function makeHandler(deps: ChannelForwarderDeps) {
  return async (event: SQSEvent, context?: Pick<Context, 'getRemainingTimeInMillis'>): Promise<SQSBatchResponse> => {
    const report = await forwardToChannel(
      event.Records,
      deps,
      context === undefined ? {} : { remainingMs: () => context.getRemainingTimeInMillis() },
    );
    deps.log.info('Channel forwarder batch finished', { ...report, failed: report.failed.length });
    return { batchItemFailures: report.failed.map((itemIdentifier) => ({ itemIdentifier })) };
  };
}

function defaultDeps(): ChannelForwarderDeps {
  const host = lambdaHost();
  const type = host.need('CHANNEL_TYPE');
  if (type !== 'pagerduty' && type !== 'opsgenie' && type !== 'webhook') {
    throw new EnvironmentError(`CHANNEL_TYPE is ${JSON.stringify(type)}; expected pagerduty, opsgenie or webhook`);
  }
  const region = process.env.CHANNEL_REGION;
  return channelForwarderDeps({
    type,
    name: host.need('CHANNEL_NAME'),
    secretArn: host.need('SECRET_ARN'),
    tableName: host.need('TABLE_NAME'),
    log: host.log,
    ...(region === 'eu' || region === 'us' ? { region } : {}),
    ...(type === 'webhook' ? { url: host.need('WEBHOOK_URL') } : {}),
  });
}

let ready: ReturnType<typeof makeHandler> | undefined;

export const handler = async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
  ready ??= makeHandler(defaultDeps());
  return ready(event, context);
};
