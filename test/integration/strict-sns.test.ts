/**
 * The strict SNS proxy (test/support/local/strict-sns.ts) as the real SDK sees it:
 * what AWS's rules refuse comes back as the SDK's own InvalidParameterException,
 * what they accept reaches fauxqs and the SQS subscriber, and a test's own
 * faults (a permanent refusal, a burst of 500s) behave as SNS's would.
 */
import { randomUUID } from 'node:crypto';
import {
  CreateTopicCommand,
  InternalErrorException,
  InvalidParameterException,
  PublishCommand,
  type PublishCommandInput,
  SNSClient,
  SubscribeCommand,
} from '@aws-sdk/client-sns';
import {
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { type PublishRequest, type StrictSns, startStrictSns } from '../support/local/strict-sns';

const sqs = new SQSClient({ useQueueUrlAsEndpoint: false });
/** Goes through the strict SNS global-setup started (AWS_ENDPOINT_URL_SNS). */
const sns = new SNSClient({});

/** The fauxqs endpoint global-setup exported, for proxies with extra faults. */
function fauxqsEndpoint(): string {
  const endpoint = process.env.VIGIL_FAUXQS_ENDPOINT;
  if (endpoint === undefined) throw new Error('VIGIL_FAUXQS_ENDPOINT is not set: run through the integration project');
  return endpoint;
}

/** A new topic with an SQS queue subscribed (raw delivery off, as in the stack). */
async function topicWithQueue(): Promise<{ topicArn: string; queueUrl: string }> {
  const name = `strict-${randomUUID().slice(0, 8)}`;
  const topicArn = (await sns.send(new CreateTopicCommand({ Name: name }))).TopicArn as string;
  const queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: name }))).QueueUrl as string;
  const queueArn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] })))
    .Attributes?.QueueArn as string;
  await sns.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: 'sqs', Endpoint: queueArn }));
  return { topicArn, queueUrl };
}

/** The subjects of every message the queue holds now (removed from the queue). */
async function subjectsIn(queueUrl: string): Promise<(string | null)[]> {
  const subjects: (string | null)[] = [];
  for (;;) {
    const page = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10 }));
    const messages = page.Messages ?? [];
    if (messages.length === 0) return subjects;
    for (const m of messages) subjects.push((JSON.parse(m.Body ?? '{}') as { Subject: string | null }).Subject);
    await sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle })),
      }),
    );
  }
}

/** The error `attempt` rejects with. */
async function errorOf(
  attempt: Promise<unknown>,
): Promise<Error & { $metadata?: { httpStatusCode?: number; attempts?: number } }> {
  try {
    await attempt;
  } catch (error) {
    if (error instanceof Error) return error;
    throw new Error(`rejected with a non-error: ${String(error)}`);
  }
  throw new Error('expected a rejection');
}

describe('strict SNS', () => {
  let topicArn: string;
  let queueUrl: string;

  beforeAll(async () => {
    ({ topicArn, queueUrl } = await topicWithQueue());
  });

  afterEach(async () => {
    await subjectsIn(queueUrl); // each test starts with an empty queue
  });

  it('refuses a non-ASCII subject with the SDK’s InvalidParameterException when published through the real SNSClient', async () => {
    // Act
    const error = await errorOf(
      sns.send(new PublishCommand({ TopicArn: topicArn, Subject: 'FAILED: run Nächtlicher Lauf 🚀', Message: 'x' })),
    );

    // Assert
    expect(error).toBeInstanceOf(InvalidParameterException);
    expect(error.name).toBe('InvalidParameterException');
    expect(error.message).toBe('Invalid parameter: Subject');
    expect(error.$metadata?.httpStatusCode).toBe(400);
    expect(await subjectsIn(queueUrl)).toEqual([]);
  });

  it.each<[string, Partial<PublishCommandInput>, string]>([
    ['a subject of 100 characters', { Subject: 'x'.repeat(100) }, 'Invalid parameter: Subject'],
    ['a subject with a line break', { Subject: 'FAILED:\nrun' }, 'Invalid parameter: Subject'],
    ['a subject with a tab', { Subject: 'FAILED:\trun' }, 'Invalid parameter: Subject'],
    ['a subject ending in "…"', { Subject: 'FAILED: run nightly…' }, 'Invalid parameter: Subject'],
    ['an empty subject', { Subject: '' }, 'Invalid parameter: Subject'],
    ['a message of 262,145 bytes', { Message: 'x'.repeat(262_145) }, 'Invalid parameter: Message too long'],
    [
      'a message that fits only without its attributes',
      { Message: 'x'.repeat(262_140), MessageAttributes: { project: { DataType: 'String', StringValue: 'app' } } },
      'Invalid parameter: Message too long',
    ],
    [
      'an attribute with an empty value',
      { MessageAttributes: { project: { DataType: 'String', StringValue: '' } } },
      "Invalid parameter: The message attribute 'project' must contain non-empty message attribute value for message attribute type 'String'.",
    ],
    [
      'an attribute name with a space',
      { MessageAttributes: { 'my project': { DataType: 'String', StringValue: 'app' } } },
      "Invalid parameter: Message attribute name 'my project'",
    ],
    [
      'a JSON message structure without a default entry',
      { MessageStructure: 'json', Message: '{"sqs":"x"}' },
      'Invalid parameter: Message Structure - No default entry in JSON message body',
    ],
  ])('refuses %s with InvalidParameterException', async (_case, input, message) => {
    // Act
    const error = await errorOf(sns.send(new PublishCommand({ TopicArn: topicArn, Message: 'x', ...input })));

    // Assert
    expect(error).toBeInstanceOf(InvalidParameterException);
    expect(error.message).toBe(message);
    expect(await subjectsIn(queueUrl)).toEqual([]);
  });

  it('forwards what the rules accept to fauxqs when the subject is 99 printable characters and the message 262,144 bytes', async () => {
    // Act
    await sns.send(new PublishCommand({ TopicArn: topicArn, Subject: '~'.repeat(99), Message: 'x'.repeat(262_144) }));
    await sns.send(new PublishCommand({ TopicArn: topicArn, Message: 'no subject' }));

    // Assert
    expect((await subjectsIn(queueUrl)).sort()).toEqual(['~'.repeat(99), null].sort());
  });

  describe('with a test’s own faults', () => {
    let proxy: StrictSns | undefined;

    afterEach(async () => {
      await proxy?.stop();
      proxy = undefined;
    });

    it('refuses only the one message the test marks, every time, and forwards the others', async () => {
      // Arrange
      proxy = await startStrictSns({
        upstream: fauxqsEndpoint(),
        refuse: (p: PublishRequest) => (p.subject === 'POISON' ? 'InvalidParameter' : undefined),
      });
      const client = new SNSClient({ endpoint: proxy.endpoint });

      // Act
      const first = await errorOf(
        client.send(new PublishCommand({ TopicArn: topicArn, Subject: 'POISON', Message: 'x' })),
      );
      const again = await errorOf(
        client.send(new PublishCommand({ TopicArn: topicArn, Subject: 'POISON', Message: 'x' })),
      );
      await client.send(new PublishCommand({ TopicArn: topicArn, Subject: 'fine', Message: 'x' }));

      // Assert
      expect([first, again].map((e) => [e.name, e.message, e.$metadata?.attempts])).toEqual([
        ['InvalidParameterException', 'Refused by the test (InvalidParameter)', 1],
        ['InvalidParameterException', 'Refused by the test (InvalidParameter)', 1],
      ]);
      expect(proxy.refused.map((r) => r.publish.subject)).toEqual(['POISON', 'POISON']);
      expect(await subjectsIn(queueUrl)).toEqual(['fine']);
    });

    it('answers a burst of InternalError as HTTP 500, which the SDK retries until the message gets through', async () => {
      // Arrange: the first two attempts fail, the SDK's third (its default maxAttempts) succeeds
      let calls = 0;
      proxy = await startStrictSns({
        upstream: fauxqsEndpoint(),
        refuse: () => (++calls <= 2 ? 'InternalError' : undefined),
      });
      const client = new SNSClient({ endpoint: proxy.endpoint });

      // Act
      const out = await client.send(new PublishCommand({ TopicArn: topicArn, Subject: 'after a burst', Message: 'x' }));

      // Assert
      expect(out.$metadata.attempts).toBe(3);
      expect(proxy.refused.map((r) => r.code)).toEqual(['InternalError', 'InternalError']);
      expect(await subjectsIn(queueUrl)).toEqual(['after a burst']);
    });

    it('fails with InternalErrorException (HTTP 500) when the burst outlasts the SDK’s retries', async () => {
      // Arrange
      proxy = await startStrictSns({ upstream: fauxqsEndpoint(), refuse: () => 'InternalError' });
      const client = new SNSClient({ endpoint: proxy.endpoint });

      // Act
      const error = await errorOf(client.send(new PublishCommand({ TopicArn: topicArn, Message: 'x' })));

      // Assert
      expect(error).toBeInstanceOf(InternalErrorException);
      expect(error.$metadata?.httpStatusCode).toBe(500);
      expect(error.$metadata?.attempts).toBe(3);
      expect(await subjectsIn(queueUrl)).toEqual([]);
    });

    it('stops, and stops again without error, so teardown can always call it', async () => {
      // Arrange
      proxy = await startStrictSns({ upstream: fauxqsEndpoint() });
      const client = new SNSClient({ endpoint: proxy.endpoint, maxAttempts: 1 });
      await client.send(new PublishCommand({ TopicArn: topicArn, Subject: 'before stop', Message: 'x' }));

      // Act
      await proxy.stop();
      await proxy.stop();

      // Assert: nothing listens any more (a new client, so no kept-alive socket is reused)
      const after = new SNSClient({ endpoint: proxy.endpoint, maxAttempts: 1 });
      const error = await errorOf(after.send(new PublishCommand({ TopicArn: topicArn, Message: 'x' })));
      expect(error.message).toMatch(/ECONNREFUSED/);
      expect(await subjectsIn(queueUrl)).toEqual(['before stop']);
    });
  });
});
