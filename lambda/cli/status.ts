/** `vigil status [--json]`: what is active now, with minutes so far. */
import type { StoredState } from '../record/change-event';
import type { HistoryReader } from '../record/history-store';
import type { CliIo } from './io';
import { shortId } from './short-id';

/** One active resource as `status` reports it. */
export interface ActiveLine {
  readonly kind: string;
  readonly name: string;
  readonly arn: string;
  readonly project: string;
  readonly status: string;
  /** Minutes so far: Device Farm's own count when it sends one, else time since start. */
  readonly minutes?: number;
  readonly minutesSource: 'reported' | 'elapsed' | 'unknown';
  readonly started?: string;
  readonly lastSeen: string;
}

export function activeLine(state: StoredState, now: Date): ActiveLine {
  const reported = state.minutes?.total ?? state.minutes?.billing;
  const started = state.started ?? state.created;
  const elapsed = started === undefined ? undefined : Math.max(0, (now.getTime() - Date.parse(started)) / 60_000);
  return {
    kind: state.kind,
    name: state.name,
    arn: state.arn,
    project: state.project.name ?? state.project.arn,
    status: state.status,
    ...(reported !== undefined
      ? { minutes: reported, minutesSource: 'reported' as const }
      : elapsed !== undefined
        ? { minutes: Math.round(elapsed * 10) / 10, minutesSource: 'elapsed' as const }
        : { minutesSource: 'unknown' as const }),
    ...(started === undefined ? {} : { started }),
    lastSeen: state.observedAt,
  };
}

export async function statusCommand(
  options: { readonly json: boolean; readonly wide: boolean },
  reader: HistoryReader,
  io: CliIo,
  now = new Date(),
): Promise<number> {
  const states = [...(await reader.active('devicefarm')), ...(await reader.active('deadline'))];
  const active = states.map((s) => activeLine(s, now));
  active.sort(
    (a, b) => a.project.localeCompare(b.project) || a.kind.localeCompare(b.kind) || a.name.localeCompare(b.name),
  );
  if (options.json) {
    io.out(JSON.stringify(active, null, 2));
    return 0;
  }
  if (active.length === 0) {
    io.out(
      'Nothing is running: no active Device Farm runs, jobs or sessions and no active Deadline Cloud jobs are recorded.',
    );
    return 0;
  }
  const rows = active.map((a) => [
    a.project,
    a.kind,
    a.name,
    a.status,
    a.minutes === undefined ? '-' : `${a.minutes} min${a.minutesSource === 'elapsed' ? ' (elapsed)' : ''}`,
    options.wide ? a.arn : shortId(a.arn),
  ]);
  const header = ['PROJECT', 'KIND', 'NAME', 'STATUS', 'MINUTES', options.wide ? 'ARN' : 'ID'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const fmt = (r: readonly string[]) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i] ?? 0))).join('  ');
  io.out(fmt(header));
  for (const r of rows) io.out(fmt(r));
  io.out(`${active.length} active`);
  return 0;
}
