import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { compose, type Notification } from '../../../lambda/deliver/compose';
import {
  ATTRIBUTE_VALUE_MAX_CHARS,
  messageAttributes,
  SNS_MAX_BYTES,
  SnsPublisher,
  snsMessage,
} from '../../../lambda/deliver/sns-publisher';
import type { ChangeEvent } from '../../../lambda/record/change-event';
import { jobFinished, runFinished } from '../../support/builders';

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

  it('publishes a subject SNS accepts when a notification was not composed with one', async () => {
    // Arrange
    sns.on(PublishCommand).resolves({ MessageId: 'm-2' });
    const n = { ...notification(), subject: 'TEST: Vigil notification test for Kanal ü 🚀\n' };

    // Act
    await new SnsPublisher(new SNSClient({ region: 'eu-west-1' }), TOPIC).publish(n);

    // Assert
    expect(sns.commandCalls(PublishCommand)[0]?.args[0].input.Subject).toBe(
      'TEST: Vigil notification test for Kanal u',
    );
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

describe('messageAttributes', () => {
  const withProject = (project: string): Notification => {
    const n = notification();
    return { ...n, attributes: { ...n.attributes, project } };
  };

  it('keeps a non-ASCII project name in UTF-8 when it is one line', () => {
    expect(messageAttributes(withProject('Nächtliche Läufe 夜間 🚀')).project).toEqual({
      DataType: 'String',
      StringValue: 'Nächtliche Läufe 夜間 🚀',
    });
  });

  it('leaves an attribute out when its value is blank, since SNS refuses an empty value', () => {
    expect(Object.keys(messageAttributes(withProject(' \n\t ')))).toEqual(['service', 'kind', 'eventType', 'severity']);
  });

  it('turns line breaks and control characters into spaces and mends a broken emoji', () => {
    expect(messageAttributes(withProject('Shop\nApp\u0000 \ud83d')).project?.StringValue).toBe('Shop App \ufffd');
  });

  it('cuts a value to 256 characters without splitting an emoji', () => {
    // Act
    const value = messageAttributes(withProject(`${'x'.repeat(255)}🚀 more`)).project?.StringValue;

    // Assert
    expect(value).toBe('x'.repeat(255));
    expect(ATTRIBUTE_VALUE_MAX_CHARS).toBe(256);
  });

  it('counts the attributes toward the 262,144-byte limit when the text is huge', () => {
    // Arrange: the largest project attribute Vigil sends (256 three-byte characters) beside a huge text
    const n = { ...withProject('夜'.repeat(300)), text: '✓ passé '.repeat(100_000) };

    // Act
    const body = snsMessage(n);

    // Assert
    const attributes = Object.entries(messageAttributes(n)).reduce(
      (sum, [name, a]) =>
        sum + Buffer.byteLength(name) + Buffer.byteLength('String') + Buffer.byteLength(a.StringValue ?? ''),
      0,
    );
    expect(attributes).toBeGreaterThan(768);
    expect(Buffer.byteLength(body) + attributes).toBeLessThanOrEqual(SNS_MAX_BYTES);
  });
});
