/**
 * The Slack forwarder against a local fake Slack (a plain HTTP server on
 * 127.0.0.1) and the real table in DynamoDB Local. Fake Slack answers the
 * first post 429 with Retry-After: 1, the second 500, and 200 from then on,
 * and refuses (400 invalid_blocks) any message that breaks a Block Kit
 * limit, as Slack does.
 *
 * There is no Secrets Manager emulator: the secret reader is injected and
 * returns the fake server's URL. The real URL validator would reject it
 * (http, 127.0.0.1), so the test injects a validator that allows exactly
 * that one URL and hands every other URL to the real one.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { ensureTable } from '../../lambda/cli/ensure-table';
import { createDocumentClient, createDynamoClient } from '../../lambda/clients/aws-clients';
import type { JobBrief } from '../../lambda/core/observation';
import type { Notification } from '../../lambda/deliver/compose';
import type { SlackMessage } from '../../lambda/deliver/slack/blocks';
import { markerPk } from '../../lambda/deliver/slack/post-markers';
import { validateSlackWebhookUrl } from '../../lambda/deliver/slack/webhook';
import { forwarderDeps } from '../../lambda/engine/forwarders';
import { makeHandler } from '../../lambda/handlers/forward-slack';
import { jobArn } from '../support/arns';
import { counters, runFinished } from '../support/builders';
import { MemoryLog } from '../support/fakes';
import { budgetThreshold, jobFailed, notify, runFailed, sqsBodyOf } from '../unit/deliver/slack/scenarios';
import { slackLimitViolations } from '../unit/deliver/slack/slack-limits';

const SECRET_ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:vigil/slack-AbCdEf';
const CHANNEL = '#mobile-ci';

interface Received {
  readonly body: SlackMessage;
  readonly status: number;
}

/** Fake Slack: 429 (Retry-After: 1), then 500, then 200; 400 invalid_blocks for a message over Slack's limits. */
async function startFakeSlack(): Promise<{ url: string; received: Received[]; close(): Promise<void> }> {
  const received: Received[] = [];
  const script = [
    { status: 429, headers: { 'Retry-After': '1' }, body: 'rate_limited' },
    { status: 500, headers: {}, body: 'internal_error' },
  ];
  const readBody = (req: IncomingMessage) =>
    new Promise<string>((resolve, reject) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
      req.on('error', reject);
    });
  const server: Server = createServer((req, res) => {
    void readBody(req).then((raw) => {
      const body = JSON.parse(raw) as SlackMessage;
      const next = script.shift();
      const answer =
        next ??
        (slackLimitViolations(body).length > 0
          ? { status: 400, headers: {}, body: 'invalid_blocks' }
          : { status: 200, headers: {}, body: 'ok' });
      received.push({ body, status: answer.status });
      res.writeHead(answer.status, { 'content-type': 'text/plain', ...answer.headers });
      res.end(answer.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/services/T0LOCAL01/B0LOCAL01/localsecret`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function sqsEvent(records: [string, string][]): SQSEvent {
  return { Records: records.map(([messageId, body]) => ({ messageId, body }) as SQSRecord) };
}

/** A run whose 25 listed failing jobs each carry a 1.5 KB message, 175 more counted: over Slack's 3000-character sections. */
function longRun(): Notification {
  const notPassed: JobBrief[] = Array.from({ length: 25 }, (_, i) => ({
    arn: jobArn(String(i).padStart(5, '0')),
    name: `Device ${i}`,
    status: 'COMPLETED',
    result: 'FAILED',
    counters: counters({ total: 40, passed: 30, failed: 10 }),
    message: `Assertion failed in CheckoutTest: ${'stack frame; '.repeat(120)}`,
  }));
  return notify([
    runFinished('FAILED', {
      name: 'release-candidate',
      jobSummary: { total: 200, byResult: { FAILED: 200 }, notPassed, notPassedTruncated: 175 },
      counters: counters({ total: 8000, passed: 6000, failed: 2000 }),
    }),
  ]);
}

describe('Slack forwarder', () => {
  let slack: Awaited<ReturnType<typeof startFakeSlack>>;
  let tableName: string;
  const documents = createDocumentClient(createDynamoClient());

  beforeAll(async () => {
    slack = await startFakeSlack();
    tableName = `vigil-slack-${randomUUID().slice(0, 8)}`;
    await ensureTable(createDynamoClient(), tableName);
  });

  afterAll(async () => {
    await slack.close();
  });

  it('delivers each message exactly once through 429, 500 and retried batches, shortens a long one, and never logs the webhook', async () => {
    // Arrange
    const asked: number[] = [];
    const log = new MemoryLog();
    const fakeUrl = slack.url;
    const handler = makeHandler(
      forwarderDeps({
        secretArn: SECRET_ARN,
        tableName,
        channel: CHANNEL,
        log,
        documentClient: documents,
        readSecret: async () => fakeUrl,
        validateUrl: (url) => {
          if (url !== fakeUrl) validateSlackWebhookUrl(url);
        },
        // Backoff and pacing are asked for, not waited for; the test still sees how long.
        sleep: async (ms) => {
          asked.push(ms);
        },
      }),
    );
    const notifications: [string, Notification][] = [
      ['sns-run', runFailed()],
      ['sns-job', jobFailed()],
      ['sns-budget', budgetThreshold()],
    ];
    const batch = sqsEvent(notifications.map(([id, n], i) => [`m-${i}`, sqsBodyOf(n, id)]));

    // Act
    const first = await handler(batch);
    const retried = await handler(batch);
    const long = longRun();
    const longBody = sqsBodyOf(long, 'sns-long');
    const third = await handler(sqsEvent([['m-long', longBody]]));

    // Assert: the real validator does refuse the fake URL; only the injected one lets it through.
    expect(() => validateSlackWebhookUrl(fakeUrl)).toThrow(/is not accepted: it uses http, not https/);

    // Each message posted with a 200 exactly once; the first needed three tries.
    expect(first).toEqual({ batchItemFailures: [] });
    expect(retried).toEqual({ batchItemFailures: [] });
    expect(third).toEqual({ batchItemFailures: [] });
    const okBySubject = new Map<string, number>();
    for (const r of slack.received) {
      if (r.status === 200) okBySubject.set(r.body.text, (okBySubject.get(r.body.text) ?? 0) + 1);
    }
    expect(Object.fromEntries(okBySubject)).toEqual({
      [runFailed().subject]: 1,
      [jobFailed().subject]: 1,
      [budgetThreshold().subject]: 1,
      [long.subject]: 1,
    });
    expect(slack.received.map((r) => r.status)).toEqual([429, 500, 200, 200, 200, 200]);
    expect(slack.received[0]?.body.text).toBe(runFailed().subject);

    // Retry-After: 1 was honoured as one second before the retry.
    expect(asked[0]).toBe(1000);

    // The long message fit SNS, and went out shortened within Slack's limits, not refused.
    expect(Buffer.byteLength(longBody, 'utf8')).toBeLessThan(262_144);
    const posted = slack.received.at(-1)?.body;
    expect(posted?.text).toBe(long.subject);
    expect(slackLimitViolations(posted as SlackMessage)).toEqual([]);
    const list = JSON.stringify(posted);
    expect(list).toMatch(/… and \d+ more/);

    // Each post left its marker in the table.
    const marker = await documents.send(
      new GetCommand({ TableName: tableName, Key: { pk: markerPk(CHANNEL), sk: 'sns-run' } }),
    );
    expect(marker.Item).toMatchObject({ entity: 'slack-post', subject: runFailed().subject });
    expect(typeof marker.Item?.expiresAt).toBe('number');

    // The 429 and 500 were logged; the webhook's secret token never was.
    expect(log.messages('error')).toEqual([]); // retried within the post, not failed
    expect(log.messages('warn')).toEqual([
      'Slack rate-limited the webhook; waiting as asked',
      'Slack answered with a server error; retrying',
    ]);
    expect(log.lines.filter((line) => JSON.stringify(line).includes('localsecret'))).toEqual([]);
  });

  it('keeps a message whose secret holds a URL that is not a Slack webhook, and logs why without the token', async () => {
    // Arrange
    const log = new MemoryLog();
    const handler = makeHandler(
      forwarderDeps({
        secretArn: SECRET_ARN,
        tableName,
        channel: '#wrong-url',
        log,
        documentClient: documents,
        readSecret: async () => 'https://example.com/services/T0BAD0001/B0BAD0001/topsecrettoken',
        sleep: async () => {},
      }),
    );
    const posts = slack.received.length;

    // Act
    const result = await handler(sqsEvent([['m-bad', sqsBodyOf(runFailed(), 'sns-bad')]]));

    // Assert: failed back to SQS (retried, then the dead-letter queue), nothing posted, token masked.
    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: 'm-bad' }] });
    expect(slack.received.length).toBe(posts);
    const errors = log.lines.filter((line) => line.level === 'error');
    expect(errors).toHaveLength(1);
    expect(JSON.stringify(errors[0])).toContain(
      'Slack webhook URL https://example.com/services/T0BAD0001/B0BAD0001/**** is not accepted',
    );
    expect(log.lines.filter((line) => JSON.stringify(line).includes('topsecrettoken'))).toEqual([]);
  });
  it('keeps two forwarders of one channel, running at once, to one post a second between them', async () => {
    // Arrange: two containers (their own poster and pace in memory), one channel, one clock.
    const posted: number[] = [];
    let clock = Date.parse('2026-11-21T08:00:00.000Z');
    const server = createServer((_req, res) => {
      posted.push(clock);
      res.writeHead(200).end('ok');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/services/T0PACE001/B0PACE001/pacesecret`;
    const container = () =>
      makeHandler(
        forwarderDeps({
          secretArn: SECRET_ARN,
          tableName,
          channel: '#paced',
          log: new MemoryLog(),
          documentClient: documents,
          readSecret: async () => url,
          validateUrl: () => {},
          now: () => clock,
          // Waiting moves the shared clock: what a real wait would do.
          sleep: async (ms) => {
            clock += ms;
          },
        }),
      );
    const [a, b] = [container(), container()];

    // Act
    try {
      await Promise.all([
        a(sqsEvent([1, 2, 3].map((i) => [`a-${i}`, sqsBodyOf(jobFailed(), `sns-pace-a-${i}`)]))),
        b(sqsEvent([1, 2, 3].map((i) => [`b-${i}`, sqsBodyOf(jobFailed(), `sns-pace-b-${i}`)]))),
      ]);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }

    // Assert: six posts, each at least a second after the one before, whichever container sent it.
    expect(posted).toHaveLength(6);
    const gaps = [...posted]
      .sort((x, y) => x - y)
      .slice(1)
      .map((t, i) => t - ([...posted].sort((x, y) => x - y)[i] ?? 0));
    expect(gaps.every((gap) => gap >= 1000)).toBe(true);
  });
});
