/**
 * Routing: a channel's filter → the SNS subscription filter policy that
 * delivers it exactly the notifications it asked for. SNS does the fan-out;
 * there is no routing code at delivery time. Pure.
 *
 * Policies use the MessageAttributes scope and the attributes every
 * notification carries (lambda/deliver/compose.ts): service, project, kind,
 * eventType, severity. Fields of a filter are ANDed, the values of a field
 * ORed. The daily digest (eventType `digest`) reaches a channel only when
 * the channel has `digest: true`, whatever its filter says: a top-level
 * `$or` adds it to a filtered channel, an `anything-but` keeps it from an
 * unfiltered one.
 *
 * SNS limits (Amazon SNS Developer Guide, "Filter policy constraints"): at
 * most 5 attribute names, and at most 150 combinations of values (the
 * product of the lengths of the value lists). Vigil filters on 5 attributes
 * at most, so only the combinations can run over: {@link policyCombinations}
 * counts them and the config check refuses a filter above
 * {@link SNS_MAX_COMBINATIONS}. A `$or` is counted as the sum over its
 * branches; the digest branch has one value, so the count is never below
 * the product over the whole policy either way SNS reads it.
 */
import { type Channel, type ChannelFilter, SEVERITIES, type Severity } from './settings';

/** One accepted value, or every value but some. */
export type FilterCondition = string | { readonly 'anything-but': readonly string[] } | { readonly exists: boolean };

/** Attribute name → accepted values (ORed); the names are ANDed. */
export type AttributeConditions = Readonly<Record<string, readonly FilterCondition[]>>;

/** An SNS filter policy (MessageAttributes scope) as Vigil writes them. */
export type FilterPolicy = AttributeConditions | { readonly $or: readonly AttributeConditions[] };

/** SNS's limit on the combinations of values in one filter policy. */
export const SNS_MAX_COMBINATIONS = 150;

/** SNS's limit on the attribute names in one filter policy. */
export const SNS_MAX_ATTRIBUTE_NAMES = 5;

/** The eventType of the daily digest. */
export const DIGEST_EVENT_TYPE = 'digest';

/** `minSeverity` and every severity above it, lowest first. */
export function severitiesFrom(min: Severity): Severity[] {
  return SEVERITIES.slice(SEVERITIES.indexOf(min));
}

/** Each value once, in first-seen order. */
function distinct<T>(values: readonly T[]): T[] {
  return [...new Set(values)];
}

/**
 * The conditions a filter sets, in the attributes' order (service, project,
 * kind, eventType, severity). `minSeverity: info` sets none: every
 * notification is at least info.
 */
function conditionsOf(filter: ChannelFilter | undefined): Record<string, FilterCondition[]> {
  const conditions: Record<string, FilterCondition[]> = {};
  if (filter === undefined) return conditions;
  if (filter.services !== undefined) conditions.service = distinct(filter.services);
  if (filter.projects !== undefined) conditions.project = distinct(filter.projects);
  if (filter.kinds !== undefined) conditions.kind = distinct(filter.kinds);
  if (filter.eventTypes !== undefined) conditions.eventType = distinct(filter.eventTypes);
  if (filter.minSeverity !== undefined && filter.minSeverity !== 'info') {
    conditions.severity = severitiesFrom(filter.minSeverity);
  }
  return conditions;
}

/**
 * The filter policy of a channel's subscription, or undefined when the
 * channel takes every notification (no filter, digest on).
 *
 * - digest on, with a filter: `{ $or: [<filter>, { eventType: ['digest'] }] }`
 *   (a filter that lists `digest` among its event types keeps it only there);
 * - digest off, with a filter: the filter, plus `eventType: [{ anything-but:
 *   ['digest'] }]` when it sets no event type (the config refuses `digest`
 *   in the event types of such a channel);
 * - digest off, no filter: `{ eventType: [{ anything-but: ['digest'] }] }`;
 * - with `alarms`, one more alternative, `{ eventType: [{ exists: false }] }`:
 *   CloudWatch publishes alarms without message attributes, and SNS matches
 *   a condition on an attribute only when the message has it.
 */
export function filterPolicyFor(channel: Pick<Channel, 'digest' | 'filter' | 'alarms'>): FilterPolicy | undefined {
  const policy = notificationPolicy(channel);
  if (policy === undefined || channel.alarms !== true) return policy;
  return { $or: [...branchesOf(policy), ALARMS_BRANCH] };
}

/** Messages without Vigil's attributes: CloudWatch alarms (and anything else published to the topic by hand). */
const ALARMS_BRANCH: AttributeConditions = { eventType: [{ exists: false }] };

function notificationPolicy(channel: Pick<Channel, 'digest' | 'filter'>): FilterPolicy | undefined {
  const conditions = conditionsOf(channel.filter);
  if (!channel.digest) {
    if (conditions.eventType === undefined) conditions.eventType = [{ 'anything-but': [DIGEST_EVENT_TYPE] }];
    return reorder(conditions);
  }
  if (Object.keys(conditions).length === 0) return undefined;
  const digestOnly: AttributeConditions = { eventType: [DIGEST_EVENT_TYPE] };
  const eventTypes = conditions.eventType;
  if (eventTypes?.includes(DIGEST_EVENT_TYPE)) {
    const others = eventTypes.filter((type) => type !== DIGEST_EVENT_TYPE);
    // Only the digest was asked for: the other fields do not apply to it.
    if (others.length === 0) return digestOnly;
    conditions.eventType = others;
  }
  return { $or: [reorder(conditions), digestOnly] };
}

const ATTRIBUTE_ORDER = ['service', 'project', 'kind', 'eventType', 'severity'];

/** The conditions with their keys in the attributes' order (a stable, readable policy). */
function reorder(conditions: Record<string, FilterCondition[]>): AttributeConditions {
  return Object.fromEntries(
    ATTRIBUTE_ORDER.flatMap((name) => {
      const values = conditions[name];
      return values === undefined ? [] : [[name, values] as const];
    }),
  );
}

/** The branches of a policy: itself, or the members of its `$or`. */
function branchesOf(policy: FilterPolicy): readonly AttributeConditions[] {
  return isOr(policy) ? policy.$or : [policy];
}

function isOr(policy: FilterPolicy): policy is { readonly $or: readonly AttributeConditions[] } {
  return Array.isArray((policy as { readonly $or?: unknown }).$or);
}

/**
 * SNS's measure of a policy's complexity: the product of the lengths of its
 * value lists, summed over the branches of a `$or`.
 */
export function policyCombinations(policy: FilterPolicy): number {
  return branchesOf(policy)
    .map((branch) => Object.values(branch).reduce((product, values) => product * values.length, 1))
    .reduce((sum, combinations) => sum + combinations, 0);
}

/** The attribute names a policy matches on, each once. */
export function policyAttributeNames(policy: FilterPolicy): string[] {
  return distinct(branchesOf(policy).flatMap((branch) => Object.keys(branch)));
}
