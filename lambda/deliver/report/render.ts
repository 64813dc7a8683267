/**
 * The report as one self-contained HTML file: inline CSS and SVG, no script,
 * nothing fetched, so it opens from an S3 download or an email attachment,
 * prints, and reads on a phone (charts scale to the screen's width, tables
 * scroll sideways). Every chart has a table with the same numbers beside it.
 * Built from ReportData (react/insight/report-data.ts); dependency-free, so
 * the digest Lambda can make it too.
 */
import { formatMoney, formatRate } from '../../core/money';
import type { ReportData } from '../../react/insight/report-data';
import { escapeHtml as esc } from './escape';
import { horizontalBars, type Series, stackedBars } from './svg';

/** Colours of results and statuses (AWS spelling); anything else gets OTHER. */
const RESULT_COLORS: Readonly<Record<string, string>> = {
  PASSED: '#2e7d32',
  SUCCEEDED: '#2e7d32',
  FAILED: '#c62828',
  ERRORED: '#ef6c00',
  STOPPED: '#757575',
  CANCELED: '#757575',
  WARNED: '#f9a825',
  SUSPENDED: '#f9a825',
  SKIPPED: '#bdbdbd',
  NOT_COMPATIBLE: '#6a1b9a',
};
const OTHER = '#6a1b9a';
const METER_COLORS = { metered: '#1565c0', unmetered: '#90caf9', testGrid: '#00897b' } as const;
const LIMIT_COLORS = ['#c62828', '#6a1b9a', '#ef6c00', '#37474f'];
const RESULT_ORDER = [
  'PASSED',
  'SUCCEEDED',
  'SKIPPED',
  'WARNED',
  'SUSPENDED',
  'STOPPED',
  'CANCELED',
  'FAILED',
  'ERRORED',
];

const fmt = (n: number) => (Math.round(n * 10) / 10).toLocaleString('en-US', { maximumFractionDigits: 1 });
const pct = (share: number) => `${Math.round(share * 100)}%`;
const shortDay = (day: string) => day.slice(5);

function table(id: string, caption: string, header: readonly string[], rows: readonly (readonly string[])[]): string {
  const head = header.map((h) => `<th scope="col">${esc(h)}</th>`).join('');
  const body =
    rows.length === 0
      ? `<tr><td colspan="${header.length}" class="none">none</td></tr>`
      : rows.map((r) => `<tr>${r.map((c) => `<td>${c}</td>`).join('')}</tr>`).join('');
  return (
    `<div class="table-wrap"><table id="${id}"><caption>${esc(caption)}</caption>` +
    `<thead><tr>${head}</tr></thead><tbody>${body}</tbody></table></div>`
  );
}

/** Results in a stable order: passing ones at the bottom of a bar, worst on top, unknown values last. */
function orderedKeys(counts: readonly Readonly<Record<string, number>>[]): string[] {
  const keys = [...new Set(counts.flatMap((c) => Object.keys(c)))];
  const rank = (k: string) => (RESULT_ORDER.includes(k) ? RESULT_ORDER.indexOf(k) : RESULT_ORDER.length);
  return keys.sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}

function countSeries(days: readonly { byKey: Readonly<Record<string, number>> }[]): Series[] {
  return orderedKeys(days.map((d) => d.byKey)).map((key) => ({
    name: key,
    color: RESULT_COLORS[key] ?? OTHER,
    values: days.map((d) => d.byKey[key] ?? 0),
  }));
}

function legend(items: readonly { name: string; color: string }[]): string {
  return `<p class="legend">${items
    .map((i) => `<span><i style="background:${i.color}"></i>${esc(i.name)}</span>`)
    .join(' ')}</p>`;
}

function minutesSection(d: ReportData): string {
  const money = (n: number) => formatMoney(n, d.pricing.currency);
  const series: Series[] = [
    { name: 'metered', color: METER_COLORS.metered, values: d.minutesByDay.map((m) => m.metered) },
    { name: 'unmetered', color: METER_COLORS.unmetered, values: d.minutesByDay.map((m) => m.unmetered) },
    { name: 'test grid', color: METER_COLORS.testGrid, values: d.minutesByDay.map((m) => m.testGrid) },
  ];
  const lines = d.budgets.map((b, i) => ({
    label: `${b.name}: ${fmt(b.dailyMinutes)} ${b.meter === 'billingMinutes' ? 'test grid' : 'metered'} min/day`,
    value: b.dailyMinutes,
    color: LIMIT_COLORS[i % LIMIT_COLORS.length] as string,
  }));
  const chart = stackedBars({
    id: 'minutes-chart',
    title: 'Device minutes per day, stacked by meter, with each budget’s daily share of its limit',
    categories: d.days,
    series,
    lines,
    unit: 'min',
    label: shortDay,
  });
  const rows = d.minutesByDay
    .filter((m) => m.metered + m.unmetered + m.testGrid > 0)
    .map((m) => [
      m.day,
      fmt(m.metered),
      money(m.metered * d.pricing.meteredDeviceMinute),
      fmt(m.unmetered),
      fmt(m.testGrid),
      money(m.testGrid * d.pricing.testGridMinute),
    ]);
  return [
    '<section id="minutes"><h2>Device minutes per day</h2>',
    legend([
      ...series.map((s) => ({ name: s.name, color: s.color })),
      ...lines.map((l) => ({ name: `limit ${l.label}`, color: l.color })),
    ]),
    chart,
    `<p class="note">Metered at ${esc(formatRate(d.pricing.meteredDeviceMinute, d.pricing.currency))}, test grid at ${esc(formatRate(d.pricing.testGridMinute, d.pricing.currency))}. Unmetered minutes run on device slots paid monthly: they cost nothing per minute. A budget’s line is its limit spread over the days of its period.</p>`,
    table(
      'minutes-table',
      'Days with device minutes',
      ['day', 'metered min', 'metered cost', 'unmetered min', 'test grid min', 'test grid cost'],
      rows.map((r) => r.map(esc)),
    ),
    '</section>',
  ].join('');
}

function budgetsSection(d: ReportData): string {
  if (d.budgets.length === 0) return '';
  const rows = d.budgets.flatMap((b) =>
    b.periods.map((p) => [
      esc(b.name),
      esc(b.meter),
      esc(p.key),
      `${fmt(p.usedMinutes)} of ${fmt(b.limitMinutes)} min`,
      `${esc(formatMoney(p.usedCost, d.pricing.currency))} of ${esc(formatMoney(p.limitCost, d.pricing.currency))}${b.limitUsd === undefined ? '' : ' (limitUsd)'}`,
      pct(b.limitMinutes === 0 ? 0 : p.usedMinutes / b.limitMinutes),
    ]),
  );
  return `<section id="budgets"><h2>Budgets</h2>${table('budgets-table', 'Budget periods in the window (the budget ledger’s totals)', ['budget', 'meter', 'period', 'used', 'cost', 'of limit'], rows)}</section>`;
}

function runsSection(d: ReportData): string {
  const charts = d.runsByDay.map((p, i) => {
    const days = p.days.map((day) => ({ byKey: day.byResult }));
    const series = countSeries(days);
    return (
      `<h3>${esc(p.project)}</h3>${legend(series)}` +
      stackedBars({
        id: `runs-chart-${i}`,
        title: `Runs of ${p.project} finished per day, by result`,
        categories: p.days.map((day) => day.day),
        series,
        unit: 'runs',
        counts: true,
        label: shortDay,
        height: 160,
      })
    );
  });
  const rows = d.runsByDay.flatMap((p) =>
    p.days.flatMap((day) =>
      orderedKeys([day.byResult]).map((result) => [
        esc(p.project),
        esc(day.day),
        esc(result),
        String(day.byResult[result] ?? 0),
      ]),
    ),
  );
  return [
    '<section id="runs"><h2>Runs per day by result</h2>',
    charts.length === 0 ? '<p class="none">No run finished in this window.</p>' : charts.join(''),
    table('runs-table', 'Runs finished per project, day and result', ['project', 'day', 'result', 'runs'], rows),
    '</section>',
  ].join('');
}

function devicesSection(d: ReportData): string {
  const rows = d.devices.map((v) => [
    esc(v.device),
    String(v.runs),
    String(v.jobs),
    pct(v.passRate),
    String(v.failed),
    String(v.errored),
    fmt(v.minutes),
    v.flakyScore.toFixed(2),
  ]);
  return `<section id="devices"><h2>Device health</h2><p class="note">Worst first: the flaky score is how often the device’s result flipped (passed ↔ did not pass) between consecutive runs of the same project, 0 to 1; then the lowest pass rate.</p>${table(
    'devices-table',
    'Devices by flaky score, worst first',
    ['device', 'runs', 'jobs', 'pass rate', 'FAILED', 'ERRORED', 'minutes', 'flaky score'],
    rows,
  )}</section>`;
}

function testsSection(d: ReportData): string {
  const name = (t: { name: string; suite?: string }) => esc(t.suite === undefined ? t.name : `${t.suite} › ${t.name}`);
  const failing = d.failingTests.map((t) => [
    name(t),
    esc(t.project),
    `${t.failedRuns} of ${t.runs}`,
    String(t.deviceFailures),
    t.flakyScore.toFixed(2),
    esc(`${t.lastResult}${t.lastMessage === undefined ? '' : `: ${t.lastMessage}`}`),
  ]);
  const flaky = d.flakyTests.map((t) => [
    name(t),
    esc(t.project),
    t.flakyScore.toFixed(2),
    `${t.failedRuns} of ${t.runs}`,
  ]);
  return [
    '<section id="tests"><h2>Failing and flaky tests</h2>',
    '<p class="note">From each failed run’s ListUniqueProblems, recorded when the run finished; a run that passed counts as every test passing.</p>',
    table(
      'failing-tests-table',
      'Tests by the runs they failed in',
      ['test', 'project', 'failed runs', 'device failures', 'flaky score', 'last failure'],
      failing,
    ),
    table(
      'flaky-tests-table',
      'Tests that flipped between consecutive runs, flakiest first',
      ['test', 'project', 'flaky score', 'failed runs'],
      flaky,
    ),
    '</section>',
  ].join('');
}

function deadlineSection(d: ReportData): string {
  const days = d.deadlineJobsByDay.map((day) => ({ byKey: day.byStatus }));
  const series = countSeries(days);
  const rows = d.deadlineJobsByDay.flatMap((day) =>
    orderedKeys([day.byStatus]).map((status) => [esc(day.day), esc(status), String(day.byStatus[status] ?? 0)]),
  );
  const workers = d.failedSessions.byWorker.map((w) => ({ label: w.name, value: w.sessions }));
  const fleets = d.failedSessions.byFleet.map((f) => ({ label: f.name, value: f.sessions }));
  return [
    '<section id="deadline"><h2>Deadline Cloud jobs per day by final status</h2>',
    legend(series),
    stackedBars({
      id: 'deadline-chart',
      title: 'Deadline Cloud jobs finished per day, by final status',
      categories: d.deadlineJobsByDay.map((day) => day.day),
      series,
      unit: 'jobs',
      counts: true,
      label: shortDay,
      height: 160,
    }),
    table('deadline-table', 'Deadline Cloud jobs finished per day and status', ['day', 'status', 'jobs'], rows),
    '<h3>Failed sessions by worker</h3>',
    horizontalBars({
      id: 'failed-by-worker',
      title: 'Failed Deadline sessions by worker',
      items: workers,
      unit: 'sessions',
      color: RESULT_COLORS.FAILED as string,
    }),
    '<h3>Failed sessions by fleet</h3>',
    horizontalBars({
      id: 'failed-by-fleet',
      title: 'Failed Deadline sessions by fleet',
      items: fleets,
      unit: 'sessions',
      color: RESULT_COLORS.ERRORED as string,
    }),
    '</section>',
  ].join('');
}

function sessionsSection(d: ReportData): string {
  const money = (n: number) => formatMoney(n, d.pricing.currency);
  const longest = d.longestSessions.map((s) => [
    esc(s.name),
    esc(s.project),
    esc(s.device ?? ''),
    esc(s.result),
    fmt(s.minutes),
    s.metered ? esc(money(s.cost)) : 'unmetered',
  ]);
  const guard = d.guardActions.map((g) => [
    esc(g.name),
    esc(g.project),
    esc(
      g.action === 'stop'
        ? 'stopped by the guard'
        : g.action === 'would-stop'
          ? 'would stop (dry run)'
          : `stopped by ${g.by ?? 'a user'}`,
    ),
    fmt(g.minutes),
    g.limitMinutes === undefined ? '' : fmt(g.limitMinutes),
    esc(g.at),
  ]);
  return [
    '<section id="sessions"><h2>Remote access sessions</h2>',
    table(
      'longest-sessions-table',
      'The longest sessions that ended in the window',
      ['session', 'project', 'device', 'result', 'minutes', 'cost'],
      longest,
    ),
    table(
      'guard-table',
      'Sessions the guard stopped (or would have, in a dry run), and sessions stopped with vigil session stop',
      ['session', 'project', 'action', 'minutes', 'limit', 'at'],
      guard,
    ),
    '</section>',
  ].join('');
}

function summarySection(d: ReportData): string {
  const money = (n: number) => esc(formatMoney(n, d.pricing.currency));
  const t = d.totals;
  const rows = [
    ['metered device minutes', fmt(t.metered), money(t.meteredCost)],
    ['test grid minutes', fmt(t.testGrid), money(t.testGridCost)],
    ['unmetered device minutes', fmt(t.unmetered), 'no per-minute charge (device slots)'],
    ['total', fmt(t.metered + t.testGrid + t.unmetered), money(t.meteredCost + t.testGridCost)],
  ];
  return `<section id="summary"><h2>Minutes and cost</h2><p>${t.runs} runs and ${t.jobs} jobs finished.</p>${table('totals-table', 'Minutes and what they cost', ['meter', 'minutes', 'cost'], rows)}</section>`;
}

const STYLE = `
:root{color-scheme:light;font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#212121}
body{margin:0 auto;max-width:960px;padding:16px;line-height:1.4}
h1{font-size:1.5rem;margin:0 0 4px}h2{font-size:1.2rem;margin:28px 0 8px;border-bottom:1px solid #e0e0e0}h3{font-size:1rem;margin:16px 0 4px}
.meta,.note{color:#616161;font-size:.85rem}
svg.chart{width:100%;height:auto;display:block}
svg .grid{stroke:#eeeeee;stroke-width:1}svg .axis{font-size:10px;fill:#616161}svg .empty{font-size:12px;fill:#9e9e9e}
svg .limit{stroke-width:2;stroke-dasharray:6 4}svg .limit-label{font-size:10px;fill:#212121}
.legend{font-size:.8rem;margin:4px 0}.legend span{margin-right:12px;white-space:nowrap}.legend i{display:inline-block;width:10px;height:10px;margin-right:4px;border:1px solid #0003}
.table-wrap{overflow-x:auto}
table{border-collapse:collapse;font-size:.85rem;margin:8px 0;min-width:50%}caption{text-align:left;font-weight:600;padding:4px 0}
th,td{border-bottom:1px solid #eeeeee;padding:4px 8px;text-align:left;vertical-align:top}td.none{color:#9e9e9e}
@media print{body{max-width:none}section{break-inside:avoid}.table-wrap{overflow:visible}}
@media (max-width:600px){body{padding:8px}table{font-size:.75rem}th,td{padding:3px 4px}}
`;

/** The whole report: one HTML document, as UTF-8 text. */
export function renderReport(d: ReportData): string {
  const window = `${d.since.slice(0, 10)} to ${d.until.slice(0, 10)} (UTC)`;
  return [
    '<!DOCTYPE html>',
    '<html lang="en"><head><meta charset="utf-8"/>',
    '<meta name="viewport" content="width=device-width, initial-scale=1"/>',
    `<title>${esc(`${d.title}, ${window}`)}</title><style>${STYLE}</style></head><body>`,
    `<header><h1>${esc(d.title)}</h1><p class="meta">${esc(window)}${d.project === undefined ? '' : `, project ${esc(d.project)}`}; made ${esc(d.generatedAt)} by Vigil from its history table.</p></header>`,
    summarySection(d),
    minutesSection(d),
    budgetsSection(d),
    runsSection(d),
    devicesSection(d),
    testsSection(d),
    deadlineSection(d),
    sessionsSection(d),
    '</body></html>',
    '',
  ].join('\n');
}
