/**
 * The daily digest's content from one day's events (pure): runs and jobs by
 * result, Deadline jobs by status, the devices with the most jobs that did
 * not pass, remote access and test grid sessions finished, and the minutes.
 * Budgets and sessions over their limit are added by the caller, who reads them.
 */
import { LIST_PRICES, type Pricing } from '../../config/settings';
import { costOf } from '../../core/money';
import { GONE_STATUS, isTerminal } from '../../core/status';
import type { ChangeEvent } from '../../record/change-event';
import { type DigestContent, isChangeEvent, type VigilEvent } from '../../record/vigil-event';

/** How many failing devices the digest names. */
const FAILING_DEVICES = 5;

/** Whether `e` is its resource finishing on the UTC day `date` (found finished by the first poll: when it stopped then). */
function finishing(e: ChangeEvent, date: string): boolean {
  return (
    e.to.status !== GONE_STATUS &&
    isTerminal(e.kind, e.to.status) &&
    (e.from === undefined || !isTerminal(e.kind, e.from.status)) &&
    (!e.baseline || (e.state.stopped !== undefined && dayOf(e.state.stopped) === date))
  );
}

function count(into: Record<string, number>, key: string): void {
  into[key] = (into[key] ?? 0) + 1;
}

/** The UTC day of an instant, YYYY-MM-DD (undefined when it is not one). */
function dayOf(instant: string): string | undefined {
  const at = Date.parse(instant);
  return Number.isNaN(at) ? undefined : new Date(at).toISOString().slice(0, 10);
}

/** Whether the resource of `e` started (or was created) on the UTC day `date`. */
function startedOn(e: ChangeEvent, date: string): boolean {
  return dayOf(e.state.started ?? e.state.created ?? e.at) === date;
}

const round1 = (minutes: number) => Math.round(minutes * 10) / 10;
const round2 = (amount: number) => Math.round(amount * 100) / 100;

export function buildDigest(
  date: string,
  events: readonly VigilEvent[],
  extra: Pick<DigestContent, 'budgets' | 'overLimit'> & Partial<Pick<DigestContent, 'flakyDevices' | 'report'>>,
  pricing: Pricing = LIST_PRICES,
): DigestContent {
  const runsByResult: Record<string, number> = {};
  const jobsByResult: Record<string, number> = {};
  const deadlineJobsByStatus: Record<string, number> = {};
  const testGridSessionsByStatus: Record<string, number> = {};
  const failing: Record<string, number> = {};
  let sessionsFinished = 0;
  let meteredMinutes = 0;
  let unmeteredMinutes = 0;
  let testGridMinutes = 0;
  for (const e of events.filter(isChangeEvent)) {
    // The day's minutes as the budgets count them: a change found by the first poll counts when
    // its resource started that day (an install mid-day), never for what ran on earlier days.
    if (!e.baseline || startedOn(e, date)) {
      const delta = e.minutesDelta;
      const jobless = e.kind === 'run' && e.baseline && e.state.jobSummary === undefined;
      if (e.kind === 'job' || e.kind === 'remote-access-session' || jobless) {
        meteredMinutes += delta.metered ?? 0;
        unmeteredMinutes += delta.unmetered ?? 0;
      }
      if (e.kind === 'test-grid-session') testGridMinutes += delta.billing ?? 0;
    }
    if (!finishing(e, date)) continue;
    const result = e.to.result ?? e.to.status;
    if (e.kind === 'run') count(runsByResult, result);
    if (e.kind === 'job') {
      count(jobsByResult, result);
      const device = e.state.device?.name;
      if (device !== undefined && result !== 'PASSED' && result !== 'SKIPPED') count(failing, device);
    }
    if (e.kind === 'remote-access-session') sessionsFinished++;
    if (e.kind === 'test-grid-session') count(testGridSessionsByStatus, e.to.status);
    if (e.kind === 'deadline-job') count(deadlineJobsByStatus, e.to.status);
  }
  return {
    date,
    runsByResult,
    jobsByResult,
    sessionsFinished,
    testGridSessionsByStatus,
    meteredMinutes: round1(meteredMinutes),
    minutes: {
      metered: round1(meteredMinutes),
      unmetered: round1(unmeteredMinutes),
      testGrid: round1(testGridMinutes),
      currency: pricing.currency,
      meteredCost: round2(costOf(meteredMinutes, pricing.meteredDeviceMinute)),
      testGridCost: round2(costOf(testGridMinutes, pricing.testGridMinute)),
    },
    deadlineJobsByStatus,
    failingDevices: Object.entries(failing)
      .sort(([a, x], [b, y]) => y - x || a.localeCompare(b))
      .slice(0, FAILING_DEVICES)
      .map(([device, jobs]) => ({ device, jobs })),
    ...extra,
  };
}
