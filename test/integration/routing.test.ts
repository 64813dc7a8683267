/**
 * Routing through real SNS filter policies: the README example's channels
 * (vigil.config.example.json: failures of checkout-app to Slack #mobile-ci,
 * budget alerts to finance@) each get an SQS queue subscribed to a topic in
 * fauxqs with the policy lambda/deliver/routing.ts makes for it, next to an
 * unfiltered queue standing for the `notifications.emails` subscribers.
 * Real notifications (planNotices → compose → SnsPublisher) are published
 * once each; every queue must hold exactly the messages its channel asked for.
 *
 * fauxqs does not deliver email, so finance@'s email subscription is played
 * by a queue with the same filter policy: the policy is what is under test.
 */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { CreateTopicCommand, PublishCommand, SubscribeCommand } from '@aws-sdk/client-sns';
import {
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import type { CliIo } from '../../lambda/cli/io';
import { notifyTest } from '../../lambda/cli/notify-test';
import { createSnsClient } from '../../lambda/clients/aws-clients';
import { type FilterPolicy, filterPolicyFor } from '../../lambda/config/channel-routing';
import { loadConfig, parseConfig } from '../../lambda/config/config-file';
import { DEFAULT_SETTINGS } from '../../lambda/config/settings';
import { compose, type Notification } from '../../lambda/deliver/compose';
import { planNotices } from '../../lambda/deliver/rules';
import { SnsPublisher } from '../../lambda/deliver/sns-publisher';
import type { DigestEvent, VigilEvent } from '../../lambda/record/vigil-event';
import { projectArn, runArn } from '../support/arns';
import { runFinished } from '../support/builders';
import { budgetEvent } from '../support/reactor-builders';

const ROOT = join(__dirname, '..', '..');

const sqs = new SQSClient({ useQueueUrlAsEndpoint: false });
const sns = createSnsClient();

/** A queue subscribed to `topicArn` with `policy` (none: every message), raw delivery off as in the stack. */
async function subscribedQueue(topicArn: string, name: string, policy: FilterPolicy | undefined): Promise<string> {
  const queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: `${name}-${randomUUID().slice(0, 8)}` })))
    .QueueUrl as string;
  const queueArn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] })))
    .Attributes?.QueueArn as string;
  await sns.send(
    new SubscribeCommand({
      TopicArn: topicArn,
      Protocol: 'sqs',
      Endpoint: queueArn,
      Attributes: policy === undefined ? {} : { FilterPolicy: JSON.stringify(policy) },
    }),
  );
  return queueUrl;
}

/** The subjects of every message the queue holds now, in the SNS envelope (removed from the queue). */
async function subjectsIn(queueUrl: string): Promise<string[]> {
  const subjects: string[] = [];
  for (;;) {
    const page = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }),
    );
    const messages = page.Messages ?? [];
    if (messages.length === 0) return subjects.sort();
    for (const message of messages) {
      const envelope = JSON.parse(message.Body ?? '{}') as { Type?: string; Subject?: string };
      // Raw delivery off: the body is SNS's JSON envelope, which the Slack forwarder and Chatbot relay read.
      expect(envelope.Type).toBe('Notification');
      subjects.push(envelope.Subject ?? '(no subject)');
    }
    await sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle })),
      }),
    );
  }
}

const CHECKOUT = { arn: projectArn('p-checkout'), name: 'checkout-app' };

/** A digest event as lambda/handlers/send-digest.ts writes it. */
const DIGEST: DigestEvent = {
  eventId: 'vigil:digest/2026-11-20',
  eventType: 'digest',
  service: 'devicefarm',
  arn: 'vigil:digest/2026-11-20',
  name: 'Daily digest 2026-11-20',
  at: '2026-11-21T07:00:00.000Z',
  digest: {
    date: '2026-11-20',
    runsByResult: { FAILED: 1, PASSED: 3 },
    jobsByResult: { FAILED: 2, PASSED: 22 },
    sessionsFinished: 1,
    meteredMinutes: 88.5,
    deadlineJobsByStatus: {},
    failingDevices: [{ device: 'Google Pixel 8', jobs: 2 }],
    budgets: [{ name: 'monthly-metered', period: '2026-11', usedMinutes: 812.5, limitMinutes: 1000 }],
    overLimit: [],
  },
};

/** What happened, as events: each becomes one notification. */
const EVENTS = {
  checkoutFailed: runFinished('FAILED', {
    arn: runArn('r-checkout-nightly', 'p-checkout'),
    name: 'checkout-nightly',
    project: CHECKOUT,
    scope: CHECKOUT.arn,
  }),
  checkoutPassed: runFinished('PASSED', {
    arn: runArn('r-checkout-smoke', 'p-checkout'),
    name: 'checkout-smoke',
    project: CHECKOUT,
    scope: CHECKOUT.arn,
  }),
  shopFailed: runFinished('FAILED', { arn: runArn('r-shop-nightly'), name: 'shop-nightly' }),
  budget: budgetEvent(),
  digest: DIGEST,
} satisfies Record<string, VigilEvent>;
type EventName = keyof typeof EVENTS;

/** The one notification of an event, as the notifier would publish it. */
function notificationOf(event: VigilEvent): Notification {
  const notices = planNotices([event], DEFAULT_SETTINGS.rules);
  expect(notices).toHaveLength(1);
  const [notice] = notices;
  if (notice === undefined) throw new Error('expected one notice');
  return compose(notice);
}

describe('routing through SNS filter policies (the README example)', () => {
  const names = Object.keys(EVENTS) as EventName[];
  const notifications = Object.fromEntries(names.map((name) => [name, notificationOf(EVENTS[name])])) as Record<
    EventName,
    Notification
  >;
  const subjectOf = (name: EventName): string => notifications[name].subject;
  let queues: Record<string, string>;

  beforeAll(async () => {
    const channels = loadConfig({ path: 'vigil.config.example.json', cwd: ROOT }).channels;
    const topicArn = (await sns.send(new CreateTopicCommand({ Name: `vigil-routing-${randomUUID().slice(0, 8)}` })))
      .TopicArn as string;
    queues = { unfiltered: await subscribedQueue(topicArn, 'unfiltered', undefined) };
    for (const channel of channels) {
      queues[channel.name] = await subscribedQueue(topicArn, channel.name, filterPolicyFor(channel));
    }

    const publisher = new SnsPublisher(sns, topicArn);
    for (const notification of Object.values(notifications)) await publisher.publish(notification);
  });

  it('publishes notifications with the attributes the policies match on', () => {
    expect(notifications.checkoutFailed.attributes).toEqual({
      service: 'devicefarm',
      kind: 'run',
      eventType: 'run-finished',
      severity: 'error',
      project: 'checkout-app',
    });
    expect(notifications.budget.attributes).toMatchObject({ kind: 'budget', eventType: 'budget-threshold' });
    expect(notifications.digest.attributes).toMatchObject({ eventType: 'digest' });
  });

  it("delivers to Slack #mobile-ci only checkout-app's failures: not its passes, not another project's, no budget, no digest", async () => {
    expect(await subjectsIn(queues['mobile-ci'] as string)).toEqual([subjectOf('checkoutFailed')]);
  });

  it('delivers to finance@ the budget alert and the daily digest only', async () => {
    expect(await subjectsIn(queues.finance as string)).toEqual([subjectOf('budget'), subjectOf('digest')].sort());
  });

  it('delivers everything to the unfiltered subscribers (notifications.emails)', async () => {
    expect(await subjectsIn(queues.unfiltered as string)).toEqual(names.map(subjectOf).sort());
  });
});

describe('vigil notify test through the same filter policies', () => {
  const AT = new Date('2026-11-22T09:00:00.000Z');
  let topicArn: string;
  let queues: Record<string, string>;
  let channels: ReturnType<typeof loadConfig>['channels'];

  beforeEach(async () => {
    channels = loadConfig({ path: 'vigil.config.example.json', cwd: ROOT }).channels;
    topicArn = (await sns.send(new CreateTopicCommand({ Name: `vigil-notify-test-${randomUUID().slice(0, 8)}` })))
      .TopicArn as string;
    queues = { unfiltered: await subscribedQueue(topicArn, 'unfiltered', undefined) };
    for (const channel of channels) {
      queues[channel.name] = await subscribedQueue(topicArn, channel.name, filterPolicyFor(channel));
    }
  });

  function captureIo(): CliIo & { readonly lines: string[] } {
    const lines: string[] = [];
    return { env: {}, cwd: ROOT, out: (text) => lines.push(text), err: (text) => lines.push(text), lines };
  }

  it('reaches each filtered channel with its own test message, and the unfiltered subscribers with all of them', async () => {
    // Arrange
    const io = captureIo();

    // Act
    const code = await notifyTest(undefined, channels, { sns, topicArn }, io, AT);

    // Assert
    expect(code).toBe(0);
    expect(io.lines.map((line) => line.replace(/SNS message [^)]+/, 'SNS message <id>'))).toEqual([
      'Sent "TEST: Vigil notification test for all channels" (SNS message <id>)',
      'Sent "TEST: Vigil notification test for mobile-ci" (SNS message <id>)',
      'Sent "TEST: Vigil notification test for finance" (SNS message <id>)',
    ]);
    expect(await subjectsIn(queues['mobile-ci'] as string)).toEqual(['TEST: Vigil notification test for mobile-ci']);
    expect(await subjectsIn(queues.finance as string)).toEqual(['TEST: Vigil notification test for finance']);
    expect(await subjectsIn(queues.unfiltered as string)).toEqual([
      'TEST: Vigil notification test for all channels',
      'TEST: Vigil notification test for finance',
      'TEST: Vigil notification test for mobile-ci',
    ]);
  });

  it('sends only to the channel named by --channel', async () => {
    // Arrange
    const io = captureIo();

    // Act
    await notifyTest('finance', channels, { sns, topicArn }, io, AT);

    // Assert
    expect(await subjectsIn(queues.finance as string)).toEqual(['TEST: Vigil notification test for finance']);
    expect(await subjectsIn(queues['mobile-ci'] as string)).toEqual([]);
  });

  it('names the configured channels when --channel names none of them, and sends nothing', async () => {
    // Arrange
    const io = captureIo();

    // Act
    const attempt = notifyTest('mobile', channels, { sns, topicArn }, io, AT);

    // Assert
    await expect(attempt).rejects.toThrow('No channel is named "mobile"; configured channels: mobile-ci, finance');
    expect(await subjectsIn(queues.unfiltered as string)).toEqual([]);
  });
});

describe("Vigil's CloudWatch alarms through the filter policies", () => {
  /** What an alarm action publishes: CloudWatch's JSON, a subject, and no message attributes. */
  const ALARM_SUBJECT = 'ALARM: "Vigil-OperationsDeviceFarmPollerStopped" in US West (Oregon)';
  let queues: Record<string, string>;

  beforeAll(async () => {
    const channels = parseConfig(
      {
        channels: [
          { name: 'ops', type: 'slack' },
          { name: 'ci', type: 'slack', filter: { projects: ['checkout-app'] } },
          { name: 'ci-and-alarms', type: 'slack', alarms: true, filter: { projects: ['checkout-app'] } },
          { name: 'quiet', type: 'slack', alarms: false },
        ],
      },
      'test',
    ).channels;
    const topicArn = (await sns.send(new CreateTopicCommand({ Name: `vigil-alarms-${randomUUID().slice(0, 8)}` })))
      .TopicArn as string;
    queues = {};
    for (const channel of channels) {
      queues[channel.name] = await subscribedQueue(topicArn, channel.name, filterPolicyFor(channel));
    }
    await sns.send(
      new PublishCommand({
        TopicArn: topicArn,
        Subject: ALARM_SUBJECT,
        Message: JSON.stringify({
          AlarmName: 'Vigil-OperationsDeviceFarmPollerStopped',
          NewStateValue: 'ALARM',
          OldStateValue: 'OK',
        }),
      }),
    );
    await new SnsPublisher(sns, topicArn).publish(notificationOf(EVENTS.checkoutFailed));
  });

  it.each([
    ['a channel without filter', 'ops', true],
    ['a filtered channel', 'ci', false],
    ['a filtered channel with alarms: true', 'ci-and-alarms', true],
    ['a channel without filter with alarms: false', 'quiet', false],
  ])('%s (%s) gets the alarm: %s', async (_case, name, getsAlarm) => {
    const subjects = await subjectsIn(queues[name] as string);

    expect(subjects.includes(ALARM_SUBJECT)).toBe(getsAlarm);
    expect(subjects.filter((s) => s !== ALARM_SUBJECT)).toHaveLength(1);
  });
});
