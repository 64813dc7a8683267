/**
 * Deadline Cloud resource ids: a type prefix and 32 lowercase hex digits
 * (`farm-0123…`). The helpers derive the hex part from a seed, so scenarios get
 * stable, valid-looking ids without hard-coding random strings.
 */
import { createHash } from 'node:crypto';

/** Resource types whose ids follow the `<type>-<32 hex>` pattern. */
export type DeadlineIdPrefix = 'farm' | 'queue' | 'job' | 'session' | 'fleet' | 'worker' | 'step';

const ID_PATTERNS: Readonly<Record<DeadlineIdPrefix, RegExp>> = {
  farm: /^farm-[0-9a-f]{32}$/,
  queue: /^queue-[0-9a-f]{32}$/,
  job: /^job-[0-9a-f]{32}$/,
  session: /^session-[0-9a-f]{32}$/,
  fleet: /^fleet-[0-9a-f]{32}$/,
  worker: /^worker-[0-9a-f]{32}$/,
  step: /^step-[0-9a-f]{32}$/,
};

/** 32 lowercase hex digits derived from `prefix` and `seed` (MD5: short, stable, not security-relevant). */
export function hex32(prefix: string, seed: string): string {
  return createHash('md5').update(`${prefix}:${seed}`).digest('hex');
}

/** `<prefix>-<32 hex>` derived deterministically from `seed`. */
export function deadlineId(prefix: DeadlineIdPrefix, seed: string): string {
  return `${prefix}-${hex32(prefix, seed)}`;
}

/** `farm-<32 hex>` derived from `seed`. */
export const farmId = (seed: string): string => deadlineId('farm', seed);
/** `queue-<32 hex>` derived from `seed`. */
export const queueId = (seed: string): string => deadlineId('queue', seed);
/** `job-<32 hex>` derived from `seed`. */
export const jobId = (seed: string): string => deadlineId('job', seed);
/** `session-<32 hex>` derived from `seed`. */
export const sessionId = (seed: string): string => deadlineId('session', seed);
/** `fleet-<32 hex>` derived from `seed`. */
export const fleetId = (seed: string): string => deadlineId('fleet', seed);
/** `worker-<32 hex>` derived from `seed`. */
export const workerId = (seed: string): string => deadlineId('worker', seed);

/** True when `value` is a well-formed id of the given type. */
export function isDeadlineId(prefix: DeadlineIdPrefix, value: unknown): value is string {
  return typeof value === 'string' && ID_PATTERNS[prefix].test(value);
}
