/**
 * Fault injection and rate limiting for the Deadline Cloud emulator: the failure
 * modes a poller meets in production (throttling, 5xx, denied access, slow replies,
 * odd pagination).
 */
import type { BaseFaultInjection } from '../shared/faults';

export { DEFAULT_SLOW_DELAY_MS, FaultInjector, TokenBucket } from '../shared/faults';

/** What an injected fault does to a call. */
export type FaultKind =
  /** 429 `ThrottlingException` (the SDK retries it with its throttling back-off). */
  | 'throttle'
  /** 500 `InternalServerErrorException` (or an unmodeled 503 with `status: 503`); the SDK retries 5xx. */
  | 'server-error'
  /** 403 `AccessDeniedException`; not retried. */
  | 'access-denied'
  /** Answers normally after `delayMs` (default 2000 ms) on top of the emulator's latency. */
  | 'slow'
  /**
   * List operations only: an empty page whose `nextToken` continues to the page the
   * call would have returned. Other operations never consume this fault.
   */
  | 'empty-page';

/** A fault to apply to the next `times` matching calls (`operation` such as `ListJobs`). */
export interface FaultInjection extends BaseFaultInjection<FaultKind> {
  /**
   * `Retry-After` header (seconds) on `throttle` and `server-error` replies. The SDK
   * waits at least this long before retrying (capped at its back-off + 5 s). Default: none.
   */
  retryAfterSeconds?: number;
}
