import { Match } from 'aws-cdk-lib/assertions';
import { filterPolicyFor } from '../../lambda/config/channel-routing';
import { parseConfig } from '../../lambda/config/config-file';
import type { HttpChannel } from '../../lib/constructs/http-channel';
import {
  arnText,
  asList,
  type Built,
  build,
  expectAcknowledgementsExact,
  expectNagClean,
  getAtt,
  logicalId,
  present,
  ref,
  resourcesByAction,
  roleOf,
  statementsOf,
  statementsOfRole,
} from '../support/stack';

/** One channel of each type Vigil reaches over HTTPS, and one reading an existing secret. */
const CONFIG = {
  channels: [
    { name: 'oncall', type: 'pagerduty', filter: { minSeverity: 'error' } },
    { name: 'ops-genie', type: 'opsgenie', region: 'eu', secretName: 'team/opsgenie-key' },
    { name: 'ops-hook', type: 'webhook', url: 'https://ops.example.com/hooks/vigil', filter: { kinds: ['run'] } },
  ],
};

const channelOf = (built: Built, name: string): HttpChannel =>
  present(built.stack.channels.http.get(name), `channel ${name}`);

describe('pagerduty, opsgenie and webhook channels', () => {
  let built: Built;

  beforeAll(() => {
    built = build(CONFIG);
  });

  it('has one filtered queue with a dead-letter queue, one forwarder and one secret per channel', () => {
    const { template, stack } = built;
    const config = parseConfig(CONFIG, 'test');

    for (const [index, name] of ['oncall', 'ops-genie', 'ops-hook'].entries()) {
      const channel = channelOf(built, name);
      template.hasResourceProperties('AWS::SNS::Subscription', {
        TopicArn: ref(stack.alerts.topic),
        Protocol: 'sqs',
        Endpoint: getAtt(channel.inbox.queue, 'Arn'),
        FilterPolicy: filterPolicyFor(present(config.channels[index], name)),
      });
      template.hasResourceProperties('AWS::SQS::Queue', {
        RedrivePolicy: { deadLetterTargetArn: getAtt(channel.inbox.deadLetterQueue, 'Arn'), maxReceiveCount: 5 },
      });
      template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
        FunctionName: ref(channel.function),
        BatchSize: 10,
        FunctionResponseTypes: ['ReportBatchItemFailures'],
      });
    }
  });

  it("gives each forwarder its type, name, secret's ARN, table and region or URL, and nothing else", () => {
    const { template, stack } = built;
    const variables = (name: string) =>
      template.toJSON().Resources[logicalId(channelOf(built, name).function)].Properties.Environment.Variables;
    const common = {
      POWERTOOLS_SERVICE_NAME: 'vigil',
      POWERTOOLS_LOG_LEVEL: 'INFO',
      TABLE_NAME: ref(stack.history.table),
    };

    expect(variables('oncall')).toEqual({
      ...common,
      CHANNEL_TYPE: 'pagerduty',
      CHANNEL_NAME: 'oncall',
      SECRET_ARN: ref(channelOf(built, 'oncall').secret),
      CHANNEL_REGION: 'us',
    });
    expect(variables('ops-genie')).toMatchObject({ CHANNEL_TYPE: 'opsgenie', CHANNEL_REGION: 'eu' });
    expect(arnText(variables('ops-genie').SECRET_ARN)).toContain(':secret:team/opsgenie-key');
    expect(variables('ops-hook')).toMatchObject({
      CHANNEL_TYPE: 'webhook',
      WEBHOOK_URL: 'https://ops.example.com/hooks/vigil',
    });
  });

  it('creates vigil/<type>/<name> secrets with no value in the template: a pager placeholder, a generated signing key', () => {
    const { template } = built;
    const properties = (name: string) =>
      template.toJSON().Resources[logicalId(channelOf(built, name).secret)].Properties;

    expect(properties('oncall')).toEqual({
      Name: 'vigil/pagerduty/oncall',
      Description: expect.stringContaining("PagerDuty integration's routing key"),
      GenerateSecretString: { SecretStringTemplate: '{"routingKey":"REPLACE-ME"}', GenerateStringKey: 'placeholder' },
    });
    expect(properties('ops-hook')).toEqual({
      Name: 'vigil/webhook/ops-hook',
      Description: expect.stringContaining('signing key'),
      GenerateSecretString: { PasswordLength: 48, ExcludePunctuation: true },
    });
    expect(channelOf(built, 'ops-genie').secretCreated).toBe(false);
    template.allResourcesProperties('AWS::SecretsManager::Secret', { SecretString: Match.absent() });
  });

  it('lets each forwarder read only its own secret, and the table as its markers and incidents need', () => {
    const { template, stack } = built;
    const of = (name: string, prefix: string) =>
      resourcesByAction(statementsOfRole(template, roleOf(channelOf(built, name))), prefix);
    const table = `<${JSON.stringify(getAtt(stack.history.table, 'Arn'))}>`;

    expect(of('oncall', 'secretsmanager:')).toEqual({
      'secretsmanager:GetSecretValue': [`<${JSON.stringify(ref(channelOf(built, 'oncall').secret))}>`],
    });
    expect(of('ops-genie', 'secretsmanager:')).toEqual({
      'secretsmanager:GetSecretValue': [
        'arn:<{"Ref":"AWS::Partition"}>:secretsmanager:<{"Ref":"AWS::Region"}>:<{"Ref":"AWS::AccountId"}>:secret:team/opsgenie-key-??????',
      ],
    });
    expect(of('oncall', 'dynamodb:')).toEqual({
      'dynamodb:GetItem': [table],
      'dynamodb:PutItem': [table],
      'dynamodb:Query': [table],
      'dynamodb:DeleteItem': [table],
    });
    expect(of('ops-hook', 'dynamodb:')).toEqual({ 'dynamodb:GetItem': [table], 'dynamodb:PutItem': [table] });
    // No other role reads a secret.
    const readers = statementsOf(template).filter((s) => asList(s.Action).some((a) => a.startsWith('secretsmanager:')));
    expect(readers).toHaveLength(3);
  });

  it('never puts a key in the template: forwarders get the secret’s ARN, secrets get no value', () => {
    const { template } = built;
    const variables = [...built.stack.channels.http.values()].flatMap((channel) =>
      Object.entries<unknown>(
        template.toJSON().Resources[logicalId(channel.function)].Properties.Environment.Variables,
      ),
    );
    const looksLikeAKey = (value: unknown) =>
      typeof value === 'string' &&
      (/^[A-Za-z0-9]{32}$/.test(value) ||
        /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value));

    expect(variables.map(([name]) => name).filter((name) => /KEY|TOKEN|PASSWORD/.test(name))).toEqual([]);
    expect(variables.filter(([, value]) => looksLikeAKey(value))).toEqual([]);
    template.allResourcesProperties('AWS::SecretsManager::Secret', { SecretString: Match.absent() });
  });

  it('outputs each secret and dead-letter queue, and alarms on each dead-letter queue', () => {
    const outputs = Object.keys(built.template.toJSON().Outputs);

    expect(outputs).toEqual(
      expect.arrayContaining([
        'PagerDutySecretArnOncall',
        'PagerDutyDeadLetterQueueUrlOncall',
        'OpsgenieSecretArnOpsGenie',
        'WebhookDeadLetterQueueUrlOpsHook',
      ]),
    );
    built.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Dimensions: [{ Name: 'QueueName', Value: getAtt(channelOf(built, 'oncall').inbox.deadLetterQueue, 'QueueName') }],
    });
  });

  describe('cdk-nag AwsSolutions', () => {
    it('reports no unacknowledged error or warning', () => {
      expectNagClean(built.app, built.stack);
    });

    it('acknowledges only findings that exist, on the construct that has them, each with a reason', () => {
      expectAcknowledgementsExact(built.stack, CONFIG);
    });
  });
});
