/**
 * `vigil history <arn-or-id> [--since] [--json]`: one resource's timeline.
 * `vigil history --since 1d`: everything that changed in a window.
 */
import { UsageError } from '../core/errors';
import { describeMinutes, formatDuration } from '../deliver/format';
import type { ChangeEvent } from '../record/change-event';
import type { HistoryReader, TimelineEntry } from '../record/history-store';
import { type GuardEvent, isChangeEvent, type ReminderEvent, type VigilEvent } from '../record/vigil-event';
import { parseSince } from './duration';
import type { CliIo } from './io';

export interface HistoryOptions {
  readonly target?: string;
  readonly since?: string;
  readonly json: boolean;
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
  if (options.target === undefined) {
    if (since === undefined)
      throw new UsageError('vigil history needs a resource (ARN, id or name) or --since <duration|date>');
    const events = await reader.window(since, now.toISOString());
    if (options.json) {
      io.out(JSON.stringify(events, null, 2));
      return 0;
    }
    io.out(`${events.length} event${events.length === 1 ? '' : 's'} since ${since}`);
    for (const e of events) {
      io.out(`  ${e.at}  ${labelOf(e).padEnd(16)} ${e.name}: ${describeEvent(e)}`);
      io.out(`  ${' '.repeat(e.at.length)}  ${e.arn}`);
    }
    return 0;
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
