/**
 * Silences and maintenance windows: what mutes a notification before it is
 * published. Pure: the notifier reads the active silences once per batch or
 * sweep and the windows from its settings, and asks {@link mutingOf} about
 * each notice.
 *
 * Muted means recorded, never sent: the notifier writes a `silenced` slot
 * beside each event the notice covers (record/delivery-ledger.ts) and
 * settles its outbox entries, so nothing sends it later, when the silence
 * has ended (as in Alertmanager). Two things are never muted: a stop of a
 * remote access session (the guard's, or a user's `vigil session stop`),
 * because someone's session was ended and they must hear it; and Vigil's own
 * CloudWatch alarms, which go to the topic without passing the notifier.
 * Silences never stop the guard from acting: it runs in the reactors, which
 * do not read them.
 */
import { type MaintenanceWindow, type Match, SEVERITIES, WEEKDAYS } from '../config/settings';
import { localInstant, localParts } from '../core/time-zone';
import type { Silence } from '../record/silences';
import type { VigilEvent } from '../record/vigil-event';

import type { Notification } from './notification';
import type { Notice } from './rules';

/** What muted a notification: a silence's id or `window/<name>`, and why. */
export interface Muting {
  readonly by: string;
  readonly reason: string;
}

/** The id under which a maintenance window mutes. */
export const windowId = (window: Pick<MaintenanceWindow, 'name'>) => `window/${window.name}`;

/** True while the silence holds at `now`. */
export function isActive(silence: Pick<Silence, 'startsAt' | 'endsAt'>, now: Date): boolean {
  const t = now.toISOString();
  return silence.startsAt <= t && t < silence.endsAt;
}

/** An opening of a window: from `start` (inclusive) to `end` (exclusive), epoch ms. */
export interface Opening {
  readonly start: number;
  readonly end: number;
}

const hm = (time: string) => time.split(':').map(Number) as [number, number];

/** The window's opening that starts on a local date, if that date is one of its days. */
function openingOn(window: MaintenanceWindow, year: number, month: number, day: number): Opening | undefined {
  const weekday = new Date(Date.UTC(year, month - 1, day)).getUTCDay(); // 0 = Sunday
  const name = WEEKDAYS[(weekday + 6) % 7];
  if (name === undefined || !window.days.includes(name)) return undefined;
  const [sh, sm] = hm(window.start);
  const [eh, em] = hm(window.end);
  // An end at or before the start is on the next day.
  const overnight = eh * 60 + em <= sh * 60 + sm;
  return {
    start: localInstant(year, month, day, sh, sm, window.timeZone),
    end: localInstant(year, month, day + (overnight ? 1 : 0), eh, em, window.timeZone),
  };
}

/** The window's opening that holds `at`, if it is open then (DST-correct: each opening is local time). */
export function openingAt(window: MaintenanceWindow, at: Date): Opening | undefined {
  const t = at.getTime();
  const today = localParts(t, window.timeZone);
  // An overnight opening that started yesterday can still hold.
  for (const back of [0, 1]) {
    const opening = openingOn(window, today.year, today.month, today.day - back);
    if (opening !== undefined && opening.start <= t && t < opening.end) return opening;
  }
  return undefined;
}

/** The window's next opening that starts after `at` (within the next 8 days). */
export function nextOpening(window: MaintenanceWindow, at: Date): Opening | undefined {
  const t = at.getTime();
  const today = localParts(t, window.timeZone);
  for (let ahead = 0; ahead <= 8; ahead++) {
    const opening = openingOn(window, today.year, today.month, today.day + ahead);
    if (opening !== undefined && opening.start > t) return opening;
  }
  return undefined;
}

/** Every ARN a notice is about: its resources, a job's run, the project or queue, a budget period. */
export function noticeArns(notice: Pick<Notice, 'covers'>): string[] {
  const arns = new Set<string>();
  for (const event of notice.covers as readonly VigilEvent[]) {
    arns.add(event.arn);
    if ('parentArn' in event && event.parentArn !== undefined) arns.add(event.parentArn);
    if ('project' in event && event.project !== undefined) arns.add(event.project.arn);
  }
  return [...arns];
}

/**
 * Whether `match` matches a notification: its attributes (service, project,
 * kind, eventType, severity at least `minSeverity`) and, for `resources`,
 * any ARN it is about. A project is matched by its name or its ARN.
 */
export function matches(match: Match, notification: Notification, arns: readonly string[]): boolean {
  const a = notification.attributes;
  const projectArn = notification.document.project?.arn;
  if (match.services !== undefined && !(match.services as readonly string[]).includes(a.service)) return false;
  if (
    match.projects !== undefined &&
    !match.projects.some((p) => p === a.project || (projectArn !== undefined && p === projectArn))
  )
    return false;
  if (match.kinds !== undefined && !(match.kinds as readonly string[]).includes(a.kind)) return false;
  if (match.eventTypes !== undefined && !(match.eventTypes as readonly string[]).includes(a.eventType)) return false;
  if (match.minSeverity !== undefined && SEVERITIES.indexOf(a.severity) < SEVERITIES.indexOf(match.minSeverity)) {
    return false;
  }
  if (match.resources !== undefined && !match.resources.some((r) => arns.includes(r))) return false;
  return true;
}

/** Notices no silence or window mutes: a session's stop (the guard's or a user's) ends someone's work. */
export function isNeverMuted(notice: Notice): boolean {
  return notice.type === 'guard' && (notice.subject.action === 'stop' || notice.subject.action === 'stopped-by-user');
}

/**
 * What mutes this notice now, if anything: the first active silence that
 * matches it (oldest first), else the first open maintenance window that does.
 */
export function mutingOf(
  notice: Notice,
  notification: Notification,
  silences: readonly Silence[],
  windows: readonly MaintenanceWindow[],
  now: Date,
): Muting | undefined {
  if (isNeverMuted(notice)) return undefined;
  const arns = noticeArns(notice);
  const silence = [...silences]
    .filter((s) => isActive(s, now) && matches(s.match, notification, arns))
    .sort((a, b) => (a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : 0))[0];
  if (silence !== undefined) return { by: silence.id, reason: silence.reason };
  const window = windows.find((w) => openingAt(w, now) !== undefined && matches(w.match, notification, arns));
  if (window !== undefined) {
    return { by: windowId(window), reason: `maintenance window ${window.name} (${describeWindow(window)})` };
  }
  return undefined;
}

/** "SAT 02:00-06:00 Europe/Berlin". */
export function describeWindow(window: MaintenanceWindow): string {
  return `${window.days.join(',')} ${window.start}-${window.end} ${window.timeZone}`;
}

/** How each matcher is named on the command line, in the order they are shown. */
const MATCH_FLAGS = [
  ['services', 'service'],
  ['projects', 'project'],
  ['kinds', 'kind'],
  ['eventTypes', 'event-type'],
  ['minSeverity', 'min-severity'],
  ['resources', 'resource'],
] as const;

/** "project=qa-sandbox kind=run,job": a match as one line (`everything` when it has no field). */
export function describeMatch(match: Match): string {
  const parts = MATCH_FLAGS.flatMap(([field, flag]) => {
    const value = match[field];
    if (value === undefined) return [];
    return [`${flag}=${Array.isArray(value) ? value.join(',') : String(value)}`];
  });
  return parts.length === 0 ? 'everything' : parts.join(' ');
}
