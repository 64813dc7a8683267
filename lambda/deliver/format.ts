/**
 * Small formatting helpers shared by every message: minutes, counters,
 * devices, console links. Subjects have their own module (subject.ts).
 */
import type { Counters, DeviceRef, Minutes } from '../core/observation';
import { DEVICE_FARM_REGION } from '../core/regions';

/** "18.5 min"; minutes are shown to one decimal, as the console shows them. */
export function formatMinutes(value: number): string {
  return `${Math.round(value * 10) / 10} min`;
}

/** "25.3 min (metered 25.3, unmetered 0)" from whatever meters are present. */
export function describeMinutes(minutes: Minutes | undefined): string | undefined {
  if (minutes === undefined) return undefined;
  const parts: string[] = [];
  if (minutes.metered !== undefined) parts.push(`metered ${formatMinutes(minutes.metered)}`);
  if (minutes.unmetered !== undefined && minutes.unmetered > 0)
    parts.push(`unmetered ${formatMinutes(minutes.unmetered)}`);
  if (minutes.total !== undefined) {
    // "6.4 min (metered)" when one meter holds it all; both figures otherwise.
    if (minutes.metered === minutes.total && !(minutes.unmetered && minutes.unmetered > 0)) {
      return `${formatMinutes(minutes.total)} (metered)`;
    }
    if (minutes.unmetered === minutes.total && !minutes.metered) return `${formatMinutes(minutes.total)} (unmetered)`;
    return `${formatMinutes(minutes.total)}${parts.length ? ` (${parts.join(', ')})` : ''}`;
  }
  if (minutes.billing !== undefined) return `${formatMinutes(minutes.billing)} billed`;
  return parts.length ? parts.join(', ') : undefined;
}

/** "10 tests: 8 passed, 2 failed" (zero counts left out). */
export function describeCounters(counters: Counters | undefined): string | undefined {
  if (counters === undefined) return undefined;
  const parts = (['passed', 'failed', 'errored', 'warned', 'stopped', 'skipped'] as const)
    .filter((k) => counters[k] > 0)
    .map((k) => `${counters[k]} ${k}`);
  return `${counters.total} test${counters.total === 1 ? '' : 's'}${parts.length ? `: ${parts.join(', ')}` : ''}`;
}

/** "Google Pixel 8 (ANDROID 14)". */
export function describeDevice(device: DeviceRef | undefined): string | undefined {
  if (device?.name === undefined) return undefined;
  const platform = [device.platform, device.os].filter(Boolean).join(' ');
  return platform ? `${device.name} (${platform})` : device.name;
}

/** Severity order of results, worst first, for choosing a message's headline result. */
const RESULT_ORDER = ['ERRORED', 'FAILED', 'STOPPED', 'WARNED', 'SKIPPED', 'PASSED', 'PENDING'];

/** The worst of several results (unknown values rank first: they need a look). */
export function worstResult(results: readonly (string | undefined)[]): string | undefined {
  const present = results.filter((r): r is string => r !== undefined);
  const rank = (r: string) => (RESULT_ORDER.includes(r) ? RESULT_ORDER.indexOf(r) : -1);
  return present.sort((a, b) => rank(a) - rank(b))[0];
}

/**
 * The Device Farm console page of a run (or of a job's run) or of a remote
 * access session: the one link a person needs to see logs and videos.
 * Undefined when the ARN is not one of those.
 */
export function consoleLink(arn: string): string | undefined {
  const match = /^arn:aws:devicefarm:[^:]*:\d*:(run|job|session):([^/]+)\/([^/]+)(?:\/([^/]+))?$/.exec(arn);
  if (match === null) return undefined;
  const [, kind, project, second, job] = match;
  const projectPage = `https://${DEVICE_FARM_REGION}.console.aws.amazon.com/devicefarm/home?region=${DEVICE_FARM_REGION}#/mobile/projects/${project}`;
  if (kind === 'session') return `${projectPage}/sessions/${second}`;
  const runPage = `${projectPage}/runs/${second}`;
  return kind === 'job' && job !== undefined ? `${runPage}/jobs/${job}` : runPage;
}

/** Label/value rows aligned on the labels; rows without a value are left out. */
export function table(rows: readonly [string, string | undefined][]): string[] {
  const present = rows.filter((r): r is [string, string] => r[1] !== undefined && r[1] !== '');
  const width = Math.max(...present.map(([k]) => k.length));
  return present.map(([k, v]) => `${k.padEnd(width)}  ${v}`);
}

/** The project (or queue) as the `project` attribute names it: its name, or its ARN when the name is blank. */
export function projectAttribute(project: { readonly arn: string; readonly name?: string }): string {
  return project.name?.trim() ? project.name : project.arn;
}

/** "45 min", "2 h 5 min", "3 d 4 h": a wait or a condition's age, rounded to the minute. */
export function formatDuration(minutes: number): string {
  const total = Math.max(0, Math.round(minutes));
  if (total < 120) return `${total} min`;
  const days = Math.floor(total / 1440);
  const hours = Math.floor((total % 1440) / 60);
  const rest = total % 60;
  if (days >= 2) return hours === 0 ? `${days} d` : `${days} d ${hours} h`;
  const allHours = Math.floor(total / 60);
  return rest === 0 ? `${allHours} h` : `${allHours} h ${rest} min`;
}
