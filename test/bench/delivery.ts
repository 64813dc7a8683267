/**
 * What delivering a cycle's events costs in DynamoDB: the real reactors and
 * notifier (lambda/react/reactor.ts, lambda/deliver/notifier.ts) run on the
 * events the measured cycle recorded, in stream batches of 100, against the
 * same table, with a publisher that only counts (no SNS); then one sweep of
 * each outbox queue, as their schedules run every minute.
 */
import type { DeviceFarmClient } from '@aws-sdk/client-device-farm';
import { createDeviceFarmClient } from '../../lambda/clients/aws-clients';
import type { Settings } from '../../lambda/config/settings';
import { silentLog } from '../../lambda/core/log';
import type { Tally } from '../../lambda/core/tally';
import type { Notification } from '../../lambda/deliver/compose';
import { DEFAULT_SWEEP_LIMIT, deliverEvents, sweepNotifications } from '../../lambda/deliver/notifier';
import type { Publisher } from '../../lambda/deliver/sns-publisher';
import { notifierDeps, reactorDeps, type TableAdapters } from '../../lambda/engine/wiring';
import { presentPasses, reactToChanges, sweepReactions } from '../../lambda/react/reactor';
import type { ChangeEvent } from '../../lambda/record/change-event';
import { operationsOf } from './measure';

/** Lambda's batch size for the stream consumers. */
const BATCH = 100;

export interface DeliveryCost {
  /** DynamoDB requests by operation, reactors and notifier together. */
  readonly dynamo: Record<string, number>;
  readonly rcu: number;
  readonly wcu: number;
  readonly published: number;
  /** One sweep of the notifier's and the reactors' queues, right after (nothing stale: the idle cost). */
  readonly sweep: { readonly queries: number; readonly rcu: number };
  /**
   * One pass of the reactors' schedule over the present (the guard, stuck
   * detection, reminders), with stuck detection on as by default: the calls
   * it made to the service's API (Device Farm or Deadline Cloud) and to DynamoDB.
   */
  readonly present: { readonly apiCalls: Record<string, number>; readonly dynamo: Record<string, number> };
}

class CountingPublisher implements Publisher {
  published = 0;
  async publish(_notification: Notification): Promise<{ messageId: string }> {
    this.published++;
    return { messageId: `bench-${this.published}` };
  }
}

export async function measureDelivery(
  events: readonly ChangeEvent[],
  table: TableAdapters,
  settings: Settings,
  tally: Tally,
  deviceFarm: DeviceFarmClient | undefined,
): Promise<DeliveryCost> {
  const publisher = new CountingPublisher();
  const notifier = notifierDeps({ table, publisher, settings, log: silentLog });
  const reactors = deviceFarm === undefined ? undefined : reactorDeps({ table, deviceFarm, settings, log: silentLog });
  // The schedule's reactors exist for either service (stuck Deadline jobs too); the Device Farm client is only
  // for the guard's confirmation before a stop, which these fleets never reach.
  const scheduled = reactorDeps({
    table,
    deviceFarm: deviceFarm ?? createDeviceFarmClient(tally),
    settings,
    log: silentLog,
  });
  const before = tally.snapshot();
  for (let i = 0; i < events.length; i += BATCH) {
    const batch = events.slice(i, i + BATCH);
    if (reactors !== undefined) {
      const changes = batch.filter((e) => e.service === 'devicefarm');
      if (changes.length > 0) await reactToChanges(changes, reactors, await table.outbox.waiting('react', changes));
    }
    await deliverEvents(batch, notifier, await table.outbox.waiting('notify', batch));
  }
  const delivered = tally.since(before);
  const sweepBefore = tally.snapshot();
  const sweep = { staleAfterMs: settings.delivery.sweepAfterMinutes * 60_000, limit: DEFAULT_SWEEP_LIMIT };
  await sweepNotifications(notifier, sweep);
  if (reactors !== undefined) await sweepReactions(reactors, sweep);
  const swept = tally.since(sweepBefore);
  const presentBefore = tally.snapshot();
  await presentPasses(scheduled);
  const present = tally.since(presentBefore);
  return {
    dynamo: operationsOf(delivered, 'dynamodb'),
    rcu: (delivered['dynamodb.rcu'] ?? 0) + (delivered['dynamodb.rcuMissing'] ?? 0),
    wcu: delivered['dynamodb.wcu'] ?? 0,
    published: publisher.published,
    sweep: { queries: swept['dynamodb.Query'] ?? 0, rcu: swept['dynamodb.rcu'] ?? 0 },
    present: {
      apiCalls: { ...operationsOf(present, 'devicefarm'), ...operationsOf(present, 'deadline') },
      dynamo: operationsOf(present, 'dynamodb'),
    },
  };
}
