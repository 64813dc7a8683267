import type { Observation } from '../../../lambda/core/observation';
import { buildChange } from '../../../lambda/record/change-event';
import {
  cursorItem,
  eventFromItem,
  eventItem,
  expiryAfter,
  latestFromItem,
  latestItem,
} from '../../../lambda/record/keys';
import { queuesFor } from '../../../lambda/record/outbox';
import { projectArn, runArn } from '../../support/arns';
import { gridObs, jobObs, runFinished, runObs, sessionObs, stored } from '../../support/builders';

const OBSERVED = '2026-11-21T08:00:00.000Z';
const EARLIER = '2026-11-21T07:00:00.000Z';
const OBSERVED_EPOCH = Date.parse(OBSERVED) / 1000;

describe('latestItem', () => {
  it('carries the active index keys and no TTL when the resource can still change', () => {
    // Arrange
    const state = stored(runObs({ observedAt: OBSERVED }), 3);

    // Act
    const item = latestItem(state, 90);

    // Assert
    expect(item).toMatchObject({
      pk: `S#${projectArn()}`,
      sk: `L#run#${runArn()}`,
      entity: 'latest',
      apk: 'A#devicefarm',
      ask: `${projectArn()}#run`,
      version: 3,
      status: 'RUNNING',
    });
    expect(item).not.toHaveProperty('expiresAt');
  });

  it('expires `retention` days after it was observed and leaves the active index when the resource finished', () => {
    // Arrange
    const state = stored(runObs({ status: 'COMPLETED', result: 'PASSED', observedAt: OBSERVED }), 4);

    // Act
    const item = latestItem(state, 30);

    // Assert
    expect(state.terminal).toBe(true);
    expect(item.expiresAt).toBe(OBSERVED_EPOCH + 30 * 86_400);
    expect(item).not.toHaveProperty('apk');
    expect(item).not.toHaveProperty('ask');
    expect(item).toMatchObject({ pk: `S#${projectArn()}`, sk: `L#run#${runArn()}`, entity: 'latest' });
  });
});

describe('eventItem', () => {
  it('keys the event by resource and time with an 8-digit version, indexes it by time and sets its TTL', () => {
    // Arrange
    const { event } = buildChange(
      stored(runObs({ observedAt: '2026-11-21T07:59:00.000Z' }), 11),
      runObs({ status: 'COMPLETED', result: 'FAILED', observedAt: OBSERVED }),
      ['status', 'result'],
      { cycleId: 'c', baseline: false },
    );

    // Act
    const item = eventItem(event, 90);

    // Assert
    expect({
      pk: item.pk,
      sk: item.sk,
      entity: item.entity,
      tpk: item.tpk,
      tsk: item.tsk,
      expiresAt: item.expiresAt,
    }).toEqual({
      pk: `R#${runArn()}`,
      sk: `E#${OBSERVED}#00000012`,
      entity: 'event',
      tpk: 'devicefarm#run',
      tsk: `${OBSERVED}#${runArn()}`,
      expiresAt: OBSERVED_EPOCH + 90 * 86_400,
    });
  });

  it('stores the state without what the event says at its top level, and no eventId that is ARN@version', () => {
    // Arrange
    const { event } = buildChange(undefined, jobObs('00001', { status: 'COMPLETED', result: 'FAILED' }), ['status'], {
      cycleId: 'c',
      baseline: false,
    });

    // Act
    const item = eventItem(event, 90);

    // Assert
    expect(item).not.toHaveProperty('eventId');
    expect(Object.keys(item.state as object).sort()).toEqual(
      Object.keys(event.state)
        .filter(
          (k) =>
            !['service', 'kind', 'arn', 'name', 'project', 'parentArn', 'parentName', 'scope', 'observedAt'].includes(
              k,
            ),
        )
        .sort(),
    );
    expect(item).toMatchObject({
      arn: event.arn,
      name: event.name,
      project: event.project,
      parentArn: event.parentArn,
    });
  });

  it.each<[string, Observation]>([
    ['a run', runObs({ status: 'COMPLETED', result: 'FAILED' })],
    ['a job', jobObs('00002', { message: 'Tests failed' })],
    ['a remote access session', sessionObs()],
    ['a test grid session', gridObs()],
  ])('reads %s event back exactly as it was recorded', (_kind, observation) => {
    // Arrange
    const { event } = buildChange(stored(observation, 4), { ...observation, status: 'STOPPING' }, ['status'], {
      cycleId: 'c',
      baseline: false,
    });

    // Act
    const back = eventFromItem(eventItem(event, 90));

    // Assert
    expect(back).toEqual(event);
  });

  it('keeps state fields that differ from the top level, and an eventId of another form', () => {
    // Arrange
    const { event } = buildChange(undefined, runObs(), ['status'], { cycleId: 'c', baseline: true });
    const odd = { ...event, eventId: 'imported-1', state: { ...event.state, name: 'renamed', observedAt: EARLIER } };

    // Act
    const item = eventItem(odd, 90);

    // Assert
    expect(item.eventId).toBe('imported-1');
    expect(item.state).toMatchObject({ name: 'renamed', observedAt: EARLIER });
    expect(eventFromItem(item)).toEqual(odd);
  });

  it('returns an event that is not a change (budget, guard, digest) as it was written', () => {
    // Arrange
    const item = {
      pk: 'R#vigil:budget/monthly',
      sk: 'E#2026-11-21',
      entity: 'event',
      eventType: 'budget',
      eventId: 'b-1',
    };

    // Act
    const back = eventFromItem(item);

    // Assert
    expect(back).toEqual({ eventType: 'budget', eventId: 'b-1' });
  });
});

describe('latestFromItem', () => {
  it.each<[string, Observation]>([
    ['a run', runObs()],
    ['a job', jobObs('00003')],
    ['a finished remote access session', sessionObs({ status: 'COMPLETED', result: 'PASSED' })],
    ['a test grid session', gridObs()],
  ])(
    'reads %s back exactly as it was stored, though the item holds no scope, ARN or parent ARN',
    (_kind, observation) => {
      // Arrange
      const state = stored(observation, 2);

      // Act
      const item = latestItem(state, 90);
      const back = latestFromItem(item);

      // Assert
      expect(item).not.toHaveProperty('scope');
      expect(item).not.toHaveProperty('arn');
      expect(item).not.toHaveProperty('parentArn');
      expect(back).toEqual(state);
    },
  );
});

describe('cursorItem', () => {
  it('keys a cursor by service, then scope and kind', () => {
    // Act
    const item = cursorItem({
      service: 'devicefarm',
      scope: projectArn(),
      kind: 'run',
      seenThrough: OBSERVED,
      firstPolledAt: OBSERVED,
    });

    // Assert
    expect(item).toEqual({
      pk: 'C#devicefarm',
      sk: `${projectArn()}#run`,
      entity: 'cursor',
      service: 'devicefarm',
      scope: projectArn(),
      kind: 'run',
      seenThrough: OBSERVED,
      firstPolledAt: OBSERVED,
    });
  });
});

describe('expiryAfter', () => {
  it('returns whole epoch seconds when the instant has milliseconds', () => {
    expect(expiryAfter('2026-11-21T08:00:00.999Z', 1)).toBe(OBSERVED_EPOCH + 86_400);
  });
});

describe('queuesFor with reminders that track failures', () => {
  const finished = runFinished('FAILED', { minutes: undefined });

  it('writes no react entry for a run finishing without minutes unless failing-run reminders are on', () => {
    expect(queuesFor(finished)).toEqual(['notify']);
    expect(queuesFor(finished, { failingRuns: true, deadlineJobs: false })).toEqual(['notify', 'react']);
    expect(queuesFor({ ...finished, baseline: true }, { failingRuns: true, deadlineJobs: false })).toEqual([]);
  });
});
