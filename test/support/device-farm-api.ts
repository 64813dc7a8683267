/**
 * Device Farm API items and a stepping clock for the poll-cycle unit tests,
 * which answer the SDK client with aws-sdk-client-mock.
 */
import type { Job, RemoteAccessSession, Run } from '@aws-sdk/client-device-farm';
import { jobArn, runArn, sessionArn } from './arns';

/** A clock that starts at `start` and moves one second per reading, so every page has its own instant. */
export function clockFrom(start: string): () => Date {
  let t = Date.parse(start);
  return () => {
    const d = new Date(t);
    t += 1000;
    return d;
  };
}

/** A run of `project` (RUNNING, result PENDING unless overridden). */
export const run = (id: string, project: string, overrides: Partial<Run>): Run => ({
  arn: runArn(id, project),
  name: id,
  status: 'RUNNING',
  result: 'PENDING',
  ...overrides,
});

/** A job of run `runId` (RUNNING, result PENDING unless overridden). */
export const job = (id: string, runId: string, project: string, overrides: Partial<Job>): Job => ({
  arn: jobArn(id, runId, project),
  name: `Device ${id}`,
  status: 'RUNNING',
  result: 'PENDING',
  ...overrides,
});

/** A remote access session of `project` (RUNNING, result PENDING unless overridden). */
export const remoteSession = (
  id: string,
  project: string,
  overrides: Partial<RemoteAccessSession>,
): RemoteAccessSession => ({
  arn: sessionArn(id, project),
  name: id,
  status: 'RUNNING',
  result: 'PENDING',
  ...overrides,
});
