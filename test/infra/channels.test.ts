import { Capture, Match } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import { filterPolicyFor } from '../../lambda/config/channel-routing';
import { parseConfig } from '../../lambda/config/config-file';
import { parseSettings } from '../../lambda/config/settings';
import { ConfigError } from '../../lambda/core/errors';
import { GLOBAL_INDEXES } from '../../lambda/record/table-schema';
import type { ChatbotChannel } from '../../lib/constructs/chatbot-channel';
import type { SlackChannel } from '../../lib/constructs/slack-channel';
import {
  asList,
  type Built,
  build,
  expectAcknowledgementsExact,
  expectNagClean,
  expectTlsOnly,
  getAtt,
  logicalId,
  present,
  ref,
  resourcesByAction,
  roleOf,
  statementsOf,
  statementsOfRole,
} from '../support/stack';

/** The README's routing example: failures of checkout-app to Slack #mobile-ci, budget alerts to finance@. */
const README_CHANNELS = [
  {
    name: 'mobile-ci',
    type: 'slack',
    digest: false,
    filter: { projects: ['checkout-app'], eventTypes: ['run-finished', 'jobs-finished'], minSeverity: 'error' },
  },
  { name: 'finance', type: 'email', address: 'finance@example.com', filter: { kinds: ['budget'] } },
];

/** One channel of each type, and a Slack channel whose secret already exists. */
const EVERY_TYPE = {
  notifications: { emails: ['team@example.com'] },
  channels: [
    ...README_CHANNELS,
    { name: 'ops', type: 'slack', secretName: 'team/slack/ops', digest: true },
    { name: 'render-chat', type: 'chatbot', filter: { services: ['deadline'], minSeverity: 'warning' } },
  ],
  deadline: { enabled: true },
};

const slackOf = (built: Built, name: string): SlackChannel =>
  present(built.stack.channels.slack.get(name), `Slack channel ${name}`);
const chatbotOf = (built: Built, name: string): ChatbotChannel =>
  present(built.stack.channels.chatbot.get(name), `Chatbot channel ${name}`);

/** Every action each statement of `role` allows on "*", as `<action>`. */
function actionsOf(built: Built, component: IConstruct): string[] {
  return statementsOfRole(built.template, roleOf(component)).flatMap((statement) => asList(statement.Action));
}

describe('channels', () => {
  let built: Built;

  beforeAll(() => {
    built = build(EVERY_TYPE);
  });

  describe('routing (the README example)', () => {
    it('subscribes finance@ by email with budget notices or the digest', () => {
      const { stack, template } = built;

      template.hasResourceProperties('AWS::SNS::Subscription', {
        TopicArn: ref(stack.alerts.topic),
        Protocol: 'email',
        Endpoint: 'finance@example.com',
        FilterPolicyScope: 'MessageAttributes',
        FilterPolicy: { $or: [{ kind: ['budget'] }, { eventType: ['digest'] }] },
      });
    });

    it("subscribes #mobile-ci's queue with checkout-app's failures only, in SNS envelopes", () => {
      const { stack, template } = built;

      template.hasResourceProperties('AWS::SNS::Subscription', {
        TopicArn: ref(stack.alerts.topic),
        Protocol: 'sqs',
        Endpoint: getAtt(slackOf(built, 'mobile-ci').inbox.queue, 'Arn'),
        RawMessageDelivery: false,
        FilterPolicyScope: 'MessageAttributes',
        FilterPolicy: {
          project: ['checkout-app'],
          eventType: ['run-finished', 'jobs-finished'],
          severity: ['error'],
        },
      });
    });

    it('renders on each subscription exactly the policy of lambda/deliver/routing.ts, and none on the unfiltered emails', () => {
      const { template } = built;
      const channels = parseConfig(EVERY_TYPE, 'test').channels;

      const rendered = Object.values(template.findResources('AWS::SNS::Subscription')).map((subscription) => ({
        endpoint: JSON.stringify(subscription.Properties.Endpoint),
        policy: subscription.Properties.FilterPolicy,
      }));

      const endpointOf = (name: string): string => {
        const channel = channels.find((candidate) => candidate.name === name);
        if (channel?.type === 'email') return JSON.stringify(channel.address);
        const inbox = channel?.type === 'slack' ? slackOf(built, name).inbox.queue : chatbotOf(built, name).inbox.queue;
        return JSON.stringify(getAtt(inbox, 'Arn'));
      };
      expect(rendered).toHaveLength(5);
      expect(rendered).toEqual(
        expect.arrayContaining([
          { endpoint: JSON.stringify('team@example.com'), policy: undefined },
          ...channels.map((channel) => ({ endpoint: endpointOf(channel.name), policy: filterPolicyFor(channel) })),
        ]),
      );
    });

    it('keeps the digest from a Slack channel without filter only when its digest is off, and lets alarms in', () => {
      const { template } = build({ channels: [{ name: 'all', type: 'slack' }] });

      template.hasResourceProperties('AWS::SNS::Subscription', {
        Protocol: 'sqs',
        FilterPolicy: { $or: [{ eventType: [{ 'anything-but': ['digest'] }] }, { eventType: [{ exists: false }] }] },
      });
      build({ channels: [{ name: 'all', type: 'slack', digest: true }] }).template.hasResourceProperties(
        'AWS::SNS::Subscription',
        { Protocol: 'sqs', FilterPolicy: Match.absent(), FilterPolicyScope: Match.absent() },
      );
    });
  });

  describe('slack', () => {
    it('has one queue with a dead-letter queue, one forwarder and one secret per channel', () => {
      const { template } = build({
        channels: [
          { name: 'a', type: 'slack' },
          { name: 'b', type: 'slack' },
          { name: 'c', type: 'slack', secretName: 'team/slack/c' },
        ],
        deviceFarm: { enabled: false },
      });

      // Three forwarders and the notifier; no poller, no digest with both services off.
      template.resourceCountIs('AWS::Lambda::Function', 4);
      template.resourceCountIs('AWS::Lambda::EventSourceMapping', 4);
      // Each channel's queue and dead-letter queue, and the notifier's on-failure queue.
      template.resourceCountIs('AWS::SQS::Queue', 7);
      // Two created; the third exists already and is only referenced.
      template.resourceCountIs('AWS::SecretsManager::Secret', 2);
      template.hasResourceProperties('AWS::SecretsManager::Secret', { Name: 'vigil/slack/a' });
      template.hasResourceProperties('AWS::SecretsManager::Secret', { Name: 'vigil/slack/b' });
      template.resourceCountIs('AWS::SNS::Subscription', 3);
    });

    it('keeps messages in an encrypted, HTTPS-only queue, moved after 5 receives to a 14-day dead-letter queue', () => {
      const { stack, template } = built;
      const { queue, deadLetterQueue } = slackOf(built, 'mobile-ci').inbox;
      const key = present(stack.channels.encryptionKey, 'the channels key');

      const queueProperties = template.toJSON().Resources[logicalId(queue)].Properties;
      const functionTimeout = template.toJSON().Resources[logicalId(slackOf(built, 'mobile-ci').function)].Properties
        .Timeout as number;
      expect(queueProperties).toEqual({
        KmsMasterKeyId: getAtt(key, 'Arn'),
        RedrivePolicy: { deadLetterTargetArn: getAtt(deadLetterQueue, 'Arn'), maxReceiveCount: 5 },
        VisibilityTimeout: 6 * functionTimeout,
      });
      expect(queueProperties.VisibilityTimeout).toBeGreaterThan(functionTimeout);
      template.hasResourceProperties('AWS::SQS::Queue', {
        KmsMasterKeyId: getAtt(key, 'Arn'),
        MessageRetentionPeriod: 14 * 24 * 3600,
      });
      for (const each of [queue, deadLetterQueue]) {
        expectTlsOnly(template, 'queue', each);
      }
      template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
    });

    it('lets SNS deliver to the queue, and only from the alert topic', () => {
      const { stack, template } = built;
      const { queue } = slackOf(built, 'mobile-ci').inbox;

      template.hasResourceProperties('AWS::SQS::QueuePolicy', {
        Queues: [ref(queue)],
        PolicyDocument: {
          Statement: Match.arrayWith([
            {
              Effect: 'Allow',
              Principal: { Service: 'sns.amazonaws.com' },
              Action: 'sqs:SendMessage',
              Resource: getAtt(queue, 'Arn'),
              Condition: { ArnEquals: { 'aws:SourceArn': ref(stack.alerts.topic) } },
            },
          ]),
        },
      });
    });

    it('feeds the forwarder 10 messages at a time, reporting failed items, two invocations at most', () => {
      const { template } = built;
      const channel = slackOf(built, 'mobile-ci');

      template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
        EventSourceArn: getAtt(channel.inbox.queue, 'Arn'),
        FunctionName: ref(channel.function),
        BatchSize: 10,
        FunctionResponseTypes: ['ReportBatchItemFailures'],
        ScalingConfig: { MaximumConcurrency: 2 },
      });
    });

    it("gives the forwarder the secret's ARN, the table and the channel name, and nothing else", () => {
      const { stack, template } = built;
      const channel = slackOf(built, 'mobile-ci');

      const properties = template.toJSON().Resources[logicalId(channel.function)].Properties;

      expect(properties.Environment.Variables).toEqual({
        POWERTOOLS_SERVICE_NAME: 'vigil',
        POWERTOOLS_LOG_LEVEL: 'INFO',
        SLACK_SECRET_ARN: ref(channel.secret),
        TABLE_NAME: ref(stack.history.table),
        CHANNEL_NAME: 'mobile-ci',
      });
      expect(properties).toMatchObject({ Runtime: 'nodejs24.x', Architectures: ['arm64'], Timeout: 60 });
    });

    it('creates the secret vigil/slack/<name> with a generated placeholder: no value in the template', () => {
      const { template } = built;
      const secret = slackOf(built, 'mobile-ci').secret;

      const properties = template.toJSON().Resources[logicalId(secret)].Properties;

      expect(properties).toEqual({
        Name: 'vigil/slack/mobile-ci',
        Description: expect.stringContaining('incoming webhook URL'),
        GenerateSecretString: {},
      });
      template.allResourcesProperties('AWS::SecretsManager::Secret', { SecretString: Match.absent() });
    });

    it('lets each forwarder read only its own secret and get and put items on the table', () => {
      const created = slackOf(built, 'mobile-ci');
      const named = slackOf(built, 'ops');

      const secrets = (channel: SlackChannel) =>
        resourcesByAction(statementsOfRole(built.template, roleOf(channel)), 'secretsmanager:');
      const tables = (channel: SlackChannel) =>
        resourcesByAction(statementsOfRole(built.template, roleOf(channel)), 'dynamodb:');

      expect(secrets(created)).toEqual({
        'secretsmanager:GetSecretValue': [`<${JSON.stringify(ref(created.secret))}>`],
      });
      expect(secrets(named)).toEqual({
        'secretsmanager:GetSecretValue': [
          'arn:<{"Ref":"AWS::Partition"}>:secretsmanager:<{"Ref":"AWS::Region"}>:<{"Ref":"AWS::AccountId"}>:secret:team/slack/ops-??????',
        ],
      });
      const table = `<${JSON.stringify(getAtt(built.stack.history.table, 'Arn'))}>`;
      for (const channel of [created, named]) {
        expect(tables(channel)).toEqual({ 'dynamodb:GetItem': [table], 'dynamodb:PutItem': [table] });
        expect(actionsOf(built, channel).filter((action) => action.startsWith('sns:'))).toEqual([]);
      }
      // No other role may read any secret.
      const readers = statementsOf(built.template).filter((statement) =>
        asList(statement.Action).some((action) => action.startsWith('secretsmanager:')),
      );
      expect(readers).toHaveLength(2);
    });

    it('never puts a webhook URL in the template, and refuses one in the config', () => {
      const url = 'https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX';

      const text = JSON.stringify(built.template.toJSON());
      const variables = Object.values(built.template.findResources('AWS::Lambda::Function')).flatMap((fn) =>
        Object.values<unknown>(fn.Properties.Environment?.Variables ?? {}),
      );

      expect(text).not.toContain('hooks.slack.com');
      expect(variables.filter((value) => /https?:\/\//.test(JSON.stringify(value)))).toEqual([]);
      for (const secretName of [url, url.replace('https://', '')]) {
        expect(() => build({ channels: [{ name: 'mobile-ci', type: 'slack', secretName }] })).toThrow(ConfigError);
      }
    });

    it('outputs where to put each webhook URL and where failed posts wait', () => {
      const { template } = built;
      const created = slackOf(built, 'mobile-ci');

      template.hasOutput('SlackSecretArnMobileCi', { Value: ref(created.secret) });
      template.hasOutput('SlackDeadLetterQueueUrlMobileCi', { Value: ref(created.inbox.deadLetterQueue) });
      template.hasOutput('SlackSecretArnOps', {
        Value: {
          'Fn::Join': [
            '',
            [
              'arn:',
              { Ref: 'AWS::Partition' },
              ':secretsmanager:',
              { Ref: 'AWS::Region' },
              ':',
              { Ref: 'AWS::AccountId' },
              ':secret:team/slack/ops',
            ],
          ],
        },
      });
    });
  });

  describe('chatbot', () => {
    it('has its own encrypted, HTTPS-only topic for AWS Chatbot', () => {
      const { stack, template } = built;
      const channel = chatbotOf(built, 'render-chat');

      template.hasResourceProperties('AWS::SNS::Topic', {
        TopicName: Match.absent(),
        KmsMasterKeyId: getAtt(present(stack.channels.encryptionKey, 'the channels key'), 'Arn'),
      });
      expectTlsOnly(template, 'topic', channel.topic);
      template.resourceCountIs('AWS::SNS::Topic', 2);
    });

    it('relays from a filtered queue to that topic, publishing nowhere else', () => {
      const { stack, template } = built;
      const channel = chatbotOf(built, 'render-chat');

      template.hasResourceProperties('AWS::SNS::Subscription', {
        TopicArn: ref(stack.alerts.topic),
        Protocol: 'sqs',
        Endpoint: getAtt(channel.inbox.queue, 'Arn'),
        RawMessageDelivery: false,
        FilterPolicy: {
          service: ['deadline'],
          eventType: [{ 'anything-but': ['digest'] }],
          severity: ['warning', 'error'],
        },
      });
      template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
        EventSourceArn: getAtt(channel.inbox.queue, 'Arn'),
        FunctionName: ref(channel.function),
        BatchSize: 10,
        FunctionResponseTypes: ['ReportBatchItemFailures'],
      });
      expect(template.toJSON().Resources[logicalId(channel.function)].Properties.Environment.Variables).toEqual({
        POWERTOOLS_SERVICE_NAME: 'vigil',
        POWERTOOLS_LOG_LEVEL: 'INFO',
        CHATBOT_TOPIC_ARN: ref(channel.topic),
      });
      expect(resourcesByAction(statementsOfRole(template, roleOf(channel)), 'sns:')).toEqual({
        'sns:Publish': [`<${JSON.stringify(ref(channel.topic))}>`],
      });
      expect(actionsOf(built, channel).filter((action) => /^(dynamodb|secretsmanager):/.test(action))).toEqual([]);
    });

    it('outputs the topic to connect in the Chatbot console', () => {
      const channel = chatbotOf(built, 'render-chat');

      built.template.hasOutput('ChatbotTopicArnRenderChat', {
        Value: ref(channel.topic),
        Description: Match.stringLikeRegexp('Vigil does not create the Chatbot configuration'),
      });
    });
  });

  describe('daily digest', () => {
    it.each([
      [undefined, 'cron(0 7 * * ? *)'],
      [0, 'cron(0 0 * * ? *)'],
      [22, 'cron(0 22 * * ? *)'],
    ])('runs the digest function daily at hour %s UTC with %s', (hourUtc, expression) => {
      const { stack, template } = build(hourUtc === undefined ? {} : { digest: { hourUtc } });
      const digest = present(stack.digest, 'the daily digest');

      template.hasResourceProperties('AWS::Events::Rule', {
        ScheduleExpression: expression,
        State: 'ENABLED',
        Targets: [Match.objectLike({ Arn: getAtt(digest.function, 'Arn') })],
      });
      template.hasOutput('DigestFunctionName', { Value: ref(digest.function) });
    });

    it('gives the function the table and the settings, digest included', () => {
      const { stack, template } = built;
      const digest = present(stack.digest, 'the daily digest');
      const settings = new Capture();

      template.hasResourceProperties('AWS::Lambda::Function', {
        Environment: {
          Variables: {
            TABLE_NAME: ref(stack.history.table),
            VIGIL_SETTINGS: settings,
            POWERTOOLS_SERVICE_NAME: 'vigil',
            POWERTOOLS_LOG_LEVEL: 'INFO',
          },
        },
        Role: getAtt(roleOf(digest), 'Arn'),
      });
      expect(parseSettings(settings.asString(), 'VIGIL_SETTINGS').digest).toEqual({ enabled: true, hourUtc: 7 });
    });

    it('lets the function query the table and each named index, read budget and guard items and write the digest', () => {
      const { stack, template } = built;
      const digest = present(stack.digest, 'the daily digest');
      const table = `<${JSON.stringify(getAtt(stack.history.table, 'Arn'))}>`;
      const index = (name: string) => `<${JSON.stringify(getAtt(stack.history.table, 'Arn'))}>/index/${name}`;

      expect(resourcesByAction(statementsOfRole(template, roleOf(digest)), 'dynamodb:')).toEqual({
        'dynamodb:Query': [table, ...GLOBAL_INDEXES.map((each) => index(each.name))],
        'dynamodb:GetItem': [table],
        'dynamodb:BatchGetItem': [table],
        'dynamodb:PutItem': [table],
      });
      // The notifier publishes the digest from the stream: the function itself publishes nothing.
      expect(actionsOf(built, digest).filter((action) => action.startsWith('sns:'))).toEqual([]);
    });

    it('is not created when disabled', () => {
      const { stack, template } = build({ digest: { enabled: false } });

      expect(stack.digest).toBeUndefined();
      expect(Object.keys(template.toJSON().Outputs)).not.toContain('DigestFunctionName');
      expect(
        Object.values(template.findResources('AWS::Events::Rule')).map((rule) => rule.Properties.ScheduleExpression),
      ).not.toContain('cron(0 7 * * ? *)');
    });
  });

  describe('without channels', () => {
    it('creates no channel key, queue, secret or Chatbot topic', () => {
      const { stack, template } = build();

      expect(stack.channels.encryptionKey).toBeUndefined();
      template.resourceCountIs('AWS::SecretsManager::Secret', 0);
      template.resourceCountIs('AWS::SNS::Topic', 1);
      expect(Object.keys(template.toJSON().Resources).filter((id) => id.startsWith('Channels'))).toEqual([]);
    });
  });

  describe('cdk-nag AwsSolutions', () => {
    it('reports no unacknowledged error or warning', () => {
      expectNagClean(built.app, built.stack);
    });

    it('acknowledges only findings that exist, on the construct that has them, each with a reason', () => {
      expectAcknowledgementsExact(built.stack, EVERY_TYPE);
    });
  });
});
