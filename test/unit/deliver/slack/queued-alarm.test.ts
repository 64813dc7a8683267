import { readQueuedMessage } from '../../../../lambda/deliver/slack/queued-message';

/** The SQS body of a CloudWatch alarm notification, as SNS delivers it with raw delivery off. */
function alarmBody(alarm: Record<string, unknown>): string {
  return JSON.stringify({
    Type: 'Notification',
    MessageId: 'sns-alarm-1',
    TopicArn: 'arn:aws:sns:us-west-2:111122223333:Vigil-AlertsTopic',
    Subject: 'ALARM: "Vigil-OperationsDeviceFarmPollerStopped" in US West (Oregon)',
    Message: JSON.stringify(alarm),
  });
}

describe('readQueuedMessage, for one of Vigil’s CloudWatch alarms', () => {
  it('reads the alarm as a subject and a text that leads with what the alarm means', () => {
    // Arrange
    const body = alarmBody({
      AlarmName: 'Vigil-OperationsDeviceFarmPollerStopped',
      AlarmDescription: 'Vigil Device Farm poller: no poll cycle completed in 3 minutes.',
      AWSAccountId: '111122223333',
      NewStateValue: 'ALARM',
      OldStateValue: 'OK',
      NewStateReason: 'Threshold Crossed: 3 out of the last 3 datapoints were less than the threshold (1.0).',
      StateChangeTime: '2026-11-22T08:03:00.000+0000',
      Region: 'US West (Oregon)',
      Trigger: { MetricName: 'CyclesCompleted', Namespace: 'Vigil' },
    });

    // Act
    const message = readQueuedMessage({ messageId: 'sqs-1', body });

    // Assert
    expect(message).toEqual({
      kind: 'plain',
      key: 'sns-alarm-1',
      subject: 'ALARM: Vigil-OperationsDeviceFarmPollerStopped',
      text: [
        'Vigil alarm Vigil-OperationsDeviceFarmPollerStopped is ALARM (was OK).',
        '',
        'Vigil Device Farm poller: no poll cycle completed in 3 minutes.',
        '',
        'Reason: Threshold Crossed: 3 out of the last 3 datapoints were less than the threshold (1.0).',
        '',
        'At 2026-11-22T08:03:00.000+0000 in US West (Oregon)',
      ].join('\n'),
    });
  });

  it('keeps a message that only looks like JSON as it came', () => {
    // Act
    const message = readQueuedMessage({ messageId: 'sqs-2', body: alarmBody({ AlarmName: 'no state' }) });

    // Assert
    expect(message).toMatchObject({ kind: 'plain', key: 'sns-alarm-1', text: '{"AlarmName":"no state"}' });
  });
});
