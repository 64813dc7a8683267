/**
 * The five notifications the golden files show, built the way the notifier
 * builds them: real events → planNotices (default rules) → compose. Times
 * are fixed, so the output is byte-for-byte stable. Also the SQS record a
 * subscriber's queue would hold for a notification (the SNS envelope around
 * the `sqs` body that sns-publisher.ts writes).
 */

import { DEFAULT_SETTINGS } from '../../../../lambda/config/settings';
import type { FailingTests, JobSummary } from '../../../../lambda/core/observation';
import { compose, type Notification } from '../../../../lambda/deliver/compose';
import { planNotices } from '../../../../lambda/deliver/rules';
import { snsMessage } from '../../../../lambda/deliver/sns-publisher';
import type { VigilEvent } from '../../../../lambda/record/vigil-event';
import { jobArn } from '../../../support/arns';
import { counters, jobFinished, runFinished } from '../../../support/builders';
import { deadlineChange, deadlineJob, deadlineSession } from '../../../support/deadline-builders';
import { budgetEvent, guardEvent } from '../../../support/reactor-builders';

const PIXEL = { name: 'Google Pixel 8', platform: 'ANDROID', os: '14' };
const GALAXY = { name: 'Samsung Galaxy S24', platform: 'ANDROID', os: '14' };

/** The one notification the notifier sends for `events`. */
export function notify(events: readonly VigilEvent[]): Notification {
  const notices = planNotices(events, DEFAULT_SETTINGS.rules);
  const [notice, ...others] = notices;
  if (notice === undefined || others.length > 0) {
    throw new Error(`expected one notice, planned ${notices.map((n) => n.type).join(', ') || 'none'}`);
  }
  return compose(notice);
}

const NOT_PASSED: JobSummary = {
  total: 48,
  byResult: { PASSED: 45, FAILED: 2, ERRORED: 1 },
  notPassed: [
    {
      arn: jobArn('00003'),
      name: 'Samsung Galaxy S24',
      status: 'COMPLETED',
      result: 'ERRORED',
      device: GALAXY,
      minutes: { total: 1.2, metered: 1.2, unmetered: 0 },
      message: 'Device went offline during setup',
    },
    {
      arn: jobArn('00001'),
      name: 'Google Pixel 8',
      status: 'COMPLETED',
      result: 'FAILED',
      device: PIXEL,
      counters: counters({ total: 12, passed: 10, failed: 2 }),
      minutes: { total: 6.4, metered: 6.4, unmetered: 0 },
      message: 'Tests failed: CheckoutTest.testPay, CheckoutTest.testRefund',
    },
    {
      arn: jobArn('00007'),
      name: 'Tests on Pixel 7a & <beta>',
      status: 'COMPLETED',
      result: 'FAILED',
      device: { name: 'Google Pixel 7a', platform: 'ANDROID', os: '13' },
      counters: counters({ total: 12, passed: 11, failed: 1 }),
      minutes: { total: 5.9, metered: 5.9, unmetered: 0 },
    },
  ],
  notPassedTruncated: 0,
};

/** What ListUniqueProblems said of that run: three tests that did not pass, on up to two devices. */
export const FAILING_TESTS: FailingTests = {
  tests: [
    {
      name: 'testPay',
      suite: 'CheckoutTest',
      result: 'FAILED',
      message: 'expected:<200> but was:<500>',
      deviceCount: 2,
      devices: ['Google Pixel 7a', 'Google Pixel 8'],
    },
    {
      name: 'Setup Suite',
      result: 'ERRORED',
      message: 'Device went offline during setup',
      deviceCount: 1,
      devices: ['Samsung Galaxy S24'],
    },
    {
      name: 'testRefund',
      suite: 'CheckoutTest',
      result: 'FAILED',
      message: 'Timed out after 30 s waiting for <RefundButton>',
      deviceCount: 1,
      devices: ['Google Pixel 8'],
    },
  ],
  total: 3,
};

/** A run of 48 jobs finishing FAILED, with its failing jobs seen in the same batch. */
export function runFailed(): Notification {
  const run = runFinished('FAILED', {
    jobSummary: NOT_PASSED,
    failingTests: FAILING_TESTS,
    counters: counters({ total: 576, passed: 570, failed: 3, errored: 3 }),
    minutes: { total: 262.7, metered: 262.7, unmetered: 0 },
  });
  const failing = jobFinished('00001', 'FAILED', 'nightly', {
    name: 'Google Pixel 8',
    device: PIXEL,
    counters: counters({ total: 12, passed: 10, failed: 2 }),
  });
  return notify([run, failing]);
}

/** One job of a run still going finishing FAILED. */
export function jobFailed(): Notification {
  return notify([
    jobFinished('00001', 'FAILED', 'nightly', {
      name: 'Google Pixel 8',
      device: PIXEL,
      counters: counters({ total: 12, passed: 10, failed: 2 }),
      minutes: { total: 6.4, metered: 6.4, unmetered: 0 },
      message: 'Tests failed: CheckoutTest.testPay',
    }),
  ]);
}

/** The guard stopping a remote access session at its 30-minute limit. */
export function sessionOverLimit(): Notification {
  return notify([guardEvent({ action: 'stop' })]);
}

/** Budget monthly-metered crossing 80%. */
export function budgetThreshold(): Notification {
  return notify([budgetEvent()]);
}

/** A Deadline job reaching FAILED with one of its sessions failing in the same batch. */
export function deadlineJobFailed(): Notification {
  const job = deadlineJob('020', 'FAILED', { FAILED: 12, SUCCEEDED: 28 });
  return notify([
    deadlineChange(deadlineSession(job, '1', 'UPDATE_FAILED', 'Failed to create log stream: AccessDenied'), {
      status: 'STARTED',
    }),
    deadlineChange(job, { status: 'RUNNING' }),
  ]);
}

/** Every golden scenario by file name. */
export const GOLDEN_SCENARIOS: Readonly<Record<string, () => Notification>> = {
  'run-finished-with-failures': runFailed,
  'job-failed': jobFailed,
  'session-over-limit': sessionOverLimit,
  'budget-threshold-80': budgetThreshold,
  'deadline-job-failed': deadlineJobFailed,
};

/** The SQS record body a notification-topic subscription queue holds for `notification` (SNS envelope). */
export function sqsBodyOf(notification: Notification, messageId: string): string {
  const perProtocol = JSON.parse(snsMessage(notification)) as Record<string, string>;
  return JSON.stringify({
    Type: 'Notification',
    MessageId: messageId,
    TopicArn: 'arn:aws:sns:us-west-2:123456789012:vigil-notifications',
    Subject: notification.subject,
    Message: perProtocol.sqs,
    Timestamp: '2026-11-21T08:00:01.000Z',
    SignatureVersion: '1',
    MessageAttributes: Object.fromEntries(
      Object.entries(notification.attributes).map(([k, v]) => [k, { Type: 'String', Value: v }]),
    ),
  });
}
