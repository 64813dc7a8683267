/**
 * BENCHMARKS.md from the measured results. Counts are deterministic; times
 * and memory are this machine's.
 */
import { cpus, totalmem } from 'node:os';
import type { CycleResult, FleetResult } from './bench-fleet';
import { LIMITS } from './bench-fleet';
import { type BundleReport, kb } from './bundles';
import { median, type StartTime } from './cli-start';
import { type MonthlyCost, monthlyCost, usd } from './cost';
import type { DeadlineHistoryResult } from './deadline-history';
import { describeFleet } from './fleets';
import type { OnceCyclesResult } from './once-cycles';
import type { ReportMonthResult } from './report-month';

export interface Before {
  /** What the "before" figures were measured on. */
  readonly note: string;
  /** fleet → cycle label → counts. */
  readonly fleets: Record<string, Record<string, { apiCalls: number; itemWrites: number; seconds?: number }>>;
  /** fleet → write units per change in the steady cycle before items were stored compact. */
  readonly writeUnitsPerChange: Record<string, number>;
  /** handler file → bundle bytes before the bundling change. */
  readonly bundleBytes: Record<string, number>;
}

export interface ReportInput {
  readonly fleets: readonly FleetResult[];
  readonly bundles?: BundleReport;
  /** The report (`vigil report`, the digest's) on the medium fleet's month. */
  readonly reportMonth?: ReportMonthResult;
  readonly before?: Before;
  readonly deadlineHistory?: DeadlineHistoryResult;
  readonly cliStart?: readonly StartTime[];
  /** `vigil run --once` stream reads after many earlier cycles. */
  readonly onceCycles?: OnceCyclesResult;
  readonly seconds: number;
}

const n = (x: number) => Math.round(x).toLocaleString('en-US');
const ratio = (a: number, b: number) => (b === 0 ? (a === 0 ? '1.00' : '∞') : (a / b).toFixed(2));
const times = (a: number, b: number) => (b === 0 ? '—' : `${(a / b).toFixed(a / b >= 100 ? 0 : 1)}×`);
const secs = (ms: number) => (ms >= 3_600_000 ? `${(ms / 3_600_000).toFixed(1)} h` : `${(ms / 1000).toFixed(1)} s`);
const ops = (counts: Record<string, number>) =>
  Object.entries(counts)
    .filter(([, v]) => v > 0)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => `${k} ${n(v)}`)
    .join(', ');

const cycleOf = (f: FleetResult, label: string) => f.cycles.find((c) => c.label === label) as CycleResult;

function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  return [
    `| ${header.join(' | ')} |`,
    `|${header.map(() => '---').join('|')}|`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ].join('\n');
}

function summary(input: ReportInput): string {
  const rows = input.fleets.map((f) => {
    const steady = cycleOf(f, 'steady');
    const idle = cycleOf(f, 'idle');
    const cost = monthlyCost(steady, f.fleet.service === 'devicefarm');
    const quiet = monthlyCost(idle, f.fleet.service === 'devicefarm');
    return [
      `**${f.fleet.name}**`,
      `${n(steady.apiCalls)} / ${n(steady.lowerBound.calls)} = ${ratio(steady.apiCalls, steady.lowerBound.calls)}`,
      `${n(steady.changes)} / ${n(steady.lowerBound.changes)}`,
      `${n(idle.apiCalls)} / ${n(idle.lowerBound.calls)}, ${n(idle.itemWrites)} writes`,
      `${times(f.naive.apiCalls, steady.apiCalls)} calls, ${times(f.naive.itemWrites, steady.itemWrites)} writes`,
      secs(steady.wallMs),
      `${usd(cost.total)} / ${usd(quiet.total)}`,
    ];
  });
  return table(
    [
      'fleet',
      'steady calls / bound',
      'changes written / bound',
      'idle calls / bound',
      'Vigil cheaper than naive by',
      'steady cycle time',
      'monthly cost: busy / quiet',
    ],
    rows,
  );
}

function goals(input: ReportInput): string {
  const lines: string[] = [];
  const mark = (ok: boolean) => (ok ? 'met' : '**not met**');
  for (const f of input.fleets) {
    const steady = cycleOf(f, 'steady');
    const first = cycleOf(f, 'first');
    const idle = cycleOf(f, 'idle');
    const within = steady.apiCalls <= 1.5 * steady.lowerBound.calls;
    const writesEqual = [first, steady, idle].every((c) => c.changes === c.lowerBound.changes);
    lines.push(
      `- **${f.fleet.name}**: steady-state calls ${ratio(steady.apiCalls, steady.lowerBound.calls)}× the bound (goal ≤ 1.5×): ${mark(within)}; ` +
        `change transactions equal to changes in every measured cycle: ${mark(writesEqual)}; ` +
        `idle cycle writes: ${n(idle.itemWrites)}.`,
    );
  }
  const large = input.fleets.find((f) => f.fleet.name === 'large');
  if (large !== undefined) {
    const idle = cycleOf(large, 'idle');
    const steady = cycleOf(large, 'steady');
    const projects = large.fleet.service === 'devicefarm' ? large.fleet.projects : 0;
    const account = (idle.api.ListProjects ?? 0) + (idle.api.ListTestGridProjects ?? 0);
    const perProject = projects === 0 ? 0 : (idle.apiCalls - account) / projects;
    const strict = projects + account;
    lines.push(
      `- **large, idle**: ${n(idle.apiCalls)} calls and ${n(idle.itemWrites)} writes: ${n(account)} account-wide ` +
        `discovery calls (\`ListProjects\`, \`ListTestGridProjects\`) and ${perProject} per project (one page each of ` +
        '`ListRuns` and `ListRemoteAccessSessions`, the only way to discover new runs and sessions of a project). ' +
        `**Met** if those per-project pages count as discovery, as the issue's lower bound counts them; **not met** ` +
        `under the stricter reading of one call per project in all (${n(strict)}): Device Farm has no account-wide ` +
        'list of runs or sessions, so that reading would mean listing remote access sessions less often than ' +
        'runs, and finding a new session minutes later.',
    );
    lines.push(
      `- **large, steady cycle within the one-minute schedule** at ${LIMITS.latencyMs} ms a call and ${LIMITS.rateLimitPerSecond} calls/s: ` +
        `${secs(steady.wallMs)}: ${mark(steady.wallMs <= 60_000)}. Its lower bound alone is ${n(steady.lowerBound.calls)} calls, ` +
        `${secs((steady.lowerBound.calls / LIMITS.rateLimitPerSecond) * 1000)} at ${LIMITS.rateLimitPerSecond} calls/s: unreachable with the real APIs at that rate (see "Cycle time").`,
    );
  }
  if (input.bundles !== undefined) {
    const shipped = input.bundles.bundles;
    const maxBytes = Math.max(...shipped.map((s) => s.bytes));
    const maxLoad = Math.max(...shipped.map((s) => s.loadMs));
    lines.push(
      `- **Lambda bundles** under 500 KB: largest ${kb(maxBytes)}: ${mark(maxBytes < 500 * 1024)}; module load under 150 ms: slowest ${maxLoad} ms: ${mark(maxLoad < 150)}. See "Lambda bundles".`,
    );
  }
  return lines.join('\n');
}

function cycleTables(f: FleetResult): string {
  const api = table(
    [
      'cycle',
      'step',
      'API calls',
      'by operation',
      'lower bound',
      'ratio',
      'strict bound',
      'time',
      'throttled / attempts',
    ],
    f.cycles.map((c) => [
      c.label,
      String(c.step),
      n(c.apiCalls),
      ops(c.api),
      n(c.lowerBound.calls),
      ratio(c.apiCalls, c.lowerBound.calls),
      n(c.lowerBound.strictCalls),
      `${secs(c.wallMs)}${c.limited ? '' : ' (no limits)'}`,
      `${n(c.throttled)} / ${n(c.attempts)}`,
    ]),
  );
  const store = table(
    [
      'cycle',
      'DynamoDB requests',
      'read units',
      'write units',
      'item writes',
      'changes / bound',
      'notices',
      'peak heap (growth), rss',
    ],
    f.cycles.map((c) => [
      c.label,
      ops(c.dynamo),
      `${c.rcu.toFixed(1)}${c.rcuMissing > 0 ? ` (+${c.rcuMissing} for missing items)` : ''}`,
      c.wcu.toFixed(0),
      n(c.itemWrites),
      `${n(c.changes)} / ${n(c.lowerBound.changes)}`,
      c.notices === 0 ? '0' : `${c.notices} (${ops(c.noticeTypes)})`,
      `${c.memory.heapMb} MB (+${c.memory.heapGrowthMb}), ${c.memory.rssMb} MB`,
    ]),
  );
  const delivery = table(
    [
      'cycle',
      'reactors + notifier: DynamoDB requests',
      'read units',
      'write units',
      'published',
      'one sweep of each outbox queue',
      'schedule over the present (guard, stuck, reminders): API calls; DynamoDB',
    ],
    f.cycles.map((c) => [
      c.label,
      ops(c.delivery.dynamo) || '—',
      c.delivery.rcu.toFixed(1),
      c.delivery.wcu.toFixed(0),
      n(c.delivery.published),
      `${c.delivery.sweep.queries} Queries, ${c.delivery.sweep.rcu.toFixed(1)} read units (DynamoDB bills at least ${(c.delivery.sweep.queries * 0.5).toFixed(1)})`,
      `${Object.values(c.delivery.present.apiCalls).reduce((a, b) => a + b, 0)}; ${ops(c.delivery.present.dynamo) || '—'}`,
    ]),
  );
  const failures = f.cycles.reduce((a, c) => a + c.failures, 0);
  return [
    api,
    '',
    store,
    '',
    delivery,
    failures > 0 ? `\n**${failures} scope failures or logged errors in these cycles.**` : '',
  ].join('\n');
}

function naiveTable(input: ReportInput): string {
  return table(
    [
      'fleet',
      'naive calls (by operation)',
      'naive item writes (write units)',
      'naive time at 10 calls/s',
      'Vigil steady: calls, item writes, time',
      'Vigil is cheaper by',
    ],
    input.fleets.map((f) => {
      const steady = cycleOf(f, 'steady');
      const sampled =
        f.naive.sampled < f.naive.scopes ? ` — measured on ${f.naive.sampled} of ${f.naive.scopes}, scaled` : '';
      return [
        f.fleet.name,
        `${n(f.naive.apiCalls)} (${ops(f.naive.api)})${sampled}`,
        `${n(f.naive.itemWrites)} (${n(f.naive.wcu)})`,
        secs((f.naive.apiCalls / LIMITS.rateLimitPerSecond) * 1000),
        `${n(steady.apiCalls)}, ${n(steady.itemWrites)}, ${secs(steady.wallMs)}`,
        `${times(f.naive.apiCalls, steady.apiCalls)} calls, ${times(f.naive.itemWrites, steady.itemWrites)} item writes, ${times(f.naive.wcu, steady.wcu)} write units`,
      ];
    }),
  );
}

function costSection(input: ReportInput): string {
  const costs: { name: string; busy: MonthlyCost; quiet: MonthlyCost }[] = input.fleets.map((f) => ({
    name: f.fleet.name,
    busy: monthlyCost(cycleOf(f, 'steady'), f.fleet.service === 'devicefarm'),
    quiet: monthlyCost(cycleOf(f, 'idle'), f.fleet.service === 'devicefarm'),
  }));
  const items = costs[0]?.busy.lines.map((l) => l.item) ?? [];
  const rows = items.map((item, i) => [item, ...costs.map((c) => usd(c.busy.lines[i]?.usd ?? 0))]);
  rows.push(['**total, every cycle like the steady one**', ...costs.map((c) => `**${usd(c.busy.total)}**`)]);
  rows.push(['total, every cycle idle', ...costs.map((c) => usd(c.quiet.total))]);
  return table(['per month, one poll a minute', ...costs.map((c) => c.name)], rows);
}

function bundleSection(b: BundleReport, before: Before | undefined): string {
  const rows = b.bundles.map((bundle) => {
    const was = before?.bundleBytes[bundle.handler];
    return [bundle.handler, was === undefined ? '—' : kb(was), kb(bundle.bytes), `${bundle.loadMs} ms`];
  });
  const contributors = b.largest.contributors.map((c) => `${c.name} ${kb(c.bytes)}`).join(', ');
  return [
    table(['handler', 'before', 'size', 'module load (median of 5)'], rows),
    '',
    `Where the bytes of the largest bundle (\`${b.largest.handler}\`) go, by package: ${contributors}.`,
  ].join('\n');
}

function deadlineHistorySection(h: DeadlineHistoryResult): string {
  const rows = h.cycles.map((c) => [c.label, n(c.apiCalls), ops(c.api), ops(c.dynamo), n(c.rcu), n(c.changes)]);
  const quiet = h.cycles.find((c) => c.label.startsWith('quiet, listing'));
  const events = h.cycles.find((c) => c.label === 'quiet, events arrive');
  const full = h.cycles.find((c) => c.label.startsWith('an hour later'));
  const perHour =
    quiet === undefined || events === undefined || full === undefined
      ? ''
      : ` Over an hour of one-minute cycles that is ${n(60 * quiet.apiCalls)} Deadline calls listing every cycle, ` +
        `${n(59 * events.apiCalls + full.apiCalls)} with events arriving (${times(60 * quiet.apiCalls, 59 * events.apiCalls + full.apiCalls)} fewer).`;
  return [
    `One queue of ${n(h.fleet.jobsPerQueue)} jobs, ${h.fleet.activeJobsPerQueue} of them active, nothing changing; ` +
      `\`deadline.fullListingMinutes\` ${h.fullListingMinutes}. ListJobs has no status filter, ` +
      "so a listing reads every job the queue keeps. When the stack is in Deadline's region its events announce new " +
      'jobs, and a cycle reads only the jobs that can still change (one GetJob each); it lists in full at the baseline ' +
      `and once per interval, which also catches an event EventBridge never delivered.${perHour}`,
    '',
    table(['cycle', 'Deadline calls', 'by operation', 'DynamoDB requests', 'read units', 'changes'], rows),
  ].join('\n');
}

function cliStartSection(rows: readonly StartTime[]): string {
  const ms = (x: number) => `${Math.round(x)} ms`;
  return [
    `Each command is a fresh process (\`node bin/vigil.js …\`), timed from spawn to exit, ${rows[0]?.ms.length ?? 0} runs ` +
      'after one not counted; min, median and max. `vigil` runs `dist/vigil.js`, the CLI bundled by `npm ci` ' +
      "(the package's `prepare` script); help and version answer without running a command's code or the AWS SDK's.",
    '',
    table(
      ['command', 'min', 'median', 'max'],
      rows.map((r) => [
        `${r.label} (\`${r.command}\`)`,
        ms(r.ms[0] ?? 0),
        `**${ms(median(r.ms))}**`,
        ms(r.ms[r.ms.length - 1] ?? 0),
      ]),
    ),
  ].join('\n');
}

function onceCyclesSection(r: OnceCyclesResult): string {
  return [
    'Each `vigil run --once` starts its stream readers afresh, from the checkpoints (one item per consumer and shard) ' +
      'that earlier cycles left in the table. An account with the same news every cycle (one more failed run: 2 changes, ' +
      "1 message); each row is the cycle after that many earlier ones, DynamoDB Streams counted on the wire, the cycle's " +
      'wall time in one process (no Node start-up). The figures stay flat while the stream grows: a reader without ' +
      `checkpoints would read all ${n(r.streamRecords)} records the stream held at the end, every cycle.`,
    '',
    table(
      ['earlier cycles', 'GetRecords', 'records read', 'stream calls', 'cycle wall time', 'the cycle said'],
      r.cycles.map((c) => [
        n(c.after),
        n(c.getRecords),
        n(c.records),
        n(c.streamCalls),
        `${(c.ms / 1000).toFixed(2)} s`,
        c.summary.replace(/^cycle \S+: /, ''),
      ]),
    ),
  ].join('\n');
}

function beforeAfter(input: ReportInput): string {
  const before = input.before;
  if (before === undefined) return '';
  const rows: string[][] = [];
  for (const f of input.fleets) {
    const was = before.fleets[f.fleet.name];
    if (was === undefined) continue;
    for (const c of f.cycles) {
      const old = was[c.label];
      if (old === undefined) continue;
      rows.push([
        f.fleet.name,
        c.label,
        `${n(old.apiCalls)} → ${n(c.apiCalls)}`,
        `${n(old.itemWrites)} → ${n(c.itemWrites)}`,
        old.seconds === undefined || !c.limited ? '—' : `${old.seconds.toFixed(1)} s → ${secs(c.wallMs)}`,
      ]);
    }
  }
  return [before.note, '', table(['fleet', 'cycle', 'API calls', 'item writes', 'time'], rows)].join('\n');
}

/** DynamoDB on-demand reads, us-east-1: USD per million read request units. */
const READ_UNIT_USD = 0.125 / 1e6;

function reportSection(input: ReportInput): string {
  const lines: string[] = [];
  const r = input.reportMonth;
  if (r !== undefined) {
    const queries = r.dynamo.Query ?? 0;
    lines.push(
      `The medium fleet's month: its ${n(r.runs)} runs (10 projects × 100 runs × 10 jobs) spread over 30 days, one run per project every 7.2 hours, ` +
        `each recorded as the steady cycles record it (the run first seen, one change per finished job, the finishing change with its job summary ` +
        `and, for a run with a failed job, its failing tests; each job first seen and finished): ${n(r.events)} event items, ` +
        `${(r.eventBytes / 1e6).toFixed(1)} MB as DynamoDB counts them, built by the recording path's own code (\`buildChange\`, \`eventItem\`) ` +
        `and written with BatchWriteItem (test/bench/report-month.ts). Then \`gatherReport\` (what \`vigil report --since 30d\` and the digest run) ` +
        'reads it and `renderReport` makes the HTML:',
      '',
      table(
        ['what', 'measured'],
        [
          [
            'DynamoDB requests',
            `${ops(r.dynamo)}: Queries on the \`byTime\` index (one per partition, paged at 1 MB), one GetItem per budget period; no Scan`,
          ],
          [
            'read units (eventually consistent)',
            `${r.rcu.toFixed(1)}, ${usd(r.rcu * READ_UNIT_USD)} on demand (${((r.rcu / r.events) * 1000).toFixed(0)} per 1,000 events)`,
          ],
          ['read time', `${(r.readMs / 1000).toFixed(1)} s (${queries} Queries against DynamoDB Local)`],
          ['HTML render time', `${r.renderMs.toFixed(0)} ms`],
          ['report size', `${Math.round(r.htmlBytes / 1024)} KB, one file (inline SVG and CSS, no script)`],
          ['devices, failing tests listed', `${r.devices}, ${r.failingTests}`],
        ],
      ),
      '',
      'Read units grow with the events in the window, not with the table: a month of a busier account costs in proportion to its events ' +
        '(a Query reads 4 KB for half a unit), and the digest reads its 30 days once a day for its report, its day and its week of flaky scores.',
    );
  }
  const medium = input.fleets.find((f) => f.fleet.name === 'medium');
  if (medium !== undefined) {
    const steady = cycleOf(medium, 'steady');
    const calls = steady.api.ListUniqueProblems ?? 0;
    const projects = medium.fleet.service === 'devicefarm' ? medium.fleet.projects : 0;
    const failing = steady.lowerBound.truth.failingRunsFinished * projects;
    lines.push(
      '',
      `**Failing tests by name: extra API calls.** In the medium fleet's steady cycle, ${n(failing)} runs finished with a job that did not pass ` +
        `and Vigil made ${n(calls)} \`ListUniqueProblems\` calls: ${failing === 0 ? '—' : (calls / failing).toFixed(0)} per finished failing run ` +
        '(one page: a run with more unique problems than a page holds costs one more call per page), none for a run that passed, none at a baseline. ' +
        'The lower bound counts them, so the steady ratio above stays honest.',
    );
  }
  return lines.join('\n');
}

export function renderReport(input: ReportInput, prose: Record<string, string>): string {
  const cpu = cpus();
  const machine = `${cpu.length} × ${cpu[0]?.model.trim() ?? 'CPU'}, ${Math.round(totalmem() / 1024 ** 3)} GB, Node ${process.version}`;
  const sections: string[] = [
    '# Benchmarks',
    '',
    `Generated by \`npm run bench\` (test/bench/run.ts; ${Math.round(input.seconds)} s on ${machine}). ` +
      'Every count below (calls, reads, writes, notices) is deterministic and the same on every run. ' +
      `Times and memory are as measured on this machine, with the emulators simulating ${LIMITS.latencyMs} ms of latency per call ` +
      `and a per-account rate limit of ${LIMITS.rateLimitPerSecond} calls/s (a token bucket with a burst of ${LIMITS.rateLimitPerSecond}; ` +
      "calls over it are refused with the service's throttling error, as Device Farm's LimitExceededException).",
    '',
    prose.method ?? '',
    '',
    '## Summary',
    '',
    summary(input),
    '',
    '"Bound" is the lower bound defined below; "steady" is a cycle in which about the active share of the fleet changes; "idle" one in which nothing changed. The naive poller is measured against the same emulator at the same step.',
    '',
    '## Goals',
    '',
    goals(input),
    '',
    '## Fleets and how each was prepared',
    '',
    ...input.fleets.flatMap((f) => [`- **${f.fleet.name}**: ${describeFleet(f.fleet)}. ${f.preparation.join(' ')}`]),
    '',
    prose.fleets ?? '',
    '',
    '## Lower bound',
    '',
    prose.bound ?? '',
    '',
    '## Cycles',
    '',
    prose.cycles ?? '',
    '',
    ...input.fleets.flatMap((f) => [`### ${f.fleet.name}: ${describeFleet(f.fleet)}`, '', cycleTables(f), '']),
    '## Naive poller, side by side',
    '',
    prose.naive ?? '',
    '',
    naiveTable(input),
    '',
    '## Cycle time and the rate limit',
    '',
    prose.time ?? '',
    '',
  ];
  if (input.deadlineHistory !== undefined)
    sections.push('## Deadline queues with long history', '', deadlineHistorySection(input.deadlineHistory), '');
  if (input.cliStart !== undefined) sections.push('## CLI start', '', cliStartSection(input.cliStart), '');
  if (input.onceCycles !== undefined)
    sections.push('## `vigil run --once` after many cycles', '', onceCyclesSection(input.onceCycles), '');
  if (input.before !== undefined)
    sections.push('## Engine changes: before and after', '', prose.engine ?? '', '', beforeAfter(input), '');
  if (input.bundles !== undefined) {
    sections.push(
      '## Lambda bundles',
      '',
      prose.bundles ?? '',
      '',
      bundleSection(input.bundles, input.before),
      '',
      prose.bundleChange ?? '',
      '',
    );
  }
  if (input.reportMonth !== undefined || input.fleets.some((f) => f.fleet.name === 'medium')) {
    sections.push('## The report: a month of history, read and rendered', '', reportSection(input), '');
  }
  sections.push('## Monthly cost', '', prose.cost ?? '', '', costSection(input), '', prose.costNotes ?? '', '');
  sections.push('### Where the write units go', '', prose.writeUnits ?? '', '');
  return `${sections
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim()}\n`;
}
