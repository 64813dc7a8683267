/**
 * Deadline Cloud observations and their change events, as the deliver tests
 * and the golden Slack scenarios use them: one farm, one queue, one instant.
 */
import { changedFields } from '../../lambda/core/change';
import type { Observation } from '../../lambda/core/observation';
import { buildChange, type ChangeEvent, type StatusPair } from '../../lambda/record/change-event';

export const DEADLINE_FARM = `farm-${'a'.repeat(32)}`;
export const DEADLINE_QUEUE = `queue-${'b'.repeat(32)}`;
export const DEADLINE_QUEUE_ARN = `arn:aws:deadline:us-west-2:111122223333:farm/${DEADLINE_FARM}/queue/${DEADLINE_QUEUE}`;
/** When every Deadline observation here was made (and a finished job stopped). */
export const DEADLINE_AT = '2026-11-21T09:00:00.000Z';

/** A Deadline Cloud job observation: `job-<id padded with 0>`, named `shot-<id>`, in queue `renders`. */
export function deadlineJob(id: string, status: string, counts?: Record<string, number>): Observation {
  const jobId = `job-${id.padEnd(32, '0')}`;
  return {
    service: 'deadline',
    kind: 'deadline-job',
    arn: `${DEADLINE_QUEUE_ARN}/job/${jobId}`,
    name: `shot-${id}`,
    scope: DEADLINE_QUEUE_ARN,
    project: { arn: DEADLINE_QUEUE_ARN, name: 'renders' },
    status,
    started: '2026-11-21T08:05:00.000Z',
    ...(status === 'RUNNING' ? {} : { stopped: DEADLINE_AT }),
    deadline: {
      farmId: DEADLINE_FARM,
      farmName: 'studio-farm',
      queueId: DEADLINE_QUEUE,
      queueName: 'renders',
      jobId,
      lifecycleStatus: 'CREATE_COMPLETE',
      ...(counts === undefined ? {} : { taskRunStatusCounts: counts }),
    },
    observedAt: DEADLINE_AT,
  };
}

/** A session of a Deadline job: `session-<id padded with 0>` on worker-1, fleet-1. */
export function deadlineSession(parent: Observation, id: string, status: string, logError?: string): Observation {
  const sessionId = `session-${id.padEnd(32, '0')}`;
  return {
    service: 'deadline',
    kind: 'deadline-session',
    arn: `${parent.arn}/session/${sessionId}`,
    name: sessionId,
    scope: parent.arn,
    project: parent.project,
    parentArn: parent.arn,
    parentName: parent.name,
    status,
    deadline: {
      ...(parent.deadline as NonNullable<Observation['deadline']>),
      sessionId,
      workerId: 'worker-1',
      fleetId: 'fleet-1',
      hostName: 'ip-10-0-0-12',
      ...(logError === undefined ? {} : { logError }),
    },
    observedAt: DEADLINE_AT,
  };
}

/** The event for `next`, moving from `from` (first sight when absent). */
export function deadlineChange(next: Observation, from?: StatusPair, baseline = false): ChangeEvent {
  const previous = from === undefined ? undefined : { ...next, ...from, version: 1, terminal: false };
  return buildChange(previous, next, changedFields(previous, next), { cycleId: 'c1', baseline }).event;
}
