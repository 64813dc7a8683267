/**
 * Fault injection and rate limiting for the Device Farm emulator: the failure modes
 * a poller meets in production (throttling, 5xx, slow replies, odd pagination).
 */
import type { BaseFaultInjection } from '../shared/faults';

export { DEFAULT_SLOW_DELAY_MS, FaultInjector, TokenBucket } from '../shared/faults';

/** What an injected fault does to a call. */
export type FaultKind =
  /** 400 `LimitExceededException` (the SDK retries it as throttling). */
  | 'throttle'
  /** 500 `ServiceAccountException` (or 503 `InternalServiceException` with `status: 503`); the SDK retries 5xx. */
  | 'server-error'
  /** Answers normally after `delayMs` (default 2000 ms) on top of the emulator's latency. */
  | 'slow'
  /**
   * List operations only: an empty page whose `nextToken` continues to the page the
   * call would have returned. Other operations never consume this fault.
   */
  | 'empty-page';

/** A fault to apply to the next `times` matching calls (`operation` such as `ListRuns`). */
export type FaultInjection = BaseFaultInjection<FaultKind>;
