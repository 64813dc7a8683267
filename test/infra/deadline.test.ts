import { Capture, Match, type Template } from 'aws-cdk-lib/assertions';
import { parseSettings } from '../../lambda/config/settings';
import {
  DEADLINE_EVENT_SOURCE,
  DEADLINE_JOB_EVENT_TYPES,
  DEADLINE_TASK_EVENT_RUN_STATUSES,
  DEADLINE_TASK_EVENT_TYPES,
} from '../../lambda/observe/deadline/event-types';
import { GLOBAL_INDEXES } from '../../lambda/record/table-schema';
import type { DeadlineIngest } from '../../lib/constructs/deadline-ingest';
import type { DeadlinePoller } from '../../lib/constructs/deadline-poller';
import {
  asList,
  type Built,
  build,
  expectTlsOnly,
  getAtt,
  itIsNagCleanWith,
  logicalId,
  maskAssets,
  type NagCase,
  present,
  ref,
  resourcesByAction,
  roleOf,
  statementsOf,
  statementsOfRole,
} from '../support/stack';

const FARM = 'farm-0123456789abcdef0123456789abcdef';
const OTHER_FARM = 'farm-fedcba9876543210fedcba9876543210';

const pollerOf = (stack: Built['stack']): DeadlinePoller => present(stack.deadlinePoller, 'the Deadline poller');
const ingestOf = (stack: Built['stack']): DeadlineIngest => present(stack.deadlineIngest, 'the Deadline ingest');

/** The event patterns of the stack's event rules (schedules have none). */
function eventPatterns(template: Template): unknown[] {
  return Object.values(template.findResources('AWS::Events::Rule'))
    .map((rule) => rule.Properties.EventPattern)
    .filter((pattern) => pattern !== undefined);
}

/** A Deadline ARN as arnText prints it, for `resource` (what follows `<account>:`). */
function deadlineArn(resource: string, region = '<{"Ref":"AWS::Region"}>'): string {
  return `arn:<{"Ref":"AWS::Partition"}>:deadline:${region}:<{"Ref":"AWS::AccountId"}>:${resource}`;
}

const JOB_PATTERN = {
  source: ['aws.deadline'],
  'detail-type': ['Job Run Status Change', 'Job Lifecycle Status Change'],
};
const TASK_PATTERN = {
  source: ['aws.deadline'],
  'detail-type': ['Task Run Status Change'],
};

describe('Deadline Cloud in the stack', () => {
  const config = {
    deadline: { enabled: true, farms: [FARM], pollMinutes: 2 },
    logs: { retentionDays: 14 },
  };
  let built: Built;

  beforeAll(() => {
    built = build(config);
  });

  describe('poller', () => {
    it('polls every configured period on its own schedule and never retries a poll', () => {
      const { stack, template } = built;
      const poller = pollerOf(stack);

      template.hasResourceProperties('AWS::Events::Rule', {
        ScheduleExpression: 'rate(2 minutes)',
        State: 'ENABLED',
        Targets: [Match.objectLike({ Arn: getAtt(poller.function, 'Arn'), RetryPolicy: { MaximumRetryAttempts: 0 } })],
      });
      template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
        FunctionName: ref(poller.function),
        MaximumRetryAttempts: 0,
      });
      expect(template.toJSON().Resources[logicalId(poller.schedule)].Properties.ScheduleExpression).toBe(
        'rate(2 minutes)',
      );
    });

    it('polls every 5 minutes by default, beside the Device Farm poller, the reactors and the outbox sweep every minute and the daily digest', () => {
      const { stack, template } = build({ deadline: { enabled: true } });

      const schedules = Object.values(template.findResources('AWS::Events::Rule'))
        .map((rule) => rule.Properties.ScheduleExpression)
        .filter((expression) => expression !== undefined)
        .sort();

      expect(schedules).toEqual([
        'cron(0 7 * * ? *)',
        'rate(1 minute)',
        'rate(1 minute)',
        'rate(1 minute)',
        'rate(5 minutes)',
      ]);
      expect(template.toJSON().Resources[logicalId(pollerOf(stack).schedule)].Properties.ScheduleExpression).toBe(
        'rate(5 minutes)',
      );
    });

    it('runs on Node.js 24 on ARM and stops before the next poll starts', () => {
      const { stack, template } = built;

      const properties = template.toJSON().Resources[logicalId(pollerOf(stack).function)].Properties;

      expect(properties).toMatchObject({
        Runtime: 'nodejs24.x',
        Architectures: ['arm64'],
        MemorySize: 512,
        Timeout: 50,
        Handler: 'index.handler',
      });
      expect(properties.Timeout).toBeLessThan(2 * 60);
    });
  });

  describe('event rules', () => {
    it('match job status changes and failed tasks of the configured farm, on the default bus', () => {
      const { template } = built;

      expect(eventPatterns(template)).toEqual([
        { ...JOB_PATTERN, detail: { farmId: [FARM] } },
        { ...TASK_PATTERN, detail: { farmId: [FARM], runStatus: ['FAILED'] } },
      ]);
      template.allResourcesProperties('AWS::Events::Rule', { EventBusName: Match.absent() });
    });

    it('share their event names with the handler (lambda/observe/deadline/event-types.ts)', () => {
      expect({
        source: DEADLINE_EVENT_SOURCE,
        job: DEADLINE_JOB_EVENT_TYPES,
        task: DEADLINE_TASK_EVENT_TYPES,
        taskStatuses: DEADLINE_TASK_EVENT_RUN_STATUSES,
      }).toEqual({
        source: JOB_PATTERN.source[0],
        job: JOB_PATTERN['detail-type'],
        task: TASK_PATTERN['detail-type'],
        taskStatuses: ['FAILED'],
      });
    });

    it('match every configured farm when all are IDs', () => {
      const { template } = build({ deadline: { enabled: true, farms: [FARM, OTHER_FARM] } });

      expect(eventPatterns(template)).toEqual([
        { ...JOB_PATTERN, detail: { farmId: [FARM, OTHER_FARM] } },
        { ...TASK_PATTERN, detail: { farmId: [FARM, OTHER_FARM], runStatus: ['FAILED'] } },
      ]);
    });

    it.each([
      ['no farm is configured', []],
      ['a farm is named', ['render-farm']],
      ['one of the farms is named', [FARM, 'render-farm']],
    ])('match every farm (the handler filters) when %s', (_, farms) => {
      const { template } = build({ deadline: { enabled: true, farms } });

      expect(eventPatterns(template)).toEqual([JOB_PATTERN, { ...TASK_PATTERN, detail: { runStatus: ['FAILED'] } }]);
    });

    it('deliver to the ingest function with 2 retries for up to an hour, then to the dead-letter queue', () => {
      const { stack, template } = built;
      const ingest = ingestOf(stack);

      for (const rule of [ingest.jobRule, ingest.taskRule]) {
        expect(template.toJSON().Resources[logicalId(rule)].Properties.Targets).toEqual([
          {
            Id: expect.any(String),
            Arn: getAtt(ingest.function, 'Arn'),
            RetryPolicy: { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 3600 },
            DeadLetterConfig: { Arn: getAtt(ingest.deadLetterQueue, 'Arn') },
          },
        ]);
        template.hasResourceProperties('AWS::Lambda::Permission', {
          Action: 'lambda:InvokeFunction',
          FunctionName: getAtt(ingest.function, 'Arn'),
          Principal: 'events.amazonaws.com',
          SourceArn: getAtt(rule, 'Arn'),
        });
      }
    });

    it('let only these rules send to the dead-letter queue', () => {
      const { stack, template } = built;
      const ingest = ingestOf(stack);

      template.hasResourceProperties('AWS::SQS::QueuePolicy', {
        Queues: [ref(ingest.deadLetterQueue)],
        PolicyDocument: {
          Statement: Match.arrayWith(
            [ingest.jobRule, ingest.taskRule].map((rule) =>
              Match.objectLike({
                Effect: 'Allow',
                Principal: { Service: 'events.amazonaws.com' },
                Action: 'sqs:SendMessage',
                Condition: { ArnEquals: { 'aws:SourceArn': getAtt(rule, 'Arn') } },
              }),
            ),
          ),
        },
      });
    });
  });

  describe('ingest function', () => {
    it('retries a failed event twice, then puts it in the same dead-letter queue', () => {
      const { stack, template } = built;
      const ingest = ingestOf(stack);

      template.hasResourceProperties('AWS::Lambda::Function', {
        Handler: 'index.handler',
        Runtime: 'nodejs24.x',
        Architectures: ['arm64'],
        MemorySize: 256,
        Timeout: 30,
        DeadLetterConfig: { TargetArn: getAtt(ingest.deadLetterQueue, 'Arn') },
        Role: getAtt(roleOf(ingest), 'Arn'),
      });
      template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
        FunctionName: ref(ingest.function),
        MaximumRetryAttempts: 2,
      });
      expect(statementsOfRole(template, roleOf(ingest))).toEqual(
        expect.arrayContaining([
          { Effect: 'Allow', Action: 'sqs:SendMessage', Resource: getAtt(ingest.deadLetterQueue, 'Arn') },
          {
            Effect: 'Allow',
            Action: ['kms:GenerateDataKey', 'kms:Decrypt'],
            Resource: getAtt(ingest.deadLetterQueueKey, 'Arn'),
          },
        ]),
      );
    });
  });

  describe('dead-letter queue', () => {
    it('keeps failed events 14 days, encrypted with its own rotating key, HTTPS only', () => {
      const { stack, template } = built;
      const ingest = ingestOf(stack);

      expect(template.toJSON().Resources[logicalId(ingest.deadLetterQueue)].Properties).toEqual({
        KmsMasterKeyId: getAtt(ingest.deadLetterQueueKey, 'Arn'),
        MessageRetentionPeriod: 14 * 24 * 3600,
      });
      expectTlsOnly(template, 'queue', ingest.deadLetterQueue);
      expect(template.toJSON().Resources[logicalId(ingest.deadLetterQueueKey)].Properties.EnableKeyRotation).toBe(true);
    });

    it('lets EventBridge encrypt what it dead-letters with the queue key', () => {
      const { stack, template } = built;

      const keyPolicy = template.toJSON().Resources[logicalId(ingestOf(stack).deadLetterQueueKey)].Properties.KeyPolicy;

      expect(keyPolicy.Statement).toContainEqual({
        Sid: 'AllowEventBridgeDeadLetters',
        Effect: 'Allow',
        Principal: { Service: 'events.amazonaws.com' },
        Action: ['kms:GenerateDataKey*', 'kms:Decrypt'],
        Resource: '*',
      });
    });
  });

  describe('environment', () => {
    it.each([
      ['poller', pollerOf],
      ['ingest function', ingestOf],
    ])('gives the %s its table, the settings, the account and the Deadline region', (_, componentOf) => {
      const { stack, template } = built;
      const settings = new Capture();

      template.hasResourceProperties('AWS::Lambda::Function', {
        Role: getAtt(roleOf(componentOf(stack)), 'Arn'),
        Environment: {
          Variables: {
            TABLE_NAME: ref(stack.history.table),
            VIGIL_SETTINGS: settings,
            ACCOUNT_ID: { Ref: 'AWS::AccountId' },
            DEADLINE_REGION: { Ref: 'AWS::Region' },
            POWERTOOLS_SERVICE_NAME: 'vigil',
            POWERTOOLS_LOG_LEVEL: 'INFO',
          },
        },
      });
      expect(parseSettings(settings.asString(), 'VIGIL_SETTINGS').deadline).toEqual({
        enabled: true,
        farms: [FARM],
        excludeFarms: [],
        queues: [],
        excludeQueues: [],
        fullListingMinutes: 60,
      });
    });

    it('names the configured Deadline region when it differs from the stack region', () => {
      const { stack, template } = build(
        { deadline: { enabled: true, region: 'us-east-1' } },
        { account: '123456789012', region: 'eu-west-1' },
      );

      for (const component of [pollerOf(stack), ingestOf(stack)]) {
        const variables = template.toJSON().Resources[logicalId(component.function)].Properties.Environment.Variables;
        expect(variables.DEADLINE_REGION).toBe('us-east-1');
        expect(parseSettings(variables.VIGIL_SETTINGS, 'VIGIL_SETTINGS').deadline.region).toBe('us-east-1');
      }
    });

    it('sends each Deadline function to its own log group, kept for the configured days', () => {
      const { stack, template } = built;

      // The Device Farm poller, the session guard, the notifier, the digest and the two Deadline functions.
      template.resourceCountIs('AWS::Logs::LogGroup', 6);
      template.allResourcesProperties('AWS::Logs::LogGroup', { RetentionInDays: 14 });
      for (const component of [pollerOf(stack), ingestOf(stack)]) {
        expect(template.toJSON().Resources[logicalId(component.function)].Properties.LoggingConfig).toEqual({
          LogGroup: ref(component.logGroup),
        });
      }
    });
  });

  describe('permissions', () => {
    it('lets the poller read farms, queues, jobs and sessions of the configured farm only', () => {
      const { stack, template } = built;

      expect(resourcesByAction(statementsOfRole(template, roleOf(pollerOf(stack))), 'deadline:')).toEqual({
        'deadline:ListFarms': [deadlineArn('farm/*')],
        'deadline:GetFarm': [deadlineArn(`farm/${FARM}`)],
        'deadline:ListQueues': [deadlineArn(`farm/${FARM}/queue/*`)],
        'deadline:GetQueue': [deadlineArn(`farm/${FARM}/queue/*`)],
        'deadline:ListJobs': [deadlineArn(`farm/${FARM}/queue/*/job/*`)],
        'deadline:GetJob': [deadlineArn(`farm/${FARM}/queue/*/job/*`)],
        'deadline:ListSessions': [deadlineArn(`farm/${FARM}/queue/*/job/*`)],
        'deadline:GetSession': [deadlineArn(`farm/${FARM}/queue/*/job/*`)],
      });
    });

    it('lets the ingest function read the job an event names, its farm, queue and sessions, in the configured farm only', () => {
      const { stack, template } = built;

      expect(resourcesByAction(statementsOfRole(template, roleOf(ingestOf(stack))), 'deadline:')).toEqual({
        'deadline:GetFarm': [deadlineArn(`farm/${FARM}`)],
        'deadline:GetQueue': [deadlineArn(`farm/${FARM}/queue/*`)],
        'deadline:GetJob': [deadlineArn(`farm/${FARM}/queue/*/job/*`)],
        'deadline:ListSessions': [deadlineArn(`farm/${FARM}/queue/*/job/*`)],
        'deadline:GetSession': [deadlineArn(`farm/${FARM}/queue/*/job/*`)],
      });
    });

    it('grants Deadline actions to the two Deadline functions only, never on "*"', () => {
      const { stack, template } = built;

      const deadline = statementsOf(template).filter((statement) =>
        asList(statement.Action).some((action) => action.startsWith('deadline:')),
      );
      const ofDeadlineRoles = [pollerOf(stack), ingestOf(stack)].flatMap((component) =>
        statementsOfRole(template, roleOf(component)).filter((statement) =>
          asList(statement.Action).some((action) => action.startsWith('deadline:')),
        ),
      );

      expect(deadline).toHaveLength(ofDeadlineRoles.length);
      expect(deadline.flatMap((statement) => asList(statement.Resource))).not.toContain('*');
    });

    it('scopes to every configured farm when all are IDs', () => {
      const { stack, template } = build({ deadline: { enabled: true, farms: [FARM, OTHER_FARM] } });

      expect(resourcesByAction(statementsOfRole(template, roleOf(ingestOf(stack))), 'deadline:')).toMatchObject({
        'deadline:GetFarm': [deadlineArn(`farm/${FARM}`), deadlineArn(`farm/${OTHER_FARM}`)],
        'deadline:GetJob': [deadlineArn(`farm/${FARM}/queue/*/job/*`), deadlineArn(`farm/${OTHER_FARM}/queue/*/job/*`)],
      });
    });

    it.each([
      ['no farm is configured', []],
      ['a farm is named (names have no ARN)', [FARM, 'render-farm']],
    ])('allows every farm of the account in the Deadline region when %s', (_, farms) => {
      const { stack, template } = build({ deadline: { enabled: true, farms } });

      expect(resourcesByAction(statementsOfRole(template, roleOf(pollerOf(stack))), 'deadline:')).toEqual({
        'deadline:ListFarms': [deadlineArn('farm/*')],
        'deadline:GetFarm': [deadlineArn('farm/*')],
        'deadline:ListQueues': [deadlineArn('farm/*/queue/*')],
        'deadline:GetQueue': [deadlineArn('farm/*/queue/*')],
        'deadline:ListJobs': [deadlineArn('farm/*/queue/*/job/*')],
        'deadline:GetJob': [deadlineArn('farm/*/queue/*/job/*')],
        'deadline:ListSessions': [deadlineArn('farm/*/queue/*/job/*')],
        'deadline:GetSession': [deadlineArn('farm/*/queue/*/job/*')],
      });
    });

    it('names the configured Deadline region in every ARN, not the stack region', () => {
      const { stack, template } = build(
        { deadline: { enabled: true, region: 'us-east-1', farms: [FARM] } },
        { account: '123456789012', region: 'eu-west-1' },
      );

      const poller = resourcesByAction(statementsOfRole(template, roleOf(pollerOf(stack))), 'deadline:');
      const ingest = resourcesByAction(statementsOfRole(template, roleOf(ingestOf(stack))), 'deadline:');

      expect(poller['deadline:ListFarms']).toEqual([deadlineArn('farm/*', 'us-east-1')]);
      expect(poller['deadline:GetSession']).toEqual([deadlineArn(`farm/${FARM}/queue/*/job/*`, 'us-east-1')]);
      const arns = [...Object.values(poller), ...Object.values(ingest)].flat();
      expect(arns).toHaveLength(13);
      for (const arn of arns) expect(arn).toMatch(/^arn:<\{"Ref":"AWS::Partition"\}>:deadline:us-east-1:/);
    });

    it('attaches the Deadline permissions before either function can run', () => {
      const { stack, template } = built;

      for (const component of [pollerOf(stack), ingestOf(stack)]) {
        expect(template.toJSON().Resources[logicalId(component.function)].DependsOn).toEqual(
          expect.arrayContaining([logicalId(component.deadlineRead)]),
        );
      }
    });

    it('lets both functions use the table and each named index, like the Device Farm poller', () => {
      const { stack, template } = built;
      const tableArn = `<${JSON.stringify(getAtt(stack.history.table, 'Arn'))}>`;

      for (const component of [pollerOf(stack), ingestOf(stack)]) {
        expect(resourcesByAction(statementsOfRole(template, roleOf(component)), 'dynamodb:')).toEqual(
          Object.fromEntries(
            [
              'dynamodb:Query',
              'dynamodb:GetItem',
              'dynamodb:BatchGetItem',
              'dynamodb:PutItem',
              'dynamodb:UpdateItem',
              'dynamodb:ConditionCheckItem',
            ].map((action) => [
              action,
              [tableArn, ...GLOBAL_INDEXES.map((index) => `${tableArn}/index/${index.name}`)],
            ]),
          ),
        );
      }
    });
  });

  describe('outputs', () => {
    it('names the Deadline functions and the dead-letter queue', () => {
      const { stack, template } = built;

      template.hasOutput('DeadlinePollerFunctionName', { Value: ref(pollerOf(stack).function) });
      template.hasOutput('DeadlineIngestFunctionName', { Value: ref(ingestOf(stack).function) });
      template.hasOutput('DeadlineDeadLetterQueueUrl', { Value: ref(ingestOf(stack).deadLetterQueue) });
    });
  });

  describe('when disabled (the default)', () => {
    it('creates no Deadline resource, permission, rule or output', () => {
      const { stack, template } = build();

      expect(stack.deadlinePoller).toBeUndefined();
      expect(stack.deadlineIngest).toBeUndefined();
      expect(Object.keys(template.toJSON().Resources).filter((id) => /deadline/i.test(id))).toEqual([]);
      expect(Object.keys(template.toJSON().Outputs).filter((id) => /deadline/i.test(id))).toEqual([]);
      expect(resourcesByAction(statementsOf(template), 'deadline:')).toEqual({});
      expect(eventPatterns(template)).toEqual([]);
      // The Device Farm poller, the reactors, the notifier and the digest; their four schedules.
      template.resourceCountIs('AWS::Lambda::Function', 4);
      template.resourceCountIs('AWS::Events::Rule', 4);
      template.resourceCountIs('AWS::SQS::Queue', 2);
    });
  });

  describe('with Device Farm disabled', () => {
    it('creates no Device Farm poller, permission or output', () => {
      const { stack, template } = build({ deviceFarm: { enabled: false }, deadline: { enabled: true } });

      expect(stack.deviceFarmPoller).toBeUndefined();
      expect(Object.keys(template.toJSON().Resources).filter((id) => /devicefarm/i.test(id))).toEqual([]);
      expect(Object.keys(template.toJSON().Outputs)).not.toContain('PollerFunctionName');
      expect(resourcesByAction(statementsOf(template), 'devicefarm:')).toEqual({});
      // The Deadline poller and ingest, the reactors (stuck Deadline jobs), the notifier and the digest.
      template.resourceCountIs('AWS::Lambda::Function', 5);
      expect(
        Object.values(template.findResources('AWS::Events::Rule')).map((rule) => rule.Properties.ScheduleExpression),
      ).toEqual(['rate(5 minutes)', undefined, undefined, 'rate(1 minute)', 'rate(1 minute)', 'cron(0 7 * * ? *)']);
    });

    it('creates no poller and no digest at all when Deadline is off too', () => {
      const { template } = build({ deviceFarm: { enabled: false } });

      // The notifier alone, with its outbox sweep.
      template.resourceCountIs('AWS::Lambda::Function', 1);
      template.resourceCountIs('AWS::Events::Rule', 1);
    });
  });

  describe('cdk-nag AwsSolutions', () => {
    const cases: NagCase[] = [
      ['Deadline off (the default)', {}, undefined],
      ['Deadline on, limited to farm IDs', config, undefined],
      [
        'Deadline on in another region, every farm',
        { deadline: { enabled: true, region: 'us-east-1' } },
        { account: '123456789012', region: 'eu-west-1' },
      ],
      [
        'Deadline on, named farms, Device Farm off',
        { deviceFarm: { enabled: false }, deadline: { enabled: true, farms: ['render-farm'] } },
        undefined,
      ],
    ];

    itIsNagCleanWith(cases);
  });

  it('matches the snapshot with Deadline enabled (asset hashes masked)', () => {
    expect(maskAssets(built.template.toJSON())).toMatchSnapshot();
  });
});

describe('Deadline Cloud polling cost', () => {
  it('tells the poller its events arrive when Deadline runs in the stack region, so it lists queues in full only hourly', () => {
    const { stack, template } = build({ notifications: { emails: ['t@example.com'] }, deadline: { enabled: true } });

    const poller = present(stack.deadlinePoller, 'the Deadline poller');
    const variables = template.toJSON().Resources[logicalId(poller.function)].Properties.Environment.Variables;

    expect(variables.DEADLINE_EVENTS).toBe('on');
  });

  it('lets CloudFormation decide, by the region it deploys to, when deadline.region is set', () => {
    const { stack, template } = build({
      notifications: { emails: ['t@example.com'] },
      deadline: { enabled: true, region: 'us-west-2' },
    });

    const poller = present(stack.deadlinePoller, 'the Deadline poller');
    const variables = template.toJSON().Resources[logicalId(poller.function)].Properties.Environment.Variables;

    expect(variables.DEADLINE_EVENTS).toEqual({ 'Fn::If': ['DeadlineEventsInStackRegion', 'on', 'off'] });
  });
});
