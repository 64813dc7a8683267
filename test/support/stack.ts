import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, type CfnElement, type Environment, Stack, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { parseConfig } from '../../lambda/config/config-file';
import { VigilStack } from '../../lib/vigil-stack';

/** The same context `cdk synth` gets from cdk.json. */
const CDK_JSON_CONTEXT: Record<string, unknown> = JSON.parse(
  readFileSync(join(__dirname, '..', '..', 'cdk.json'), 'utf8'),
).context;

export interface Built {
  readonly app: App;
  readonly stack: VigilStack;
  readonly template: Template;
}

/**
 * Synthesizes the stack for a config file's content. Bundling is skipped
 * (the handlers' code is not under test here; `cdk synth` bundles them).
 */
export function build(configInput: unknown = {}, env?: Environment): Built {
  const app = new App({ context: { ...CDK_JSON_CONTEXT, 'aws:cdk:bundling-stacks': [] } });
  const stack = new VigilStack(app, 'Vigil', { config: parseConfig(configInput, 'test config'), env });
  return { app, stack, template: Template.fromStack(stack) };
}

/** A value the test needs to exist (an optional construct of the stack). */
export function present<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`expected ${what} in the stack`);
  return value;
}

export function logicalId(construct: IConstruct): string {
  return Stack.of(construct).getLogicalId(construct.node.defaultChild as CfnElement);
}

/** `{ "Fn::GetAtt": [<id of construct>, attribute] }` */
export function getAtt(construct: IConstruct, attribute: string) {
  return { 'Fn::GetAtt': [logicalId(construct), attribute] };
}

/** `{ "Ref": <id of construct> }` */
export function ref(construct: IConstruct) {
  return { Ref: logicalId(construct) };
}

const TLS_ONLY_POLICIES = {
  queue: { type: 'AWS::SQS::QueuePolicy', on: 'Queues', action: 'sqs:*' },
  topic: { type: 'AWS::SNS::TopicPolicy', on: 'Topics', action: 'sns:Publish' },
} as const;

/**
 * Asserts the template has a policy on the `kind` `resource` (a queue: sqs:*; a topic: sns:Publish) that denies
 * every request not over TLS.
 */
export function expectTlsOnly(template: Template, kind: keyof typeof TLS_ONLY_POLICIES, resource: IConstruct): void {
  const { type, on, action } = TLS_ONLY_POLICIES[kind];
  template.hasResourceProperties(type, {
    [on]: [ref(resource)],
    PolicyDocument: {
      Statement: Match.arrayWith([
        Match.objectLike({
          Effect: 'Deny',
          Action: action,
          Condition: { Bool: { 'aws:SecureTransport': 'false' } },
        }),
      ]),
    },
  });
}

/** The role of a VigilFunction-based component (`<component>/Function/Role`). */
export function roleOf(component: IConstruct): IConstruct {
  return component.node.findChild('Function').node.findChild('Role');
}

export interface Statement {
  readonly Effect: string;
  readonly Action: string | string[];
  readonly Resource: unknown;
  readonly Condition?: unknown;
}

/** Every statement of every IAM policy in the template (not key or queue policies). */
export function statementsOf(template: Template): Statement[] {
  return Object.values(template.findResources('AWS::IAM::Policy')).flatMap(
    (policy) => policy.Properties.PolicyDocument.Statement as Statement[],
  );
}

/** The statements of the IAM policies attached to `role` (its default policy and any other). */
export function statementsOfRole(template: Template, role: IConstruct): Statement[] {
  const roleRef = JSON.stringify(ref(role));
  return Object.values(template.findResources('AWS::IAM::Policy'))
    .filter((policy) => (policy.Properties.Roles as unknown[]).some((entry) => JSON.stringify(entry) === roleRef))
    .flatMap((policy) => policy.Properties.PolicyDocument.Statement as Statement[]);
}

export const asList = <T>(value: T | T[]): T[] => (Array.isArray(value) ? value : [value]);

/** An ARN as text: Fn::Join flattened, references shown as <Ref>. */
export function arnText(resource: unknown): string {
  if (typeof resource === 'string') return resource;
  if (resource !== null && typeof resource === 'object') {
    const join = (resource as { 'Fn::Join'?: [string, unknown[]] })['Fn::Join'];
    if (join) return join[1].map(arnText).join(join[0]);
  }
  return `<${JSON.stringify(resource)}>`;
}

/** For each action of the statements matching `prefix` (e.g. `deadline:`), the resources allowed, as text. */
export function resourcesByAction(statements: readonly Statement[], prefix: string): Record<string, string[]> {
  const byAction = new Map<string, string[]>();
  for (const statement of statements) {
    for (const action of asList(statement.Action).filter((candidate) => candidate.startsWith(prefix))) {
      byAction.set(action, [...(byAction.get(action) ?? []), ...asList(statement.Resource).map(arnText)]);
    }
  }
  return Object.fromEntries(byAction);
}

export interface Acknowledgement {
  readonly path: string;
  readonly id: string;
  readonly reason: string;
}

/** The cdk-nag acknowledgements recorded on `scope` and below. */
export function acknowledgements(scope: IConstruct): Acknowledgement[] {
  const found: Acknowledgement[] = [];
  for (const construct of scope.node.findAll()) {
    for (const entry of construct.node.metadata) {
      if (entry.type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY) continue;
      for (const [id, reason] of Object.entries(entry.data as Record<string, string>)) {
        found.push({ path: construct.node.path, id: id.replace(/^annotation::/i, ''), reason });
      }
    }
  }
  return found;
}

/**
 * The AwsSolutions findings of a stack built from `configInput` with every
 * acknowledgement switched off, as `<rule> @ <construct path>`.
 */
export function findingsWithoutAcknowledgements(configInput: unknown, env?: Environment): string[] {
  const spy = jest.spyOn(Validations.prototype, 'acknowledge').mockImplementation(() => undefined);
  try {
    const { app, stack } = build(configInput, env);
    return new AwsSolutionsChecks(app)
      .validateScope(stack)
      .violations.flatMap((violation) =>
        violation.violatingResources.map(
          (resource) => `${violation.ruleName} @ ${(resource.constructPath ?? '(no path)').replace(/\/Resource$/, '')}`,
        ),
      );
  } finally {
    spy.mockRestore();
  }
}

/** The ARN pattern `arn:<partition>:cloudwatch:<region>:<account>:alarm:*` as the template writes it. */
export const ALARMS_IN_THIS_ACCOUNT_AND_REGION = {
  'Fn::Join': [
    '',
    [
      'arn:',
      { Ref: 'AWS::Partition' },
      ':cloudwatch:',
      { Ref: 'AWS::Region' },
      ':',
      { Ref: 'AWS::AccountId' },
      ':alarm:*',
    ],
  ],
};

/** cdk-nag's AwsSolutions pack reports no unacknowledged error or warning on `stack`. */
export function expectNagClean(app: App, stack: Stack): void {
  const report = new AwsSolutionsChecks(app).validateScope(stack);

  expect(report.violations.map((violation) => violation.ruleName)).toEqual([]);
}

/**
 * The acknowledgements recorded on `stack` are exactly the AwsSolutions
 * findings of the same config with acknowledgements switched off (each on the
 * construct that has it), and each gives a reason of more than 40 characters.
 */
export function expectAcknowledgementsExact(stack: IConstruct, configInput: unknown, env?: Environment): void {
  const acknowledged = acknowledgements(stack);

  const findings = findingsWithoutAcknowledgements(configInput, env);

  expect(acknowledged.map((ack) => `${ack.id} @ ${ack.path}`).sort()).toEqual(findings.sort());
  for (const ack of acknowledged) expect(ack.reason.trim().length).toBeGreaterThan(40);
}

/** Replaces content hashes (asset keys, bootstrap versions) so the snapshot only changes with the template. */
export function maskAssets(template: unknown): unknown {
  return JSON.parse(JSON.stringify(template).replace(/[0-9a-f]{64}/g, '<asset-hash>'));
}

/** A configuration cdk-nag checks: its name in the test titles, the config, and the stack's environment. */
export type NagCase = [string, unknown, { account: string; region: string } | undefined];

/** Tests, for each case, that cdk-nag reports no unacknowledged finding and that every acknowledgement has one. */
export function itIsNagCleanWith(cases: NagCase[]): void {
  it.each(cases)('reports no unacknowledged error or warning with %s', (_, configInput, env) => {
    const { app, stack } = build(configInput, env);

    expectNagClean(app, stack);
  });

  it.each(cases)('acknowledges only findings that exist, each with a reason, with %s', (_, configInput, env) => {
    expectAcknowledgementsExact(build(configInput, env).stack, configInput, env);
  });
}
