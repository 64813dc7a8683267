import type { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { parseSettings } from '../../lambda/core/settings';
import { DEVICE_FARM_REGION } from '../../lambda/observe/device-farm/region';
import { CHANGE_EVENT_FILTER_PATTERN, SESSION_CHANGE_FILTER_PATTERN } from '../../lambda/record/stream-filter';
import { ACTIVE_INDEX } from '../../lambda/record/table-schema';
import type { Accountant } from '../../lib/constructs/accountant';
import type { SessionGuard } from '../../lib/constructs/session-guard';
import {
  acknowledgements,
  asList,
  type Built,
  build,
  findingsWithoutAcknowledgements,
  getAtt,
  logicalId,
  maskAssets,
  present,
  ref,
  resourcesByAction,
  roleOf,
  statementsOf,
  statementsOfRole,
} from './helpers';

const PROJECT_ID = '5e01a8c7-c861-4c0a-b1d5-5ec6e6f1a2b3';
const OTHER_PROJECT_ID = '9f2d4b61-0a7e-4d3c-8e5f-1c2b3a4d5e6f';
const projectArn = (id: string) => `arn:aws:devicefarm:us-west-2:123456789012:project:${id}`;
const TEST_GRID_PROJECT_ARN =
  'arn:aws:devicefarm:us-west-2:123456789012:testgrid-project:0d1c2b3a-4e5f-6a7b-8c9d-0e1f2a3b4c5d';

const accountantOf = (stack: Built['stack']): Accountant => present(stack.accountant, 'the accountant');
const guardOf = (stack: Built['stack']): SessionGuard => present(stack.sessionGuard, 'the session guard');

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
  return resourcesByAction(statementsOfRole(built.template, roleOf(guardOf(built.stack))), 'devicefarm:');
}

describe('reactors: budget accountant and session guard', () => {
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
    it.each([
      ['accountant', accountantOf, CHANGE_EVENT_FILTER_PATTERN],
      ['session guard', guardOf, SESSION_CHANGE_FILTER_PATTERN],
    ])('feed the %s its filtered stream records, isolating and reporting failures', (_, componentOf, pattern) => {
      const { stack, template } = built;
      const component = componentOf(stack);

      const mapping = mappingOf(template, component.function);

      expect(mapping).toEqual({
        EventSourceArn: getAtt(stack.history.table, 'StreamArn'),
        FunctionName: ref(component.function),
        StartingPosition: 'TRIM_HORIZON',
        BatchSize: 100,
        MaximumBatchingWindowInSeconds: 5,
        BisectBatchOnFunctionError: true,
        MaximumRetryAttempts: 10,
        FunctionResponseTypes: ['ReportBatchItemFailures'],
        DestinationConfig: { OnFailure: { Destination: getAtt(component.onFailureQueue, 'Arn') } },
        FilterCriteria: { Filters: [{ Pattern: expect.any(String) }] },
      });
      expect(patternsOf(mapping)).toEqual([pattern]);
    });

    it('gives each stream consumer its own on-failure queue', () => {
      const { stack, template } = built;

      const queues = [accountantOf(stack), guardOf(stack), stack.notifier].map((component) =>
        logicalId(component.onFailureQueue),
      );

      expect(new Set(queues).size).toBe(3);
      template.resourceCountIs('AWS::SQS::Queue', 3);
      template.resourceCountIs('AWS::Lambda::EventSourceMapping', 3);
    });

    it.each([
      ['accountant', accountantOf],
      ['session guard', guardOf],
    ])('keep the %s failures 14 days in a queue with its own rotating key, HTTPS only', (_, componentOf) => {
      const { stack, template } = built;
      const component = componentOf(stack);
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

  describe('guard schedule', () => {
    it('invokes the guard every minute and never retries a check', () => {
      const { stack, template } = built;
      const guard = guardOf(stack);

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

      const properties = template.toJSON().Resources[logicalId(guardOf(stack).function)].Properties;

      expect(properties.Timeout).toBeLessThan(60);
    });
  });

  describe('environment', () => {
    it('gives the accountant its table, the settings with the budgets, and the metrics namespace', () => {
      const { stack, template } = built;

      const variables =
        template.toJSON().Resources[logicalId(accountantOf(stack).function)].Properties.Environment.Variables;

      expect(variables).toEqual({
        TABLE_NAME: ref(stack.history.table),
        VIGIL_SETTINGS: expect.any(String),
        POWERTOOLS_SERVICE_NAME: 'vigil',
        POWERTOOLS_LOG_LEVEL: 'INFO',
        POWERTOOLS_METRICS_NAMESPACE: 'Vigil',
      });
      expect(parseSettings(variables.VIGIL_SETTINGS, 'VIGIL_SETTINGS').budgets).toEqual([
        { ...budget, period: 'month', timeZone: 'UTC', projects: [], forecast: true },
      ]);
    });

    it('gives the guard its table and the settings with the guard', () => {
      const { stack, template } = built;

      const variables =
        template.toJSON().Resources[logicalId(guardOf(stack).function)].Properties.Environment.Variables;

      expect(variables).toEqual({
        TABLE_NAME: ref(stack.history.table),
        VIGIL_SETTINGS: expect.any(String),
        POWERTOOLS_SERVICE_NAME: 'vigil',
        POWERTOOLS_LOG_LEVEL: 'INFO',
      });
      expect(parseSettings(variables.VIGIL_SETTINGS, 'VIGIL_SETTINGS').guard).toEqual({
        maxMinutes: 60,
        projects: {},
        warnAt: 0.8,
        autoStop: true,
        dryRun: false,
      });
    });

    it.each([
      ['accountant', accountantOf],
      ['session guard', guardOf],
    ])('sends the %s logs to its own log group, kept for the configured days', (_, componentOf) => {
      const { stack, template } = built;
      const component = componentOf(stack);
      const resources = template.toJSON().Resources;

      expect(resources[logicalId(component.function)].Properties.LoggingConfig).toEqual({
        LogGroup: ref(component.logGroup),
      });
      expect(resources[logicalId(component.logGroup)].Properties.RetentionInDays).toBe(60);
    });
  });

  describe('accountant permissions', () => {
    it('reads and writes items of the table only (no index), and reads the stream', () => {
      const { stack, template } = built;
      const table = `<${JSON.stringify(getAtt(stack.history.table, 'Arn'))}>`;
      const stream = `<${JSON.stringify(getAtt(stack.history.table, 'StreamArn'))}>`;

      expect(resourcesByAction(statementsOfRole(template, roleOf(accountantOf(stack))), 'dynamodb:')).toEqual({
        'dynamodb:Query': [table],
        'dynamodb:GetItem': [table],
        'dynamodb:BatchGetItem': [table],
        'dynamodb:PutItem': [table],
        'dynamodb:UpdateItem': [table],
        'dynamodb:ConditionCheckItem': [table],
        'dynamodb:ListStreams': ['*'],
        'dynamodb:DescribeStream': [stream],
        'dynamodb:GetRecords': [stream],
        'dynamodb:GetShardIterator': [stream],
      });
    });

    it('has no CloudWatch or Device Farm permission (metrics go out as EMF log lines)', () => {
      const { stack, template } = built;

      const actions = statementsOfRole(template, roleOf(accountantOf(stack))).flatMap((statement) =>
        asList(statement.Action),
      );

      expect(actions.filter((action) => /^(cloudwatch|devicefarm|sns):/.test(action))).toEqual([]);
    });
  });

  describe('guard permissions', () => {
    it('reads and writes items of the table, queries only the active index, and reads the stream', () => {
      const { stack, template } = built;
      const table = `<${JSON.stringify(getAtt(stack.history.table, 'Arn'))}>`;
      const stream = `<${JSON.stringify(getAtt(stack.history.table, 'StreamArn'))}>`;

      expect(resourcesByAction(statementsOfRole(template, roleOf(guardOf(stack))), 'dynamodb:')).toEqual({
        'dynamodb:Query': [table, `${table}/index/${ACTIVE_INDEX.name}`],
        'dynamodb:GetItem': [table],
        'dynamodb:BatchGetItem': [table],
        'dynamodb:PutItem': [table],
        'dynamodb:UpdateItem': [table],
        'dynamodb:ConditionCheckItem': [table],
        'dynamodb:ListStreams': ['*'],
        'dynamodb:DescribeStream': [stream],
        'dynamodb:GetRecords': [stream],
        'dynamodb:GetShardIterator': [stream],
      });
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
      expect(guardOf(readOnly.stack).mayStop).toBe(false);
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
      expect(guardOf(testGridOnly.stack).deviceFarmSessions).toBeUndefined();
    });

    it('attaches the Device Farm permissions before the guard can run', () => {
      const { stack, template } = built;
      const guard = guardOf(stack);

      expect(template.toJSON().Resources[logicalId(guard.function)].DependsOn).toEqual(
        expect.arrayContaining([logicalId(present(guard.deviceFarmSessions, 'the Device Farm policy'))]),
      );
    });
  });

  describe('which reactors exist', () => {
    it('creates no accountant without budgets, and the guard even without a guard config', () => {
      const { stack, template } = build();

      expect(stack.accountant).toBeUndefined();
      expect(stack.sessionGuard).toBeDefined();
      expect(Object.keys(template.toJSON().Resources).filter((id) => /accountant/i.test(id))).toEqual([]);
      expect(Object.keys(template.toJSON().Outputs).filter((id) => /accountant/i.test(id))).toEqual([]);
      template.resourceCountIs('AWS::Lambda::EventSourceMapping', 2);
    });

    it('creates neither when Device Farm is off, even with budgets and a guard', () => {
      const { stack, template } = build({
        deviceFarm: { enabled: false },
        deadline: { enabled: true },
        budgets: [budget],
        guard: { maxMinutes: 60, autoStop: true },
      });

      expect(stack.accountant).toBeUndefined();
      expect(stack.sessionGuard).toBeUndefined();
      expect(resourcesByAction(statementsOf(template), 'devicefarm:')).toEqual({});
      template.resourceCountIs('AWS::Lambda::EventSourceMapping', 1);
    });
  });

  describe('outputs', () => {
    it('names the new functions and their on-failure queues', () => {
      const { stack, template } = built;

      template.hasOutput('AccountantFunctionName', { Value: ref(accountantOf(stack).function) });
      template.hasOutput('AccountantOnFailureQueueUrl', { Value: ref(accountantOf(stack).onFailureQueue) });
      template.hasOutput('GuardFunctionName', { Value: ref(guardOf(stack).function) });
      template.hasOutput('GuardOnFailureQueueUrl', { Value: ref(guardOf(stack).onFailureQueue) });
    });
  });

  describe('cdk-nag AwsSolutions', () => {
    const cases: Array<[string, unknown, { account: string; region: string } | undefined]> = [
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

    it.each(cases)('reports no unacknowledged error or warning with %s', (_, configInput, env) => {
      const { app, stack } = build(configInput, env);

      const report = new AwsSolutionsChecks(app).validateScope(stack);

      expect(report.violations.map((violation) => violation.ruleName)).toEqual([]);
    });

    it.each(cases)('acknowledges only findings that exist, each with a reason, with %s', (_, configInput, env) => {
      const acknowledged = acknowledgements(build(configInput, env).stack);

      const findings = findingsWithoutAcknowledgements(configInput, env);

      expect(acknowledged.map((ack) => `${ack.id} @ ${ack.path}`).sort()).toEqual(findings.sort());
      for (const ack of acknowledged) expect(ack.reason.trim().length).toBeGreaterThan(40);
    });
  });

  it('matches the snapshot with a budget and a guard (asset hashes masked)', () => {
    expect(maskAssets(built.template.toJSON())).toMatchSnapshot();
  });
});
