/**
 * Fault injection through the whole pipeline: each case plays a scripted
 * account step by step through the real poller, DynamoDB Local, the stream
 * and fauxqs, with one kind of fault at one place (throttling, 5xx, slow or
 * odd-but-valid replies from the emulators, SNS down, overlapping cycles, a
 * crash between record and deliver), then one recovery cycle. What was
 * recorded and delivered is compared with a fault-free reference run of the
 * same account: nothing lost, nothing notified twice, nothing recorded that
 * did not happen.
 */
import { SNSClient } from '@aws-sdk/client-sns';
import { deliverFromStream } from '../../lambda/cli/deliver-from-stream';
import { SnsPublisher } from '../../lambda/deliver/sns-publisher';
import { readEvents, type StreamRecordInput } from '../../lambda/record/stream-events';
import type { VigilEvent } from '../../lambda/record/vigil-event';
import type { FaultInjection as DeadlineFault } from '../emulators/deadline';
import { deadlineDemoScenario } from '../emulators/deadline/scenarios';
import type { FaultInjection as DeviceFarmFault, DeviceFarmScenario } from '../emulators/device-farm';
import { fourJobRunScenario } from '../emulators/device-farm/scenarios/demo';
import type { RunningEmulator } from '../emulators/shared/http-server';
import { type Harness, startHarness } from '../support/pipeline';

const START = new Date('2026-11-21T02:00:00.000Z');
/** Small enough to keep the suite fast, large enough to reorder calls. */
const SLOW_MS = 300;

/**
 * The four-job run with odd-but-valid replies: job `00001` passes through a
 * status no SDK enum knows, and job `00002` finishes FAILED with no counters,
 * no device minutes and no message (all optional in the API).
 */
function oddFourJobRunScenario(startTime: Date): DeviceFarmScenario {
  const scenario = structuredClone(fourJobRunScenario(startTime));
  const jobs = scenario.projects?.[0]?.runs?.[0]?.jobs ?? [];
  const [, passing, failing] = jobs;
  if (passing === undefined || failing === undefined) throw new Error('fourJobRunScenario changed shape');
  const [pending, running, passed] = passing.timeline;
  if (pending === undefined || running === undefined || passed === undefined) throw new Error('unexpected timeline');
  passing.timeline = [
    pending,
    running,
    { step: 2, status: 'ARCHIVING_LOGS', result: 'PENDING' },
    { ...passed, step: 3 },
  ];
  failing.timeline = failing.timeline.map((state) =>
    state.status === 'COMPLETED' ? { step: state.step, status: state.status, result: state.result } : state,
  );
  return scenario;
}

/** A scripted account and how to start a harness playing it. */
interface Account {
  readonly name: string;
  /** Steps played: 0 to steps - 1. */
  readonly steps: number;
  readonly service: 'devicefarm' | 'deadline';
  start(): Promise<Harness>;
  /** What the subscriber receives in the fault-free run (sorted). */
  readonly subjects: readonly string[];
}

const ACCOUNTS = {
  fourJob: {
    name: 'df four-job run',
    steps: 4,
    service: 'devicefarm',
    start: () => startHarness({ scenario: fourJobRunScenario(START) }),
    subjects: [
      'FAILED: job Tests on OnePlus 11 in run four-job-run',
      'FAILED: run four-job-run (2 of 4 jobs did not pass)',
    ],
  },
  oddFourJob: {
    name: 'df four-job run, odd replies',
    steps: 4,
    service: 'devicefarm',
    start: () => startHarness({ scenario: oddFourJobRunScenario(START) }),
    subjects: [
      'FAILED: job Tests on OnePlus 11 in run four-job-run',
      'FAILED: run four-job-run (2 of 4 jobs did not pass)',
      'Unknown Device Farm value ARCHIVING_LOGS: job Tests on Samsung Galaxy S23',
    ],
  },
  deadlineDemo: {
    name: 'deadline demo farm',
    steps: 4,
    service: 'deadline',
    start: () => startHarness({ deadline: deadlineDemoScenario(START) }),
    subjects: [
      'FAILED: Deadline job shot-020-comp (12 of 40 tasks failed)',
      'SUCCEEDED: Deadline job shot-010-lighting (48 tasks)',
    ],
  },
} satisfies Record<string, Account>;
type AccountName = keyof typeof ACCOUNTS;

/** What goes wrong, and where. */
type Fault =
  | { readonly kind: 'emulator'; readonly step: number; readonly inject: readonly (DeviceFarmFault | DeadlineFault)[] }
  /** The notifier's publishes fail for one delivery (SNS unreachable). */
  | { readonly kind: 'sns-down'; readonly step: number }
  /** Two poll cycles at once at every step. */
  | { readonly kind: 'overlap' }
  /** A cycle records but dies before its delivery runs. */
  | { readonly kind: 'crash'; readonly step: number };

interface Case {
  readonly name: string;
  readonly account: AccountName;
  readonly fault: Fault;
  /**
   * Poll again at the fault's step (the next scheduled poll, a minute later,
   * inside the same five-minute step), for faults that make a cycle fail.
   */
  readonly pollAgain?: boolean;
}

const CASES: readonly Case[] = [
  {
    name: 'LimitExceededException bursts on Device Farm list calls',
    account: 'fourJob',
    fault: {
      kind: 'emulator',
      step: 3,
      inject: [
        { operation: 'ListRuns', times: 2, fault: 'throttle' },
        { operation: 'ListJobs', times: 1, fault: 'throttle' },
      ],
    },
  },
  {
    name: 'Device Farm 500 and 503 within the retry budget',
    account: 'fourJob',
    fault: {
      kind: 'emulator',
      step: 3,
      inject: [
        { operation: 'ListJobs', times: 2, fault: 'server-error' },
        { operation: 'ListRuns', times: 1, fault: 'server-error', status: 503 },
      ],
    },
  },
  {
    name: 'Device Farm 500 past the retry budget, then the next poll',
    account: 'fourJob',
    fault: { kind: 'emulator', step: 2, inject: [{ operation: 'ListJobs', times: 6, fault: 'server-error' }] },
    pollAgain: true,
  },
  {
    name: 'Device Farm 500 past the retry budget when the run completes, then the next poll',
    account: 'fourJob',
    fault: { kind: 'emulator', step: 3, inject: [{ operation: 'ListJobs', times: 6, fault: 'server-error' }] },
    pollAgain: true,
  },
  {
    name: 'slow Device Farm replies',
    account: 'fourJob',
    fault: {
      kind: 'emulator',
      step: 2,
      inject: [
        { operation: 'ListRuns', times: 1, fault: 'slow', delayMs: SLOW_MS },
        { operation: 'ListJobs', times: 1, fault: 'slow', delayMs: SLOW_MS },
      ],
    },
  },
  {
    name: 'empty Device Farm pages with a nextToken',
    account: 'fourJob',
    fault: {
      kind: 'emulator',
      step: 2,
      inject: [
        { operation: 'ListProjects', times: 1, fault: 'empty-page' },
        { operation: 'ListRuns', times: 2, fault: 'empty-page' },
        { operation: 'ListJobs', times: 2, fault: 'empty-page' },
      ],
    },
  },
  { name: 'SNS down for one delivery (Device Farm)', account: 'fourJob', fault: { kind: 'sns-down', step: 2 } },
  { name: 'two Device Farm cycles overlapping at every step', account: 'fourJob', fault: { kind: 'overlap' } },
  { name: 'crash between record and deliver (Device Farm job)', account: 'fourJob', fault: { kind: 'crash', step: 2 } },
  { name: 'crash between record and deliver (Device Farm run)', account: 'fourJob', fault: { kind: 'crash', step: 3 } },
  {
    name: 'unknown status and missing fields, with throttling',
    account: 'oddFourJob',
    fault: { kind: 'emulator', step: 2, inject: [{ operation: 'ListJobs', times: 1, fault: 'throttle' }] },
  },
  { name: 'unknown status and missing fields, overlapping', account: 'oddFourJob', fault: { kind: 'overlap' } },
  {
    name: 'Deadline ThrottlingException bursts',
    account: 'deadlineDemo',
    fault: {
      kind: 'emulator',
      step: 3,
      inject: [
        { operation: 'ListJobs', times: 2, fault: 'throttle' },
        { operation: 'GetSession', times: 1, fault: 'throttle' },
      ],
    },
  },
  {
    name: 'Deadline 500 and 503 within the retry budget',
    account: 'deadlineDemo',
    fault: {
      kind: 'emulator',
      step: 3,
      inject: [
        { operation: 'ListSessions', times: 2, fault: 'server-error' },
        { operation: 'GetSession', times: 1, fault: 'server-error', status: 503 },
      ],
    },
  },
  {
    name: 'Deadline 500 past the retry budget when jobs finish, then the next poll',
    account: 'deadlineDemo',
    fault: { kind: 'emulator', step: 3, inject: [{ operation: 'ListSessions', times: 6, fault: 'server-error' }] },
    pollAgain: true,
  },
  {
    name: 'Deadline AccessDenied once, then the next poll',
    account: 'deadlineDemo',
    fault: { kind: 'emulator', step: 3, inject: [{ operation: 'ListJobs', times: 1, fault: 'access-denied' }] },
    pollAgain: true,
  },
  {
    name: 'slow Deadline replies',
    account: 'deadlineDemo',
    fault: {
      kind: 'emulator',
      step: 3,
      inject: [
        { operation: 'ListJobs', times: 1, fault: 'slow', delayMs: SLOW_MS },
        { operation: 'GetSession', times: 1, fault: 'slow', delayMs: SLOW_MS },
      ],
    },
  },
  {
    name: 'empty Deadline pages with a nextToken',
    account: 'deadlineDemo',
    fault: {
      kind: 'emulator',
      step: 3,
      inject: [
        { operation: 'ListJobs', times: 2, fault: 'empty-page' },
        { operation: 'ListSessions', times: 2, fault: 'empty-page' },
      ],
    },
  },
  { name: 'SNS down for one delivery (Deadline)', account: 'deadlineDemo', fault: { kind: 'sns-down', step: 3 } },
  { name: 'two Deadline cycles overlapping at every step', account: 'deadlineDemo', fault: { kind: 'overlap' } },
  { name: 'crash between record and deliver (Deadline)', account: 'deadlineDemo', fault: { kind: 'crash', step: 3 } },
];

/** What a played account left behind. */
interface Outcome {
  /** Every event recorded, keyed `<eventId> <from> → <to>`. */
  readonly recorded: readonly string[];
  /** Subjects the subscriber received, in order. */
  readonly subjects: readonly string[];
  /** How many messages covered each event id. */
  readonly covered: ReadonlyMap<string, number>;
  readonly faultsInjected: number;
  readonly faultsConsumed: number;
  /** Poll failures reported by the cycles (scopes that failed, retried next cycle). */
  readonly pollFailures: number;
}

function transitionKey(event: VigilEvent): string {
  if (event.eventType !== 'change') return event.eventId;
  const pair = (p: { status: string; result?: string } | undefined) =>
    p === undefined ? '∅' : `${p.status}/${p.result ?? '-'}`;
  return `${event.eventId} ${pair(event.from)} → ${pair(event.to)}`;
}

function emulatorOf(harness: Harness, account: Account): RunningEmulator<never, DeviceFarmFault | DeadlineFault> {
  const emulator = account.service === 'deadline' ? harness.deadline : harness.emulator;
  if (emulator === undefined) throw new Error(`no ${account.service} emulator in this harness`);
  return emulator as unknown as RunningEmulator<never, DeviceFarmFault | DeadlineFault>;
}

/** Delivers with a publisher whose SNS endpoint has nothing listening: every publish fails. */
async function deliverWithSnsDown(harness: Harness): Promise<number> {
  const down = new SNSClient({ endpoint: 'http://127.0.0.1:9', maxAttempts: 1 });
  try {
    const totals = await deliverFromStream(harness.follower, {
      ...harness.notifier,
      publisher: new SnsPublisher(down, harness.topicArn),
    });
    return totals.retrying;
  } finally {
    down.destroy();
  }
}

/** Plays `account` with `fault` (none for the reference), then one recovery cycle. */
async function play(account: Account, fault?: Fault, pollAgain = false): Promise<Outcome> {
  const harness = await account.start();
  try {
    const emulator = emulatorOf(harness, account);
    if (fault?.kind === 'overlap') emulator.configure({ latencyMs: 20 });
    let faultsInjected = 0;
    let faultsConsumed = 0;
    let pollFailures = 0;
    const poll = async () => {
      const reports =
        fault?.kind === 'overlap' ? await Promise.all([harness.poll(), harness.poll()]) : [await harness.poll()];
      const failures = reports.reduce((n, r) => n + r.failures.length, 0);
      pollFailures += failures;
      return { events: reports.reduce((n, r) => n + r.events.length, 0), failures };
    };

    for (let step = 0; step < account.steps; step++) {
      emulator.setStep(step);
      const here = fault !== undefined && 'step' in fault && fault.step === step;
      if (here && fault.kind === 'emulator') {
        for (const injection of fault.inject) {
          emulator.inject(injection);
          faultsInjected += injection.times;
        }
      }
      const polled = await poll();
      if (fault?.kind === 'overlap') {
        faultsInjected += 1;
        faultsConsumed += 1;
      }
      if (here && fault.kind === 'crash') {
        // The crashed cycle recorded something its delivery never saw.
        expect(polled.events).toBeGreaterThan(0);
        faultsInjected += 1;
        faultsConsumed += 1;
        continue;
      }
      if (here && fault.kind === 'sns-down') {
        faultsInjected += 1;
        const failed = await deliverWithSnsDown(harness);
        expect(failed).toBeGreaterThan(0);
        faultsConsumed += 1;
        continue;
      }
      // A resource whose recording failed is logged, reported in the cycle's failures, and retried.
      if (here && pollAgain) await poll();
      await harness.deliver();
    }
    faultsConsumed += faultsInjected > 0 && fault?.kind === 'emulator' ? faultsInjected - emulator.pendingFaults : 0;

    // Recovery: one more cycle, then a notifier that lost its checkpoint re-reads the whole stream.
    await poll();
    await harness.deliver();
    await deliverFromStream(harness.newFollower(), harness.notifier);

    const records = (await harness.newFollower().readAvailable()).map((r) => r.record as StreamRecordInput);
    const { events, rejected } = readEvents(records);
    expect(rejected).toEqual([]);
    const received = await harness.received();
    const covered = new Map<string, number>();
    for (const message of received) {
      for (const id of message.document.eventIds) covered.set(id, (covered.get(id) ?? 0) + 1);
    }
    return {
      recorded: events.map((e) => transitionKey(e.event)),
      subjects: received.map((m) => m.subject),
      covered,
      faultsInjected,
      faultsConsumed,
      pollFailures,
    };
  } finally {
    await harness.stop();
  }
}

const references = new Map<AccountName, Promise<Outcome>>();
/** The fault-free run of an account, played once per suite. */
function reference(name: AccountName): Promise<Outcome> {
  let outcome = references.get(name);
  if (outcome === undefined) {
    outcome = play(ACCOUNTS[name]);
    references.set(name, outcome);
  }
  return outcome;
}

interface Figures {
  readonly name: string;
  readonly injected: number;
  readonly consumed: number;
  readonly pollFailures: number;
  readonly expected: number;
  readonly recorded: number;
  readonly notifiable: number;
  readonly delivered: number;
  readonly duplicated: number;
  readonly lost: number;
  readonly phantom: number;
  readonly ms: number;
}

/** lost = expected − delivered, duplicated = delivered more than once, phantom = recorded or delivered but not expected. */
function compare(expected: Outcome, actual: Outcome) {
  const expectedRecorded = new Set(expected.recorded);
  const recorded = new Set(actual.recorded);
  const lostRecords = [...expectedRecorded].filter((k) => !recorded.has(k));
  const lostDeliveries = [...expected.covered.keys()].filter((id) => !actual.covered.has(id));
  const duplicated = [...actual.covered].filter(([, n]) => n > 1).map(([id, n]) => `${id} ×${n}`);
  const duplicateRecords = actual.recorded.filter((k, i) => actual.recorded.indexOf(k) !== i);
  const phantom = [
    ...actual.recorded.filter((k) => !expectedRecorded.has(k)),
    ...[...actual.covered.keys()].filter((id) => !expected.covered.has(id)).map((id) => `delivered ${id}`),
  ];
  return { lost: [...lostRecords, ...lostDeliveries], duplicated: [...duplicated, ...duplicateRecords], phantom };
}

const figures: Figures[] = [];

function figuresTable(rows: readonly Figures[]): string {
  const header = [
    'case',
    'faults',
    'consumed',
    'pollFail',
    'expected',
    'recorded',
    'notify',
    'delivered',
    'dup',
    'lost',
    'phantom',
    'ms',
  ];
  const lines = rows.map((r) => [
    r.name,
    r.injected,
    r.consumed,
    r.pollFailures,
    r.expected,
    r.recorded,
    r.notifiable,
    r.delivered,
    r.duplicated,
    r.lost,
    r.phantom,
    r.ms,
  ]);
  const total = (key: keyof Omit<Figures, 'name'>) => rows.reduce((n, r) => n + r[key], 0);
  lines.push([
    `TOTAL (${rows.length} scenarios)`,
    total('injected'),
    total('consumed'),
    total('pollFailures'),
    total('expected'),
    total('recorded'),
    total('notifiable'),
    total('delivered'),
    total('duplicated'),
    total('lost'),
    total('phantom'),
    total('ms'),
  ]);
  const cells = [header, ...lines.map((l) => l.map(String))];
  const widths = header.map((_, i) => Math.max(...cells.map((c) => (c[i] ?? '').length)));
  return cells
    .map((c) => c.map((v, i) => (i === 0 ? v.padEnd(widths[i] ?? 0) : v.padStart(widths[i] ?? 0))).join('  '))
    .join('\n');
}

describe('Fault injection', () => {
  afterAll(() => {
    process.stdout.write(`\nFault injection figures\n${figuresTable(figures)}\n`);
  });

  describe('reference runs', () => {
    it.each(Object.keys(ACCOUNTS) as AccountName[])(
      'delivers the scripted notifications once when %s has no faults',
      async (name) => {
        const began = performance.now();
        const outcome = await reference(name);

        expect([...outcome.subjects].sort()).toEqual(ACCOUNTS[name].subjects);
        expect(outcome.pollFailures).toBe(0);
        expect(new Set(outcome.recorded).size).toBe(outcome.recorded.length);
        expect([...outcome.covered.values()].every((n) => n === 1)).toBe(true);
        figures.push({
          name: `reference: ${ACCOUNTS[name].name}`,
          injected: 0,
          consumed: 0,
          pollFailures: 0,
          expected: outcome.recorded.length,
          recorded: outcome.recorded.length,
          notifiable: outcome.covered.size,
          delivered: outcome.covered.size,
          duplicated: 0,
          lost: 0,
          phantom: 0,
          ms: Math.round(performance.now() - began),
        });
      },
    );

    it('records the unknown status as it came when a job reports one', async () => {
      const outcome = await reference('oddFourJob');

      expect(outcome.recorded.filter((k) => k.includes('ARCHIVING_LOGS'))).toEqual([
        expect.stringMatching(/\/00001@2 RUNNING\/PENDING → ARCHIVING_LOGS\/PENDING$/),
        expect.stringMatching(/\/00001@3 ARCHIVING_LOGS\/PENDING → COMPLETED\/PASSED$/),
      ]);
    });
  });

  it.each(CASES.map((c) => [c.name, c] as const))('loses, repeats and invents nothing under %s', async (_name, c) => {
    const expected = await reference(c.account);
    const began = performance.now();

    const actual = await play(ACCOUNTS[c.account], c.fault, c.pollAgain);

    const { lost, duplicated, phantom } = compare(expected, actual);
    figures.push({
      name: `${ACCOUNTS[c.account].name}: ${c.name}`,
      injected: actual.faultsInjected,
      consumed: actual.faultsConsumed,
      pollFailures: actual.pollFailures,
      expected: expected.recorded.length,
      recorded: actual.recorded.length,
      notifiable: expected.covered.size,
      delivered: actual.covered.size,
      duplicated: duplicated.length,
      lost: lost.length,
      phantom: phantom.length,
      ms: Math.round(performance.now() - began),
    });
    expect({ lost, duplicated, phantom }).toEqual({ lost: [], duplicated: [], phantom: [] });
    // Every armed fault was met: a fault that never fired would prove nothing.
    expect(actual.faultsConsumed).toBe(actual.faultsInjected);
    // A fault past the SDK's retries is reported in the cycle's failures (exit code, metrics); one within them is not.
    expect(actual.pollFailures > 0).toBe(c.pollAgain === true);
  });
});
