/**
 * `vigil silence add|list|expire`: silences over the history table
 * (record/silences.ts). A silence mutes the notifications it matches while
 * it holds: they are recorded as silenced and never sent, not even after it
 * ends. It never stops the guard, never mutes a session's stop and never
 * mutes Vigil's own alarms (deliver/silences.ts).
 */
import {
  CHANNEL_EVENT_TYPES,
  CHANNEL_KINDS,
  CHANNEL_SERVICES,
  type MaintenanceWindow,
  type Match,
  SEVERITIES,
} from '../config/settings';
import { UsageError } from '../core/errors';
import { formatDuration } from '../deliver/format';
import { describeMatch, describeWindow, isActive, nextOpening, openingAt } from '../deliver/silences';
import { newSilenceId, type Silence, type SilenceStore } from '../record/silences';
import { parseDuration } from './duration';
import type { CliIo } from './io';

/** The flags `vigil silence` reads, as parsed. */
export interface SilenceOptions {
  readonly for?: string;
  readonly until?: string;
  readonly reason?: string;
  readonly service?: string;
  readonly project?: string;
  readonly kind?: string;
  readonly eventType?: string;
  readonly minSeverity?: string;
  readonly resource?: string;
  readonly json: boolean;
}

export interface SilenceDeps {
  readonly store: SilenceStore;
  /** The config's maintenance windows, shown by `list`. */
  readonly windows: readonly MaintenanceWindow[];
  /** Who is acting (their AWS identity, else the local user). */
  readonly who: () => Promise<string>;
  /** @default () => new Date() */
  readonly now?: () => Date;
  /** @default newSilenceId */
  readonly newId?: () => string;
}

/** The longest silence: a longer one is a config change (a rule or a channel filter), not a silence. */
export const MAX_SILENCE_MS = 90 * 86_400_000;

/** `a,b` → ['a', 'b'], each checked against `accepted`. */
function listFlag<T extends string>(flag: string, value: string | undefined, accepted: readonly T[]): T[] | undefined {
  if (value === undefined) return undefined;
  const values = value.split(',').map((v) => v.trim());
  for (const v of values) {
    if (!(accepted as readonly string[]).includes(v)) {
      throw new UsageError(`--${flag} ${JSON.stringify(v)} is not one of ${accepted.join(', ')}`);
    }
  }
  return values as T[];
}

/** The matchers of `add`, in the channel filter's vocabulary; at least one. */
export function matchFrom(options: SilenceOptions): Match {
  const resources = options.resource?.split(',').map((r) => r.trim());
  for (const r of resources ?? []) {
    if (!r.startsWith('arn:') && !r.startsWith('vigil:')) {
      throw new UsageError(`--resource ${JSON.stringify(r)} is not an ARN (arn:aws:devicefarm:…, arn:aws:deadline:…)`);
    }
  }
  if (options.project !== undefined && options.project.trim() === '') {
    throw new UsageError('--project needs a project or queue name (or ARN)');
  }
  const minSeverity = options.minSeverity;
  if (minSeverity !== undefined && !(SEVERITIES as readonly string[]).includes(minSeverity)) {
    throw new UsageError(`--min-severity ${JSON.stringify(minSeverity)} is not one of ${SEVERITIES.join(', ')}`);
  }
  const match: Match = {
    ...(options.service === undefined ? {} : { services: listFlag('service', options.service, CHANNEL_SERVICES) }),
    ...(options.project === undefined ? {} : { projects: [options.project] }),
    ...(options.kind === undefined ? {} : { kinds: listFlag('kind', options.kind, CHANNEL_KINDS) }),
    ...(options.eventType === undefined
      ? {}
      : { eventTypes: listFlag('event-type', options.eventType, CHANNEL_EVENT_TYPES) }),
    ...(minSeverity === undefined ? {} : { minSeverity: minSeverity as Match['minSeverity'] }),
    ...(resources === undefined ? {} : { resources }),
  };
  if (Object.keys(match).length === 0) {
    throw new UsageError(
      'vigil silence add needs at least one matcher: --service, --project, --kind, --event-type, --min-severity or --resource (a silence of everything is a maintenance window in the config)',
    );
  }
  return match;
}

/** When the silence ends: `--for` a duration from now, or `--until` an instant. */
function endOf(options: SilenceOptions, now: Date): Date {
  if (options.for !== undefined && options.until !== undefined) {
    throw new UsageError('vigil silence add takes --for or --until, not both');
  }
  let end: Date;
  if (options.for !== undefined) end = new Date(now.getTime() + parseDuration(options.for, '--for'));
  else if (options.until !== undefined) {
    const at = Date.parse(options.until);
    if (Number.isNaN(at) || !/T\d\d:\d\d/.test(options.until)) {
      throw new UsageError(
        `--until ${JSON.stringify(options.until)} is not a date and time; expected ISO 8601 like 2026-11-22T18:00:00Z`,
      );
    }
    end = new Date(at);
    if (end <= now) throw new UsageError(`--until ${options.until} is not in the future (now is ${now.toISOString()})`);
  } else {
    throw new UsageError('vigil silence add needs --for <duration> (2h, 1d) or --until <ISO date and time>');
  }
  if (end.getTime() - now.getTime() > MAX_SILENCE_MS) {
    throw new UsageError('a silence lasts at most 90 days; for longer, change a rule or a channel filter');
  }
  return end;
}

export async function silenceCommand(
  action: string | undefined,
  id: string | undefined,
  options: SilenceOptions,
  deps: SilenceDeps,
  io: CliIo,
): Promise<number> {
  const now = (deps.now ?? (() => new Date()))();
  if (action === 'add') {
    if (id !== undefined) throw new UsageError(`vigil silence add: unexpected argument ${JSON.stringify(id)}`);
    const match = matchFrom(options);
    const reason = options.reason?.trim() ?? '';
    if (reason === '') throw new UsageError('vigil silence add needs --reason "why" (it is recorded with the silence)');
    const end = endOf(options, now);
    const silence: Silence = {
      id: (deps.newId ?? newSilenceId)(),
      match,
      startsAt: now.toISOString(),
      endsAt: end.toISOString(),
      reason,
      createdBy: await deps.who(),
      createdAt: now.toISOString(),
    };
    await deps.store.add(silence);
    if (options.json) {
      io.out(JSON.stringify(silence, null, 2));
      return 0;
    }
    io.out(
      `Silence ${silence.id} added until ${silence.endsAt} (${formatDuration((end.getTime() - now.getTime()) / 60_000)}): ${describeMatch(match)}`,
    );
    io.out(`Reason   ${reason}`);
    io.out(`By       ${silence.createdBy}`);
    io.out(
      'What it matches is recorded as silenced (vigil history shows it) and never sent, not even after it ends. It never stops the guard, never mutes a session stop, never mutes Vigil’s alarms.',
    );
    io.out(`End it early: vigil silence expire ${silence.id}`);
    return 0;
  }
  if (action === 'list') {
    if (id !== undefined) throw new UsageError(`vigil silence list: unexpected argument ${JSON.stringify(id)}`);
    const active = (await deps.store.list()).filter((s) => isActive(s, now));
    if (options.json) {
      const windows = deps.windows.map((w) => ({
        ...w,
        open: openingAt(w, now) !== undefined,
        ...windowTimes(w, now),
      }));
      io.out(JSON.stringify({ silences: active, windows }, null, 2));
      return 0;
    }
    if (active.length === 0) io.out('No silence is active.');
    else io.out(`${active.length} active silence${active.length === 1 ? '' : 's'}:`);
    for (const s of active) {
      const left = formatDuration((Date.parse(s.endsAt) - now.getTime()) / 60_000);
      io.out(`  ${s.id}  until ${s.endsAt} (${left} left)  ${describeMatch(s.match)}`);
      io.out(`  ${' '.repeat(s.id.length)}  "${s.reason}" (by ${s.createdBy}, ${s.createdAt})`);
    }
    if (deps.windows.length > 0) io.out('Maintenance windows (config):');
    for (const w of deps.windows) {
      const times = windowTimes(w, now);
      const when =
        times.closesAt !== undefined
          ? `open now, until ${times.closesAt}`
          : times.opensAt !== undefined
            ? `next opens ${times.opensAt}, until ${times.closesNext}`
            : 'never opens';
      io.out(`  ${w.name}  ${describeWindow(w)}  ${describeMatch(w.match)}  (${when})`);
    }
    return 0;
  }
  if (action === 'expire') {
    if (id === undefined)
      throw new UsageError('vigil silence expire needs the silence id (vigil silence list shows it)');
    const expired = await deps.store.expire(id, await deps.who(), now);
    if (expired === undefined) {
      io.err(`No silence has the id ${JSON.stringify(id)}; vigil silence list shows the active ones`);
      return 1;
    }
    if (expired.expiredAt !== now.toISOString()) {
      io.out(`Silence ${id} had already ended at ${expired.endsAt}.`);
      return 0;
    }
    io.out(
      `Silence ${id} ended (${describeMatch(expired.match)}). What it matches is sent again from now on; what it silenced stays silenced.`,
    );
    return 0;
  }
  throw new UsageError(`vigil silence needs add, list or expire, not ${JSON.stringify(action ?? '')}`);
}

/** When a window closes (open now) or next opens and closes, as ISO instants. */
function windowTimes(w: MaintenanceWindow, now: Date): { closesAt?: string; opensAt?: string; closesNext?: string } {
  const open = openingAt(w, now);
  if (open !== undefined) return { closesAt: new Date(open.end).toISOString() };
  const next = nextOpening(w, now);
  return next === undefined
    ? {}
    : { opensAt: new Date(next.start).toISOString(), closesNext: new Date(next.end).toISOString() };
}
