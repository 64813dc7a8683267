/**
 * `vigil devices [--since 7d] [--json]`: device health in the terminal, worst
 * first (flaky score, then pass rate), from the window's history (Queries
 * on the time index).
 */

import { gatherDevices } from '../react/insight/gather';
import type { DeviceHealth } from '../react/insight/health';
import type { HistoryReader } from '../record/history-store';
import { parseSince } from './duration';
import type { CliIo } from './io';

export interface DevicesOptions {
  /** @default 7d */
  readonly since?: string;
  readonly json: boolean;
}

const pct = (share: number) => `${Math.round(share * 100)}%`;

/** The table's lines: a header, one line per device, and a total. */
export function devicesTable(devices: readonly DeviceHealth[]): string[] {
  const header = ['DEVICE', 'RUNS', 'JOBS', 'PASS RATE', 'FAILED', 'ERRORED', 'MINUTES', 'FLAKY'];
  const rows = devices.map((d) => [
    d.device,
    String(d.runs),
    String(d.jobs),
    pct(d.passRate),
    String(d.failed),
    String(d.errored),
    String(d.minutes),
    d.flakyScore.toFixed(2),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (r: readonly string[]) =>
    r.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ');
  return [line(header), ...rows.map(line)];
}

export async function devicesCommand(
  options: DevicesOptions,
  reader: HistoryReader,
  io: CliIo,
  now = new Date(),
): Promise<number> {
  const since = parseSince(options.since ?? '7d', now);
  const devices = await gatherDevices(reader, since, now.toISOString());
  if (options.json) {
    io.out(JSON.stringify(devices, null, 2));
    return 0;
  }
  if (devices.length === 0) {
    io.out(`No job finished on any device since ${since}.`);
    return 0;
  }
  for (const line of devicesTable(devices)) io.out(line);
  io.out(
    `${devices.length} device${devices.length === 1 ? '' : 's'} since ${since}, worst first. FLAKY: how often the result flipped between consecutive runs of a project (0 to 1).`,
  );
  return 0;
}
