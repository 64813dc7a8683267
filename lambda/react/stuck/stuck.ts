/**
 * The stuck detector: one pass of the reactors' schedule. From the latest
 * recorded state of everything still active and the clock (decide.ts), it
 * reports each stuck resource once (a STUCK event), and once it moves on, an
 * UNSTUCK event, but only when the STUCK was delivered: a STUCK that was
 * silenced or refused for good told no one, so "it moved" would be news of
 * nothing (LESSONS #7); one still owed is waited for. No API call: the
 * pollers' records are enough.
 */
import type { StuckMinutes } from '../../config/settings';
import type { Log } from '../../core/log';
import type { Kind } from '../../core/observation';
import type { StoredState } from '../../record/change-event';
import type { DeliveryLedger } from '../../record/delivery-ledger';
import type { OpenStuck, StuckLedger } from '../../record/stuck-ledger';
import type { StuckEvent } from '../../record/vigil-event';
import { hasMoved, type StuckVerdict, stuckness } from './decide';

export interface StuckDeps {
  readonly ledger: StuckLedger;
  /** Where a STUCK's delivery is read (only for resources that moved). */
  readonly deliveries: Pick<DeliveryLedger, 'slots'>;
  /** A resource's latest state, for one that left the active index (strongly consistent). */
  readonly latest: (scope: string, kind: Kind, arn: string) => Promise<StoredState | undefined>;
  readonly limits: StuckMinutes;
  readonly log: Log;
  /** @default () => new Date() */
  readonly now?: () => Date;
}

/** What one pass wrote. */
export interface StuckReport {
  readonly stuck: number;
  readonly unstuck: number;
}

function stuckEvent(state: StoredState, verdict: StuckVerdict, now: Date): StuckEvent {
  const { version: _v, terminal: _t, notFoundAt: _n, ...observed } = state;
  return {
    eventId: `${state.arn}#stuck-${verdict.since}`,
    eventType: 'stuck',
    service: state.service,
    kind: state.kind,
    arn: state.arn,
    name: state.name,
    project: state.project,
    ...(state.parentArn === undefined ? {} : { parentArn: state.parentArn }),
    ...(state.parentName === undefined ? {} : { parentName: state.parentName }),
    at: now.toISOString(),
    since: verdict.since,
    waitingStatus: verdict.waitingStatus,
    waitedMinutes: verdict.waitedMinutes,
    limitMinutes: verdict.limitMinutes,
    state: observed,
  };
}

/**
 * When the resource moved: when Device Farm says it started (or stopped),
 * else when the move was recorded; never later than now.
 */
function movedAt(stuck: StuckEvent, latest: StoredState | undefined, now: Date): number {
  const reported = [latest?.started, latest?.stopped].find((t) => t !== undefined && t >= stuck.since);
  const at = reported ?? (latest !== undefined && latest.observedAt > stuck.since ? latest.observedAt : undefined);
  return at === undefined ? now.getTime() : Math.min(Date.parse(at), now.getTime());
}

/** The UNSTUCK of `stuck`: what the resource moved to, and how long it had waited until then. */
function unstuckEvent(stuck: StuckEvent, latest: StoredState | undefined, now: Date): StuckEvent {
  const moved = latest === undefined ? { ...stuck.state, status: 'NOT_FOUND' } : stripStored(latest);
  return {
    ...stuck,
    eventId: `${stuck.arn}#unstuck-${stuck.since}`,
    eventType: 'unstuck',
    at: now.toISOString(),
    // At least what the STUCK said: it was seen waiting that long.
    waitedMinutes: Math.max(
      stuck.waitedMinutes,
      Math.round(((movedAt(stuck, latest, now) - Date.parse(stuck.since)) / 60_000) * 10) / 10,
    ),
    state: moved,
  };
}

function stripStored(state: StoredState) {
  const { version: _v, terminal: _t, notFoundAt: _n, ...observed } = state;
  return observed;
}

/**
 * Looks at every active resource (`active`: the latest states of both
 * services' active indexes, as the schedule already read them).
 */
export async function stuckPass(active: readonly StoredState[], deps: StuckDeps): Promise<StuckReport> {
  const now = (deps.now ?? (() => new Date()))();
  const byArn = new Map(active.map((s) => [s.arn, s]));
  const open = await deps.ledger.open();
  const openByArn = new Map(open.map((o) => [o.arn, o]));

  let stuck = 0;
  for (const state of active) {
    if (openByArn.has(state.arn)) continue; // reported; its move is looked at below
    const parent = state.parentArn === undefined ? undefined : byArn.get(state.parentArn);
    const verdict = stuckness(state, parent, now, deps.limits);
    if (verdict === undefined) continue;
    if ((await deps.ledger.report(stuckEvent(state, verdict, now))) === 'recorded') {
      stuck++;
      deps.log.info('A resource waits longer than its limit: reported STUCK', {
        arn: state.arn,
        status: state.status,
        waitedMinutes: verdict.waitedMinutes,
      });
    }
  }

  const moved: { open: OpenStuck; latest: StoredState | undefined }[] = [];
  for (const report of open) {
    const latest = byArn.get(report.arn) ?? (await deps.latest(report.scope, report.kind, report.arn));
    if (hasMoved(latest, report.since)) moved.push({ open: report, latest });
  }
  if (moved.length === 0) return { stuck, unstuck: 0 };

  const events = await deps.ledger.events(moved.map((m) => m.open));
  const slots = await deps.deliveries.slots([...events.values()]);
  let unstuck = 0;
  for (const { open: report, latest } of moved) {
    const event = events.get(report.arn);
    if (event === undefined) {
      await deps.ledger.close(report, undefined); // its STUCK expired from the history: nothing to follow up
      continue;
    }
    const slot = slots.get(event.eventId);
    if (slot === undefined || slot.state === 'claimed') continue; // the STUCK is still on its way: wait for it
    if (slot.state !== 'delivered') {
      await deps.ledger.close(report, undefined);
      deps.log.info('A resource reported STUCK moved on; its STUCK was not delivered, so no UNSTUCK is sent', {
        arn: report.arn,
        stuck: slot.state,
      });
      continue;
    }
    await deps.ledger.close(report, unstuckEvent(event, latest, now));
    unstuck++;
  }
  return { stuck, unstuck };
}
