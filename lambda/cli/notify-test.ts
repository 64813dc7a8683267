/**
 * `vigil notify test [--channel name]`: publishes a test message through the
 * real path (the topic, each channel's subscription filter, the Slack
 * forwarder or Chatbot relay), so a user can check the wiring after deploy.
 * For each channel, the message carries attributes its filter accepts.
 */
import type { SNSClient } from '@aws-sdk/client-sns';
import { UsageError } from '../core/errors';
import type { Notification, Severity } from '../deliver/notification';
import { SnsPublisher } from '../deliver/sns-publisher';
import type { CliIo } from './io';

/** The parts of a channel the test needs (see the config's `channels`). */
export interface TestChannel {
  readonly name: string;
  readonly type: string;
  readonly filter?: {
    readonly services?: readonly string[];
    readonly projects?: readonly string[];
    readonly kinds?: readonly string[];
    readonly eventTypes?: readonly string[];
    readonly minSeverity?: string;
  };
}

/** A test notification whose attributes pass `channel`'s filter (or any, with no channel). */
export function testNotification(channel: TestChannel | undefined, at: Date): Notification {
  const f = channel?.filter;
  const attributes = {
    service: f?.services?.[0] ?? 'devicefarm',
    kind: f?.kinds?.[0] ?? 'test',
    // A channel limited to some event types gets one of those; the text says it is a test.
    eventType: (f?.eventTypes?.[0] ?? 'test') as Notification['attributes']['eventType'],
    severity: 'error' as Severity, // the highest: passes any minSeverity
    project: f?.projects?.[0] ?? 'vigil-test',
  };
  const target = channel === undefined ? 'every channel without a filter' : `channel ${channel.name} (${channel.type})`;
  const subject = `TEST: Vigil notification test for ${channel?.name ?? 'all channels'}`;
  const text = [
    `This is a test message from vigil notify test, sent ${at.toISOString()} to ${target}.`,
    'If you read it, the topic, the subscription filter and the delivery path work. Nothing happened in Device Farm or Deadline Cloud.',
    '',
    `Attributes: ${Object.entries(attributes)
      .map(([k, v]) => `${k}=${v}`)
      .join(' ')}`,
  ].join('\n');
  return {
    subject,
    text,
    document: {
      source: 'vigil',
      version: 1,
      eventType: attributes.eventType,
      severity: 'error',
      subject,
      service: attributes.service,
      jobs: [],
      eventIds: [`vigil:test/${at.toISOString()}`],
      observedAt: at.toISOString(),
    },
    attributes,
  };
}

export async function notifyTest(
  channelName: string | undefined,
  channels: readonly TestChannel[],
  deps: { sns: SNSClient; topicArn: string },
  io: CliIo,
  now = new Date(),
): Promise<number> {
  const chosen = channelName === undefined ? [undefined, ...channels] : channels.filter((c) => c.name === channelName);
  if (channelName !== undefined && chosen.length === 0) {
    throw new UsageError(
      `No channel is named ${JSON.stringify(channelName)}; configured channels: ${channels.map((c) => c.name).join(', ') || '(none)'}`,
    );
  }
  const publisher = new SnsPublisher(deps.sns, deps.topicArn);
  for (const channel of chosen) {
    const notification = testNotification(channel, now);
    const { messageId } = await publisher.publish(notification);
    io.out(`Sent "${notification.subject}" (SNS message ${messageId})`);
  }
  return 0;
}
