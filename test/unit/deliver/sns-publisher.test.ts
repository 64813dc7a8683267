import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { compose, type Notification } from '../../../lambda/deliver/compose';
import { SNS_MAX_BYTES, SnsPublisher, snsMessage } from '../../../lambda/deliver/sns-publisher';
import type { ChangeEvent } from '../../../lambda/record/change-event';
import { jobFinished, runFinished } from '../support/builders';

const sns = mockClient(SNSClient);
const TOPIC = 'arn:aws:sns:eu-west-1:123456789012:vigil-notifications';
const SHORTENED = "\n… (message shortened to fit SNS's 256 KB limit)";

function notification(): Notification {
  const run = runFinished('FAILED');
  return compose({ type: 'run-finished', subject: run, jobs: [], covers: [run] });
}

/** The per-protocol message, parsed. */
function protocols(message: string): Record<string, string> {
  return JSON.parse(message) as Record<string, string>;
}

beforeEach(() => {
  sns.reset();
});

describe('SnsPublisher', () => {
  it('publishes a per-protocol JSON message with the subject and filterable attributes', async () => {
    // Arrange
    sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
    const n = notification();

    // Act
    const out = await new SnsPublisher(new SNSClient({ region: 'eu-west-1' }), TOPIC).publish(n);

    // Assert
    expect(out).toEqual({ messageId: 'm-1' });
    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 1);
    expect(sns).toHaveReceivedCommandWith(PublishCommand, {
      TopicArn: TOPIC,
      Subject: 'FAILED: run nightly',
      MessageStructure: 'json',
      MessageAttributes: {
        service: { DataType: 'String', StringValue: 'devicefarm' },
        kind: { DataType: 'String', StringValue: 'run' },
        eventType: { DataType: 'String', StringValue: 'run-finished' },
        severity: { DataType: 'String', StringValue: 'error' },
        project: { DataType: 'String', StringValue: 'Shop App' },
      },
    });
    const message = protocols(sns.commandCalls(PublishCommand)[0]?.args[0].input.Message ?? '{}');
    expect(Object.keys(message).sort()).toEqual(['default', 'email', 'email-json', 'http', 'https', 'lambda', 'sqs']);
    expect(message.default).toBe(n.text);
    expect(message.email).toBe(n.text);
    for (const protocol of ['sqs', 'lambda', 'http', 'https', 'email-json']) {
      expect(JSON.parse(message[protocol] ?? '')).toEqual({ ...n.document, text: n.text });
    }
  });

  it('returns an empty message id when SNS sends none', async () => {
    // Arrange
    sns.on(PublishCommand).resolves({});

    // Act
    const out = await new SnsPublisher(new SNSClient({ region: 'eu-west-1' }), TOPIC).publish(notification());

    // Assert
    expect(out).toEqual({ messageId: '' });
  });

  it('rejects with SNS’s error when the publish fails', async () => {
    // Arrange
    sns.on(PublishCommand).rejects(new Error('Topic does not exist'));

    // Act / Assert
    await expect(
      new SnsPublisher(new SNSClient({ region: 'eu-west-1' }), TOPIC).publish(notification()),
    ).rejects.toThrow('Topic does not exist');
  });
});

describe('snsMessage', () => {
  it('keeps the text whole when it fits', () => {
    // Arrange
    const n = notification();

    // Act
    const message = protocols(snsMessage(n));

    // Assert
    expect(message.default).toBe(n.text);
  });

  it.each([
    ['plain ASCII', 'x'.repeat(1_000_000)],
    ['multi-byte characters', '✓ passé '.repeat(100_000)],
    ['line breaks and quotes that JSON escapes', '"\n'.repeat(300_000)],
  ])('stays under 262,144 bytes and says it was shortened when the text is huge (%s)', (_case, huge) => {
    // Arrange
    const n = { ...notification(), text: huge };

    // Act
    const body = snsMessage(n);

    // Assert
    expect(Buffer.byteLength(body, 'utf8')).toBeLessThanOrEqual(SNS_MAX_BYTES);
    const message = protocols(body);
    expect(message.default?.endsWith(SHORTENED)).toBe(true);
    expect(message.email).toBe(message.default);
    expect((JSON.parse(message.sqs ?? '') as { text: string }).text).toBe(message.default);
    expect(message.default?.length).toBeGreaterThan(10_000);
  });

  it('stays under 262,144 bytes when a job group lists 100 failing jobs with stack-trace messages', () => {
    // Arrange: one notifier batch (100 records) of failing jobs of one run
    const trace = 'java.lang.AssertionError at com.example.CheckoutTest.testPay(CheckoutTest.java:42) '.repeat(4);
    const jobs = Array.from({ length: 100 }, (_, i) =>
      jobFinished(String(i).padStart(5, '0'), 'FAILED', 'nightly', { message: `Tests failed: ${trace}` }),
    );
    const n = compose({ type: 'jobs-finished', subject: jobs[0] as ChangeEvent, jobs, covers: jobs });

    // Act
    const body = snsMessage(n);

    // Assert
    expect(Buffer.byteLength(body, 'utf8')).toBeLessThanOrEqual(SNS_MAX_BYTES);
  });
});
