/**
 * Vigil's AWS Deadline Cloud emulator: an in-process restJson1 server driven by a
 * step-based scenario, for integration tests with the real SDK client, plus the
 * EventBridge events Deadline would send for the same transitions.
 *
 * @example
 * const emu = await startDeadlineEmulator({ scenario: deadlineDemoScenario(new Date()) });
 * process.env.AWS_ENDPOINT_URL_DEADLINE = emu.endpoint;
 * const client = new DeadlineClient({ region: 'us-west-2', disableHostPrefix: true });
 * emu.advance();
 * await emu.stop();
 */
export type {
  DeadlineEvent,
  DeadlineJobEvent,
  EventEnvelopeOptions,
  EventsBetweenOptions,
  EventTaskRunStatusCounts,
  JobLifecycleStatusChangeDetail,
  JobLifecycleStatusChangeEvent,
  JobRunStatusChangeDetail,
  JobRunStatusChangeEvent,
  TaskRunStatus,
  TaskRunStatusChangeDetail,
  TaskRunStatusChangeEvent,
} from './events';
export {
  eventCounts,
  eventsBetween,
  jobLifecycleStatusChangeEvent,
  jobRunStatusChangeEvent,
  syntheticStepId,
  syntheticTaskId,
  TASK_RUN_STATUSES,
  taskRunStatusChangeEvent,
} from './events';
export type { FaultInjection, FaultKind } from './faults';
export type { DeadlineIdPrefix } from './ids';
export { deadlineId, farmId, fleetId, isDeadlineId, jobId, queueId, sessionId, workerId } from './ids';
export type { Route } from './operations';
export { API_PREFIX, OPERATION_NAMES, ROUTES } from './operations';
export type {
  DeadlineScenario,
  JobStateAt,
  ScenarioFarm,
  ScenarioJob,
  ScenarioQueue,
  ScenarioSession,
  SessionStateAt,
  TaskRunStatusCounts,
} from './scenario';
export { DEFAULT_DEADLINE_ACCOUNT_ID, DEFAULT_DEADLINE_REGION } from './scenario';
export type { CallRecord, DeadlineEmulator, DeadlineEmulatorOptions } from './server';
export { startDeadlineEmulator } from './server';
