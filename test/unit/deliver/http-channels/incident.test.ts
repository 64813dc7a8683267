import { testNotification } from '../../../../lambda/cli/notify-test';
import { DEFAULT_SETTINGS } from '../../../../lambda/config/settings';
import { compose } from '../../../../lambda/deliver/compose';
import { credentialFromSecret } from '../../../../lambda/deliver/http-channels/credentials';
import { pagerSteps } from '../../../../lambda/deliver/http-channels/incident';
import { boundedKey } from '../../../../lambda/deliver/http-channels/targets';
import { planNotices } from '../../../../lambda/deliver/rules';
import { readQueuedMessage } from '../../../../lambda/deliver/slack/queued-message';
import type { VigilEvent } from '../../../../lambda/record/vigil-event';
import { jobArn, runArn, sessionArn } from '../../../support/arns';
import { changeEvent, jobFinished, PROJECT, runFinished } from '../../../support/builders';
import { sqsBodyOf } from '../slack/scenarios';

/** What a pager does with the message the notifier made of `events`. */
function steps(events: VigilEvent[]) {
  const [notice] = planNotices(events, DEFAULT_SETTINGS.rules);
  if (notice === undefined) throw new Error('no notice');
  const message = readQueuedMessage({ messageId: 'm-1', body: sqsBodyOf(compose(notice), 'sns-1') });
  return pagerSteps(message).map((s) =>
    s.action === 'trigger' ? ['trigger', s.incident.key, s.incident.group, s.severity] : ['resolve', s.key, s.group],
  );
}

describe('pagerSteps', () => {
  const runsOf = `${PROJECT.arn}/runs`;

  it.each<[string, VigilEvent[], unknown[]]>([
    ['a failed run triggers its run', [runFinished('FAILED')], [['trigger', runArn(), runsOf, 'error']]],
    [
      'a failed job triggers its run (the run’s summary adds to the same incident)',
      [jobFinished('00002', 'FAILED')],
      [['trigger', runArn(), runsOf, 'error']],
    ],
    ['a passed run resolves the project’s runs', [runFinished('PASSED')], [['resolve', undefined, runsOf]]],
    ['a warned run does nothing', [runFinished('WARNED')], []],
    [
      'a session’s end resolves the session',
      [
        changeEvent('remote-access-session', {
          from: { status: 'RUNNING' },
          to: { status: 'COMPLETED', result: 'PASSED' },
        }),
      ],
      [['resolve', sessionArn(), undefined]],
    ],
  ])('%s', (_case, events, expected) => {
    expect(steps(events)).toEqual(expected);
  });

  it('triggers an alarm by its name, and a test message triggers and resolves at once', () => {
    const alarm = readQueuedMessage({
      messageId: 'm-2',
      body: JSON.stringify({
        Type: 'Notification',
        MessageId: 'sns-2',
        Message: JSON.stringify({ AlarmName: 'Vigil-DeviceFarmPollerStopped', NewStateValue: 'ALARM' }),
      }),
    });
    expect(pagerSteps(alarm).map((s) => [s.action, s.action === 'trigger' ? s.incident.key : s.key])).toEqual([
      ['trigger', 'vigil:alarm/Vigil-DeviceFarmPollerStopped'],
    ]);
    const at = new Date('2026-11-21T08:00:00.000Z');
    const test = readQueuedMessage({
      messageId: 'm-3',
      body: sqsBodyOf(
        testNotification({ name: 'oncall', type: 'pagerduty', filter: { eventTypes: ['run-finished'] } }, at),
        'sns-3',
      ),
    });
    expect(pagerSteps(test).map((s) => [s.action, s.action === 'trigger' ? s.incident.key : s.key])).toEqual([
      ['trigger', 'vigil:test/2026-11-21T08:00:00.000Z'],
      ['resolve', 'vigil:test/2026-11-21T08:00:00.000Z'],
    ]);
  });

  it('keeps a long key apart from another with the same start, within the service’s limit', () => {
    const long = `${jobArn('00001')}/${'x'.repeat(300)}`;
    const other = `${long}y`;

    expect(boundedKey(long, 255)).toHaveLength(255);
    expect(boundedKey(long, 255)).not.toBe(boundedKey(other, 255));
    expect(boundedKey(runArn(), 255)).toBe(runArn());
  });
});

describe('credentialFromSecret', () => {
  it.each<[string, Parameters<typeof credentialFromSecret>[0], string, string]>([
    [
      'the placeholder the stack created',
      'pagerduty',
      '{"routingKey":"REPLACE-ME"}',
      "Secret vigil/pagerduty/oncall does not hold the PagerDuty integration's routing key (32 letters and digits, Events API v2) (the value is not shown); put the PagerDuty integration's routing key (32 letters and digits, Events API v2) in it: aws secretsmanager put-secret-value --secret-id vigil/pagerduty/oncall --secret-string '<32-character routing key>'",
    ],
    [
      'an empty secret',
      'webhook',
      '',
      "Secret vigil/pagerduty/oncall is empty; put a signing key of at least 16 characters in it: aws secretsmanager put-secret-value --secret-id vigil/pagerduty/oncall --secret-string '<signing key>'",
    ],
  ])('refuses %s, naming the secret and the fix but never the value', (_case, type, value, message) => {
    expect(() => credentialFromSecret(type, value, 'vigil/pagerduty/oncall')).toThrow(message);
  });

  it('reads the key itself or its JSON field', () => {
    expect(credentialFromSecret('opsgenie', '1a2b3c4d-5e6f-4a1b-8c2d-3e4f5a6b7c8d', 's')).toBe(
      '1a2b3c4d-5e6f-4a1b-8c2d-3e4f5a6b7c8d',
    );
    expect(credentialFromSecret('pagerduty', '{"routingKey":"R0uTiNgKeY0123456789abcdefABCDEF"}', 's')).toBe(
      'R0uTiNgKeY0123456789abcdefABCDEF',
    );
  });
});
