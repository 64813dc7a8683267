/**
 * The report on a month of a fleet's history: what `vigil report --since 30d`
 * (and the digest's report) reads and costs. The fleet's runs are spread over
 * 30 days, each recorded as the poller records it in the steady cycles (the
 * run first seen, one change per finished job, its finishing change with the
 * job summary and, when a job failed, its failing tests; each job first seen
 * and finished), built by the recording path's own code (`buildChange`,
 * `eventItem`) and written with BatchWriteItem. Then the real read
 * (`gatherReport`: Queries on the time index, GetItem on the budget ledger)
 * and render, measured.
 */
import { performance } from 'node:perf_hooks';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ensureTable } from '../../lambda/cli/ensure-table';
import { createDocumentClient } from '../../lambda/clients/aws-clients';
import { DEFAULT_SETTINGS, LIST_PRICES, resolveBudget } from '../../lambda/config/settings';
import { changedFields } from '../../lambda/core/change';
import type { Counters, Observation } from '../../lambda/core/observation';
import type { Tally } from '../../lambda/core/tally';
import { renderReport } from '../../lambda/deliver/report/render';
import { tableAdapters } from '../../lambda/engine/wiring';
import { summarizeJobs } from '../../lambda/observe/device-farm/map';
import { gatherReport } from '../../lambda/react/insight/gather';
import { buildChange, type StoredState } from '../../lambda/record/change-event';
import { eventItem } from '../../lambda/record/keys';
import { DEVICES, type DeviceFarmFleet, jobFails, jobMinutes, projectIdOf, TESTS_PER_JOB } from './fleets';
import { itemBytes, operationsOf } from './measure';
import { batchWriteAll } from './seed';

/** The month: 30 days ending at the start of this day. */
export const MONTH_END = '2026-12-01T00:00:00.000Z';
const DAYS = 30;
const MINUTE = 60_000;

export interface ReportMonthResult {
  readonly fleet: string;
  readonly runs: number;
  readonly events: number;
  /** Bytes of the event items, as DynamoDB counts them. */
  readonly eventBytes: number;
  readonly writeSeconds: number;
  /** Requests the report made, by operation. */
  readonly dynamo: Record<string, number>;
  /** Read units DynamoDB Local reported (eventually consistent Queries: 0.5 a 4 KB). */
  readonly rcu: number;
  readonly readMs: number;
  readonly renderMs: number;
  readonly htmlBytes: number;
  readonly devices: number;
  readonly failingTests: number;
}

const ZERO: Counters = { total: 0, passed: 0, failed: 0, warned: 0, errored: 0, stopped: 0, skipped: 0 };
const add = (a: Counters, b: Counters): Counters => ({
  total: a.total + b.total,
  passed: a.passed + b.passed,
  failed: a.failed + b.failed,
  warned: 0,
  errored: 0,
  stopped: 0,
  skipped: 0,
});

/** Every event of one run of the fleet's shape, in the order the poller writes them. */
function runEvents(fleet: DeviceFarmFleet, p: number, i: number, created: number) {
  const project = {
    arn: `arn:aws:devicefarm:us-west-2:123456789012:project:${projectIdOf(p)}`,
    name: `bench-app-${p}`,
  };
  const runArn = `arn:aws:devicefarm:us-west-2:123456789012:run:${projectIdOf(p)}/month-${i}`;
  const iso = (ms: number) => new Date(ms).toISOString();
  const items: Record<string, unknown>[] = [];
  const record = (previous: StoredState | undefined, next: Observation) => {
    const { latest, event } = buildChange(previous, next, changedFields(previous, next), {
      cycleId: `month-${iso(Date.parse(next.observedAt))}`,
      baseline: false,
    });
    items.push(eventItem(event, DEFAULT_SETTINGS.history.eventRetentionDays));
    return latest;
  };
  const jobs = Array.from({ length: fleet.jobsPerRun }, (_, k) => {
    const device = DEVICES[k % DEVICES.length] as (typeof DEVICES)[number];
    const base: Observation = {
      service: 'devicefarm',
      kind: 'job',
      arn: `arn:aws:devicefarm:us-west-2:123456789012:job:${projectIdOf(p)}/month-${i}/${String(k).padStart(5, '0')}`,
      name: `Tests on ${device.name}`,
      scope: runArn,
      project,
      parentArn: runArn,
      parentName: `nightly-${i}`,
      status: 'RUNNING',
      result: 'PENDING',
      device: { name: device.name, platform: device.platform, os: device.os },
      created: iso(created),
      started: iso(created),
      observedAt: iso(created + MINUTE),
    };
    return { k, base, stored: record(undefined, base) };
  });
  const runBase: Observation = {
    service: 'devicefarm',
    kind: 'run',
    arn: runArn,
    name: `nightly-${i}`,
    scope: project.arn,
    project,
    status: 'RUNNING',
    result: 'PENDING',
    created: iso(created),
    started: iso(created),
    observedAt: iso(created + MINUTE),
    jobCounts: { completed: 0, total: fleet.jobsPerRun },
  };
  let run = record(undefined, { ...runBase, jobSummary: summarizeJobs(jobs.map((j) => j.base)) });
  let counters = ZERO;
  let minutes = 0;
  const finished: Observation[] = [];
  for (const { k, base, stored } of jobs) {
    const at = created + (k + 2) * MINUTE;
    const fails = jobFails(i, k);
    const jobCounters = {
      ...ZERO,
      total: TESTS_PER_JOB,
      passed: TESTS_PER_JOB - (fails ? 1 : 0),
      failed: fails ? 1 : 0,
    };
    const done: Observation = {
      ...base,
      status: 'COMPLETED',
      result: fails ? 'FAILED' : 'PASSED',
      counters: jobCounters,
      minutes: { total: jobMinutes(k), metered: jobMinutes(k), unmetered: 0 },
      stopped: iso(at),
      observedAt: iso(at),
      ...(fails ? { message: '1 test failed' } : {}),
    };
    record(stored, done);
    finished.push(done);
    counters = add(counters, jobCounters);
    minutes += jobMinutes(k);
    const last = k === fleet.jobsPerRun - 1;
    const failing = finished.filter((j) => j.result === 'FAILED');
    run = record(run, {
      ...runBase,
      status: last ? 'COMPLETED' : 'RUNNING',
      result: last ? (failing.length > 0 ? 'FAILED' : 'PASSED') : 'PENDING',
      counters,
      minutes: { total: minutes, metered: minutes, unmetered: 0 },
      jobCounts: { completed: k + 1, total: fleet.jobsPerRun },
      jobSummary: summarizeJobs([...finished, ...jobs.slice(k + 1).map((j) => j.base)]),
      observedAt: iso(at),
      ...(last ? { stopped: iso(at) } : {}),
      // What ListUniqueProblems gives for the fleet's failing jobs (fleets.ts): one test each.
      ...(last && failing.length > 0
        ? {
            failingTests: {
              total: new Set(failing.map((j) => Number(j.arn.slice(-5)) % 3)).size,
              tests: [...new Set(failing.map((j) => Number(j.arn.slice(-5)) % 3))].map((step) => {
                const on = failing.filter((j) => Number(j.arn.slice(-5)) % 3 === step);
                return {
                  name: `testStep${step}`,
                  suite: 'CheckoutTests',
                  result: 'FAILED',
                  message: `step ${step} failed`,
                  deviceCount: on.length,
                  devices: on.map((j) => j.device?.name ?? '').slice(0, 3),
                };
              }),
            },
          }
        : {}),
    });
  }
  return items;
}

/** Writes the fleet's month into a fresh table, then measures the report's read and render. */
export async function benchReportMonth(
  fleet: DeviceFarmFleet,
  dynamo: DynamoDBClient,
  tally: Tally,
): Promise<ReportMonthResult> {
  const tableName = `bench-report-${fleet.name}`;
  await ensureTable(dynamo, tableName);
  const documents = createDocumentClient(dynamo);
  const end = Date.parse(MONTH_END);
  const start = end - DAYS * 86_400_000;
  const spacing = (DAYS * 86_400_000) / fleet.runsPerProject;
  const items: Record<string, unknown>[] = [];
  for (let p = 0; p < fleet.projects; p++) {
    for (let i = 0; i < fleet.runsPerProject; i++) {
      // Projects a few minutes apart; a run's jobs take a minute each.
      items.push(...runEvents(fleet, p, i, start + i * spacing + p * 7 * MINUTE));
    }
  }
  const t0 = performance.now();
  await batchWriteAll(documents, tableName, items);
  const writeSeconds = (performance.now() - t0) / 1000;

  const settings = { ...DEFAULT_SETTINGS };
  const budget = resolveBudget(
    {
      name: 'monthly-spend',
      meter: 'deviceMinutes.metered',
      period: 'month',
      timeZone: 'UTC',
      limitUsd: 2000,
      thresholds: [50, 80, 100],
      projects: [],
      forecast: true,
    },
    LIST_PRICES,
  );
  const table = tableAdapters(documents, tableName, settings);
  const before = tally.snapshot();
  const r0 = performance.now();
  const data = await gatherReport(
    { reader: table.store, budgetLedger: table.budgets, budgets: [budget], pricing: LIST_PRICES },
    { since: new Date(start).toISOString(), until: new Date(end - 1).toISOString(), now: new Date(end) },
  );
  const r1 = performance.now();
  const html = renderReport(data);
  const r2 = performance.now();
  const calls = tally.since(before);
  return {
    fleet: fleet.name,
    runs: fleet.projects * fleet.runsPerProject,
    events: items.length,
    eventBytes: items.reduce((n, item) => n + itemBytes(item), 0),
    writeSeconds,
    dynamo: operationsOf(calls, 'dynamodb'),
    rcu: calls['dynamodb.rcu'] ?? 0,
    readMs: r1 - r0,
    renderMs: r2 - r1,
    htmlBytes: Buffer.byteLength(html, 'utf8'),
    devices: data.devices.length,
    failingTests: data.failingTests.length,
  };
}
