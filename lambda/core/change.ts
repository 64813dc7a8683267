/**
 * Change detection: what counts as a change worth a write, and the minute
 * deltas a change carries. Pure functions over observations.
 */
import type { Counters, Minutes, Observation } from './observation';

/**
 * The fields whose change is recorded. Anything else (names, messages) rides
 * along. `counters` covers Device Farm test counters, a run's completed and
 * total jobs, and Deadline task counts; `lifecycle` is a Deadline job's lifecycle status.
 */
export type ChangeField = 'status' | 'result' | 'counters' | 'minutes' | 'lifecycle';

function sameCounters(a: Counters | undefined, b: Counters | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return (
    a.total === b.total &&
    a.passed === b.passed &&
    a.failed === b.failed &&
    a.warned === b.warned &&
    a.errored === b.errored &&
    a.stopped === b.stopped &&
    a.skipped === b.skipped
  );
}

function sameMinutes(a: Minutes | undefined, b: Minutes | undefined): boolean {
  const x = a ?? {};
  const y = b ?? {};
  return x.total === y.total && x.metered === y.metered && x.unmetered === y.unmetered && x.billing === y.billing;
}

/**
 * The fields that differ between the stored state and a new observation;
 * every field is "changed" when nothing was stored.
 */
export function changedFields(previous: Observation | undefined, next: Observation): ChangeField[] {
  if (previous === undefined) {
    return next.deadline === undefined
      ? ['status', 'result', 'counters', 'minutes']
      : ['status', 'result', 'counters', 'minutes', 'lifecycle'];
  }
  const fields: ChangeField[] = [];
  if (previous.status !== next.status) fields.push('status');
  if (previous.result !== next.result) fields.push('result');
  if (
    !sameCounters(previous.counters, next.counters) ||
    previous.jobCounts?.completed !== next.jobCounts?.completed ||
    previous.jobCounts?.total !== next.jobCounts?.total ||
    !sameCounts(previous.deadline?.taskRunStatusCounts, next.deadline?.taskRunStatusCounts)
  ) {
    fields.push('counters');
  }
  if (!sameMinutes(previous.minutes, next.minutes)) fields.push('minutes');
  if (previous.deadline?.lifecycleStatus !== next.deadline?.lifecycleStatus) fields.push('lifecycle');
  return fields;
}

function sameCounts(a: Readonly<Record<string, number>> | undefined, b: Readonly<Record<string, number>> | undefined) {
  const x = a ?? {};
  const y = b ?? {};
  const keys = new Set([...Object.keys(x), ...Object.keys(y)]);
  return [...keys].every((k) => (x[k] ?? 0) === (y[k] ?? 0));
}

/** Minutes added since the previous observation, per meter (only meters that moved). */
export function minutesDelta(previous: Minutes | undefined, next: Minutes | undefined): Minutes {
  const before = previous ?? {};
  const after = next ?? {};
  const delta: { -readonly [K in keyof Minutes]: number } = {};
  for (const meter of ['total', 'metered', 'unmetered', 'billing'] as const) {
    const a = after[meter];
    if (a === undefined) continue;
    const d = round(a - (before[meter] ?? 0));
    if (d !== 0) delta[meter] = d;
  }
  return delta;
}

/** Rounds to 1/1000 minute so float noise from subtraction never looks like usage. */
function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}
