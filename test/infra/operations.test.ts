import { Match, type Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import {
  ALARMS_IN_THIS_ACCOUNT_AND_REGION,
  acknowledgements,
  type Built,
  build,
  expectNagClean,
  findingsWithoutAcknowledgements,
  getAtt,
  logicalId,
  present,
  ref,
} from '../support/stack';

/** Everything that has an alarm: both pollers, budgets (accountant), a Slack and a Chatbot channel. */
const FULL = {
  notifications: { emails: ['team@example.com'] },
  deviceFarm: { pollMinutes: 2 },
  deadline: { enabled: true, pollMinutes: 10 },
  budgets: [{ name: 'monthly', meter: 'deviceMinutes.metered', limitMinutes: 1000 }],
  channels: [
    { name: 'mobile-ci', type: 'slack' },
    { name: 'render-chat', type: 'chatbot' },
  ],
};

type Properties = Record<string, unknown>;

function alarms(template: Template): Properties[] {
  return Object.values(template.findResources('AWS::CloudWatch::Alarm')).map((alarm) => alarm.Properties as Properties);
}

/** The alarms on `metricName` whose dimension `name` is `value` (a Ref or GetAtt). */
function alarmsOn(template: Template, metricName: string, name: string, value: unknown): Properties[] {
  return alarms(template).filter(
    (alarm) =>
      alarm.MetricName === metricName &&
      (alarm.Dimensions as { Name: string; Value: unknown }[] | undefined)?.some(
        (d) => d.Name === name && JSON.stringify(d.Value) === JSON.stringify(value),
      ),
  );
}

/** What every "at least one in 5 minutes" alarm has. */
const atLeastOnceIn5Minutes = (built: Built) => ({
  Period: 300,
  Threshold: 1,
  ComparisonOperator: 'GreaterThanOrEqualToThreshold',
  EvaluationPeriods: 1,
  DatapointsToAlarm: 1,
  TreatMissingData: 'notBreaching',
  AlarmActions: [ref(built.stack.alerts.topic)],
  AlarmDescription: Match.stringLikeRegexp('^Vigil .{40,}'),
});

const fnRef = (component: IConstruct) => ref(component.node.findChild('Function').node.findChild('Handler'));

describe('operations: alarms and dashboard', () => {
  let built: Built;

  beforeAll(() => {
    built = build(FULL);
  });

  describe('alarms', () => {
    it('has one alarm per function (errors, throttles), failure queue, table, topic and poller', () => {
      const functions = Object.keys(built.template.findResources('AWS::Lambda::Function')).length;

      // 8 functions × 2, 5 failure queues (notifier, reactors, Deadline, Slack, Chatbot), the table,
      // 2 topics (alert, Chatbot), 2 dead man's switches, 2 falling-behind alarms, parked notifications.
      expect(functions).toBe(8);
      expect(alarms(built.template)).toHaveLength(functions * 2 + 5 + 1 + 2 + 2 + 2 + 1);
    });

    it('alarms when the notifier parks a notification SNS refused for good, and says how to see and retry it', () => {
      built.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        ...atLeastOnceIn5Minutes(built),
        Namespace: 'Vigil',
        MetricName: 'NotificationsParked',
        Dimensions: [{ Name: 'service', Value: 'vigil' }],
        Statistic: 'Sum',
        AlarmDescription: Match.stringLikeRegexp('vigil undelivered --retry'),
      });
    });

    it('sends every alarm to the alert topic and explains each one', () => {
      for (const alarm of alarms(built.template)) {
        expect(alarm.AlarmActions).toEqual([ref(built.stack.alerts.topic)]);
        expect(String(alarm.AlarmDescription)).toMatch(/^Vigil .{60,}/);
      }
    });

    it('lets only CloudWatch alarms of this account and region publish to the alert topic', () => {
      built.template.hasResourceProperties('AWS::SNS::TopicPolicy', {
        Topics: [ref(built.stack.alerts.topic)],
        PolicyDocument: {
          Statement: Match.arrayWith([
            {
              Sid: 'AllowCloudWatchAlarmsToPublish',
              Effect: 'Allow',
              Principal: { Service: 'cloudwatch.amazonaws.com' },
              Action: 'sns:Publish',
              Resource: ref(built.stack.alerts.topic),
              Condition: {
                StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
                ArnLike: {
                  'aws:SourceArn': ALARMS_IN_THIS_ACCOUNT_AND_REGION,
                },
              },
            },
          ]),
        },
      });
    });

    it('watches errors and throttles of every Lambda function', () => {
      for (const id of Object.keys(built.template.findResources('AWS::Lambda::Function'))) {
        expect(alarmsOn(built.template, 'Errors', 'FunctionName', { Ref: id })).toHaveLength(1);
        expect(alarmsOn(built.template, 'Throttles', 'FunctionName', { Ref: id })).toHaveLength(1);
      }
    });

    it('alarms on one notifier error in 5 minutes', () => {
      expect(alarmsOn(built.template, 'Errors', 'FunctionName', fnRef(built.stack.notifier))).toEqual([
        {
          ...atLeastOnceIn5Minutes(built),
          Namespace: 'AWS/Lambda',
          MetricName: 'Errors',
          Dimensions: [{ Name: 'FunctionName', Value: fnRef(built.stack.notifier) }],
          Statistic: 'Sum',
          AlarmDescription: expect.stringMatching(/^Vigil Notifier: the Lambda function failed/),
        },
      ]);
    });

    it('alarms on one throttled poller invocation in 5 minutes', () => {
      const poller = present(built.stack.deviceFarmPoller, 'the Device Farm poller');

      built.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        ...atLeastOnceIn5Minutes(built),
        Namespace: 'AWS/Lambda',
        MetricName: 'Throttles',
        Dimensions: [{ Name: 'FunctionName', Value: fnRef(poller) }],
        Statistic: 'Sum',
      });
    });

    it.each([
      ['notifier on-failure', (b: Built) => b.stack.notifier.onFailureQueue],
      ['reactors on-failure', (b: Built) => present(b.stack.reactors, 'the reactors').onFailureQueue],
      ['Deadline dead-letter', (b: Built) => present(b.stack.deadlineIngest, 'the ingest').deadLetterQueue],
      [
        'Slack dead-letter',
        (b: Built) => present(b.stack.channels.slack.get('mobile-ci'), 'Slack').inbox.deadLetterQueue,
      ],
      [
        'Chatbot dead-letter',
        (b: Built) => present(b.stack.channels.chatbot.get('render-chat'), 'Chatbot').inbox.deadLetterQueue,
      ],
    ])('alarms on a visible message in the %s queue', (_name, queueOf) => {
      const queueName = getAtt(queueOf(built), 'QueueName');

      expect(alarmsOn(built.template, 'ApproximateNumberOfMessagesVisible', 'QueueName', queueName)).toEqual([
        {
          ...atLeastOnceIn5Minutes(built),
          Namespace: 'AWS/SQS',
          MetricName: 'ApproximateNumberOfMessagesVisible',
          Dimensions: [{ Name: 'QueueName', Value: queueName }],
          Statistic: 'Maximum',
          AlarmDescription: expect.stringMatching(/^Vigil \w+: the queue holds .+ redrive or delete them/),
        },
      ]);
    });

    it('does not alarm on the channel inboxes, whose messages are work in progress', () => {
      const inbox = present(built.stack.channels.slack.get('mobile-ci'), 'Slack').inbox.queue;

      expect(
        alarmsOn(built.template, 'ApproximateNumberOfMessagesVisible', 'QueueName', getAtt(inbox, 'QueueName')),
      ).toEqual([]);
    });

    it('alarms on read or write throttle events of the table', () => {
      const tableName = { Name: 'TableName', Value: ref(built.stack.history.table) };
      const stat = (metricName: string) => ({
        Metric: { Namespace: 'AWS/DynamoDB', MetricName: metricName, Dimensions: [tableName] },
        Period: 300,
        Stat: 'Sum',
      });

      built.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        ...atLeastOnceIn5Minutes(built),
        Period: Match.absent(),
        Metrics: [
          { Expression: 'reads + writes', Id: 'expr_1', Label: 'Throttle events' },
          { Id: 'reads', MetricStat: stat('ReadThrottleEvents'), ReturnData: false },
          { Id: 'writes', MetricStat: stat('WriteThrottleEvents'), ReturnData: false },
        ],
      });
    });

    it('alarms on a failed delivery of the alert topic and of each Chatbot topic', () => {
      const chatbotTopic = present(built.stack.channels.chatbot.get('render-chat'), 'Chatbot').topic;
      for (const topic of [built.stack.alerts.topic, chatbotTopic]) {
        const topicName = getAtt(topic, 'TopicName');

        expect(alarmsOn(built.template, 'NumberOfNotificationsFailed', 'TopicName', topicName)).toEqual([
          {
            ...atLeastOnceIn5Minutes(built),
            Namespace: 'AWS/SNS',
            MetricName: 'NumberOfNotificationsFailed',
            Dimensions: [{ Name: 'TopicName', Value: topicName }],
            Statistic: 'Sum',
            AlarmDescription: expect.stringMatching(/^Vigil \w+: SNS failed to deliver/),
          },
        ]);
      }
    });
  });

  describe("dead man's switch", () => {
    it.each([
      ['devicefarm', 'Device Farm', 2],
      ['deadline', 'Deadline Cloud', 10],
    ])('alarms when the %s poller completed no cycle in 3 periods of pollMinutes', (service, name, pollMinutes) => {
      expect(alarmsOn(built.template, 'CyclesCompleted', 'service', service)).toEqual([
        {
          Namespace: 'Vigil',
          MetricName: 'CyclesCompleted',
          Dimensions: [{ Name: 'service', Value: service }],
          Statistic: 'Sum',
          Period: pollMinutes * 60,
          Threshold: 1,
          ComparisonOperator: 'LessThanThreshold',
          EvaluationPeriods: 3,
          DatapointsToAlarm: 3,
          TreatMissingData: 'breaching',
          AlarmActions: [ref(built.stack.alerts.topic)],
          AlarmDescription: expect.stringContaining(
            `Vigil ${name} poller: no poll cycle completed in ${pollMinutes * 3} minutes`,
          ),
        },
      ]);
    });

    it('follows the default pollMinutes and exists only for the pollers deployed', () => {
      const { template } = build({});

      expect(alarmsOn(template, 'CyclesCompleted', 'service', 'devicefarm')).toEqual([
        expect.objectContaining({ Period: 60, EvaluationPeriods: 3 }),
      ]);
      expect(alarmsOn(template, 'CyclesCompleted', 'service', 'deadline')).toEqual([]);
    });
  });

  describe('falling behind', () => {
    it.each([
      ['devicefarm', 'Device Farm'],
      ['deadline', 'Deadline Cloud'],
    ])('alarms when %s poll cycles left scopes for later in 3 consecutive 5-minute windows', (service, name) => {
      expect(alarmsOn(built.template, 'ScopesDeferred', 'service', service)).toEqual([
        {
          Namespace: 'Vigil',
          MetricName: 'ScopesDeferred',
          Dimensions: [{ Name: 'service', Value: service }],
          Statistic: 'Sum',
          Period: 300,
          Threshold: 1,
          ComparisonOperator: 'GreaterThanOrEqualToThreshold',
          EvaluationPeriods: 3,
          DatapointsToAlarm: 3,
          TreatMissingData: 'notBreaching',
          AlarmActions: [ref(built.stack.alerts.topic)],
          AlarmDescription: expect.stringContaining(
            `Vigil ${name} poller: for 15 minutes its cycles ran out of time and left scopes for the next cycle`,
          ),
        },
      ]);
    });
  });

  describe('dashboard', () => {
    const body = (template: Template) =>
      JSON.stringify(Object.values(template.findResources('AWS::CloudWatch::Dashboard'))[0]?.Properties.DashboardBody);

    it('is named after the stack and its region and exported as DashboardName', () => {
      built.template.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
      built.template.hasResourceProperties('AWS::CloudWatch::Dashboard', {
        DashboardName: { 'Fn::Join': ['', ['Vigil-', { Ref: 'AWS::Region' }, '-operations']] },
      });
      built.template.hasOutput('DashboardName', { Value: ref(built.stack.operations.dashboard) });
    });

    it('graphs the cycle metrics, notifications, Lambda errors and budget usage', () => {
      const text = body(built.template);

      for (const title of [
        'Poll cycles completed',
        'API calls (service API and DynamoDB)',
        'Throttled calls',
        'Changes recorded',
        'Notifications published',
        'Poll cycle duration (ms, maximum)',
        'Lambda errors',
        'Scopes left for the next cycle',
        'Budget used (%)',
      ]) {
        expect(text).toContain(`\\"title\\":\\"${title}\\"`);
      }
      for (const metric of [
        'CyclesCompleted',
        'ApiCalls',
        'Throttles',
        'Changes',
        'CycleDurationMs',
        'ScopesDeferred',
      ]) {
        expect(text).toContain(`[\\"Vigil\\",\\"${metric}\\",\\"service\\",\\"devicefarm\\"`);
        expect(text).toContain(`[\\"Vigil\\",\\"${metric}\\",\\"service\\",\\"deadline\\"`);
      }
      expect(text).toContain('[\\"Vigil\\",\\"NotificationsPublished\\",\\"service\\",\\"vigil\\"');
      expect(text).toContain(
        '[\\"Vigil\\",\\"BudgetUsedPercent\\",\\"Budget\\",\\"monthly\\",\\"service\\",\\"vigil\\"',
      );
    });

    it('has no budget graph when no budget is configured', () => {
      expect(body(build({}).template)).not.toContain('Budget used');
    });
  });

  describe('cdk-nag AwsSolutions', () => {
    it('reports no unacknowledged error or warning', () => {
      expectNagClean(built.app, built.stack);
    });

    it('needs no acknowledgement for the alarms or the dashboard', () => {
      const operations = built.stack.operations;

      expect(acknowledgements(operations)).toEqual([]);
      expect(findingsWithoutAcknowledgements(FULL).filter((finding) => finding.includes('/Operations/'))).toEqual([]);
    });
  });

  it('keeps construct IDs of the alarms stable (named by component, not position)', () => {
    const ids = built.stack.operations.alarms.map((alarm) => logicalId(alarm));

    expect(ids).toEqual(expect.arrayContaining([expect.stringMatching(/^OperationsNotifierErrors/)]));
    expect(ids).toEqual(expect.arrayContaining([expect.stringMatching(/^OperationsDeviceFarmPollerStopped/)]));
    expect(ids).toEqual(expect.arrayContaining([expect.stringMatching(/^OperationsChannelsSlackMobileCiErrors/)]));
  });
});
