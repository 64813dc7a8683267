/**
 * `vigil report [--since 30d] [--until DATE] [--project P] [--out report.html] [--json]`:
 * the history of a window as one self-contained HTML file (charts and tables,
 * no script, nothing fetched), read with Queries on the time index and the
 * budget ledger, never a Scan.
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { UsageError } from '../core/errors';
import { renderReport } from '../deliver/report/render';
import { gatherReport, type InsightDeps } from '../react/insight/gather';
import { parseDay, parseInstant, parseSince } from './duration';
import type { CliIo } from './io';

export interface ReportOptions {
  /** A duration back from now (30d) or a date. @default 30d */
  readonly since?: string;
  /** A date (the whole day is included) or an instant. @default now */
  readonly until?: string;
  readonly project?: string;
  /** Where the HTML goes, relative to the working directory. @default report.html */
  readonly out?: string;
  /** Print the report's data as JSON instead of writing the HTML. */
  readonly json: boolean;
}

/** The end of the window `--until` names: a day's last millisecond, or the instant given. */
export function parseUntil(text: string | undefined, now: Date): string {
  if (text === undefined) return now.toISOString();
  if (/^\d{4}-\d\d-\d\d$/.test(text.trim())) return `${parseDay(text, '--until')}T23:59:59.999Z`;
  return parseInstant(text, '--until', now);
}

export async function reportCommand(
  options: ReportOptions,
  deps: InsightDeps,
  io: CliIo,
  now = new Date(),
): Promise<number> {
  const until = parseUntil(options.until, now);
  const since = parseSince(options.since ?? '30d', new Date(until));
  if (since >= until) throw new UsageError(`--since ${options.since} is not before --until ${until}`);
  const started = Date.now();
  const data = await gatherReport(deps, {
    since,
    until,
    now,
    ...(options.project === undefined ? {} : { project: options.project }),
  });
  if (options.json) {
    io.out(JSON.stringify(data, null, 2));
    return 0;
  }
  const html = renderReport(data);
  const path = resolve(io.cwd, options.out ?? 'report.html');
  writeFileSync(path, html);
  const kb = Math.round(Buffer.byteLength(html, 'utf8') / 1024);
  io.out(
    `Wrote ${path} (${kb} KB, ${Date.now() - started} ms): ${data.days.length} days, ${data.totals.runs} runs, ` +
      `${data.totals.jobs} jobs, ${data.devices.length} devices. Open it in a browser: ${pathToFileURL(path).href}`,
  );
  return 0;
}
