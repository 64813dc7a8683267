/**
 * The words of what the reactors derived: budget threshold crossings and
 * forecasts (named by budget, with the percentage, minutes used and the
 * limit), and session guard actions (what the guard did and why).
 */
import { costOf, formatMoney, formatRate } from '../core/money';
import { SERVICE_NAMES } from '../core/observation';
import type { BudgetEvent, GuardEvent } from '../record/vigil-event';
import { describeDevice, describeMinutes, formatMinutes, projectAttribute, table } from './format';
import type { BudgetFacts, Notification, NotificationDocument, Severity } from './notification';
import type { BudgetNotice, GuardNotice } from './rules';
import { named, subject as subjectOf } from './subject';

/** "1,234.5" with a thousands separator: budgets run to thousands of minutes. */
function minutesNumber(value: number): string {
  return (Math.round(value * 10) / 10).toLocaleString('en-US', { maximumFractionDigits: 1 });
}

function percentOf(used: number, limit: number): number {
  return Math.round((used / limit) * 1000) / 10;
}

const METER_WORDS: Record<string, string> = {
  'deviceMinutes.metered': 'metered device minutes',
  billingMinutes: 'test grid billing minutes',
};

function render(
  lines: { headline: string; rows: [string, string | undefined][]; extra?: string[] },
  footer: { at: string; eventId: string; mute: string },
): string {
  return [
    lines.headline,
    '',
    ...table(lines.rows),
    ...(lines.extra ?? []),
    '',
    `Observed ${footer.at} by Vigil (event ${footer.eventId}).`,
    `To stop messages like this one, ${footer.mute} in vigil.config.json.`,
  ].join('\n');
}

/** The budget's usage and limit in money, when its event carries the meter's price (events before it did not). */
export function budgetCost(e: BudgetEvent): BudgetFacts['cost'] {
  const price = e.budget.price;
  if (price === undefined) return undefined;
  const round2 = (amount: number) => Math.round(amount * 100) / 100;
  return {
    used: round2(costOf(e.usedMinutes, price.perMinute)),
    limit: e.budget.limitUsd ?? round2(costOf(e.budget.limitMinutes, price.perMinute)),
    perMinute: price.perMinute,
    currency: price.currency,
    setInMoney: e.budget.limitUsd !== undefined,
  };
}

function budgetFacts(e: BudgetEvent): BudgetFacts {
  const cost = budgetCost(e);
  return {
    name: e.budget.name,
    meter: e.budget.meter,
    period: e.period,
    usedMinutes: e.usedMinutes,
    limitMinutes: e.budget.limitMinutes,
    usedPercent: percentOf(e.usedMinutes, e.budget.limitMinutes),
    ...(e.thresholdPercent === undefined ? {} : { thresholdPercent: e.thresholdPercent }),
    ...(e.forecast === undefined ? {} : { forecast: e.forecast }),
    ...(cost === undefined ? {} : { cost }),
  };
}

/** "28.4 min in 9 days": what a forecast's projection rests on (minutes used, days of the period elapsed). */
function forecastBasis(basedOn: NonNullable<BudgetEvent['forecast']>['basedOn']): string | undefined {
  if (basedOn === undefined) return undefined;
  const days = basedOn.elapsedDays;
  return `${minutesNumber(basedOn.usedMinutes)} min in ${minutesNumber(days)} day${days === 1 ? '' : 's'}`;
}

/**
 * A budget crossed a threshold (or was already past it when Vigil first
 * looked: a baseline announcement), or is forecast to pass its limit.
 */
export function composeBudget(notice: BudgetNotice): Notification {
  const e = notice.subject;
  const meter = METER_WORDS[e.budget.meter] ?? e.budget.meter;
  const used = minutesNumber(e.usedMinutes);
  const limit = minutesNumber(e.budget.limitMinutes);
  const percent = percentOf(e.usedMinutes, e.budget.limitMinutes);
  const isForecast = notice.type === 'budget-forecast';
  const atFirstLook = !isForecast && e.baseline === true;
  const threshold = e.thresholdPercent ?? 0;
  const severity: Severity = isForecast ? 'warning' : threshold >= 100 ? 'error' : threshold >= 80 ? 'warning' : 'info';
  const basis = forecastBasis(e.forecast?.basedOn);
  const cost = budgetCost(e);
  const money = (amount: number) => formatMoney(amount, cost?.currency ?? '');
  // A budget set in money is named by money in its subject; one set in minutes keeps its minutes there.
  const inMoney = cost?.setInMoney === true;
  const usedShown = inMoney && cost ? money(cost.used).slice(0, -(cost.currency.length + 1)) : used;
  const limitShown = inMoney && cost ? money(cost.limit) : `${limit} min`;
  const subject = isForecast
    ? subjectOf`FORECAST: budget ${named(e.budget.name)} projected to pass ${limitShown} on ${e.forecast?.at.slice(0, 10) ?? ''}`
    : atFirstLook
      ? subjectOf`${threshold}%: budget ${named(e.budget.name)} already at ${usedShown} of ${limitShown} when Vigil first looked`
      : subjectOf`${threshold}%: budget ${named(e.budget.name)} at ${usedShown} of ${limitShown}`;
  const inCash =
    cost === undefined
      ? ''
      : ` (${money(cost.used)} of ${money(cost.limit)} at ${formatRate(cost.perMinute, cost.currency)})`;
  const headline = isForecast
    ? `At its rate so far${basis === undefined ? '' : ` (${basis})`}, budget ${e.budget.name} will use its ${limit} ${meter}${cost === undefined ? '' : ` (${money(cost.limit)})`} on ${e.forecast?.at} (period ${e.period.key}), before the period ends.`
    : atFirstLook
      ? `Budget ${e.budget.name} was already at ${percent}% of its limit when Vigil first looked, past its ${threshold}% threshold: ${used} of ${limit} ${meter} used in period ${e.period.key}${inCash}.`
      : `Budget ${e.budget.name} crossed ${threshold}% of its limit: ${used} of ${limit} ${meter} used in period ${e.period.key}${inCash}.`;
  const rows: [string, string | undefined][] = [
    ['Budget', e.budget.name],
    ['Meter', `${e.budget.meter} (${meter})`],
    ['Period', `${e.period.key} (${e.period.start} to ${e.period.end}, ${e.budget.timeZone})`],
    ['Used', `${used} min (${percent}%)${cost === undefined ? '' : `, ${money(cost.used)}`}`],
    [
      'Limit',
      cost === undefined
        ? `${limit} min`
        : inMoney
          ? `${money(cost.limit)} (limitUsd), ${limit} min at ${formatRate(cost.perMinute, cost.currency)}`
          : `${limit} min, ${money(cost.limit)} at ${formatRate(cost.perMinute, cost.currency)}`,
    ],
    [
      'Threshold',
      isForecast ? undefined : atFirstLook ? `${threshold}% (already passed at Vigil's first poll)` : `${threshold}%`,
    ],
    [
      'Forecast',
      e.forecast === undefined
        ? undefined
        : `${minutesNumber(e.forecast.projectedMinutes)} min${cost === undefined ? '' : ` (${money(costOf(e.forecast.projectedMinutes, cost.perMinute))})`} by period end${basis === undefined ? '' : `, projected from ${basis}`}`,
    ],
    [
      'Last change',
      `${formatMinutes(e.causedBy.minutes)}${cost === undefined ? '' : ` (${money(costOf(e.causedBy.minutes, cost.perMinute))})`} from ${e.causedBy.name} (${e.causedBy.arn})`,
    ],
  ];
  const document: NotificationDocument = {
    source: 'vigil',
    version: 1,
    eventType: notice.type,
    severity,
    subject: subject.text,
    service: e.service,
    jobs: [],
    budget: budgetFacts(e),
    eventIds: [e.eventId],
    observedAt: e.at,
  };
  return {
    subject: subject.ascii,
    text: render(
      { headline, rows },
      { at: e.at, eventId: e.eventId, mute: `change the thresholds of budget ${e.budget.name}` },
    ),
    document,
    attributes: { service: e.service, kind: 'budget', eventType: notice.type, severity, project: e.budget.name },
  };
}

const GUARD_SUBJECT: Record<GuardEvent['action'], string> = {
  warning: 'LIMIT SOON',
  stop: 'STOPPED',
  'would-stop': 'DRY RUN',
  'over-limit': 'OVER LIMIT',
  'hard-limit-warning': 'NEAR 150 MIN',
  'stopped-by-user': 'STOPPED',
};

/** What the guard did to (or about) a remote access session. */
export function composeGuard(notice: GuardNotice): Notification {
  const e = notice.subject;
  // With the session's completion (one message per stop): its final status and minutes, when Device Farm gave them.
  const finished = notice.finished;
  const finalMinutes = finished?.state.minutes?.total;
  const ran = formatMinutes(finalMinutes ?? e.minutes);
  const limit = e.limitMinutes === undefined ? undefined : formatMinutes(e.limitMinutes);
  const severity: Severity = e.action === 'warning' || e.action === 'hard-limit-warning' ? 'warning' : 'error';
  const what: Record<GuardEvent['action'], string> = {
    warning: `has run ${ran} of its ${limit} limit`,
    stop: `reached its ${limit} limit after ${formatMinutes(e.minutes)}; Vigil stopped it`,
    'would-stop': `reached its ${limit} limit after ${ran}; Vigil would stop it (dry run: nothing was stopped)`,
    'over-limit': `has run ${ran}, past its ${limit} limit (autoStop is off: it keeps running and billing)`,
    'hard-limit-warning': `has run ${ran}; Device Farm ends every remote access session at 150 min`,
    'stopped-by-user': `was stopped by ${e.by ?? 'a user'} with vigil session stop after ${formatMinutes(e.minutes)}`,
  };
  const ended =
    finished === undefined
      ? ''
      : ` Device Farm reports it ${finished.to.status}${finished.to.result === undefined ? '' : ` (result ${finished.to.result})`}${finalMinutes === undefined ? '' : ` after ${formatMinutes(finalMinutes)} in all`}.`;
  const subject = subjectOf`${GUARD_SUBJECT[e.action]}: remote access session ${named(e.name)} (${ran}${limit ? ` of ${limit}` : ''})`;
  const rows: [string, string | undefined][] = [
    ['Session', e.name],
    ['ARN', e.arn],
    ['Project', e.project.name === undefined ? e.project.arn : `${e.project.name} (${e.project.arn})`],
    ['Device', describeDevice(e.state.device)],
    ['Status', finished === undefined ? e.state.status : finished.to.status],
    ['Result', finished?.to.result],
    ['Started', e.state.started],
    ['Ran', finished === undefined ? ran : (describeMinutes(finished.state.minutes) ?? ran)],
    ['Limit', limit === undefined ? undefined : `${limit} (${e.limitSource ?? 'configured'})`],
    ['Stop it', e.action === 'stop' || e.action === 'stopped-by-user' ? undefined : `npx vigil session stop ${e.arn}`],
  ];
  return {
    subject: subject.ascii,
    text: render(
      { headline: `${SERVICE_NAMES[e.service]} remote access session ${e.name} ${what[e.action]}.${ended}`, rows },
      { at: e.at, eventId: e.eventId, mute: 'change the guard section' },
    ),
    document: {
      source: 'vigil',
      version: 1,
      eventType: 'guard',
      severity,
      subject: subject.text,
      service: e.service,
      project: e.project,
      resource: {
        kind: e.kind,
        arn: e.arn,
        name: e.name,
        status: finished?.to.status ?? e.state.status,
        ...(finished?.to.result === undefined ? {} : { result: finished.to.result }),
        ...(finished?.state.minutes === undefined ? {} : { minutes: finished.state.minutes }),
      },
      jobs: [],
      guard: {
        action: e.action,
        minutes: e.minutes,
        ...(e.limitMinutes === undefined ? {} : { limitMinutes: e.limitMinutes }),
        ...(e.limitSource === undefined ? {} : { limitSource: e.limitSource }),
        ...(e.by === undefined ? {} : { by: e.by }),
      },
      eventIds: notice.covers.map((c) => c.eventId),
      observedAt: finished?.at ?? e.at,
    },
    attributes: {
      service: e.service,
      kind: e.kind,
      eventType: 'guard',
      severity,
      project: projectAttribute(e.project),
    },
  };
}
