/**
 * The Deadline Cloud EventBridge events Vigil takes, shared by the stack's
 * rules (lib/constructs/deadline-ingest.ts) and the ingest handler so the two
 * agree. Names and detail fields as in the Deadline Cloud developer guide,
 * "Deadline Cloud events detail reference". Delivery is best effort: the
 * poller reconciles whatever an event misses.
 */

/** The `source` of every Deadline Cloud event. */
export const DEADLINE_EVENT_SOURCE = 'aws.deadline';

/**
 * Job events, each taken: `detail` carries farmId, queueId and jobId, plus
 * taskRunStatus (run status) or lifecycleStatus (lifecycle status).
 */
export const DEADLINE_JOB_EVENT_TYPES = ['Job Run Status Change', 'Job Lifecycle Status Change'] as const;

/**
 * Task events: one per task per status change, far too many to take them
 * all; only those with a status in {@link DEADLINE_TASK_EVENT_RUN_STATUSES}.
 */
export const DEADLINE_TASK_EVENT_TYPES = ['Task Run Status Change'] as const;

/**
 * The task statuses Vigil takes task events for. A task event carries its
 * status in `detail.runStatus` (job and step events use `taskRunStatus`).
 */
export const DEADLINE_TASK_EVENT_RUN_STATUSES = ['FAILED'] as const;
