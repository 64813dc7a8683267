/**
 * The reactors on one machine: the accountant and the guard follow the
 * stream as their Lambdas do (own followers, same filters, batches of 100),
 * and the guard also makes its scheduled pass over every session that can
 * still run. What they write (budget and guard events) is on the stream
 * before the notifier reads it, so one cycle delivers it.
 */
import { type AccountantDeps, accountChange } from '../react/budgets/accountant';
import { announceBaselineCrossings } from '../react/budgets/announce-baseline';
import { eachChange } from '../react/each-change';
import { type GuardDeps, guardSessions } from '../react/guard/guard';
import type { StateStore } from '../record/history-store';
import { isChangeEventRecord, isSessionChangeRecord } from '../record/stream-filter';
import { consumeStream, type StreamConsumer } from './consume-stream';
import type { StreamFollower } from './stream-follower';

type Report = { failedSequenceNumbers: readonly string[] };

export class Reactors {
  private readonly consumers: StreamConsumer<Report>[] = [];
  private guardPass: (() => Promise<number>) | undefined;
  private announcePass: (() => Promise<unknown>) | undefined;

  addAccountant(follower: StreamFollower, deps: AccountantDeps): void {
    this.consumers.push({
      follower,
      accepts: isChangeEventRecord,
      process: async (batch) =>
        failures(
          await eachChange(batch, deps.log, async (change) => {
            await accountChange(change, deps);
          }),
        ),
    });
    this.announcePass = () => announceBaselineCrossings(deps);
  }

  addGuard(follower: StreamFollower, store: StateStore, deps: GuardDeps): void {
    this.consumers.push({
      follower,
      accepts: isSessionChangeRecord,
      process: async (batch) =>
        failures(
          await eachChange(batch, deps.log, async (change) => {
            await guardSessions([change.state], deps);
          }),
        ),
    });
    this.guardPass = async () => {
      const active = await store.loadActive('devicefarm');
      return (
        await guardSessions(
          active.filter((s) => s.kind === 'remote-access-session'),
          deps,
        )
      ).length;
    };
  }

  /** Runs every consumer on what the stream has, then the budgets' baseline announcement and the guard's pass. */
  async react(): Promise<{ failed: number }> {
    let failed = 0;
    for (const consumer of this.consumers) {
      for (const report of await consumeStream(consumer)) failed += report.failedSequenceNumbers.length;
    }
    await this.announcePass?.();
    await this.guardPass?.();
    return { failed };
  }
}

function failures(response: { batchItemFailures: { itemIdentifier: string }[] }): Report {
  return { failedSequenceNumbers: response.batchItemFailures.map((f) => f.itemIdentifier) };
}
