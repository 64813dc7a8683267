import type { Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import { parseSettings } from '../../lambda/config/settings';
import { DEVICE_FARM_REGION } from '../../lambda/core/regions';
import {
  CHANGE_AND_DEADLINE_JOB_FILTER_PATTERN,
  CHANGE_EVENT_FILTER_PATTERN,
  NEW_EVENT_FILTER_PATTERN,
} from '../../lambda/record/stream-filter';
import { ACTIVE_INDEX } from '../../lambda/record/table-schema';
import type { Reactors } from '../../lib/constructs/reactors';
import {
  asList,
  type Built,
  build,
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

const PROJECT_ID = '5e01a8c7-c861-4c0a-b1d5-5ec6e6f1a2b3';
const OTHER_PROJECT_ID = '9f2d4b61-0a7e-4d3c-8e5f-1c2b3a4d5e6f';
const projectArn = (id: string) => `arn:aws:devicefarm:us-west-2:123456789012:project:${id}`;
const TEST_GRID_PROJECT_ARN =
  'arn:aws:devicefarm:us-west-2:123456789012:testgrid-project:0d1c2b3a-4e5f-6a7b-8c9d-0e1f2a3b4c5d';

const reactorsOf = (stack: Built['stack']): Reactors => present(stack.reactors, 'the reactors');

/** A session ARN pattern as arnText prints it: always us-west-2, this account. */
const sessionArn = (pattern: string) =>
  `arn:<{"Ref":"AWS::Partition"}>:devicefarm:${DEVICE_FARM_REGION}:<{"Ref":"AWS::AccountId"}>:session:${pattern}`;

/** The properties of the one event source mapping of `fn`. */
function mappingOf(template: Template, fn: IConstruct): Record<string, unknown> {
  const mappings = Object.values(
    template.findResources('AWS::Lambda::EventSourceMapping', {
      Properties: { FunctionName: ref(fn) },
    }),
  );
  expect(mappings).toHaveLength(1);
  return mappings[0]?.Properties;
}

/** The filter patterns of a mapping, parsed. */
function patternsOf(mapping: Record<string, unknown>): unknown[] {
  const criteria = mapping.FilterCriteria as { Filters: Array<{ Pattern: string }> };
  return criteria.Filters.map((filter) => JSON.parse(filter.Pattern));
}

/** The Device Farm actions of the guard's role, with the resources each is allowed on. */
function guardDeviceFarm(built: Built): Record<string, string[]> {
  return resourcesByAction(statementsOfRole(built.template, roleOf(reactorsOf(built.stack))), 'devicefarm:');
}

describe('reactors: budget accountant and session guard in one stream consumer', () => {
  const budget = {
    name: 'monthly-devices',
    meter: 'deviceMinutes.metered',
    limitMinutes: 1000,
    thresholds: [50, 90],
  };
  const config = {
    budgets: [budget],
    guard: { maxMinutes: 60, autoStop: true },
    logs: { retentionDays: 60 },
  };
  let built: Built;

  beforeAll(() => {
    built = build(config);
  });

  describe('stream event sources', () => {
    it('feeds the reactors the Device Farm change events, isolating and reporting failures', () => {
      const { stack, template } = built;
      const reactors = reactorsOf(stack);

      const mapping = mappingOf(template, reactors.function);

      expect(mapping).toEqual({
        EventSourceArn: getAtt(stack.history.table, 'StreamArn'),
        FunctionName: ref(reactors.function),
        StartingPosition: 'TRIM_HORIZON',
        BatchSize: 100,
        MaximumBatchingWindowInSeconds: 5,
        BisectBatchOnFunctionError: true,
        MaximumRetryAttempts: 10,
        FunctionResponseTypes: ['ReportBatchItemFailures'],
        DestinationConfig: { OnFailure: { Destination: getAtt(reactors.onFailureQueue, 'Arn') } },
        FilterCriteria: { Filters: [{ Pattern: expect.any(String) }] },
      });
      expect(patternsOf(mapping)).toEqual([CHANGE_EVENT_FILTER_PATTERN]);
    });

    it.each([
      [
        'every feature on',
        {
          ...config,
          deadline: { enabled: true },
          digest: { enabled: true },
          reminders: { sessionOverLimit: true, budgetOverLimit: true, deadlineJobs: true, failingRuns: true },
          rules: { stuckMinutes: { deviceFarm: 60, remoteAccess: 15, deadline: 60 } },
          maintenanceWindows: [
            { name: 'lab', days: ['SAT'], start: '02:00', end: '06:00', timeZone: 'Europe/Berlin', match: {} },
          ],
          channels: [
            { type: 'slack', name: 'team' },
            { type: 'pagerduty', name: 'oncall' },
            { type: 'opsgenie', name: 'ops' },
            { type: 'webhook', name: 'hook', url: 'https://hooks.example.com/vigil' },
            { type: 'chatbot', name: 'bot' },
          ],
        },
      ],
      ['the defaults', {}],
      ['Device Farm off', { deviceFarm: { enabled: false }, deadline: { enabled: true }, budgets: [budget] }],
    ])('has at most two readers on the table stream (DynamoDB Streams serves two per shard) with %s', (_, input) => {
      const { stack, template } = build(input);
      const streamArn = JSON.stringify(getAtt(stack.history.table, 'StreamArn'));

      const readers = Object.values(template.findResources('AWS::Lambda::EventSourceMapping')).filter(
        (mapping) => JSON.stringify(mapping.Properties.EventSourceArn) === streamArn,
      );

      expect(readers.length).toBeGreaterThan(0);
      expect(readers.length).toBeLessThanOrEqual(2);
    });

    it('leaves the notifier as the only other stream reader, with every new event', () => {
      const { stack, template } = built;

      expect(patternsOf(mappingOf(template, stack.notifier.function))).toEqual([NEW_EVENT_FILTER_PATTERN]);
      template.resourceCountIs('AWS::Lambda::EventSourceMapping', 2);
    });

    it('gives each stream consumer its own on-failure queue', () => {
      const { stack, template } = built;

      const queues = [reactorsOf(stack), stack.notifier].map((component) => logicalId(component.onFailureQueue));

      expect(new Set(queues).size).toBe(2);
      template.resourceCountIs('AWS::SQS::Queue', 2);
    });

    it('keeps the reactors failures 14 days in a queue with its own rotating key, HTTPS only', () => {
      const { stack, template } = built;
      const component = reactorsOf(stack);
      const resources = template.toJSON().Resources;

      expect(resources[logicalId(component.onFailureQueue)].Properties).toEqual({
        KmsMasterKeyId: getAtt(component.onFailureQueueKey, 'Arn'),
        MessageRetentionPeriod: 14 * 24 * 3600,
      });
      expect(resources[logicalId(component.onFailureQueueKey)].Properties.EnableKeyRotation).toBe(true);
      const queuePolicy = Object.values(template.findResources('AWS::SQS::QueuePolicy')).find(
        (policy) => JSON.stringify(policy.Properties.Queues) === JSON.stringify([ref(component.onFailureQueue)]),
      );
      expect(queuePolicy?.Properties.PolicyDocument.Statement).toContainEqual(
        expect.objectContaining({
          Effect: 'Deny',
          Action: 'sqs:*',
          Condition: { Bool: { 'aws:SecureTransport': 'false' } },
        }),
      );
    });
  });

  describe('schedules', () => {
    it('invokes the reactors every minute and never retries a pass', () => {
      const { stack, template } = built;
      const guard = reactorsOf(stack);

      const rule = template.toJSON().Resources[logicalId(guard.schedule)].Properties;

      expect(rule.ScheduleExpression).toBe('rate(1 minute)');
      expect(rule.State).toBe('ENABLED');
      expect(rule.Targets).toEqual([
        { Id: expect.any(String), Arn: getAtt(guard.function, 'Arn'), RetryPolicy: { MaximumRetryAttempts: 0 } },
      ]);
      template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
        FunctionName: ref(guard.function),
        MaximumRetryAttempts: 0,
      });
      template.hasResourceProperties('AWS::Lambda::Permission', {
        Action: 'lambda:InvokeFunction',
        FunctionName: getAtt(guard.function, 'Arn'),
        Principal: 'events.amazonaws.com',
        SourceArn: getAtt(guard.schedule, 'Arn'),
      });
    });

    it('stops a check before the next one starts', () => {
      const { stack, template } = built;

      const properties = template.toJSON().Resources[logicalId(reactorsOf(stack).function)].Properties;

      expect(properties.Timeout).toBeLessThan(60);
    });

    it('invokes the notifier every minute to sweep the outbox, never retrying a sweep', () => {
      const { stack, template } = built;
      const { notifier } = stack;

      const rule = template.toJSON().Resources[logicalId(notifier.sweepSchedule)].Properties;

      expect(rule.ScheduleExpression).toBe('rate(1 minute)');
      expect(rule.Targets).toEqual([
        { Id: expect.any(String), Arn: getAtt(notifier.function, 'Arn'), RetryPolicy: { MaximumRetryAttempts: 0 } },
      ]);
      template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
        FunctionName: ref(notifier.function),
        MaximumRetryAttempts: 0,
      });
    });
  });

  describe('environment', () => {
    it('gives the reactors their table and the settings with the budgets and the guard', () => {
      const { stack, template } = built;

      const variables =
        template.toJSON().Resources[logicalId(reactorsOf(stack).function)].Properties.Environment.Variables;

      expect(variables).toEqual({
        TABLE_NAME: ref(stack.history.table),
        VIGIL_SETTINGS: expect.any(String),
        POWERTOOLS_SERVICE_NAME: 'vigil',
        POWERTOOLS_LOG_LEVEL: 'INFO',
      });
      const settings = parseSettings(variables.VIGIL_SETTINGS, 'VIGIL_SETTINGS');
      expect(settings.budgets).toEqual([{ ...budget, period: 'month', timeZone: 'UTC', projects: [], forecast: true }]);
      expect(settings.guard).toEqual({ maxMinutes: 60, projects: {}, warnAt: 0.8, autoStop: true, dryRun: false });
    });

    it('sends the reactors logs to their own log group, kept for the configured days', () => {
      const { stack, template } = built;
      const component = reactorsOf(stack);
      const resources = template.toJSON().Resources;

      expect(resources[logicalId(component.function)].Properties.LoggingConfig).toEqual({
        LogGroup: ref(component.logGroup),
      });
      expect(resources[logicalId(component.logGroup)].Properties.RetentionInDays).toBe(60);
    });
  });

  describe('permissions', () => {
    it('reads, writes and removes items of the table, queries only the active index, and reads the stream', () => {
      const { stack, template } = built;
      const table = `<${JSON.stringify(getAtt(stack.history.table, 'Arn'))}>`;
      const stream = `<${JSON.stringify(getAtt(stack.history.table, 'StreamArn'))}>`;

      expect(resourcesByAction(statementsOfRole(template, roleOf(reactorsOf(stack))), 'dynamodb:')).toEqual({
        'dynamodb:Query': [table, `${table}/index/${ACTIVE_INDEX.name}`],
        'dynamodb:GetItem': [table],
        'dynamodb:BatchGetItem': [table],
        'dynamodb:PutItem': [table],
        'dynamodb:UpdateItem': [table],
        'dynamodb:ConditionCheckItem': [table],
        'dynamodb:DeleteItem': [table],
        'dynamodb:BatchWriteItem': [table],
        'dynamodb:ListStreams': ['*'],
        'dynamodb:DescribeStream': [stream],
        'dynamodb:GetRecords': [stream],
        'dynamodb:GetShardIterator': [stream],
      });
    });

    it('has no CloudWatch or SNS permission (metrics go out as EMF log lines; the notifier publishes)', () => {
      const { stack, template } = built;

      const actions = statementsOfRole(template, roleOf(reactorsOf(stack))).flatMap((statement) =>
        asList(statement.Action),
      );

      expect(actions.filter((action) => /^(cloudwatch|sns):/.test(action))).toEqual([]);
    });

    it('may read and stop remote access sessions of this account in us-west-2 when autoStop is on', () => {
      expect(guardDeviceFarm(built)).toEqual({
        'devicefarm:GetRemoteAccessSession': [sessionArn('*')],
        'devicefarm:StopRemoteAccessSession': [sessionArn('*')],
      });
    });

    it('names us-west-2, not the stack region, for a stack in eu-west-1', () => {
      const inIreland = build(config, { account: '123456789012', region: 'eu-west-1' });

      expect(guardDeviceFarm(inIreland)).toEqual({
        'devicefarm:GetRemoteAccessSession': [sessionArn('*')],
        'devicefarm:StopRemoteAccessSession': [sessionArn('*')],
      });
      const deviceFarm = statementsOf(inIreland.template).filter((statement) =>
        asList(statement.Action).some((action) => action.startsWith('devicefarm:')),
      );
      expect(JSON.stringify(deviceFarm)).not.toContain('eu-west-1');
    });

    it.each([
      ['autoStop is off (the default)', { maxMinutes: 60 }],
      ['dryRun is on', { maxMinutes: 60, autoStop: true, dryRun: true }],
    ])('may only read sessions, never stop one, when %s', (_, guard) => {
      const readOnly = build({ budgets: [budget], guard });

      expect(guardDeviceFarm(readOnly)).toEqual({ 'devicefarm:GetRemoteAccessSession': [sessionArn('*')] });
      expect(reactorsOf(readOnly.stack).mayStop).toBe(false);
      expect(JSON.stringify(readOnly.template.toJSON())).not.toContain('devicefarm:StopRemoteAccessSession');
    });

    it('is limited to the sessions of the configured projects when all are given by ARN', () => {
      const scoped = build({
        deviceFarm: { projects: [projectArn(PROJECT_ID), projectArn(OTHER_PROJECT_ID), TEST_GRID_PROJECT_ARN] },
        guard: { autoStop: true },
      });

      expect(guardDeviceFarm(scoped)).toEqual({
        'devicefarm:GetRemoteAccessSession': [sessionArn(`${PROJECT_ID}/*`), sessionArn(`${OTHER_PROJECT_ID}/*`)],
        'devicefarm:StopRemoteAccessSession': [sessionArn(`${PROJECT_ID}/*`), sessionArn(`${OTHER_PROJECT_ID}/*`)],
      });
    });

    it('covers every project of the account when one project is given by name (a name has no ARN)', () => {
      const named = build({ deviceFarm: { projects: [projectArn(PROJECT_ID), 'checkout-app'] } });

      expect(guardDeviceFarm(named)).toEqual({ 'devicefarm:GetRemoteAccessSession': [sessionArn('*')] });
    });

    it('has no Device Farm permission when only test grid projects are followed (no remote access session)', () => {
      const testGridOnly = build({ deviceFarm: { projects: [TEST_GRID_PROJECT_ARN] }, guard: { autoStop: true } });

      expect(guardDeviceFarm(testGridOnly)).toEqual({});
      expect(reactorsOf(testGridOnly.stack).deviceFarmSessions).toBeUndefined();
    });

    it('attaches the Device Farm permissions before the guard can run', () => {
      const { stack, template } = built;
      const guard = reactorsOf(stack);

      expect(template.toJSON().Resources[logicalId(guard.function)].DependsOn).toEqual(
        expect.arrayContaining([logicalId(present(guard.deviceFarmSessions, 'the Device Farm policy'))]),
      );
    });
  });

  describe('when the reactors exist', () => {
    it('creates them without budgets or a guard config (the guard warns of the 150-minute hard limit)', () => {
      const { stack, template } = build();

      expect(stack.reactors).toBeDefined();
      template.resourceCountIs('AWS::Lambda::EventSourceMapping', 2);
    });

    it('creates none when Device Farm is off and Deadline Cloud needs none (stuck detection off, no job reminders)', () => {
      const { stack, template } = build({
        deviceFarm: { enabled: false },
        deadline: { enabled: true },
        budgets: [budget],
        guard: { maxMinutes: 60, autoStop: true },
        rules: { stuckMinutes: { deadline: 0 } },
      });

      expect(stack.reactors).toBeUndefined();
      expect(resourcesByAction(statementsOf(template), 'devicefarm:')).toEqual({});
      template.resourceCountIs('AWS::Lambda::EventSourceMapping', 1);
    });

    it('creates them for Deadline Cloud alone when its stuck jobs are watched, without any Device Farm permission', () => {
      const { stack, template } = build({
        deviceFarm: { enabled: false },
        deadline: { enabled: true },
        guard: { maxMinutes: 60, autoStop: true },
      });

      expect(stack.reactors?.deviceFarmSessions).toBeUndefined();
      expect(resourcesByAction(statementsOf(template), 'devicefarm:')).toEqual({});
      // Still two readers on the table's stream: the notifier and the reactors.
      template.resourceCountIs('AWS::Lambda::EventSourceMapping', 2);
    });

    it("reads Deadline jobs' changes from the stream only with reminders of Deadline jobs on", () => {
      const patterns = (config: unknown) => {
        const { stack, template } = build(config);
        return patternsOf(mappingOf(template, reactorsOf(stack).function));
      };

      expect(patterns({ deadline: { enabled: true } })).toEqual([CHANGE_EVENT_FILTER_PATTERN]);
      expect(patterns({ deadline: { enabled: true }, reminders: { deadlineJobs: true } })).toEqual([
        CHANGE_AND_DEADLINE_JOB_FILTER_PATTERN,
      ]);
    });
  });

  describe('outputs', () => {
    it('names the function and its on-failure queue', () => {
      const { stack, template } = built;

      template.hasOutput('ReactorsFunctionName', { Value: ref(reactorsOf(stack).function) });
      template.hasOutput('ReactorsOnFailureQueueUrl', { Value: ref(reactorsOf(stack).onFailureQueue) });
    });
  });

  describe('cdk-nag AwsSolutions', () => {
    const cases: NagCase[] = [
      ['a budget and a stopping guard', config, undefined],
      ['no budget and no guard config', {}, undefined],
      [
        'a dry-run guard in eu-west-1',
        { guard: { autoStop: true, dryRun: true } },
        { account: '123456789012', region: 'eu-west-1' },
      ],
      [
        'projects given by ARN and a stopping guard',
        {
          deviceFarm: { projects: [projectArn(PROJECT_ID), projectArn(OTHER_PROJECT_ID)] },
          budgets: [budget],
          guard: { autoStop: true },
        },
        undefined,
      ],
      ['only test grid projects', { deviceFarm: { projects: [TEST_GRID_PROJECT_ARN] }, budgets: [budget] }, undefined],
    ];

    itIsNagCleanWith(cases);
  });

  it('matches the snapshot with a budget and a guard (asset hashes masked)', () => {
    expect(maskAssets(built.template.toJSON())).toMatchSnapshot();
  });
});
