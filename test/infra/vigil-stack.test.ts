import { Annotations, Capture, Match } from 'aws-cdk-lib/assertions';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { LOG_RETENTION_DAYS, parseConfig, settingsFrom } from '../../lambda/config/config-file';
import { parseSettings } from '../../lambda/config/settings';
import { ConfigError } from '../../lambda/core/errors';
import { DEVICE_FARM_REGION } from '../../lambda/core/regions';
import { NEW_EVENT_FILTER_PATTERN } from '../../lambda/record/stream-filter';
import { GLOBAL_INDEXES, KEY, TTL_ATTRIBUTE } from '../../lambda/record/table-schema';
import type { DeviceFarmPoller } from '../../lib/constructs/device-farm-poller';
import { EXPECTED_DEFAULT_SETTINGS } from '../support/settings';
import {
  ALARMS_IN_THIS_ACCOUNT_AND_REGION,
  asList,
  type Built,
  build,
  expectAcknowledgementsExact,
  expectNagClean,
  expectTlsOnly,
  getAtt,
  logicalId,
  maskAssets,
  present,
  resourcesByAction,
  roleOf,
  statementsOf,
  statementsOfRole,
} from '../support/stack';

const pollerOf = (stack: Built['stack']): DeviceFarmPoller => present(stack.deviceFarmPoller, 'the Device Farm poller');

describe('VigilStack', () => {
  const config = {
    notifications: { emails: ['team@example.com', 'oncall@example.com'] },
    deviceFarm: { projects: ['checkout-app'], pollMinutes: 1 },
    rules: { jobResults: ['FAILED', 'ERRORED'] },
    history: { eventRetentionDays: 30 },
    logs: { retentionDays: 90 },
  };
  let built: Built;

  beforeAll(() => {
    built = build(config);
  });

  describe('schedule', () => {
    it.each([
      [1, 'rate(1 minute)'],
      [5, 'rate(5 minutes)'],
    ])('polls every %i minute(s) with %s and never retries a poll', (pollMinutes, expression) => {
      const { stack, template } = build({ deviceFarm: { pollMinutes } });

      template.hasResourceProperties('AWS::Events::Rule', {
        ScheduleExpression: expression,
        State: 'ENABLED',
        Targets: [
          Match.objectLike({
            Arn: getAtt(pollerOf(stack).function, 'Arn'),
            RetryPolicy: { MaximumRetryAttempts: 0 },
          }),
        ],
      });
      template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
        FunctionName: { Ref: logicalId(pollerOf(stack).function) },
        MaximumRetryAttempts: 0,
      });
    });

    it.each([1, 5, 60])('stops a poll before the next one starts when polling every %i minute(s)', (pollMinutes) => {
      const { stack, template } = build({ deviceFarm: { pollMinutes } });

      const timeout = template.toJSON().Resources[logicalId(pollerOf(stack).function)].Properties.Timeout;

      expect(timeout).toBe(50);
      expect(timeout).toBeLessThan(pollMinutes * 60);
    });
  });

  describe('functions', () => {
    it('runs each on Node.js 24 on ARM with the memory and timeout it needs', () => {
      const { stack, template } = built;

      template.hasResourceProperties('AWS::Lambda::Function', {
        FunctionName: Match.absent(),
        Runtime: 'nodejs24.x',
        Architectures: ['arm64'],
        MemorySize: 512,
        Timeout: 50,
        Role: getAtt(pollerOf(stack).node.findChild('Function').node.findChild('Role'), 'Arn'),
      });
      template.hasResourceProperties('AWS::Lambda::Function', {
        Runtime: 'nodejs24.x',
        Architectures: ['arm64'],
        MemorySize: 256,
        Timeout: 60,
        Role: getAtt(roleOf(stack.notifier), 'Arn'),
      });
      template.hasResourceProperties('AWS::Lambda::Function', {
        Runtime: 'nodejs24.x',
        Architectures: ['arm64'],
        MemorySize: 256,
        Timeout: 50,
        Role: getAtt(roleOf(present(stack.reactors, 'the reactors')), 'Arn'),
      });
      // The poller, the reactors, the notifier and the daily digest.
      template.resourceCountIs('AWS::Lambda::Function', 4);
    });

    it('gives the poller its table and the runtime settings from the config', () => {
      const { stack, template } = built;
      const settings = new Capture();

      template.hasResourceProperties('AWS::Lambda::Function', {
        Handler: 'index.handler',
        Environment: {
          Variables: {
            TABLE_NAME: { Ref: logicalId(stack.history.table) },
            VIGIL_SETTINGS: settings,
            POWERTOOLS_SERVICE_NAME: 'vigil',
            POWERTOOLS_LOG_LEVEL: 'INFO',
          },
        },
        MemorySize: 512,
      });
      const parsed = parseSettings(settings.asString(), 'VIGIL_SETTINGS');
      expect(parsed).toEqual({
        ...EXPECTED_DEFAULT_SETTINGS,
        deviceFarm: { ...EXPECTED_DEFAULT_SETTINGS.deviceFarm, projects: ['checkout-app'] },
        rules: { ...EXPECTED_DEFAULT_SETTINGS.rules, jobResults: ['FAILED', 'ERRORED'] },
        history: { eventRetentionDays: 30 },
      });
    });

    it('gives the notifier its table, the topic and the same settings', () => {
      const { stack, template } = built;
      const settings = new Capture();

      template.hasResourceProperties('AWS::Lambda::Function', {
        Environment: {
          Variables: {
            TABLE_NAME: { Ref: logicalId(stack.history.table) },
            TOPIC_ARN: { Ref: logicalId(stack.alerts.topic) },
            VIGIL_SETTINGS: settings,
            POWERTOOLS_SERVICE_NAME: 'vigil',
            POWERTOOLS_LOG_LEVEL: 'INFO',
          },
        },
        MemorySize: 256,
      });
      expect(JSON.parse(settings.asString())).toEqual(settingsFrom(parseConfig(config, 'test config')));
    });

    it('sends each function to its own log group, kept for the configured days', () => {
      const { stack, template } = built;

      template.resourceCountIs('AWS::Logs::LogGroup', 4);
      template.allResourcesProperties('AWS::Logs::LogGroup', { RetentionInDays: 90 });
      const digest = present(stack.digest, 'the daily digest');
      for (const component of [pollerOf(stack), present(stack.reactors, 'the reactors'), stack.notifier, digest]) {
        template.hasResourceProperties('AWS::Lambda::Function', {
          LoggingConfig: { LogGroup: { Ref: logicalId(component.logGroup) } },
          Role: Match.anyValue(),
        });
      }
    });

    it('keeps logs for 30 days by default', () => {
      build().template.allResourcesProperties('AWS::Logs::LogGroup', { RetentionInDays: 30 });
    });

    it('accepts in the config only retention periods CloudWatch Logs has', () => {
      const known = new Set<number>(Object.values(RetentionDays).filter((value) => typeof value === 'number'));

      expect(LOG_RETENTION_DAYS.filter((days) => !known.has(days))).toEqual([]);
    });

    it('fails at synth, naming the cause, when the settings outgrow Lambda environment variables', () => {
      const projects = Array.from(
        { length: 40 },
        (_, i) =>
          `arn:aws:devicefarm:us-west-2:123456789012:project:00000000-0000-0000-0000-${String(i).padStart(12, '0')}`,
      );

      expect(() => build({ deviceFarm: { projects } })).toThrow(ConfigError);
      expect(() => build({ deviceFarm: { projects } })).toThrow(/list fewer deviceFarm\.projects/);
    });
  });

  describe('notifier event source', () => {
    it('reads new event items from the table stream, isolating and reporting failures', () => {
      const { stack, template } = built;
      const filters = new Capture();

      template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
        EventSourceArn: getAtt(stack.history.table, 'StreamArn'),
        FunctionName: { Ref: logicalId(stack.notifier.function) },
        StartingPosition: 'TRIM_HORIZON',
        BatchSize: 100,
        MaximumBatchingWindowInSeconds: 5,
        BisectBatchOnFunctionError: true,
        MaximumRetryAttempts: 10,
        FunctionResponseTypes: ['ReportBatchItemFailures'],
        DestinationConfig: { OnFailure: { Destination: getAtt(stack.notifier.onFailureQueue, 'Arn') } },
        FilterCriteria: { Filters: filters },
      });
      const patterns = (filters.asArray() as Array<{ Pattern: string }>).map((filter) => JSON.parse(filter.Pattern));
      expect(patterns).toEqual([NEW_EVENT_FILTER_PATTERN]);
    });

    it('keeps failures 14 days in an encrypted, HTTPS-only queue', () => {
      const { stack, template } = built;

      template.hasResourceProperties('AWS::SQS::Queue', {
        KmsMasterKeyId: getAtt(stack.notifier.onFailureQueueKey, 'Arn'),
        MessageRetentionPeriod: 14 * 24 * 3600,
      });
      expectTlsOnly(template, 'queue', stack.notifier.onFailureQueue);
    });
  });

  describe('history table', () => {
    it('has the schema of lambda/record/table-schema.ts, on demand, with a stream of new images', () => {
      const { template } = built;

      template.hasResourceProperties('AWS::DynamoDB::Table', {
        TableName: Match.absent(),
        KeySchema: [
          { AttributeName: KEY.pk, KeyType: 'HASH' },
          { AttributeName: KEY.sk, KeyType: 'RANGE' },
        ],
        BillingMode: 'PAY_PER_REQUEST',
        GlobalSecondaryIndexes: GLOBAL_INDEXES.map((index) => ({
          IndexName: index.name,
          KeySchema: [
            { AttributeName: index.pk, KeyType: 'HASH' },
            { AttributeName: index.sk, KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        })),
        TimeToLiveSpecification: { AttributeName: TTL_ATTRIBUTE, Enabled: true },
        StreamSpecification: { StreamViewType: 'NEW_IMAGE' },
      });
      const attributes = [KEY.pk, KEY.sk, ...GLOBAL_INDEXES.flatMap((index) => [index.pk, index.sk])];
      template.hasResourceProperties('AWS::DynamoDB::Table', {
        AttributeDefinitions: attributes.map((name) => ({ AttributeName: name, AttributeType: 'S' })),
      });
    });

    it('is encrypted with a rotating customer-managed key and recoverable to a point in time', () => {
      const { stack, template } = built;

      template.hasResourceProperties('AWS::DynamoDB::Table', {
        SSESpecification: {
          SSEEnabled: true,
          SSEType: 'KMS',
          KMSMasterKeyId: getAtt(stack.history.encryptionKey, 'Arn'),
        },
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      });
      template.allResourcesProperties('AWS::KMS::Key', { EnableKeyRotation: true });
    });

    it('survives the stack, with its key, by default', () => {
      const { stack, template } = built;

      template.hasResource('AWS::DynamoDB::Table', {
        Properties: Match.objectLike({ DeletionProtectionEnabled: true }),
        DeletionPolicy: 'Retain',
        UpdateReplacePolicy: 'Retain',
      });
      expect(template.toJSON().Resources[logicalId(stack.history.encryptionKey)].DeletionPolicy).toBe('Retain');
    });

    it('goes with the stack, with its key, when retainOnDelete is false', () => {
      const { stack, template } = build({ history: { retainOnDelete: false } });

      template.hasResource('AWS::DynamoDB::Table', {
        Properties: Match.objectLike({ DeletionProtectionEnabled: false }),
        DeletionPolicy: 'Delete',
        UpdateReplacePolicy: 'Delete',
      });
      expect(template.toJSON().Resources[logicalId(stack.history.encryptionKey)].DeletionPolicy).toBe('Delete');
    });
  });

  describe('alert topic', () => {
    it('is encrypted with its own key and refuses requests without TLS', () => {
      const { stack, template } = built;

      template.hasResourceProperties('AWS::SNS::Topic', {
        TopicName: Match.absent(),
        KmsMasterKeyId: getAtt(stack.alerts.encryptionKey, 'Arn'),
      });
      expectTlsOnly(template, 'topic', stack.alerts.topic);
    });

    it('lets CloudWatch alarms of this account use the topic key', () => {
      const { template } = built;

      template.hasResourceProperties('AWS::KMS::Key', {
        Description: 'Vigil alert topic',
        KeyPolicy: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Principal: { Service: 'cloudwatch.amazonaws.com' },
              Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
              Condition: Match.objectLike({ StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } }),
            }),
          ]),
        },
      });
    });

    it('subscribes each configured email address', () => {
      const { stack, template } = built;

      template.resourceCountIs('AWS::SNS::Subscription', 2);
      for (const email of config.notifications.emails) {
        template.hasResourceProperties('AWS::SNS::Subscription', {
          Protocol: 'email',
          Endpoint: email,
          TopicArn: { Ref: logicalId(stack.alerts.topic) },
        });
      }
    });

    it('has no subscription when the config lists no email', () => {
      build().template.resourceCountIs('AWS::SNS::Subscription', 0);
    });
  });

  describe('permissions', () => {
    it('never grants a DynamoDB, SNS, SQS or KMS action on "*", except dynamodb:ListStreams', () => {
      const guarded = /^(dynamodb|sns|sqs|kms):/;

      const offending = statementsOf(built.template).filter(
        (statement) =>
          asList(statement.Action).some((action) => guarded.test(action)) && asList(statement.Resource).includes('*'),
      );

      // ListStreams supports no resource type (Service Authorization Reference);
      // each DynamoDB event source (the session guard's, the notifier's)
      // grants it alone in its own statement.
      const listStreams = { Effect: 'Allow', Action: 'dynamodb:ListStreams', Resource: '*' };
      expect(offending).toEqual([listStreams, listStreams]);
    });

    it('lets the poller use the table and each named index, never index/*', () => {
      const { stack, template } = built;
      const tableArn = getAtt(stack.history.table, 'Arn');

      template.hasResourceProperties('AWS::IAM::Policy', {
        Roles: [{ Ref: logicalId(pollerOf(stack).node.findChild('Function').node.findChild('Role')) }],
        PolicyDocument: {
          Statement: Match.arrayWith([
            {
              Effect: 'Allow',
              Action: [
                'dynamodb:Query',
                'dynamodb:GetItem',
                'dynamodb:BatchGetItem',
                'dynamodb:PutItem',
                'dynamodb:UpdateItem',
                'dynamodb:ConditionCheckItem',
              ],
              Resource: [
                tableArn,
                ...GLOBAL_INDEXES.map((index) => ({ 'Fn::Join': ['', [tableArn, `/index/${index.name}`]] })),
              ],
            },
          ]),
        },
      });
    });

    it('lets the notifier read, record and remove outbox entries on the table and publish to the topic', () => {
      const { stack, template } = built;

      template.hasResourceProperties('AWS::IAM::Policy', {
        Roles: [{ Ref: logicalId(stack.notifier.node.findChild('Function').node.findChild('Role')) }],
        PolicyDocument: {
          Statement: Match.arrayWith([
            {
              Effect: 'Allow',
              Action: [
                'dynamodb:Query',
                'dynamodb:GetItem',
                'dynamodb:BatchGetItem',
                'dynamodb:PutItem',
                'dynamodb:DeleteItem',
                'dynamodb:BatchWriteItem',
              ],
              Resource: getAtt(stack.history.table, 'Arn'),
            },
            { Effect: 'Allow', Action: 'sns:Publish', Resource: { Ref: logicalId(stack.alerts.topic) } },
            {
              Effect: 'Allow',
              Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
              Resource: getAtt(stack.alerts.encryptionKey, 'Arn'),
            },
          ]),
        },
      });
    });

    it("attaches no managed policy (logs go to each function's own log group only)", () => {
      const { template } = built;

      template.allResourcesProperties('AWS::IAM::Role', { ManagedPolicyArns: Match.absent() });
    });

    it('scopes Device Farm reads to us-west-2 and this account, even for a stack in eu-west-1', () => {
      const { stack, template } = build({}, { account: '123456789012', region: 'eu-west-1' });

      // The session guard's session permissions are tested in reactors.test.ts.
      const deviceFarm = statementsOfRole(template, roleOf(pollerOf(stack))).filter((statement) =>
        asList(statement.Action).some((action) => action.startsWith('devicefarm:')),
      );

      const arn = (type: string) =>
        `arn:<{"Ref":"AWS::Partition"}>:devicefarm:${DEVICE_FARM_REGION}:<{"Ref":"AWS::AccountId"}>:${type}:*`;
      expect(resourcesByAction(deviceFarm, 'devicefarm:')).toEqual({
        'devicefarm:ListProjects': ['*'],
        'devicefarm:ListTestGridProjects': ['*'],
        'devicefarm:ListRuns': [arn('project')],
        'devicefarm:ListRemoteAccessSessions': [arn('project')],
        'devicefarm:GetRun': [arn('run')],
        'devicefarm:ListJobs': [arn('run')],
        'devicefarm:ListUniqueProblems': [arn('run')],
        'devicefarm:GetRemoteAccessSession': [arn('session')],
        'devicefarm:ListTestGridSessions': [arn('testgrid-project')],
        'devicefarm:GetTestGridSession': [arn('testgrid-project'), arn('testgrid-session')],
      });
      expect(JSON.stringify(deviceFarm)).not.toContain('eu-west-1');
      // Attached before the function exists, so the first scheduled poll has them.
      const policyId = logicalId(pollerOf(stack).node.findChild('DeviceFarmRead'));
      template.hasResource('AWS::Lambda::Function', {
        Properties: Match.objectLike({ MemorySize: 512 }),
        DependsOn: Match.arrayWith([policyId]),
      });
    });
  });

  describe('outputs', () => {
    it('exports what an operator needs', () => {
      const { stack, template } = built;

      template.hasOutput('TableName', { Value: { Ref: logicalId(stack.history.table) } });
      template.hasOutput('TopicArn', { Value: { Ref: logicalId(stack.alerts.topic) } });
      template.hasOutput('OnFailureQueueUrl', { Value: { Ref: logicalId(stack.notifier.onFailureQueue) } });
      template.hasOutput('PollerFunctionName', { Value: { Ref: logicalId(pollerOf(stack).function) } });
    });
  });

  describe('cdk-nag AwsSolutions', () => {
    it('reports no unacknowledged error or warning', () => {
      expectNagClean(built.app, built.stack);
    });

    it('acknowledges only findings that exist, on the construct that has them, each with a reason', () => {
      expectAcknowledgementsExact(built.stack, config);
    });
  });

  it('matches the snapshot (asset hashes masked)', () => {
    expect(maskAssets(built.template.toJSON())).toMatchSnapshot();
  });
});

describe('deploy traps', () => {
  it('names the dashboard with the stack and its region, so a second stack in another region does not collide', () => {
    const { stack, template } = build({ notifications: { emails: ['team@example.com'] } });

    template.hasResourceProperties('AWS::CloudWatch::Dashboard', {
      DashboardName: { 'Fn::Join': ['', [`${stack.stackName}-`, { Ref: 'AWS::Region' }, '-operations']] },
    });
  });

  it('lets alarms publish by the account and region the template is deployed to, even when synthesized for another', () => {
    // Synthesized with a concrete account and region, as a CI job's credentials would make it.
    const { template } = build({}, { account: '111111111111', region: 'us-east-1' });

    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Sid: 'AllowCloudWatchAlarmsToPublish',
            Condition: {
              StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
              ArnLike: {
                'aws:SourceArn': ALARMS_IN_THIS_ACCOUNT_AND_REGION,
              },
            },
          }),
        ]),
      },
    });
  });

  it('warns at synth that nobody is notified when there is no email and no channel', () => {
    const silent = build({});
    const heard = build({ notifications: { emails: ['team@example.com'] } });

    Annotations.fromStack(silent.stack).hasWarning(
      '/Vigil',
      Match.stringLikeRegexp('^Nobody is notified: notifications.emails and channels are both empty'),
    );
    expect(Annotations.fromStack(heard.stack).findWarning('*', Match.stringLikeRegexp('Nobody is notified'))).toEqual(
      [],
    );
  });

  it('warns at synth when deadline.region is not the stack region, and says in an output whether events arrive', () => {
    const config = { notifications: { emails: ['t@example.com'] }, deadline: { enabled: true, region: 'us-west-2' } };
    const elsewhere = build(config, { account: '123456789012', region: 'eu-west-1' });

    const warnings = Annotations.fromStack(elsewhere.stack).findWarning(
      '/Vigil',
      Match.stringLikeRegexp('deadline.region'),
    );
    expect(warnings.map((w) => w.entry.data)).toEqual([
      "deadline.region is us-west-2 but the stack deploys to eu-west-1: Deadline Cloud's EventBridge events stay in us-west-2, so the event fast path never fires and the poller alone, every 5 min records Deadline changes. Deploy the stack to us-west-2, or accept the poll's delay. [ack: vigil:deadline-region]",
    ]);
    elsewhere.template.hasCondition('DeadlineEventsInStackRegion', {
      'Fn::Equals': [{ Ref: 'AWS::Region' }, 'us-west-2'],
    });
    elsewhere.template.hasOutput('DeadlineEventsFastPath', {
      Value: {
        'Fn::If': [
          'DeadlineEventsInStackRegion',
          'on: events from us-west-2 are recorded as they happen',
          'off: Deadline runs in us-west-2, this stack is elsewhere; the poller alone, every 5 min records its changes',
        ],
      },
    });
    const same = build(config, { account: '123456789012', region: 'us-west-2' });
    expect(Annotations.fromStack(same.stack).findWarning('*', Match.stringLikeRegexp('deadline.region'))).toEqual([]);
  });
});
