import { DEFAULT_SETTINGS } from '../../../lambda/config/settings';
import { compose, type Notification } from '../../../lambda/deliver/compose';
import { planNotices } from '../../../lambda/deliver/rules';
import type { BudgetEvent, GuardEvent, VigilEvent } from '../../../lambda/record/vigil-event';
import { sessionArn } from '../../support/arns';
import { budgetEvent, guardEvent } from '../../support/reactor-builders';

const ID = 'vigil:budget/monthly-metered/2026-11';
const ARN = sessionArn();
const PROJECT_ARN = 'arn:aws:devicefarm:us-west-2:123456789012:project:p-app';

/** The one notification the notifier sends for `event`: planned by the rules, then composed. */
function notify(event: VigilEvent): Notification {
  const notices = planNotices([event], DEFAULT_SETTINGS.rules);
  expect(notices.map((n) => [n.type, n.covers.map((c) => c.eventId)])).toEqual([[event.eventType, [event.eventId]]]);
  const [notice] = notices;
  if (notice === undefined) throw new Error('no notice planned');
  return compose(notice);
}

const threshold = (percent: number, usedMinutes: number): BudgetEvent =>
  budgetEvent({ eventId: `${ID}#threshold-${percent}`, thresholdPercent: percent, usedMinutes });

/** 28.4 min in 9 days of a 90-minute November: 94.7 by the end, 90 reached after 28.5 days. */
const forecast = (): BudgetEvent =>
  budgetEvent({
    eventId: `${ID}#forecast`,
    eventType: 'budget-forecast',
    thresholdPercent: undefined,
    budget: { ...budgetEvent().budget, limitMinutes: 90 },
    usedMinutes: 28.4,
    forecast: {
      at: '2026-11-29T12:30:25.352Z',
      projectedMinutes: 94.7,
      basedOn: { usedMinutes: 28.4, elapsedDays: 9, usageDays: 3 },
    },
  });

/** The first poll found 90 of 100 minutes used: the announcement of the highest threshold passed, 80%. */
const atFirstLook = (): BudgetEvent =>
  budgetEvent({
    budget: { ...budgetEvent().budget, limitMinutes: 100 },
    usedMinutes: 90,
    thresholdPercent: 80,
    baseline: true,
    causedBy: { eventId: `${ARN}@1`, arn: ARN, name: 'debug checkout', minutes: 30 },
  });

describe('budget messages', () => {
  it('writes the full text of an 80% threshold alert', () => {
    // Act
    const { subject, text } = notify(threshold(80, 812.5));

    // Assert
    expect(subject).toBe('80%: budget monthly-metered at 812.5 of 1,000 min');
    expect(text).toBe(
      [
        'Budget monthly-metered crossed 80% of its limit: 812.5 of 1,000 metered device minutes used in period 2026-11 (138.13 USD of 170.00 USD at 0.17 USD a minute).',
        '',
        'Budget       monthly-metered',
        'Meter        deviceMinutes.metered (metered device minutes)',
        'Period       2026-11 (2026-11-01T00:00:00.000Z to 2026-12-01T00:00:00.000Z, UTC)',
        'Used         812.5 min (81.3%), 138.13 USD',
        'Limit        1,000 min, 170.00 USD at 0.17 USD a minute',
        'Threshold    80%',
        `Last change  42.4 min (7.21 USD) from debug checkout (${ARN})`,
        '',
        `Observed 2026-11-21T08:00:00.000Z by Vigil (event ${ID}#threshold-80).`,
        'To stop messages like this one, change the thresholds of budget monthly-metered in vigil.config.json.',
      ].join('\n'),
    );
  });

  it('writes the full text of a forecast alert with the projected date and what it is based on', () => {
    const { subject, text } = notify(forecast());

    expect(subject).toBe('FORECAST: budget monthly-metered projected to pass 90 min on 2026-11-29');
    expect(text).toBe(
      [
        'At its rate so far (28.4 min in 9 days), budget monthly-metered will use its 90 metered device minutes (15.30 USD) on 2026-11-29T12:30:25.352Z (period 2026-11), before the period ends.',
        '',
        'Budget       monthly-metered',
        'Meter        deviceMinutes.metered (metered device minutes)',
        'Period       2026-11 (2026-11-01T00:00:00.000Z to 2026-12-01T00:00:00.000Z, UTC)',
        'Used         28.4 min (31.6%), 4.83 USD',
        'Limit        90 min, 15.30 USD at 0.17 USD a minute',
        'Forecast     94.7 min (16.10 USD) by period end, projected from 28.4 min in 9 days',
        `Last change  42.4 min (7.21 USD) from debug checkout (${ARN})`,
        '',
        `Observed 2026-11-21T08:00:00.000Z by Vigil (event ${ID}#forecast).`,
        'To stop messages like this one, change the thresholds of budget monthly-metered in vigil.config.json.',
      ].join('\n'),
    );
  });

  it('writes a forecast recorded before its basis was kept without one', () => {
    const old = budgetEvent({
      ...forecast(),
      forecast: { at: '2026-11-29T12:30:25.352Z', projectedMinutes: 94.7 },
    });

    const { text } = notify(old);

    expect(text.split('\n')[0]).toBe(
      'At its rate so far, budget monthly-metered will use its 90 metered device minutes (15.30 USD) on 2026-11-29T12:30:25.352Z (period 2026-11), before the period ends.',
    );
    expect(text).toContain('\nForecast     94.7 min (16.10 USD) by period end\n');
  });

  it('says the budget was already past the threshold when Vigil first looked, for a baseline announcement', () => {
    const { subject, text } = notify(atFirstLook());

    expect(subject).toBe('80%: budget monthly-metered already at 90 of 100 min when Vigil first looked');
    expect(text).toBe(
      [
        'Budget monthly-metered was already at 90% of its limit when Vigil first looked, past its 80% threshold: 90 of 100 metered device minutes used in period 2026-11 (15.30 USD of 17.00 USD at 0.17 USD a minute).',
        '',
        'Budget       monthly-metered',
        'Meter        deviceMinutes.metered (metered device minutes)',
        'Period       2026-11 (2026-11-01T00:00:00.000Z to 2026-12-01T00:00:00.000Z, UTC)',
        'Used         90 min (90%), 15.30 USD',
        'Limit        100 min, 17.00 USD at 0.17 USD a minute',
        "Threshold    80% (already passed at Vigil's first poll)",
        `Last change  30 min (5.10 USD) from debug checkout (${ARN})`,
        '',
        `Observed 2026-11-21T08:00:00.000Z by Vigil (event ${ID}#threshold-80).`,
        'To stop messages like this one, change the thresholds of budget monthly-metered in vigil.config.json.',
      ].join('\n'),
    );
  });

  it.each([
    ['50%', threshold(50, 512), '50%: budget monthly-metered at 512 of 1,000 min', 'info'],
    ['80%', threshold(80, 812.5), '80%: budget monthly-metered at 812.5 of 1,000 min', 'warning'],
    ['100%', threshold(100, 1003.45), '100%: budget monthly-metered at 1,003.5 of 1,000 min', 'error'],
    ['a forecast', forecast(), 'FORECAST: budget monthly-metered projected to pass 90 min on 2026-11-29', 'warning'],
    [
      'a baseline announcement',
      atFirstLook(),
      '80%: budget monthly-metered already at 90 of 100 min when Vigil first looked',
      'warning',
    ],
  ])('gives %s the exact subject and attributes', (_case, event, subject, severity) => {
    // Act
    const message = notify(event);

    // Assert
    expect(message.subject).toBe(subject);
    expect(message.attributes).toEqual({
      service: 'devicefarm',
      kind: 'budget',
      eventType: event.eventType,
      severity,
      project: 'monthly-metered',
    });
  });

  it('gives programs the budget’s facts and the event id', () => {
    const { document } = notify(threshold(80, 812.5));

    expect(document).toEqual({
      source: 'vigil',
      version: 1,
      eventType: 'budget-threshold',
      severity: 'warning',
      subject: '80%: budget monthly-metered at 812.5 of 1,000 min',
      service: 'devicefarm',
      jobs: [],
      budget: {
        name: 'monthly-metered',
        meter: 'deviceMinutes.metered',
        period: { key: '2026-11', start: '2026-11-01T00:00:00.000Z', end: '2026-12-01T00:00:00.000Z' },
        usedMinutes: 812.5,
        limitMinutes: 1000,
        usedPercent: 81.3,
        thresholdPercent: 80,
        cost: { used: 138.13, limit: 170, perMinute: 0.17, currency: 'USD', setInMoney: false },
      },
      eventIds: [`${ID}#threshold-80`],
      observedAt: '2026-11-21T08:00:00.000Z',
    });
  });
});

describe('budget messages in money', () => {
  /** A budget of 100 USD of metered minutes: 588.2 minutes at the list price. */
  const spend = (overrides: Partial<BudgetEvent> = {}): BudgetEvent =>
    budgetEvent({
      eventId: `${ID}#threshold-50`,
      thresholdPercent: 50,
      usedMinutes: 294.2,
      budget: { ...budgetEvent().budget, limitMinutes: 100 / 0.17, limitUsd: 100 },
      ...overrides,
    });

  it('names a budget set in money by its money in the subject, with the minutes in the text', () => {
    const { subject, text } = notify(spend());

    expect(subject).toBe('50%: budget monthly-metered at 50.01 of 100.00 USD');
    expect(text.split('\n').slice(0, 1)).toEqual([
      'Budget monthly-metered crossed 50% of its limit: 294.2 of 588.2 metered device minutes used in period 2026-11 (50.01 USD of 100.00 USD at 0.17 USD a minute).',
    ]);
    expect(text).toContain('\nUsed         294.2 min (50%), 50.01 USD\n');
    expect(text).toContain('\nLimit        100.00 USD (limitUsd), 588.2 min at 0.17 USD a minute\n');
  });

  it('says the currency the prices are in, when they are not USD', () => {
    const inEuros = spend({
      budget: { ...spend().budget, limitMinutes: 100 / 0.15, price: { perMinute: 0.15, currency: 'EUR' } },
      usedMinutes: 333.4,
    });

    const { subject, text, document } = notify(inEuros);

    expect(subject).toBe('50%: budget monthly-metered at 50.01 of 100.00 EUR');
    expect(text).toContain('\nUsed         333.4 min (50%), 50.01 EUR\n');
    expect(text).toContain('\nLimit        100.00 EUR (limitUsd), 666.7 min at 0.15 EUR a minute\n');
    expect(text).not.toContain('USD');
    expect(document.budget?.cost).toEqual({
      used: 50.01,
      limit: 100,
      perMinute: 0.15,
      currency: 'EUR',
      setInMoney: true,
    });
  });

  it('shows minutes only for an event written before prices were recorded', () => {
    const { budget } = budgetEvent();
    const { price: _price, ...withoutPrice } = budget;

    const { subject, text, document } = notify(threshold(80, 812.5));
    const old = notify(budgetEvent({ budget: withoutPrice }));

    expect(subject).toBe(old.subject);
    expect(text).toContain('USD');
    expect(old.text).not.toContain('USD');
    expect(old.text).toContain('\nLimit        1,000 min\n');
    expect(document.budget?.cost).toBeDefined();
    expect(old.document.budget?.cost).toBeUndefined();
  });
});

describe('guard messages', () => {
  it('writes the full text of a stop', () => {
    // Act
    const { subject, text } = notify(guardEvent());

    // Assert
    expect(subject).toBe('STOPPED: remote access session debug checkout (30.2 min of 30 min)');
    expect(text).toBe(
      [
        'Device Farm remote access session debug checkout reached its 30 min limit after 30.2 min; Vigil stopped it.',
        '',
        'Session  debug checkout',
        `ARN      ${ARN}`,
        `Project  Shop App (${PROJECT_ARN})`,
        'Device   Google Pixel 8 (ANDROID 14)',
        'Status   RUNNING',
        'Started  2026-11-21T07:29:48.000Z',
        'Ran      30.2 min',
        'Limit    30 min (session)',
        '',
        `Observed 2026-11-21T08:00:00.000Z by Vigil (event ${ARN}#guard-stop).`,
        'To stop messages like this one, change the guard section in vigil.config.json.',
      ].join('\n'),
    );
  });

  it('tells the reader how to stop a session it only warns about', () => {
    const { text } = notify(guardEvent({ action: 'warning', minutes: 24.5, limitSource: 'project' }));

    expect(text.split('\n').slice(0, 2)).toEqual([
      'Device Farm remote access session debug checkout has run 24.5 min of its 30 min limit.',
      '',
    ]);
    expect(text).toContain('\nLimit    30 min (project)\n');
    expect(text).toContain(`\nStop it  npx vigil session stop ${ARN}\n`);
  });

  it.each<[GuardEvent['action'], Partial<GuardEvent>, string, string]>([
    ['warning', { minutes: 24.5 }, 'LIMIT SOON: remote access session debug checkout (24.5 min of 30 min)', 'warning'],
    ['stop', {}, 'STOPPED: remote access session debug checkout (30.2 min of 30 min)', 'error'],
    ['would-stop', {}, 'DRY RUN: remote access session debug checkout (30.2 min of 30 min)', 'error'],
    ['over-limit', {}, 'OVER LIMIT: remote access session debug checkout (30.2 min of 30 min)', 'error'],
    [
      'hard-limit-warning',
      { minutes: 121, limitMinutes: 150, limitSource: 'hard-limit' },
      'NEAR 150 MIN: remote access session debug checkout (121 min of 150 min)',
      'warning',
    ],
    [
      'stopped-by-user',
      { minutes: 12.5, limitMinutes: undefined, limitSource: undefined, by: 'alice' },
      'STOPPED: remote access session debug checkout (12.5 min)',
      'error',
    ],
  ])('gives a %s the exact subject and attributes', (action, overrides, subject, severity) => {
    // Act
    const message = notify(guardEvent({ action, ...overrides }));

    // Assert
    expect(message.subject).toBe(subject);
    expect(message.attributes).toEqual({
      service: 'devicefarm',
      kind: 'remote-access-session',
      eventType: 'guard',
      severity,
      project: 'Shop App',
    });
    expect(message.document.guard?.action).toBe(action);
    expect(message.document.eventIds).toEqual([`${ARN}#guard-${action}`]);
  });
});
