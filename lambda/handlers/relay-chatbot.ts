/**
 * AWS Chatbot (Amazon Q Developer in chat applications) relay Lambda:
 * notification topic → SQS queue → this function → the Chatbot topic, in
 * Chatbot's custom notification format. Returns the messages that failed as
 * batchItemFailures, so SQS retries only those.
 *
 * Environment: CHATBOT_TOPIC_ARN, the SNS topic the Chatbot channel
 * configuration subscribes to.
 */
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { createSnsClient } from '../clients/aws-clients';
import { type ChatbotRelayDeps, ChatbotTopicPublisher, relayToChatbot } from '../deliver/chatbot/relay';
import { lambdaHost } from '../engine/lambda-host';

export function makeHandler(deps: ChatbotRelayDeps) {
  return async (event: SQSEvent): Promise<SQSBatchResponse> => {
    const report = await relayToChatbot(event.Records, deps);
    deps.log.info('Chatbot relay batch finished', { ...report, failed: report.failed.length });
    return { batchItemFailures: report.failed.map((itemIdentifier) => ({ itemIdentifier })) };
  };
}

function defaultDeps(): ChatbotRelayDeps {
  const host = lambdaHost();
  return {
    publisher: new ChatbotTopicPublisher(createSnsClient(), host.need('CHATBOT_TOPIC_ARN')),
    log: host.log,
  };
}

let ready: ReturnType<typeof makeHandler> | undefined;

export const handler = async (event: SQSEvent): Promise<SQSBatchResponse> => {
  ready ??= makeHandler(defaultDeps());
  return ready(event);
};
