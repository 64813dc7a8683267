import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { silentLog } from '../../../../lambda/core/log';
import { chatbotNotification } from '../../../../lambda/deliver/chatbot/format';
import { ChatbotTopicPublisher } from '../../../../lambda/deliver/chatbot/relay';
import { makeHandler } from '../../../../lambda/handlers/relay-chatbot';
import { budgetThreshold, jobFailed, sqsBodyOf } from '../slack/scenarios';

const sns = mockClient(SNSClient);
const TOPIC = 'arn:aws:sns:us-east-1:123456789012:vigil-chatbot';

function sqsEvent(...bodies: [string, string][]): SQSEvent {
  return { Records: bodies.map(([messageId, body]) => ({ messageId, body }) as SQSRecord) };
}

function handler() {
  return makeHandler({
    publisher: new ChatbotTopicPublisher(new SNSClient({ region: 'us-east-1' }), TOPIC),
    log: silentLog,
  });
}

beforeEach(() => {
  sns.reset();
});

describe('relay-chatbot handler', () => {
  it('publishes each notification to the Chatbot topic as a plain custom-notification message', async () => {
    // Arrange
    sns.on(PublishCommand).resolves({ MessageId: 'out-1' });
    const n = jobFailed();

    // Act
    const out = await handler()(sqsEvent(['m-1', sqsBodyOf(n, 'sns-1')]));

    // Assert
    expect(out).toEqual({ batchItemFailures: [] });
    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 1);
    const input = sns.commandCalls(PublishCommand)[0]?.args[0].input;
    expect(input).toEqual({ TopicArn: TOPIC, Message: JSON.stringify(chatbotNotification(n, 'sns-1')) });
    expect(input?.MessageStructure).toBeUndefined();
  });

  it('reports only the messages whose publish failed', async () => {
    // Arrange
    sns.on(PublishCommand).rejectsOnce(new Error('Throttling')).resolves({ MessageId: 'out-2' });

    // Act
    const out = await handler()(
      sqsEvent(['m-1', sqsBodyOf(jobFailed(), 'sns-1')], ['m-2', sqsBodyOf(budgetThreshold(), 'sns-2')]),
    );

    // Assert
    expect(out).toEqual({ batchItemFailures: [{ itemIdentifier: 'm-1' }] });
    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 2);
  });
});
