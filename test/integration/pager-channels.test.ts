/**
 * PagerDuty, Opsgenie and webhook channels against local fake receivers
 * (plain HTTP servers on 127.0.0.1), fed what the real pipeline published:
 * the Device Farm emulator, DynamoDB Local and fauxqs, each SNS message put
 * on the channel's queue as SNS puts it there (the `sqs` body in the SNS
 * envelope, which fauxqs does not pick itself). The forwarders' markers and
 * open incidents are in the real table. There is no Secrets Manager
 * emulator: the secret reader is injected.
 */
import { randomUUID } from 'node:crypto';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { verifySignature } from '../../lambda/deliver/http-channels/targets';
import { type ChannelForwarderParts, channelForwarderDeps } from '../../lambda/engine/forwarders';
import { makeHandler } from '../../lambda/handlers/forward-channel';
import type { DeviceFarmScenario } from '../emulators/device-farm';
import { ArnBuilder, DEFAULT_ACCOUNT_ID } from '../emulators/device-farm';
import { type Answer, type FakeReceiver, startFakeReceiver } from '../support/fake-receiver';
import { MemoryLog } from '../support/fakes';
import { type Harness, type Received, startHarness } from '../support/pipeline';

const START = new Date('2026-11-21T02:00:00.000Z');
const arns = new ArnBuilder(DEFAULT_ACCOUNT_ID);
const SHOP = 'beef0000-0000-4000-8000-000000000001';
const RUN_1 = 'beef0000-0000-4000-8000-00000000000a';
const RUN_2 = 'beef0000-0000-4000-8000-00000000000b';
const ROUTING_KEY = 'R0uTiNgKeY0123456789abcdefABCDEF';
const OPSGENIE_KEY = '1a2b3c4d-5e6f-4a1b-8c2d-3e4f5a6b7c8d';
const SIGNING_KEY = 'whsec-9f8e7d6c5b4a39281706f5e4d3c2b1a0';
const SECRET_ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:vigil/pagerduty/oncall-AbCdEf';

/** shop-app: run nightly-1 FAILS at step 2; nightly-2, the project's next run, PASSES at step 4. */
const SCENARIO: DeviceFarmScenario = {
  startTime: START.toISOString(),
  stepSeconds: 300,
  projects: [
    {
      id: SHOP,
      name: 'shop-app',
      created: '2026-10-01T00:00:00.000Z',
      runs: [
        {
          id: RUN_1,
          name: 'nightly-1',
          billingMethod: 'UNMETERED',
          timeline: [
            { step: 1, status: 'RUNNING', result: 'PENDING' },
            { step: 2, status: 'COMPLETED', result: 'FAILED', message: 'Tests failed' },
          ],
        },
        {
          id: RUN_2,
          name: 'nightly-2',
          billingMethod: 'UNMETERED',
          timeline: [
            { step: 3, status: 'RUNNING', result: 'PENDING' },
            { step: 4, status: 'COMPLETED', result: 'PASSED' },
          ],
        },
      ],
    },
  ],
};

/** What SNS puts on a channel's queue for each message: the `sqs` body in its envelope. */
function sqsEvent(messages: readonly Received[]): SQSEvent {
  return {
    Records: messages.map(
      (m) =>
        ({
          messageId: `sqs-${randomUUID()}`,
          body: JSON.stringify({
            Type: 'Notification',
            MessageId: `sns-${randomUUID()}`,
            Subject: m.subject,
            Message: JSON.stringify(m.document),
            MessageAttributes: Object.fromEntries(
              Object.entries(m.attributes).map(([k, v]) => [k, { Type: 'String', Value: v }]),
            ),
          }),
        }) as SQSRecord,
    ),
  };
}

/** Plays the scenario through the real pipeline; every message the topic received, by step. */
async function play(h: Harness): Promise<Received[][]> {
  const byStep: Received[][] = [];
  for (const step of [0, 1, 2, 3, 4]) {
    h.emulator.setStep(step);
    await h.cycle();
    byStep.push(await h.received());
  }
  return byStep;
}

describe('pager and webhook channels', () => {
  let harness: Harness | undefined;
  let receiver: FakeReceiver | undefined;

  afterEach(async () => {
    await harness?.stop();
    await receiver?.close();
    harness = undefined;
    receiver = undefined;
  });

  /**
   * Starts the pipeline and a fake receiver answering `answer`, and the channel's forwarder: posting to `path` on
   * the receiver, reading `secret`, its markers in the harness's table, never really waiting unless `parts.sleep` says.
   */
  async function forwarderFor(
    answer: Answer,
    parts: Pick<ChannelForwarderParts, 'type' | 'name' | 'sleep' | 'now'> & { path: string; secret: string },
  ) {
    const { path, secret, ...rest } = parts;
    const h = await startHarness({ scenario: SCENARIO });
    harness = h;
    const fake = await startFakeReceiver(answer);
    receiver = fake;
    const log = new MemoryLog();
    const handler = makeHandler(
      channelForwarderDeps({
        secretArn: SECRET_ARN,
        tableName: h.tableName,
        log,
        url: `${fake.url}${path}`,
        readSecret: async () => secret,
        documentClient: h.documents,
        sleep: async () => {},
        ...rest,
      }),
    );
    return { h, fake, log, handler };
  }

  it('PagerDuty: triggers a failed run and resolves it with the same dedup_key when the project’s next run passes, through 429 and 5xx, nothing twice, the key never logged', async () => {
    const waited: number[] = [];
    const { h, fake, log, handler } = await forwarderFor(
      { status: 202, body: '{"status":"success"}' },
      {
        type: 'pagerduty',
        name: 'oncall',
        path: '/v2/enqueue',
        secret: JSON.stringify({ routingKey: ROUTING_KEY }),
        sleep: async (ms) => {
          waited.push(ms);
        },
      },
    );
    const byStep = await play(h);
    // The trigger meets a 429 (Retry-After: 2), then a 500, then goes through.
    fake.script({ status: 429, headers: { 'retry-after': '2' } }, { status: 500, body: '{"status":"error"}' });

    const results = [];
    for (const messages of byStep) {
      const batch = sqsEvent(messages);
      results.push(await handler(batch));
      results.push(await handler(batch)); // SQS delivers the batch again
    }

    const run1 = arns.run(SHOP, RUN_1);
    expect(byStep.map((m) => m.map((r) => r.subject))).toEqual([
      [],
      [],
      ['FAILED: run nightly-1 (0 of 0 jobs passed)'],
      [],
      ['PASSED: run nightly-2 (0 of 0 jobs passed)'],
    ]);
    expect(results.every((r) => r.batchItemFailures.length === 0)).toBe(true);
    expect(fake.received.map((r) => [r.status, r.json.event_action, r.json.dedup_key])).toEqual([
      [429, 'trigger', run1],
      [500, 'trigger', run1],
      [202, 'trigger', run1],
      [202, 'resolve', run1],
    ]);
    expect(waited[0]).toBe(2000);
    const trigger = fake.received[2]?.json;
    expect(trigger).toMatchObject({
      routing_key: ROUTING_KEY,
      payload: {
        summary: 'FAILED: run nightly-1 (0 of 0 jobs passed)',
        source: 'vigil',
        severity: 'error',
        class: 'run-finished',
      },
      links: [
        {
          href: `https://us-west-2.console.aws.amazon.com/devicefarm/home?region=us-west-2#/mobile/projects/${SHOP}/runs/${RUN_1}`,
          text: 'AWS console',
        },
      ],
    });
    expect(fake.received[3]?.json).toEqual({ routing_key: ROUTING_KEY, event_action: 'resolve', dedup_key: run1 });
    expect(log.messages('warn')).toEqual([
      'PagerDuty rate-limited the webhook; waiting as asked',
      'PagerDuty answered with a server error; retrying',
    ]);
    expect(log.lines.filter((line) => JSON.stringify(line).includes(ROUTING_KEY))).toEqual([]);
  });

  it('PagerDuty: sends no resolve for a passing run when no trigger was delivered', async () => {
    const { h, fake, log, handler } = await forwarderFor(
      { status: 202, body: '{"status":"success"}' },
      { type: 'pagerduty', name: 'oncall', path: '/v2/enqueue', secret: ROUTING_KEY },
    );
    const byStep = await play(h);
    // The trigger is refused for good (PagerDuty answers 400 to a bad event): it goes to the dead-letter queue.
    fake.script({ status: 400, body: '{"status":"invalid event"}' });

    const results = [];
    for (const messages of byStep) results.push(await handler(sqsEvent(messages)));

    expect(results[2]?.batchItemFailures).toHaveLength(1);
    expect(fake.received.map((r) => [r.status, r.json.event_action])).toEqual([[400, 'trigger']]);
    expect(log.messages('error')).toEqual(['Posting to PagerDuty failed; the message will be retried']);
  });

  it('Opsgenie: creates an alert with the run ARN as alias and closes it by alias when the next run passes', async () => {
    const { h, fake, log, handler } = await forwarderFor(
      { status: 202, body: '{"result":"Request will be processed"}' },
      { type: 'opsgenie', name: 'ops-genie', path: '', secret: OPSGENIE_KEY },
    );

    for (const messages of await play(h)) await handler(sqsEvent(messages));

    const run1 = arns.run(SHOP, RUN_1);
    expect(fake.received.map((r) => [r.path, r.headers.authorization])).toEqual([
      ['/v2/alerts', `GenieKey ${OPSGENIE_KEY}`],
      [`/v2/alerts/${encodeURIComponent(run1)}/close?identifierType=alias`, `GenieKey ${OPSGENIE_KEY}`],
    ]);
    expect(fake.received[0]?.json).toMatchObject({
      message: 'FAILED: run nightly-1 (0 of 0 jobs passed)',
      alias: run1,
      source: 'Vigil',
      priority: 'P2',
      tags: ['vigil', 'run-finished'],
    });
    expect(fake.received[1]?.json).toEqual({
      source: 'Vigil',
      note: 'Resolved by Vigil: PASSED: run nightly-2 (0 of 0 jobs passed)',
    });
    expect(log.lines.filter((line) => JSON.stringify(line).includes(OPSGENIE_KEY))).toEqual([]);
  });

  it('webhook: posts each notification once with a signature the receiver can verify, retrying a 5xx, the key never logged', async () => {
    const { h, fake, log, handler } = await forwarderFor(
      { status: 200 },
      {
        type: 'webhook',
        name: 'ops-hook',
        path: '/hooks/vigil',
        secret: JSON.stringify({ signingKey: SIGNING_KEY }),
        now: () => Date.parse('2026-11-21T02:30:00.000Z'),
      },
    );
    const messages = (await play(h)).flat();
    fake.script({ status: 503 });

    const batch = sqsEvent(messages);
    const first = await handler(batch);
    const again = await handler(batch);

    expect([first, again]).toEqual([{ batchItemFailures: [] }, { batchItemFailures: [] }]);
    expect(fake.received.map((r) => [r.status, r.json.subject])).toEqual([
      [503, 'FAILED: run nightly-1 (0 of 0 jobs passed)'],
      [200, 'FAILED: run nightly-1 (0 of 0 jobs passed)'],
      [200, 'PASSED: run nightly-2 (0 of 0 jobs passed)'],
    ]);
    const now = Date.parse('2026-11-21T02:30:00.000Z') / 1000;
    for (const request of fake.received) {
      const headers = {
        timestamp: request.headers['x-vigil-timestamp'],
        signature: request.headers['x-vigil-signature'],
      };
      expect(headers.timestamp).toBe(String(now));
      expect(verifySignature(SIGNING_KEY, headers, request.raw, now)).toBe(true);
      // A body changed on the way, or another key, does not verify.
      expect(
        verifySignature(SIGNING_KEY, headers, request.raw.replace('"source":"vigil"', '"source":"mallory"'), now),
      ).toBe(false);
      expect(verifySignature('another-key-0123456789', headers, request.raw, now)).toBe(false);
    }
    expect(fake.received[1]?.json).toMatchObject({
      source: 'vigil',
      version: 1,
      eventType: 'run-finished',
      severity: 'error',
    });
    expect(fake.received[1]?.headers['x-vigil-delivery']).toMatch(/^sns-/);
    expect(log.lines.filter((line) => JSON.stringify(line).includes(SIGNING_KEY))).toEqual([]);
  });
});
