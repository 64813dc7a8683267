import { buildChange } from '../../../lambda/record/change-event';
import { cursorItem, eventItem, expiryAfter, latestItem, stripItem } from '../../../lambda/record/keys';
import { projectArn, runArn } from '../support/arns';
import { runObs, stored } from '../support/builders';

const OBSERVED = '2026-11-21T08:00:00.000Z';
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
      ask: `${projectArn()}#run#${runArn()}`,
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
    expect(item.eventId).toBe(`${runArn()}@12`);
  });

  it('reads back as the same event when the key attributes are stripped', () => {
    // Arrange
    const { event } = buildChange(undefined, runObs(), ['status'], { cycleId: 'c', baseline: true });

    // Act
    const back = stripItem(eventItem(event, 90));

    // Assert
    expect(back).toEqual(event);
  });
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
