/**
 * Builders for observations, stored states, change events and stream
 * records. Defaults describe one realistic resource; tests override only
 * what they are about.
 */
import { marshall } from '@aws-sdk/util-dynamodb';
import type { Counters, DeviceFarmKind, Observation } from '../../lambda/core/observation';
import { buildChange, type ChangeEvent, type StatusPair, type StoredState } from '../../lambda/record/change-event';
import { eventItem } from '../../lambda/record/keys';
import type { StreamRecordInput } from '../../lambda/record/stream-events';
import { gridProjectArn, gridSessionArn, jobArn, projectArn, runArn, sessionArn } from './arns';

export const PROJECT = { arn: projectArn(), name: 'Shop App' } as const;
export const GRID_PROJECT = { arn: gridProjectArn(), name: 'Web Checkout' } as const;

export const T0 = '2026-11-21T08:00:00.000Z';

export function counters(partial: Partial<Counters> = {}): Counters {
  return { total: 0, passed: 0, failed: 0, warned: 0, errored: 0, stopped: 0, skipped: 0, ...partial };
}

/** A run observation (RUNNING, result PENDING) unless overridden. */
export function runObs(overrides: Partial<Observation> = {}): Observation {
  return {
    service: 'devicefarm',
    kind: 'run',
    arn: runArn(),
    name: 'nightly',
    scope: PROJECT.arn,
    project: PROJECT,
    status: 'RUNNING',
    result: 'PENDING',
    created: '2026-11-21T07:55:00.000Z',
    observedAt: T0,
    ...overrides,
  };
}

/** A job observation of the default run. */
export function jobObs(id: string, overrides: Partial<Observation> = {}): Observation {
  return {
    service: 'devicefarm',
    kind: 'job',
    arn: jobArn(id),
    name: `Job ${id}`,
    scope: runArn(),
    project: PROJECT,
    parentArn: runArn(),
    parentName: 'nightly',
    status: 'RUNNING',
    result: 'PENDING',
    observedAt: T0,
    ...overrides,
  };
}

export function sessionObs(overrides: Partial<Observation> = {}): Observation {
  return {
    service: 'devicefarm',
    kind: 'remote-access-session',
    arn: sessionArn(),
    name: 'debug checkout',
    scope: PROJECT.arn,
    project: PROJECT,
    status: 'RUNNING',
    result: 'PENDING',
    observedAt: T0,
    ...overrides,
  };
}

export function gridObs(overrides: Partial<Observation> = {}): Observation {
  return {
    service: 'devicefarm',
    kind: 'test-grid-session',
    arn: gridSessionArn(),
    name: 'gs-1',
    scope: GRID_PROJECT.arn,
    project: GRID_PROJECT,
    status: 'ACTIVE',
    observedAt: T0,
    ...overrides,
  };
}

/** The observation a kind's default builder returns. */
export function obsOf(kind: DeviceFarmKind, overrides: Partial<Observation> = {}): Observation {
  switch (kind) {
    case 'run':
      return runObs(overrides);
    case 'job':
      return jobObs('00000', overrides);
    case 'remote-access-session':
      return sessionObs(overrides);
    case 'test-grid-session':
      return gridObs(overrides);
  }
}

/** A stored state at `version` for an observation. */
export function stored(observation: Observation, version = 1): StoredState {
  const { latest } = buildChange(undefined, observation, ['status'], { cycleId: 'c0', baseline: false });
  return { ...latest, version };
}

export interface EventSpec {
  readonly from?: StatusPair;
  readonly to: StatusPair;
  readonly baseline?: boolean;
  readonly version?: number;
  /** Observation fields beyond status/result. */
  readonly state?: Partial<Observation>;
}

/**
 * A change event of `kind` moving `from` → `to` (no `from`: first sight),
 * built by the engine's own buildChange so it has every field a real one has.
 */
export function changeEvent(kind: DeviceFarmKind, spec: EventSpec): ChangeEvent {
  const version = spec.version ?? (spec.from === undefined ? 1 : 2);
  const next = obsOf(kind, {
    ...spec.state,
    status: spec.to.status,
    result: spec.to.result,
  });
  const previous =
    spec.from === undefined
      ? undefined
      : {
          ...stored({
            ...next,
            status: spec.from.status,
            result: spec.from.result,
            observedAt: '2026-11-21T07:59:00.000Z',
          }),
          version: version - 1,
        };
  const { event } = buildChange(previous, next, ['status', 'result'], {
    cycleId: 'c1',
    baseline: spec.baseline ?? false,
  });
  return event;
}

/** A run finishing RUNNING → COMPLETED with `result`. */
export function runFinished(result: string, state: Partial<Observation> = {}): ChangeEvent {
  return changeEvent('run', {
    from: { status: 'RUNNING', result: 'PENDING' },
    to: { status: 'COMPLETED', result },
    state,
  });
}

/** Job `id` of the run named `runName` (ARN id `r-<runName>`) finishing with `result`. */
export function jobFinished(
  id: string,
  result: string,
  runName = 'nightly',
  state: Partial<Observation> = {},
): ChangeEvent {
  const run = runArn(`r-${runName}`);
  return changeEvent('job', {
    from: { status: 'RUNNING', result: 'PENDING' },
    to: { status: 'COMPLETED', result },
    state: {
      arn: jobArn(id, `r-${runName}`),
      name: `Job ${id}`,
      scope: run,
      parentArn: run,
      parentName: runName,
      ...state,
    },
  });
}

/** The DynamoDB stream INSERT record of an event item, as Lambda delivers it. */
export function streamRecord(event: ChangeEvent, sequenceNumber: string): StreamRecordInput {
  return {
    eventName: 'INSERT',
    dynamodb: {
      SequenceNumber: sequenceNumber,
      NewImage: marshall(eventItem(event, 90), { removeUndefinedValues: true }),
    },
  };
}
