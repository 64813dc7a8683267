import type { Counters, DeviceRef, Minutes } from '../../../lambda/core/observation';
import {
  consoleLink,
  describeCounters,
  describeDevice,
  describeMinutes,
  formatMinutes,
  worstResult,
} from '../../../lambda/deliver/format';
import { gridSessionArn, jobArn, projectArn, runArn, sessionArn } from '../../support/arns';
import { counters } from '../../support/builders';

describe('describeMinutes', () => {
  it.each<[string, Minutes | undefined, string | undefined]>([
    ['nothing when there are no minutes', undefined, undefined],
    ['nothing when no meter is present', {}, undefined],
    ['one figure when all minutes are metered', { total: 25.3, metered: 25.3, unmetered: 0 }, '25.3 min (metered)'],
    ['one figure when all minutes are unmetered', { total: 10, metered: 0, unmetered: 10 }, '10 min (unmetered)'],
    [
      'both meters when both were used',
      { total: 10, metered: 6, unmetered: 4 },
      '10 min (metered 6 min, unmetered 4 min)',
    ],
    ['the total alone when only the total is known', { total: 5 }, '5 min'],
    ['one decimal, rounded', { total: 1.25, metered: 1.25 }, '1.3 min (metered)'],
    ['billed minutes of a test grid session', { billing: 3 }, '3 min billed'],
    ['the metered figure when the total is missing', { metered: 4.56 }, 'metered 4.6 min'],
  ])('says %s', (_case, minutes, expected) => {
    expect(describeMinutes(minutes)).toBe(expected);
  });

  it('formats minutes to one decimal', () => {
    expect(formatMinutes(18.46)).toBe('18.5 min');
  });
});

describe('describeCounters', () => {
  it.each<[string, Counters | undefined, string | undefined]>([
    ['nothing when there are no counters', undefined, undefined],
    ['"0 tests" when there were none', counters(), '0 tests'],
    ['the singular for one test', counters({ total: 1, passed: 1 }), '1 test: 1 passed'],
    ['non-zero outcomes only', counters({ total: 10, passed: 8, failed: 2 }), '10 tests: 8 passed, 2 failed'],
    [
      'every outcome in a fixed order',
      counters({ total: 21, passed: 1, failed: 2, errored: 3, warned: 4, stopped: 5, skipped: 6 }),
      '21 tests: 1 passed, 2 failed, 3 errored, 4 warned, 5 stopped, 6 skipped',
    ],
  ])('says %s', (_case, value, expected) => {
    expect(describeCounters(value)).toBe(expected);
  });
});

describe('describeDevice', () => {
  it.each<[string, DeviceRef | undefined, string | undefined]>([
    ['nothing when there is no device', undefined, undefined],
    [
      'nothing when the device has no name',
      { arn: 'arn:aws:devicefarm:us-west-2::device:X', platform: 'ANDROID' },
      undefined,
    ],
    ['name, platform and OS', { name: 'Google Pixel 8', platform: 'ANDROID', os: '14' }, 'Google Pixel 8 (ANDROID 14)'],
    ['name and platform', { name: 'iPhone 15', platform: 'IOS' }, 'iPhone 15 (IOS)'],
    ['the name alone', { name: 'iPhone 15' }, 'iPhone 15'],
  ])('says %s', (_case, device, expected) => {
    expect(describeDevice(device)).toBe(expected);
  });
});

describe('worstResult', () => {
  it.each<[(string | undefined)[], string | undefined]>([
    [[], undefined],
    [[undefined], undefined],
    [['PASSED', 'FAILED'], 'FAILED'],
    [['FAILED', 'ERRORED'], 'ERRORED'],
    [['WARNED', 'STOPPED'], 'STOPPED'],
    [['PASSED', 'WARNED'], 'WARNED'],
    [['PENDING', 'PASSED'], 'PASSED'],
    [['SKIPPED', undefined], 'SKIPPED'],
    [['ERRORED', 'FLAKY'], 'FLAKY'],
  ])('picks the worst of %j as %s', (results, expected) => {
    expect(worstResult(results)).toBe(expected);
  });
});

describe('consoleLink', () => {
  const base =
    'https://us-west-2.console.aws.amazon.com/devicefarm/home?region=us-west-2#/mobile/projects/p-app/runs/r-nightly';

  it('links the run page when given a run ARN', () => {
    expect(consoleLink(runArn())).toBe(base);
  });

  it('links the job page when given a job ARN', () => {
    expect(consoleLink(jobArn('00003'))).toBe(`${base}/jobs/00003`);
  });

  it('links a remote access session to its page in its project', () => {
    const [, project, session] = /:session:([^/]+)\/([^/]+)/.exec(sessionArn()) ?? [];

    expect(consoleLink(sessionArn())).toBe(
      `https://us-west-2.console.aws.amazon.com/devicefarm/home?region=us-west-2#/mobile/projects/${project}/sessions/${session}`,
    );
  });

  it.each([
    ['a project ARN', projectArn()],
    ['a test grid session ARN', gridSessionArn()],
    ['a run ARN of another service', 'arn:aws:deadline:us-west-2:123456789012:run:p-app/r-nightly'],
    ['text that is not an ARN', 'nightly'],
  ])('returns undefined when given %s', (_case, arn) => {
    expect(consoleLink(arn)).toBeUndefined();
  });
});
