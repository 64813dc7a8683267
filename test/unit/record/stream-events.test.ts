import { marshall } from '@aws-sdk/util-dynamodb';
import type { ChangeEvent } from '../../../lambda/record/change-event';
import { eventItem } from '../../../lambda/record/keys';
import { readEvents, repairEmptyMaps, type StreamRecordInput } from '../../../lambda/record/stream-events';
import { changeEvent, runFinished, streamRecord } from '../../support/builders';

describe('readEvents', () => {
  it('returns the event with its sequence number when the record is an event insert', () => {
    // Arrange
    const event = runFinished('FAILED');

    // Act
    const { events, rejected } = readEvents([streamRecord(event, '1000')]);

    // Assert
    expect(rejected).toEqual([]);
    expect(events).toHaveLength(1);
    expect(events[0]?.sequenceNumber).toBe('1000');
    expect(events[0]?.event).toMatchObject({ ...event });
  });

  it('ignores records that are not inserts of event items', () => {
    // Arrange
    const event = runFinished('FAILED');
    const insert = streamRecord(event, '1');
    const modify: StreamRecordInput = {
      ...insert,
      eventName: 'MODIFY',
      dynamodb: { ...insert.dynamodb, SequenceNumber: '2' },
    };
    const remove: StreamRecordInput = {
      eventName: 'REMOVE',
      dynamodb: { SequenceNumber: '3', Keys: { pk: { S: 'R#x' } } },
    };
    const latest: StreamRecordInput = {
      eventName: 'INSERT',
      dynamodb: { SequenceNumber: '4', NewImage: { entity: { S: 'latest' }, pk: { S: 'S#x' } } },
    };
    const delivery: StreamRecordInput = {
      eventName: 'INSERT',
      dynamodb: { SequenceNumber: '5', NewImage: { entity: { S: 'delivery' }, pk: { S: 'R#x' } } },
    };

    // Act
    const { events, rejected } = readEvents([modify, remove, latest, delivery, insert]);

    // Assert
    expect(events.map((e) => e.sequenceNumber)).toEqual(['1']);
    expect(rejected).toEqual([]);
  });

  it('rejects a malformed event with its sequence number and reads the rest of the batch', () => {
    // Arrange
    const good = runFinished('PASSED');
    const item = eventItem(runFinished('FAILED'), 90);
    const { to: _to, ...withoutTo } = item;
    const bad: StreamRecordInput = {
      eventName: 'INSERT',
      dynamodb: {
        SequenceNumber: '42',
        NewImage: marshall({ ...withoutTo, version: 0 }, { removeUndefinedValues: true }),
      },
    };

    // Act
    const { events, rejected } = readEvents([bad, streamRecord(good, '43')]);

    // Assert
    expect(rejected).toEqual([
      {
        sequenceNumber: '42',
        reason: 'version: Too small: expected number to be >0; to: Invalid input: expected object, received undefined',
      },
    ]);
    expect(events.map((e) => e.sequenceNumber)).toEqual(['43']);
  });

  it('rejects a record whose image cannot be unmarshalled instead of throwing', () => {
    // Arrange
    const odd: StreamRecordInput = {
      eventName: 'INSERT',
      dynamodb: { SequenceNumber: '7', NewImage: { entity: { S: 'event' }, weird: { Q: 'x' } } },
    };

    // Act
    const { events, rejected } = readEvents([odd]);

    // Assert
    expect(events).toEqual([]);
    expect(rejected).toEqual([{ sequenceNumber: '7', reason: 'Unsupported type passed: Q' }]);
  });

  it('reads an empty map that DynamoDB Local encoded as {} when the event has no minute delta', () => {
    // Arrange
    const event = changeEvent('run', { from: { status: 'PENDING' }, to: { status: 'RUNNING', result: 'PENDING' } });
    const record = streamRecord(event, '9');
    const image = { ...(record.dynamodb?.NewImage ?? {}), minutesDelta: {} };

    // Act
    const { events, rejected } = readEvents([
      { eventName: 'INSERT', dynamodb: { SequenceNumber: '9', NewImage: image } },
    ]);

    // Assert
    expect(event.minutesDelta).toEqual({});
    expect(rejected).toEqual([]);
    expect((events[0]?.event as ChangeEvent | undefined)?.minutesDelta).toEqual({});
  });
});

describe('repairEmptyMaps', () => {
  it.each<[string, Record<string, unknown>, Record<string, unknown>]>([
    ['turns a bare {} into an empty map', {}, { M: {} }],
    ['leaves a string as it is', { S: 'x' }, { S: 'x' }],
    ['leaves a typed empty map as it is', { M: {} }, { M: {} }],
    ['repairs inside a map', { M: { a: {}, b: { N: '1' } } }, { M: { a: { M: {} }, b: { N: '1' } } }],
    ['repairs inside a list', { L: [{}, { S: 'x' }] }, { L: [{ M: {} }, { S: 'x' }] }],
    [
      'repairs at any depth',
      { M: { state: { M: { jobSummary: { M: { byResult: {}, notPassed: { L: [{ M: { device: {} } }] } } } } } } },
      {
        M: {
          state: {
            M: { jobSummary: { M: { byResult: { M: {} }, notPassed: { L: [{ M: { device: { M: {} } } }] } } } },
          },
        },
      },
    ],
  ])('%s', (_case, input, expected) => {
    expect(repairEmptyMaps(input)).toEqual(expected);
  });
});
