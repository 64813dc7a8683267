import type { SQSEvent, SQSRecord } from 'aws-lambda';
import type { Log } from '../../../../lambda/core/log';
import { slackMessage } from '../../../../lambda/deliver/slack/blocks';
import type { SlackForwarderDeps } from '../../../../lambda/deliver/slack/forwarder';
import type { PostMarkers, PostRecord } from '../../../../lambda/deliver/slack/post-markers';
import {
  type PostResult,
  type SlackPost,
  SlackWebhookError,
  validateSlackWebhookUrl,
} from '../../../../lambda/deliver/slack/webhook';
import { makeHandler } from '../../../../lambda/handlers/forward-slack';
import { budgetThreshold, jobFailed, runFailed, sqsBodyOf } from './scenarios';

const SECRET = 's3cr3tT0k3n';
const URL = `https://hooks.slack.com/services/T0ABCDEF1/B0ABCDEF2/${SECRET}`;
const CHANNEL = '#mobile-ci';

class MemoryMarkers implements PostMarkers {
  readonly items = new Map<string, PostRecord>();
  failPut = false;
  async has(channel: string, key: string) {
    return this.items.has(`${channel}|${key}`);
  }
  async put(channel: string, key: string, record: PostRecord) {
    if (this.failPut) throw new Error('DynamoDB is down');
    if (this.items.has(`${channel}|${key}`)) return 'exists' as const;
    this.items.set(`${channel}|${key}`, record);
    return 'written' as const;
  }
}

class ScriptedPoster implements SlackPost {
  readonly posts: { url: string; payload: unknown }[] = [];
  readonly failures: Error[] = [];
  async post(url: string, payload: unknown): Promise<PostResult> {
    this.posts.push({ url, payload });
    const failure = this.failures.shift();
    if (failure) throw failure;
    return { attempts: 1 };
  }
}

function recordingLog() {
  const lines: string[] = [];
  const write = (message: string, extra?: Record<string, unknown>) => {
    lines.push(`${message} ${JSON.stringify(extra ?? {})}`);
  };
  const log: Log = { debug: write, info: write, warn: write, error: write };
  return { log, lines };
}

function setup(url = URL) {
  const markers = new MemoryMarkers();
  const poster = new ScriptedPoster();
  const webhook = { url: jest.fn(async () => url), invalidate: jest.fn(), fixHint: 'Put it in the secret.' };
  const { log, lines } = recordingLog();
  const deps: SlackForwarderDeps = {
    channel: CHANNEL,
    webhook,
    validateUrl: validateSlackWebhookUrl,
    poster,
    markers,
    log,
    now: () => new Date('2026-11-21T08:00:02.000Z'),
  };
  return { deps, markers, poster, webhook, lines, handler: makeHandler(deps) };
}

function sqsEvent(...bodies: [string, string][]): SQSEvent {
  return {
    Records: bodies.map(([messageId, body]) => ({ messageId, body }) as SQSRecord),
  };
}

describe('forward-slack handler', () => {
  it('posts each notification as Block Kit and marks it posted under its SNS message id', async () => {
    // Arrange
    const { handler, poster, markers } = setup();
    const run = runFailed();

    // Act
    const out = await handler(sqsEvent(['m-1', sqsBodyOf(run, 'sns-1')], ['m-2', sqsBodyOf(jobFailed(), 'sns-2')]));

    // Assert
    expect(out).toEqual({ batchItemFailures: [] });
    expect(poster.posts).toHaveLength(2);
    expect(poster.posts[0]).toEqual({ url: URL, payload: slackMessage(run) });
    expect([...markers.items.keys()]).toEqual([`${CHANNEL}|sns-1`, `${CHANNEL}|sns-2`]);
    expect(markers.items.get(`${CHANNEL}|sns-1`)).toEqual({
      postedAt: '2026-11-21T08:00:02.000Z',
      subject: run.subject,
      eventIds: run.document.eventIds,
    });
  });

  it('posts nothing when the same messages come again', async () => {
    // Arrange
    const { handler, poster } = setup();
    const event = sqsEvent(['m-1', sqsBodyOf(runFailed(), 'sns-1')], ['m-2', sqsBodyOf(jobFailed(), 'sns-2')]);
    await handler(event);

    // Act
    const out = await handler(event);

    // Assert
    expect(out).toEqual({ batchItemFailures: [] });
    expect(poster.posts).toHaveLength(2);
  });

  it('reports only the message whose post failed, and does not mark it', async () => {
    // Arrange
    const { handler, poster, markers } = setup();
    poster.failures.push(new SlackWebhookError('Posting to Slack failed after 5 attempts', { retryable: true }));

    // Act
    const out = await handler(
      sqsEvent(['m-1', sqsBodyOf(runFailed(), 'sns-1')], ['m-2', sqsBodyOf(budgetThreshold(), 'sns-2')]),
    );

    // Assert
    expect(out).toEqual({ batchItemFailures: [{ itemIdentifier: 'm-1' }] });
    expect([...markers.items.keys()]).toEqual([`${CHANNEL}|sns-2`]);
  });

  it('reads a raw-delivery body (the document itself) and keys it by what it covers', async () => {
    // Arrange
    const { handler, poster, markers } = setup();
    const n = budgetThreshold();
    const raw = JSON.stringify({ ...n.document, text: n.text });

    // Act
    await handler(sqsEvent(['m-1', raw]));
    await handler(sqsEvent(['m-9', raw]));

    // Assert
    expect(poster.posts).toEqual([{ url: URL, payload: slackMessage(n) }]);
    expect([...markers.items.keys()]).toEqual([expect.stringMatching(/^#mobile-ci\|doc-[0-9a-f]{40}$/)]);
  });

  it('posts a message that is not Vigil’s as escaped plain text', async () => {
    // Arrange
    const { handler, poster } = setup();
    const body = JSON.stringify({
      Type: 'Notification',
      MessageId: 'sns-7',
      Message: 'hello <!channel>',
      Subject: 'Test',
    });

    // Act
    const out = await handler(sqsEvent(['m-1', body]));

    // Assert
    expect(out).toEqual({ batchItemFailures: [] });
    expect(poster.posts[0]?.payload).toEqual({
      text: '*Test*\nhello &lt;!channel&gt;',
      unfurl_links: false,
      unfurl_media: false,
    });
  });

  it('posts the subject and text as plain text when Slack refuses the blocks', async () => {
    // Arrange
    const { handler, poster, markers } = setup();
    poster.failures.push(
      new SlackWebhookError('Slack refused the message: HTTP 400 invalid_blocks', {
        retryable: false,
        status: 400,
        slackError: 'invalid_blocks',
      }),
    );
    const n = jobFailed();

    // Act
    const out = await handler(sqsEvent(['m-1', sqsBodyOf(n, 'sns-1')]));

    // Assert
    expect(out).toEqual({ batchItemFailures: [] });
    expect(poster.posts).toHaveLength(2);
    expect(poster.posts[1]?.payload).toMatchObject({ text: expect.stringMatching(/^\*FAILED: job Google Pixel 8/) });
    expect(markers.items.size).toBe(1);
  });

  it('reads the secret again next time when Slack says the webhook is gone', async () => {
    // Arrange
    const { handler, poster, webhook } = setup();
    poster.failures.push(
      new SlackWebhookError('Slack refused the message: HTTP 404 no_service', { retryable: false, status: 404 }),
    );

    // Act
    const out = await handler(sqsEvent(['m-1', sqsBodyOf(jobFailed(), 'sns-1')]));

    // Assert
    expect(out).toEqual({ batchItemFailures: [{ itemIdentifier: 'm-1' }] });
    expect(webhook.invalidate).toHaveBeenCalledTimes(1);
  });

  it('fails every message, with the URL masked in the log, when the secret holds no Slack URL', async () => {
    // Arrange
    const { handler, poster, lines } = setup(`https://example.com/hooks/${SECRET}`);

    // Act
    const out = await handler(sqsEvent(['m-1', sqsBodyOf(jobFailed(), 'sns-1')]));

    // Assert
    expect(out).toEqual({ batchItemFailures: [{ itemIdentifier: 'm-1' }] });
    expect(poster.posts).toHaveLength(0);
    expect(lines.join('\n')).toContain(
      'Slack webhook URL https://example.com/****/**** is not accepted: its host is example.com, not hooks.slack.com.',
    );
    expect(lines.join('\n')).toContain('(a Workflow Builder webhook). Put it in the secret.');
    expect(lines.join('\n')).not.toContain(SECRET);
  });

  it('does not fail a posted message when its marker cannot be written', async () => {
    // Arrange
    const { handler, markers, lines } = setup();
    markers.failPut = true;

    // Act
    const out = await handler(sqsEvent(['m-1', sqsBodyOf(jobFailed(), 'sns-1')]));

    // Assert
    expect(out).toEqual({ batchItemFailures: [] });
    expect(lines.join('\n')).toContain('Posted to Slack but the post marker could not be written');
  });

  it('leaves messages for a retry when the invocation is about to time out', async () => {
    // Arrange
    const { handler, poster } = setup();

    // Act
    const out = await handler(sqsEvent(['m-1', sqsBodyOf(jobFailed(), 'sns-1')]), {
      getRemainingTimeInMillis: () => 5_000,
    });

    // Assert
    expect(out).toEqual({ batchItemFailures: [{ itemIdentifier: 'm-1' }] });
    expect(poster.posts).toHaveLength(0);
  });

  it('never logs the webhook URL', async () => {
    // Arrange
    const { handler, poster, lines } = setup();
    poster.failures.push(new SlackWebhookError('Posting to Slack failed after 5 attempts', { retryable: true }));

    // Act
    await handler(sqsEvent(['m-1', sqsBodyOf(jobFailed(), 'sns-1')], ['m-2', sqsBodyOf(runFailed(), 'sns-2')]));

    // Assert
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.join('\n')).not.toContain(SECRET);
  });
});
