/**
 * Slack forwarder Lambda: notification topic → SQS queue → this function →
 * a Slack incoming webhook. Returns the messages that failed as
 * batchItemFailures, so SQS retries only those (the event source mapping
 * must report batch item failures).
 *
 * Environment:
 * - SLACK_SECRET_ARN: the Secrets Manager secret holding the webhook URL
 *   (the URL itself, or JSON `{ "webhookUrl": "…" }`), read at run time and
 *   cached 5 minutes; the URL is never in the environment or the logs.
 * - TABLE_NAME: the history table, where post markers are kept.
 * - CHANNEL_NAME (optional): the channel's name in Vigil's config, which
 *   names its post markers; defaults to the secret's ARN.
 */
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { forwardToSlack, type SlackForwarderDeps } from '../deliver/slack/forwarder';
import { forwarderDeps } from '../engine/forwarders';
import { lambdaHost } from '../engine/lambda-host';

export function makeHandler(deps: SlackForwarderDeps) {
  return async (event: SQSEvent, context?: Pick<Context, 'getRemainingTimeInMillis'>): Promise<SQSBatchResponse> => {
    const report = await forwardToSlack(
      event.Records,
      deps,
      context === undefined ? {} : { remainingMs: () => context.getRemainingTimeInMillis() },
    );
    deps.log.info('Slack forwarder batch finished', { ...report, failed: report.failed.length });
    return { batchItemFailures: report.failed.map((itemIdentifier) => ({ itemIdentifier })) };
  };
}

function defaultDeps(): SlackForwarderDeps {
  const host = lambdaHost();
  const channel = process.env.CHANNEL_NAME;
  return forwarderDeps({
    secretArn: host.need('SLACK_SECRET_ARN'),
    tableName: host.need('TABLE_NAME'),
    ...(channel === undefined ? {} : { channel }),
    log: host.log,
  });
}

let ready: ReturnType<typeof makeHandler> | undefined;

export const handler = async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
  ready ??= makeHandler(defaultDeps());
  return ready(event, context);
};
