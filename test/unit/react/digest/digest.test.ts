import { DEFAULT_SETTINGS } from '../../../../lambda/config/settings';
import { compose } from '../../../../lambda/deliver/compose';
import { planNotices } from '../../../../lambda/deliver/rules';
import { buildDigest } from '../../../../lambda/react/digest/build';
import { yesterday } from '../../../../lambda/react/digest/write';
import type { DigestEvent } from '../../../../lambda/record/vigil-event';
import { changeEvent, jobFinished, runFinished } from '../../support/builders';
import { minutesChange } from '../../support/reactor-builders';

const PIXEL = { name: 'Google Pixel 8', platform: 'ANDROID', os: '14' };
const MOTO = { name: 'Motorola Edge 40', platform: 'ANDROID', os: '13' };

describe('buildDigest', () => {
  it('counts finished runs, jobs by result, failing devices and metered minutes, leaving out baseline and unfinished', () => {
    const events = [
      runFinished('FAILED'),
      runFinished('PASSED', { arn: 'arn:aws:devicefarm:us-west-2:1:run:p/r2', name: 'r2' }),
      jobFinished('00000', 'FAILED', 'nightly', { device: MOTO }),
      minutesChange('remote-access-session', { before: { total: 1, metered: 1 }, after: { total: 5, metered: 5 } }),
      minutesChange('job', { after: { total: 2, unmetered: 2 }, state: { result: 'PASSED' } }),
      jobFinished('00001', 'ERRORED', 'nightly', { device: MOTO }),
      jobFinished('00002', 'FAILED', 'nightly', { device: PIXEL }),
      jobFinished('00003', 'PASSED', 'nightly', { device: PIXEL }),
      changeEvent('run', { to: { status: 'COMPLETED', result: 'PASSED' }, baseline: true }),
      changeEvent('run', { from: { status: 'PENDING' }, to: { status: 'RUNNING' } }),
    ];

    const digest = buildDigest('2026-11-21', events, { budgets: [], overLimit: [] });

    expect(digest).toEqual({
      date: '2026-11-21',
      runsByResult: { FAILED: 1, PASSED: 1 },
      jobsByResult: { FAILED: 2, ERRORED: 1, PASSED: 2 },
      sessionsFinished: 0,
      meteredMinutes: 4, // 5 − 1 of the session; unmetered minutes are not metered
      minutes: {
        metered: 4,
        unmetered: 2,
        testGrid: 0,
        currency: 'USD',
        meteredCost: 0.68, // 4 × 0.17 USD
        testGridCost: 0,
      },
      deadlineJobsByStatus: {},
      failingDevices: [
        { device: 'Motorola Edge 40', jobs: 2 },
        { device: 'Google Pixel 8', jobs: 1 },
      ],
      budgets: [],
      overLimit: [],
    });
  });

  it('makes the digest for the UTC day before now', () => {
    expect(yesterday(new Date('2026-11-22T07:00:00Z'))).toBe('2026-11-21');
    expect(yesterday(new Date('2026-03-01T00:30:00Z'))).toBe('2026-02-28');
  });
});

describe('the digest message', () => {
  it('reads section by section and names what runs past its limit', () => {
    const event: DigestEvent = {
      eventId: 'vigil:digest/2026-11-21',
      eventType: 'digest',
      service: 'devicefarm',
      arn: 'vigil:digest/2026-11-21',
      name: 'Daily digest 2026-11-21',
      at: '2026-11-22T07:00:00.000Z',
      digest: {
        date: '2026-11-21',
        runsByResult: { FAILED: 2, PASSED: 10 },
        jobsByResult: { FAILED: 5, PASSED: 91 },
        sessionsFinished: 3,
        meteredMinutes: 412.5,
        deadlineJobsByStatus: { SUCCEEDED: 4, FAILED: 1 },
        failingDevices: [{ device: 'OnePlus 11', jobs: 3 }],
        budgets: [{ name: 'monthly-metered', period: '2026-11', usedMinutes: 812.4, limitMinutes: 1000 }],
        overLimit: [
          { arn: 'arn:aws:devicefarm:us-west-2:1:session:p/s/00000', name: 'forgotten', minutes: 95, limitMinutes: 60 },
        ],
      },
    };
    const [notice] = planNotices([event], DEFAULT_SETTINGS.rules);

    const message = compose(notice as NonNullable<typeof notice>);

    expect(message.subject).toBe('Vigil digest 2026-11-21: 12 runs, 2 not passed, 1 over limit');
    expect(message.attributes).toEqual({
      service: 'devicefarm',
      kind: 'digest',
      eventType: 'digest',
      severity: 'info',
      project: 'all',
    });
    expect(message.text).toBe(
      [
        'Vigil daily digest for 2026-11-21 (UTC)',
        '',
        'Device Farm',
        '  Runs finished   12 — FAILED 2, PASSED 10',
        '  Jobs finished   96 — FAILED 5, PASSED 91',
        '  Sessions ended  3 remote access, 412.5 metered job and session minutes',
        '  Most failing devices: OnePlus 11 (3)',
        '',
        'Deadline Cloud',
        '  Jobs finished   5 — FAILED 1, SUCCEEDED 4',
        '',
        'Budgets',
        '  monthly-metered  2026-11  812.4 of 1000 min (81.2%)',
        '',
        'Still running past a limit',
        '  forgotten: 95 of 60 min  arn:aws:devicefarm:us-west-2:1:session:p/s/00000',
        '',
        'Made 2026-11-22T07:00:00.000Z by Vigil (event vigil:digest/2026-11-21).',
        'To stop the digest, set digest.enabled to false in vigil.config.json.',
      ].join('\n'),
    );
  });
});
