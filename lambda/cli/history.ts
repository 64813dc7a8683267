/**
 * `vigil history <arn-or-id> [--since] [--json]`: one resource's timeline.
 * `vigil history --since 1d`: everything that changed in a window.
 */
import { UsageError } from '../core/errors';
import { devicesPhrase, testName } from '../deliver/device-farm-messages';
import { describeMinutes, formatDuration } from '../deliver/format';
import type { ChangeEvent } from '../record/change-event';
import type { HistoryReader, TimelineEntry } from '../record/history-store';
import { type GuardEvent, isChangeEvent, type ReminderEvent, type VigilEvent } from '../record/vigil-event';
import { parseInstant, parseSince } from './duration';
import type { CliIo } from './io';
import { shortId } from './short-id';

export interface HistoryOptions {
  readonly target?: string;
  readonly since?: string;
  readonly until?: string;
  /** Only events of these kinds (resource kinds, `budget`, `guard`, `digest`). */
  readonly kind?: string;
  /** Only events of this project or queue (name or ARN). */
  readonly project?: string;
  /** At most this many events, the newest. */
  readonly limit?: string;
  /** Whole ARNs instead of ids. */
  readonly wide?: boolean;
  readonly json: boolean;
}

/** What `--kind` accepts: resource kinds and the kinds of events the reactors write. */
export const HISTORY_KINDS = [
  'run',
  'job',
  'remote-access-session',
  'test-grid-session',
  'deadline-job',
  'deadline-session',
  'budget',
  'guard',
  'digest',
] as const;

/** An event's kind as `--kind` names it. */
function kindOf(event: VigilEvent): string {
  if (event.eventType === 'change') return event.kind;
  if (event.eventType === 'guard' || event.eventType === 'digest') return event.eventType;
  return 'budget';
}

function projectOf(event: VigilEvent): { arn: string; name?: string } | undefined {
  return event.eventType === 'change' || event.eventType === 'guard' ? event.project : undefined;
}

function parseLimit(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > 100_000) {
    throw new UsageError(`--limit ${JSON.stringify(text)} is not a count; expected a whole number from 1 to 100000`);
  }
  return n;
}

function parseKind(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  if (!(HISTORY_KINDS as readonly string[]).includes(text)) {
    throw new UsageError(`--kind ${JSON.stringify(text)} is not a kind; expected one of ${HISTORY_KINDS.join(', ')}`);
  }
  return text;
}

const KIND_LABEL: Record<string, string> = {
  budget: 'budget',
  guard: 'guard',
  'deadline-job': 'Deadline job',
  'deadline-session': 'Deadline session',
  run: 'run',
  job: 'job',
  'remote-access-session': 'session',
  'test-grid-session': 'grid session',
};

/** "RUNNING → COMPLETED, result PENDING → FAILED, 25.3 min", or "first seen: RUNNING". */
export function describeChange(event: ChangeEvent): string {
  const parts: string[] = [];
  const { from, to } = event;
  if (from === undefined) {
    parts.push(
      `first seen ${to.status}${to.result ? ` (result ${to.result})` : ''}${event.baseline ? ' [baseline]' : ''}`,
    );
  } else {
    if (from.status !== to.status) parts.push(`${from.status} → ${to.status}`);
    if (from.result !== to.result) parts.push(`result ${from.result ?? '(none)'} → ${to.result ?? '(none)'}`);
    if (event.changed.includes('counters') && event.state.counters) {
      const c = event.state.counters;
      parts.push(`tests ${c.passed}/${c.total} passed`);
    }
  }
  if (event.changed.includes('minutes')) {
    const minutes = describeMinutes(event.state.minutes);
    if (minutes) parts.push(minutes);
  }
  return parts.join(', ');
}

/** One line for any event: a change, a budget crossing or forecast, a guard action. */
export function describeEvent(event: VigilEvent): string {
  switch (event.eventType) {
    case 'change':
      return describeChange(event);
    case 'budget-threshold':
      return `budget ${event.budget.name} crossed ${event.thresholdPercent}% (${event.usedMinutes} of ${event.budget.limitMinutes} min, period ${event.period.key})`;
    case 'budget-forecast':
      return `budget ${event.budget.name} forecast to reach ${event.budget.limitMinutes} min on ${event.forecast?.at}`;
    case 'digest':
      return `daily digest for ${event.digest.date}`;
    case 'guard':
      return `guard: ${GUARD_WORDS[event.action]} after ${event.minutes} min${event.limitMinutes === undefined ? '' : ` (limit ${event.limitMinutes} min)`}${event.by ? ` by ${event.by}` : ''}`;
    case 'stuck':
      return `stuck: ${event.waitingStatus} for ${formatDuration(event.waitedMinutes)} (limit ${event.limitMinutes} min)`;
    case 'unstuck':
      return `moved on: ${event.waitingStatus} → ${event.state.status} after ${formatDuration(event.waitedMinutes)}`;
    case 'reminder':
      return `reminder ${event.count} of ${event.max}: ${REMINDER_WORDS[event.condition]} since ${event.since}`;
  }
}

const REMINDER_WORDS: Record<ReminderEvent['condition'], string> = {
  'session-over-limit': 'still over its limit',
  'budget-over-limit': 'budget still at or over its limit',
  'deadline-job': 'job still suspended or failed',
  'failing-project': 'latest run still failing',
  'failing-device': 'latest job on the device still failing',
};

const GUARD_WORDS: Record<GuardEvent['action'], string> = {
  warning: 'warned',
  stop: 'stopped the session',
  'would-stop': 'would stop the session (dry run)',
  'over-limit': 'over its limit, not stopped (autoStop off)',
  'hard-limit-warning': 'warned of the 150-minute hard limit',
  'stopped-by-user': 'stopped by a user',
};

/** The kind label of an event (budgets and guard actions are not resources). */
function labelOf(event: VigilEvent): string {
  if (event.eventType === 'guard') return 'guard';
  if (event.eventType === 'digest') return 'digest';
  if (event.eventType === 'stuck' || event.eventType === 'unstuck') return event.eventType;
  if (event.eventType === 'reminder') return 'reminder';
  if (!isChangeEvent(event)) return 'budget';
  return KIND_LABEL[event.kind] ?? event.kind;
}

function timelineText(arn: string, entries: readonly TimelineEntry[]): string[] {
  const first = entries.find((e) => isChangeEvent(e.event))?.event;
  const head =
    first !== undefined && isChangeEvent(first)
      ? `${KIND_LABEL[first.kind] ?? first.kind} ${first.name} in ${first.service === 'deadline' ? 'queue' : 'project'} ${first.project.name ?? first.project.arn}`
      : arn;
  const lines = [head, arn];
  for (const { event, delivery, silenced, parked } of entries) {
    const version = isChangeEvent(event) ? `v${event.version}` : '  ';
    const indent = `  ${' '.repeat(event.at.length)}      `;
    lines.push(`  ${event.at}  ${version}  ${describeEvent(event)}`);
    // A finished run's failing tests, every one the event kept.
    const failing = isChangeEvent(event) ? event.state.failingTests : undefined;
    if (failing?.unavailable !== undefined) lines.push(`${indent}failing tests: not read (${failing.unavailable})`);
    else if (failing !== undefined && failing.total > 0) {
      const kept = failing.tests.length < failing.total ? ` (the first ${failing.tests.length} kept)` : '';
      lines.push(`${indent}${failing.total} failing test${failing.total === 1 ? '' : 's'}${kept}:`);
      for (const test of failing.tests) {
        lines.push(`${indent}  ${test.result}  ${testName(test)}  on ${devicesPhrase(test)}`);
      }
    }
    if (delivery) lines.push(`${indent}notified: ${delivery.subject}`);
    if (silenced)
      lines.push(`${indent}silenced by ${silenced.silencedBy} (${silenced.reason}), never sent: ${silenced.subject}`);
    if (parked) lines.push(`${indent}not delivered (SNS refused it; vigil undelivered): ${parked.subject}`);
  }
  return lines;
}

export async function historyCommand(
  options: HistoryOptions,
  reader: HistoryReader,
  io: CliIo,
  now = new Date(),
): Promise<number> {
  const since = options.since === undefined ? undefined : parseSince(options.since, now);
  const until = options.until === undefined ? now.toISOString() : parseInstant(options.until, '--until', now);
  const kind = parseKind(options.kind);
  const limit = parseLimit(options.limit);
  if (options.target === undefined) {
    if (since === undefined)
      throw new UsageError('vigil history needs a resource (ARN, id or name) or --since <duration|date>');
    if (until < since) throw new UsageError(`--until ${options.until} is before --since ${options.since}`);
    const matching = (await reader.window(since, until)).filter((e) => {
      if (kind !== undefined && kindOf(e) !== kind) return false;
      const project = projectOf(e);
      return options.project === undefined || project?.arn === options.project || project?.name === options.project;
    });
    const events = limit === undefined ? matching : matching.slice(-limit);
    if (options.json) {
      io.out(JSON.stringify(events, null, 2));
      return 0;
    }
    const left = matching.length - events.length;
    io.out(
      `${events.length} event${events.length === 1 ? '' : 's'} since ${since}${left > 0 ? ` (the newest; ${left} older left out by --limit)` : ''}`,
    );
    for (const e of events) {
      const id = options.wide === true ? e.arn : shortId(e.arn);
      io.out(`  ${e.at}  ${labelOf(e).padEnd(16)} ${e.name} (${id}): ${describeEvent(e)}`);
    }
    return 0;
  }
  if (options.until !== undefined || kind !== undefined || options.project !== undefined || limit !== undefined) {
    throw new UsageError(
      'vigil history <resource> takes --since and --json; --until, --kind, --project and --limit go with --since alone',
    );
  }

  let arn = options.target;
  if (!arn.startsWith('arn:')) {
    const matches = await reader.find(options.target);
    if (matches.length === 0) {
      io.err(
        `No recorded resource has the name or id ${JSON.stringify(options.target)}; try its ARN, or vigil history --since 1d to list recent changes`,
      );
      return 1;
    }
    if (matches.length > 1) {
      io.err(`${matches.length} resources match ${JSON.stringify(options.target)}; name one by ARN:`);
      for (const m of matches) io.err(`  ${m.arn}  (${KIND_LABEL[m.kind] ?? m.kind} ${m.name})`);
      return 1;
    }
    arn = (matches[0] as { arn: string }).arn;
  }
  const entries = await reader.timeline(arn, since);
  if (options.json) {
    io.out(JSON.stringify(entries, null, 2));
    return 0;
  }
  if (entries.length === 0) {
    io.err(`No history for ${arn}${since ? ` since ${since}` : ''}`);
    return 1;
  }
  for (const line of timelineText(arn, entries)) io.out(line);
  return 0;
}
