import {
  DeviceFarmClient,
  GetRemoteAccessSessionCommand,
  GetTestGridSessionCommand,
  ListJobsCommand,
  ListProjectsCommand,
  ListRemoteAccessSessionsCommand,
  ListRunsCommand,
  ListTestGridProjectsCommand,
  ListTestGridSessionsCommand,
  NotFoundException,
  type TestGridSession,
} from '@aws-sdk/client-device-farm';
import { mockClient } from 'aws-sdk-client-mock';
import { DEFAULT_SETTINGS } from '../../../../lambda/config/settings';
import type { Kind } from '../../../../lambda/core/observation';
import { pollDeviceFarm } from '../../../../lambda/observe/device-farm/poll-cycle';
import { gridProjectArn, gridSessionArn, projectArn, sessionArn } from '../../../support/arns';
import { clockFrom, remoteSession } from '../../../support/device-farm-api';
import { InMemoryStateStore, MemoryLog } from '../../../support/fakes';

const deviceFarm = mockClient(DeviceFarmClient);
const client = new DeviceFarmClient({ region: 'us-west-2' });

const SHOP = { arn: projectArn('p-shop'), name: 'Shop App' };
const GRID = { arn: gridProjectArn(), name: 'Web Checkout' };

const poll = (store: InMemoryStateStore, at: string) =>
  pollDeviceFarm({ client, store, settings: DEFAULT_SETTINGS, log: new MemoryLog(), now: clockFrom(at) });

const notFound = () => new NotFoundException({ message: 'Not found', $metadata: { httpStatusCode: 400 } });

interface Followed {
  readonly kind: Kind;
  readonly scope: string;
  readonly arn: string;
  /** Lists the resource active, and a newer finished one, for the baseline; then lists only the newer one. */
  readonly arrange: () => void;
  /** Makes the resource's Get answer NotFound `times` times, then answer it still active. */
  readonly answerNotFound: (times: number) => void;
}

const activeSession = remoteSession('s-active', 'p-shop', { created: new Date('2026-11-21T07:00:00Z') });
const newerSession = remoteSession('s-newer', 'p-shop', {
  status: 'COMPLETED',
  result: 'PASSED',
  created: new Date('2026-11-21T07:30:00Z'),
});
const activeGrid: TestGridSession = {
  arn: gridSessionArn('gs-active'),
  status: 'ACTIVE',
  created: new Date('2026-11-21T07:00:00Z'),
};

const FOLLOWED: readonly Followed[] = [
  {
    kind: 'remote-access-session',
    scope: SHOP.arn,
    arn: sessionArn('s-active', 'p-shop'),
    arrange: () => {
      deviceFarm.on(ListRemoteAccessSessionsCommand).resolves({ remoteAccessSessions: [newerSession, activeSession] });
    },
    answerNotFound: (times) => {
      deviceFarm.on(ListRemoteAccessSessionsCommand).resolves({ remoteAccessSessions: [newerSession] });
      const get = deviceFarm.on(GetRemoteAccessSessionCommand);
      for (let i = 0; i < times; i++) get.rejectsOnce(notFound());
      get.resolves({ remoteAccessSession: activeSession });
    },
  },
  {
    kind: 'test-grid-session',
    scope: GRID.arn,
    arn: gridSessionArn('gs-active'),
    arrange: () => {
      deviceFarm.on(ListTestGridProjectsCommand).resolves({ testGridProjects: [GRID] });
      deviceFarm.on(ListTestGridSessionsCommand).resolves({ testGridSessions: [activeGrid] });
    },
    answerNotFound: (times) => {
      deviceFarm.on(ListTestGridSessionsCommand).resolves({ testGridSessions: [] });
      const get = deviceFarm.on(GetTestGridSessionCommand);
      for (let i = 0; i < times; i++) get.rejectsOnce(notFound());
      get.resolves({ testGridSession: activeGrid });
    },
  },
];

beforeEach(() => {
  deviceFarm.reset();
  deviceFarm.on(ListProjectsCommand).resolves({ projects: [SHOP] });
  deviceFarm.on(ListTestGridProjectsCommand).resolves({ testGridProjects: [] });
  deviceFarm.on(ListRemoteAccessSessionsCommand).resolves({ remoteAccessSessions: [] });
  deviceFarm.on(ListRunsCommand).resolves({ runs: [] });
  deviceFarm.on(ListJobsCommand).resolves({ jobs: [] });
});

describe('pollDeviceFarm following a resource its listing no longer returns', () => {
  it.each(FOLLOWED.map((f) => [f.kind, f] as const))(
    'records a %s as NOT_FOUND once when its Get answers NotFound on two consecutive cycles',
    async (_kind, followed) => {
      // Arrange
      const store = new InMemoryStateStore();
      followed.arrange();
      await poll(store, '2026-11-21T08:00:00.000Z');
      followed.answerNotFound(2);

      // Act
      const first = await poll(store, '2026-11-21T08:01:00.000Z');
      const second = await poll(store, '2026-11-21T08:02:00.000Z');
      const third = await poll(store, '2026-11-21T08:03:00.000Z');

      // Assert
      expect(first.events).toEqual([]);
      expect(first.failures.map((f) => [f.scope, f.kind, f.resource])).toEqual([
        [followed.scope, followed.kind, followed.arn],
      ]);
      expect(second.failures).toEqual([]);
      expect(second.events.map((e) => [e.arn, e.to.status])).toEqual([[followed.arn, 'NOT_FOUND']]);
      expect(third.events).toEqual([]);
      expect(third.failures).toEqual([]);
      expect(store.get(followed.scope, followed.kind, followed.arn)?.terminal).toBe(true);
    },
  );

  it.each(FOLLOWED.map((f) => [f.kind, f] as const))(
    'reports a failed read and records no NOT_FOUND when a %s’s Get answers NotFound once, then answers',
    async (_kind, followed) => {
      // Arrange
      const store = new InMemoryStateStore();
      followed.arrange();
      await poll(store, '2026-11-21T08:00:00.000Z');
      followed.answerNotFound(1);

      // Act
      const first = await poll(store, '2026-11-21T08:01:00.000Z');
      const second = await poll(store, '2026-11-21T08:02:00.000Z');
      const third = await poll(store, '2026-11-21T08:03:00.000Z');

      // Assert
      expect(first.failures.map((f) => f.resource)).toEqual([followed.arn]);
      expect([...first.events, ...second.events, ...third.events]).toEqual([]);
      expect([...second.failures, ...third.failures]).toEqual([]);
      expect(store.get(followed.scope, followed.kind, followed.arn)).toMatchObject({ terminal: false, version: 1 });
      expect(store.get(followed.scope, followed.kind, followed.arn)).not.toHaveProperty('notFoundAt');
    },
  );
});
