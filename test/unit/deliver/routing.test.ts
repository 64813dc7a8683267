import {
  type FilterPolicy,
  filterPolicyFor,
  policyAttributeNames,
  policyCombinations,
  SNS_MAX_ATTRIBUTE_NAMES,
  severitiesFrom,
} from '../../../lambda/config/channel-routing';
import {
  CHANNEL_EVENT_TYPES,
  CHANNEL_KINDS,
  type Channel,
  type ChannelEventType,
  type ChannelFilter,
  NOTICE_TYPES,
} from '../../../lambda/config/settings';
import type { Kind } from '../../../lambda/core/observation';
import type { NoticeType } from '../../../lambda/deliver/rules';

/** True when A and B have the same members (checked by the compiler, `npx tsc --noEmit`). */
type SameMembers<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

const slack = (filter: ChannelFilter | undefined, digest = false): Channel => ({
  name: 'c',
  type: 'slack',
  digest,
  ...(filter === undefined ? {} : { filter }),
});

describe('filterPolicyFor', () => {
  it.each<[string, Channel, FilterPolicy | undefined]>([
    ['nothing for a channel that takes everything, digest included', slack(undefined, true), undefined],
    [
      'everything but the digest for a channel without filter and digest off',
      slack(undefined, false),
      { eventType: [{ 'anything-but': ['digest'] }] },
    ],
    [
      'the README policy for failures of checkout-app to Slack #mobile-ci (digest off)',
      {
        name: 'mobile-ci',
        type: 'slack',
        digest: false,
        filter: { projects: ['checkout-app'], eventTypes: ['run-finished', 'jobs-finished'], minSeverity: 'error' },
      },
      { project: ['checkout-app'], eventType: ['run-finished', 'jobs-finished'], severity: ['error'] },
    ],
    [
      'the README policy for budget alerts to finance@ (email: digest on by default)',
      { name: 'finance', type: 'email', address: 'finance@example.com', digest: true, filter: { kinds: ['budget'] } },
      { $or: [{ kind: ['budget'] }, { eventType: ['digest'] }] },
    ],
    [
      'budget alerts only, digest off',
      slack({ kinds: ['budget'] }, false),
      { kind: ['budget'], eventType: [{ 'anything-but': ['digest'] }] },
    ],
    [
      'every field, in the attributes order, with the digest as an alternative',
      slack(
        {
          minSeverity: 'warning',
          eventTypes: ['deadline-job'],
          kinds: ['deadline-job'],
          projects: ['render-queue'],
          services: ['deadline'],
        },
        true,
      ),
      {
        $or: [
          {
            service: ['deadline'],
            project: ['render-queue'],
            kind: ['deadline-job'],
            eventType: ['deadline-job'],
            severity: ['warning', 'error'],
          },
          { eventType: ['digest'] },
        ],
      },
    ],
    [
      'no severity condition for minSeverity info (every notification is at least info)',
      slack({ services: ['devicefarm'], minSeverity: 'info' }, false),
      { service: ['devicefarm'], eventType: [{ 'anything-but': ['digest'] }] },
    ],
    [
      'only the severity condition for minSeverity alone, digest off',
      slack({ minSeverity: 'error' }, false),
      { eventType: [{ 'anything-but': ['digest'] }], severity: ['error'] },
    ],
    [
      'the event types as listed and no anything-but when the filter names event types (digest off)',
      slack({ eventTypes: ['guard', 'test'] }, false),
      { eventType: ['guard', 'test'] },
    ],
    [
      'digest moved to its own branch when listed with other event types (digest on)',
      slack({ projects: ['checkout-app'], eventTypes: ['run-finished', 'digest'] }, true),
      { $or: [{ project: ['checkout-app'], eventType: ['run-finished'] }, { eventType: ['digest'] }] },
    ],
    [
      'the digest alone when it is the only event type asked for (the other fields do not apply to it)',
      slack({ projects: ['checkout-app'], eventTypes: ['digest'] }, true),
      { eventType: ['digest'] },
    ],
    [
      'each value once when the config repeats one',
      slack({ projects: ['a', 'b', 'a'], services: ['devicefarm', 'devicefarm'] }, false),
      { service: ['devicefarm'], project: ['a', 'b'], eventType: [{ 'anything-but': ['digest'] }] },
    ],
    [
      'every notification but the digest, or a message without attributes (an alarm), for a channel without filter',
      { ...slack(undefined, false), alarms: true },
      { $or: [{ eventType: [{ 'anything-but': ['digest'] }] }, { eventType: [{ exists: false }] }] },
    ],
    [
      'nothing for a channel that takes everything, alarms included',
      { ...slack(undefined, true), alarms: true },
      undefined,
    ],
    [
      'the alarms as one more alternative of a filter with the digest',
      { ...slack({ projects: ['checkout-app'] }, true), alarms: true },
      {
        $or: [{ project: ['checkout-app'] }, { eventType: ['digest'] }, { eventType: [{ exists: false }] }],
      },
    ],
  ])('returns %s', (_case, channel, expected) => {
    expect(filterPolicyFor(channel)).toEqual(expected);
  });

  it('writes the keys in the attributes order, whatever the order of the filter', () => {
    const policy = filterPolicyFor(
      slack({ minSeverity: 'error', kinds: ['run'], projects: ['p'], services: ['devicefarm'] }, false),
    );

    expect(Object.keys(policy ?? {})).toEqual(['service', 'project', 'kind', 'eventType', 'severity']);
  });

  it('stays within SNS limits for the widest filter a channel can set', () => {
    const widest = slack(
      {
        services: ['devicefarm', 'deadline'],
        projects: ['p'],
        kinds: [...CHANNEL_KINDS],
        eventTypes: ['run-finished', 'jobs-finished', 'guard'],
        minSeverity: 'warning',
      },
      true,
    );
    const policy = filterPolicyFor(widest);
    if (policy === undefined) throw new Error('expected a policy');

    expect(policyAttributeNames(policy)).toEqual(['service', 'project', 'kind', 'eventType', 'severity']);
    expect(policyAttributeNames(policy).length).toBeLessThanOrEqual(SNS_MAX_ATTRIBUTE_NAMES);
    // 2 × 1 × 7 × 3 × 2, plus the digest branch.
    expect(policyCombinations(policy)).toBe(85);
  });
});

describe('policyCombinations', () => {
  it.each<[string, FilterPolicy, number]>([
    ['one value', { eventType: ['digest'] }, 1],
    ['the product of the value lists', { project: ['a', 'b', 'c'], severity: ['warning', 'error'] }, 6],
    ['an anything-but as one value', { kind: ['run', 'job'], eventType: [{ 'anything-but': ['digest'] }] }, 2],
    [
      'the sum over the branches of a $or',
      { $or: [{ project: ['a', 'b', 'c'], severity: ['warning', 'error'] }, { eventType: ['digest'] }] },
      7,
    ],
  ])('counts %s', (_case, policy, expected) => {
    expect(policyCombinations(policy)).toBe(expected);
  });
});

describe('severitiesFrom', () => {
  it.each([
    ['info', ['info', 'warning', 'error']],
    ['warning', ['warning', 'error']],
    ['error', ['error']],
  ] as const)('returns %s and above', (min, expected) => {
    expect(severitiesFrom(min)).toEqual(expected);
  });
});

describe('the event types and kinds a filter accepts', () => {
  it('are exactly the notice types (the digest included) plus test, and every resource kind plus budget', () => {
    const noticeTypesMatch: SameMembers<(typeof NOTICE_TYPES)[number], NoticeType> = true;
    const eventTypesMatch: SameMembers<ChannelEventType, NoticeType | 'digest' | 'test'> = true;
    const kindsCovered: SameMembers<Exclude<Kind, (typeof CHANNEL_KINDS)[number]>, never> = true;

    expect(noticeTypesMatch && eventTypesMatch && kindsCovered).toBe(true);
    expect(CHANNEL_EVENT_TYPES).toEqual([...NOTICE_TYPES, 'test']);
    expect(NOTICE_TYPES).toContain('digest');
    expect(new Set(CHANNEL_EVENT_TYPES).size).toBe(CHANNEL_EVENT_TYPES.length);
  });
});
