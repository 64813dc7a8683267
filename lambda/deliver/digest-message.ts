/** The words of the daily digest: one message a person reads over coffee. */
import { formatMoney } from '../core/money';
import type { DigestContent } from '../record/vigil-event';
import type { Notification } from './notification';
import type { DigestNotice } from './rules';
import { subject as subjectOf } from './subject';

function byKey(counts: Readonly<Record<string, number>>): string {
  const entries = Object.entries(counts).sort(([a], [b]) => a.localeCompare(b));
  const total = entries.reduce((n, [, c]) => n + c, 0);
  return total === 0 ? 'none' : `${total} — ${entries.map(([k, n]) => `${k} ${n}`).join(', ')}`;
}

/** The digest's text, section by section. */
export function digestText(d: DigestContent): string[] {
  const lines = [`Vigil daily digest for ${d.date} (UTC)`, '', 'Device Farm'];
  lines.push(`  Runs finished   ${byKey(d.runsByResult)}`);
  lines.push(`  Jobs finished   ${byKey(d.jobsByResult)}`);
  lines.push(
    `  Sessions ended  ${d.sessionsFinished} remote access, ${d.meteredMinutes} metered job and session minutes`,
  );
  if (d.testGridSessionsByStatus !== undefined) {
    const ended = byKey(d.testGridSessionsByStatus);
    lines.push(
      `  Test grid       ${ended === 'none' ? 'no browser sessions ended' : `browser sessions ended ${ended}`}`,
    );
  }
  const m = d.minutes;
  if (m !== undefined) {
    const parts = [
      `${m.metered} metered (${formatMoney(m.meteredCost, m.currency)})`,
      ...(m.testGrid > 0 ? [`${m.testGrid} test grid (${formatMoney(m.testGridCost, m.currency)})`] : []),
      ...(m.unmetered > 0 ? [`${m.unmetered} unmetered (no per-minute charge: paid by device slots)`] : []),
    ];
    lines.push(`  Minutes         ${parts.join(', ')}`);
  }
  if (d.failingDevices.length > 0) {
    lines.push(`  Most failing devices: ${d.failingDevices.map((f) => `${f.device} (${f.jobs})`).join(', ')}`);
  }
  const flaky = d.flakyDevices;
  if (flaky !== undefined && flaky.devices.length > 0) {
    const named = flaky.devices.map(
      (f) =>
        `${f.device} (flaky ${f.flakyScore.toFixed(2)}, pass rate ${Math.round(f.passRate * 100)}% of ${f.jobs} jobs)`,
    );
    lines.push(`  Flakiest devices, last ${flaky.days} days: ${named.join('; ')}`);
  }
  lines.push('', 'Deadline Cloud', `  Jobs finished   ${byKey(d.deadlineJobsByStatus)}`);
  if (d.budgets.length > 0) {
    lines.push('', 'Budgets');
    for (const b of d.budgets) {
      const percent = Math.round((b.usedMinutes / b.limitMinutes) * 1000) / 10;
      const money =
        b.currency === undefined || b.usedCost === undefined || b.limitCost === undefined
          ? ''
          : `, ${formatMoney(b.usedCost, b.currency)} of ${formatMoney(b.limitCost, b.currency)}`;
      const limit = Math.round(b.limitMinutes * 10) / 10;
      lines.push(`  ${b.name}  ${b.period}  ${b.usedMinutes} of ${limit} min (${percent}%)${money}`);
    }
  }
  lines.push('', 'Still running past a limit');
  if (d.overLimit.length === 0) lines.push('  nothing');
  for (const s of d.overLimit) lines.push(`  ${s.name}: ${s.minutes} of ${s.limitMinutes} min  ${s.arn}`);
  if (d.report?.url !== undefined) {
    lines.push('', `Report of the last ${d.report.days} days (one HTML file, opens offline):`);
    lines.push(`  aws s3 cp ${d.report.url} report.html`);
  } else if (d.report?.error !== undefined) {
    lines.push('', `The report of the last ${d.report.days} days could not be written: ${d.report.error}`);
  }
  return lines;
}

export function composeDigest(notice: DigestNotice): Notification {
  const e = notice.subject;
  const d = e.digest;
  const runs = Object.values(d.runsByResult).reduce((n, c) => n + c, 0);
  const notPassed = runs - (d.runsByResult.PASSED ?? 0);
  // No names: the digest's subject is the same in both forms.
  const subject = subjectOf`Vigil digest ${d.date}: ${runs} run${runs === 1 ? '' : 's'}, ${notPassed} not passed${d.overLimit.length > 0 ? `, ${d.overLimit.length} over limit` : ''}`;
  const text = [
    ...digestText(d),
    '',
    `Made ${e.at} by Vigil (event ${e.eventId}).`,
    'To stop the digest, set digest.enabled to false in vigil.config.json.',
  ].join('\n');
  return {
    subject: subject.ascii,
    text,
    document: {
      source: 'vigil',
      version: 1,
      eventType: 'digest',
      severity: 'info',
      subject: subject.text,
      service: e.service,
      jobs: [],
      digest: d,
      eventIds: [e.eventId],
      observedAt: e.at,
    },
    attributes: { service: e.service, kind: 'digest', eventType: 'digest', severity: 'info', project: 'all' },
  };
}
