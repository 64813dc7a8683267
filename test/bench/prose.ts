/**
 * The explanations in BENCHMARKS.md. Figures quoted in the text come from
 * the results; the tables are rendered in report.ts.
 */

import { BUNDLE_EXTERNAL_MODULES } from '../../lib/constructs/vigil-function';

const S3_CLIENT = '@aws-sdk/client-s3';

import type { CycleResult, FleetResult } from './bench-fleet';
import { LIMITS, SLOW_API } from './bench-fleet';
import { CYCLES_PER_MONTH, PRICES } from './cost';
import { DEADLINE_PAGE, DEVICE_FARM_PAGE } from './lower-bound';
import type { ReportInput } from './report';

const n = (x: number) => Math.round(x).toLocaleString('en-US');
const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const cycle = (f: FleetResult | undefined, label: string) => f?.cycles.find((c) => c.label === label);
const range = (c: CycleResult | undefined) =>
  c?.bound === undefined ? '—' : `${c.bound.lowest}–${c.bound.highest} (${c.bound.pushBacks} calls pushed back)`;

export function prose(input: ReportInput): Record<string, string> {
  const large = input.fleets.find((f) => f.fleet.name === 'large');
  const deadline = input.fleets.find((f) => f.fleet.service === 'deadline');
  const largeSteady = cycle(large, 'steady');
  const fixed = cycle(deadline, 'idle, bound fixed at 4');
  const adaptive = cycle(deadline, 'idle, adaptive bound');
  const rate = LIMITS.rateLimitPerSecond;
  const fitsInMinute = 60 * rate;
  const discovery =
    largeSteady === undefined ? 0 : largeSteady.lowerBound.calls - (largeSteady.lowerBound.byOperation.ListJobs ?? 0);

  const perChange = (steady: CycleResult) => (steady.wcu - (steady.dynamo.PutItem ?? 0)) / Math.max(1, steady.changes);
  const writeLines = input.fleets.flatMap((f) => {
    const steady = cycle(f, 'steady');
    if (steady?.itemSizes === undefined || steady.changes === 0) return [];
    const measured = perChange(steady);
    const was = input.before?.writeUnitsPerChange[f.fleet.name];
    const { latest, event, modelUnits } = steady.itemSizes;
    return [
      `| ${f.fleet.name} | ${n(latest)} B | ${n(event)} B | ${was === undefined ? '—' : was.toFixed(1)} | ` +
        `**${measured.toFixed(1)}** | ${modelUnits.toFixed(1)} |`,
    ];
  });
  const gaps = input.fleets.flatMap((f) => {
    const steady = cycle(f, 'steady');
    if (steady?.itemSizes === undefined || steady.changes === 0) return [];
    const measured = perChange(steady);
    return [Math.round((100 * Math.abs(steady.itemSizes.modelUnits - measured)) / measured)];
  });

  return {
    writeUnits: [
      'A change costs more than the 2 item writes the bound counts. Per change, in the steady cycle (write units as',
      'DynamoDB Local reports them, less one per cursor update; item sizes as DynamoDB counts them, averaged over the',
      "cycle's changes):",
      '',
      '| fleet | latest item (average) | event item (average) | write units per change before items were stored compact | write units per change, measured | model: 2 × (⌈latest⌉ + ⌈event⌉) in the transaction + ⌈event⌉ + ⌈latest⌉ in the indexes, KB |',
      '|---|---|---|---|---|---|',
      ...writeLines,
      '',
      'Items are stored compact (lambda/record/keys.ts): a latest item leaves out its scope, its ARN (both in its keys)',
      "and a child's parent ARN (its scope); an event item leaves out the `eventId` that is its ARN and version, and its",
      "state leaves out what the event's top level already says (service, kind, ARN, name, project, parent, scope,",
      'time). Every fact is still in the item once, readable in any DynamoDB tool; `latestFromItem` and',
      '`eventFromItem` put the rest back, and items written before read back as they are. DynamoDB bills a write per',
      'started KB, twice in a transaction, once more in each index holding the item, so the saving comes in whole KBs.',
      '',
      `The model (every started KB of an item twice in the transaction and once in the index that projects it: both global secondary indexes project ALL attributes, lib/constructs/history-table.ts) differs from DynamoDB Local's figures by ${gaps.length === 0 ? '—' : `${Math.min(...gaps)}–${Math.max(...gaps)}%`} now that many items sit near a KB boundary: it ignores`,
      'that a replaced item is billed at the larger of its old and new size and how index entries are updated or',
      'removed. The cost model above uses the measured units. What would lower them further: a run event carries its',
      '`jobSummary` (up to 25 jobs named), and Deadline items carry farm, queue, job and session IDs; the `byTime` index',
      'projecting keys only (read back with BatchGetItem) would save a KB-unit per change on its own, but a deployed',
      "table cannot change an index's projection in place (the index must be replaced), so it is not done here.",
    ].join('\n'),

    method: [
      '**How it measures.** Each fleet gets its own emulator (test/emulators, in this process) and its own table in one',
      'DynamoDB Local. The cycles are the real `pollDeviceFarm` / `pollDeadline` with `DynamoHistoryStore` and the real SDK',
      'clients of lambda/clients, pointed at the emulators and DynamoDB Local only through `AWS_ENDPOINT_URL_DEVICE_FARM`,',
      '`AWS_ENDPOINT_URL_DEADLINE` and `AWS_ENDPOINT_URL_DYNAMODB`. API calls are counted by operation by the SDK',
      'middleware of lambda/clients/call-counter.ts (a call retried after throttling counts once; its attempts are',
      'counted apart). DynamoDB: every request is sent with `ReturnConsumedCapacity: TOTAL` (a middleware the bench adds),',
      'and DynamoDB Local does report consumed capacity, including the global secondary index writes and the doubled',
      'cost of transactional writes; the one thing it reports as 0 is a read of an item that does not exist, which',
      'DynamoDB bills (1 unit strongly consistent), so such reads are counted apart and added in the cost model.',
      "Notifications are what `planNotices` (lambda/deliver/rules.ts) makes of the cycle's events with the default",
      'rules. Memory is `process.memoryUsage()` sampled every 10 ms during the cycle, after a full garbage collection:',
      'the process also holds the emulator and its generated fleet, so the peak heap includes the fleet model and the',
      '"growth" is what the cycle itself added.',
    ].join('\n'),

    fleets: [
      'The fleets are generated (test/bench/fleets.ts) and every project (queue) of a fleet has the same shape. A Device',
      "Farm run starts with all its jobs running; one job completes per step (a minute), moving the run's counters and",
      'minutes, and the run completes with its last job; a new run starts every J ÷ A steps per project (J jobs, A',
      'active runs), so the active share stays constant. Runs finished before step 0 are history: the emulator holds',
      "their runs (two timeline entries each) and makes their jobs on demand, never keeping them (the scenario's",
      "`generateJobs`), so the large fleet's million jobs cost memory only while a page of them is served. A Deadline",
      'job runs its sessions one at a time, one per step, and ends SUCCEEDED (one in nine FAILED) a step after its',
      'last session. One job in seven of the Device Farm runs fails a test, so runs finish FAILED or PASSED and notices',
      "are made. The lower bound uses the generator's own timelines (which resource changed between two polled",
      'steps), never what Vigil reports.',
    ].join('\n'),

    bound: [
      'The fewest calls a cycle can make and still observe every resource that can have changed since the previous',
      'cycle and discover every new one; and the fewest writes, one change transaction (the latest item and the event',
      'item, 2 item writes) per resource that is new or changed (status, result, counters, minutes, lifecycle).',
      '',
      `*Device Farm* (every list returns ${DEVICE_FARM_PAGE} items a page):`,
      `- \`ListProjects\` and \`ListTestGridProjects\`: every page (⌈projects ÷ ${DEVICE_FARM_PAGE}⌉, at least 1 each): discovery.`,
      `- Per project, \`ListRuns\` from the newest down to the first run already recorded: ⌈(new runs + 1) ÷ ${DEVICE_FARM_PAGE}⌉`,
      '  pages, plus one `GetRun` for each run still active below those pages (none in these fleets: the active runs',
      '  are the newest). The same for `ListRemoteAccessSessions`. A baseline reads every page.',
      '- Per run that is new, or whose own listing (status, result, counters, minutes) changed: one `ListJobs` page.',
      '- Per run that finished in the cycle (not found finished by a baseline) with a job that did not pass: one',
      '  `ListUniqueProblems` page, its failing tests for the run summary (one call for the run, never one per job or',
      '  test; a run with more unique problems than a page holds costs a page more per page). Runs that pass cost none.',
      '- Per test grid project: one `ListTestGridSessions` page (filtered by creation time).',
      '- *Strict bound*: one `ListJobs` page for every run active at the previous cycle, changed or not (the reading',
      "  in which an unfinished run's jobs may change while the run's own listing does not). The engine met the strict",
      '  bound before this change; it now meets the lower one (see "Engine changes").',
      '',
      `*Deadline Cloud* (lists return up to ${DEADLINE_PAGE} items a page): \`ListFarms\` (one page), \`ListQueues\` per farm, every`,
      '`ListJobs` page of every queue (the API has no status filter and no documented order, so there is no watermark to',
      'stop at), one `ListSessions` page per job active at the previous cycle or new, and one `GetSession` per session that',
      'is new or changed (the summary lacks the worker, host and log errors). Strict bound = bound.',
      '',
      'Vigil also writes one cursor item (`PutItem`) per scope whose watermark moved, and reads stored state: one Query',
      'on the `active` index and one for the cursors per cycle, one Query per run (job) whose children it lists, and a',
      '`GetItem` for a Deadline job it has not seen before. These are in the DynamoDB columns, not in the bound.',
    ].join('\n'),

    cycles: [
      '- **baseline**: the first cycle over an empty table, step 0 (latency and rate limit off): the preparation of the',
      '  fleets that have one.',
      '- **first**: the first cycle after the baseline (step 1) or, for the large fleet, after seeding (step 0); without',
      '  the simulated latency and rate limit: its counts are the point, and under them it would take as long as the',
      '  steady cycle.',
      '- **steady**: the next step, about the active share of the fleet changing; under the simulated latency and rate',
      '  limit.',
      '- **idle**: the same step polled again: nothing changed. Under the simulated latency and rate limit.',
      `- For Deadline, the idle cycle twice more against a slower API with more headroom (${SLOW_API.latencyMs} ms a call,`,
      `  ${SLOW_API.rateLimitPerSecond} calls/s): once with the engine's bound on calls in flight pinned at 4, once adaptive.`,
      '',
      '"Strict bound" is defined above; "throttled / attempts" counts attempts the emulator refused over its rate limit',
      'and every attempt made (the SDK retries throttled ones).',
      '',
      "The third table of each fleet is delivery: the reactors and the notifier on the cycle's events, one sweep of each",
      "outbox queue, and one pass of the reactors' schedule over the present (the session guard, stuck detection with",
      'its default limits, reminders) right after the cycle. Stuck detection and reminders decide from the recorded state',
      "and the clock: the pass makes no Device Farm or Deadline Cloud call (its first column), and the poll cycles'",
      'API calls above are the same as before they existed.',
    ].join('\n'),

    naive: [
      'The yardstick (test/bench/naive.ts) lists everything every cycle (every page of `ListProjects`, `ListRuns`,',
      '`ListRemoteAccessSessions`, `ListTestGridProjects`/`ListTestGridSessions`; `ListJobs` for every run; for Deadline',
      'every page of `ListJobs` and `ListSessions` for every job), calls Get for every item it listed (`GetRun`, `GetJob`,',
      '`GetRemoteAccessSession`; `GetJob`, `GetSession`), and writes every observation (BatchWriteItem, 25 items a',
      'request) without reading what it stored. It polls the same emulator at the same step as the steady cycle, with',
      "its own SDK client, and without the simulated latency and rate limit: under them the large fleet's cycle would",
      `take hours. Its time is given as calls ÷ ${rate} calls/s, the least it could take under the rate limit. It visits`,
      'one project (queue) and its per-project counts are multiplied by the number of projects: every project has the',
      'same shape, so the figures are exact, not estimates.',
    ].join('\n'),

    time: [
      `At ${rate} calls/s a cycle cannot take less than its calls ÷ ${rate} seconds, whatever the concurrency.`,
      largeSteady === undefined
        ? ''
        : `The large fleet's steady cycle has a lower bound of ${n(largeSteady.lowerBound.calls)} calls (${n(discovery)} ` +
          `for discovery, ${n(largeSteady.lowerBound.byOperation.ListJobs ?? 0)} \`ListJobs\` for the runs that are new or ` +
          `changed this minute), so it needs at least ${secs((largeSteady.lowerBound.calls / rate) * 1000)}; Vigil's took ` +
          `${secs(largeSteady.wallMs)} with ${n(largeSteady.apiCalls)} calls, i.e. it runs at the rate limit. **Finishing ` +
          'within the one-minute schedule is unreachable at this rate with the real APIs**: Device Farm has no call ' +
          'that reads the jobs of several runs, no account-wide job list, no status filter on `ListJobs` and no events, ' +
          `so each run whose state moved costs one \`ListJobs\`. What fits in a minute at ${rate} calls/s is ` +
          `${n(fitsInMinute)} calls: the ${n(discovery)} discovery calls plus about ${n(fitsInMinute - discovery)} ` +
          `changing runs a minute (${Math.round((100 * (fitsInMinute - discovery)) / Math.max(1, largeSteady.lowerBound.byOperation.ListJobs ?? 1))}% ` +
          'of the runs this fleet changes a minute). Fanning out per ' +
          'project (SQS, Step Functions) does not help against a per-account rate limit; a longer schedule or a higher ' +
          "account limit does. With a one-minute schedule the poller's Lambda timeout is 50 s " +
          '(lib/constructs/poll-schedule.ts). The poller starts scopes only while more than 10 s of it are left, so ' +
          'no scope is cut halfway; the first scope it could not start is where the next cycle of the warm container ' +
          'begins (lambda/observe/poll-cycle-base.ts, `runScopes`), so under a sustained overload every project is ' +
          'still polled in turn, every second or third minute here, instead of the last projects never. Runs it did ' +
          'not reach still differ from their stored state, so nothing is lost, only later. Each cycle logs how many ' +
          'scopes it left (`deferred`) and publishes them as the `ScopesDeferred` metric, graphed on the dashboard.',
      '',
      "**What happens under the rate limit.** The SDK's adaptive retry mode (lambda/clients) enables a client-side",
      'token bucket on the first throttled attempt and then spaces requests at the rate it measured (CUBIC); the',
      'throttled attempts are retried and none exhausted its attempts (the "throttled / attempts" column). That',
      'client-side rate is kept by the client across cycles of a warm container: a client that was throttled stays',
      'slow for a while even when the API has recovered (which is why the naive poller gets its own client here).',
      'What the SDK does not limit is how many calls are in flight. The engine used to poll four scopes at once, each',
      'making its calls one after another; it now gates every API call of a cycle with an adaptive bound',
      '(lambda/observe/adaptive-bound.ts): it starts at 4, halves when a call is throttled or retried (once per round',
      'of calls), grows by one per `bound` calls that went through at the first attempt, and stays within 1–16; scopes',
      'run 16 at a time so there is always work waiting for a free slot.',
      largeSteady === undefined
        ? ''
        : `In the large fleet's steady cycle the bound moved within ${range(largeSteady)}.`,
      `Under ${rate} calls/s the rate limit sets the pace either way; the bound matters where latency, not the rate`,
      `limit, is what holds a cycle back. Against a slower API with headroom (${SLOW_API.latencyMs} ms a call,`,
      `${SLOW_API.rateLimitPerSecond} calls/s), the same Deadline idle cycle took`,
      fixed === undefined || adaptive === undefined
        ? '(not measured in this run).'
        : `${secs(fixed.wallMs)} with the bound pinned at 4 (the old engine's concurrency) and ${secs(adaptive.wallMs)} ` +
          `with the adaptive bound, which rose to ${adaptive.bound?.highest} calls in flight (${n(adaptive.throttled)} ` +
          'throttled attempts).',
    ].join('\n'),

    engine: [
      'Changes to lambda/observe, each made because a goal was not met or the bench showed a gap:',
      '',
      "1. **An unfinished run's jobs are listed only when the run's own listing changed** (status, result, test",
      '   counters, minutes, or `completedJobs`/`totalJobs`, which the run now records as `jobCounts`;',
      '   lambda/observe/device-farm/poll-cycle.ts). Before, every cycle listed the jobs of every unfinished run, so',
      '   an idle cycle cost one `ListJobs` and one Query per active run: 1,203 calls on the large fleet against a goal',
      '   of one call per project plus discovery. A job that finishes always moves `completedJobs`, so its change is',
      "   seen in the cycle it happens, even when it ran no test and used no minute. What waits: a job's move between",
      "   two unfinished statuses (PENDING → RUNNING) that changes none of the run's fields is recorded when the run",
      '   next changes, at the latest when it finishes. No notice depends on that move.',
      '2. **An adaptive bound on API calls in flight** instead of four scopes at once (see "Cycle time"). It does not',
      '   change the counts; it changes the time when the API is slow and the account has headroom.',
      '3. **Deadline sessions that outlive their job are followed until they end.** A job recorded as finished is',
      '   skipped by later cycles; its sessions still ending stayed STARTED in the history and in the active index',
      "   forever. Their jobs' sessions are now listed each cycle until they end, for at most a day without a change",
      '   (one `ListSessions` and one Query per such job; the job is named from its sessions, not read). The fleets',
      '   here end every session before their job, so this adds no call to the figures above.',
      '4. **A time budget per Lambda cycle**: scopes are started only while 10 s of the invocation remain, and the next',
      '   cycle starts with the first one left out (see "Cycle time"). It changes nothing in these unlimited runs.',
      '5. **Compact items**: latest and event items no longer repeat what their keys say (see "Where the write units',
      '   go"). Item writes are the same; write units per change fall.',
    ].join('\n'),

    bundles: [
      'Each handler in lambda/handlers bundled exactly as lib/constructs/vigil-function.ts bundles it (esbuild, minified',
      'CJS, target node24, `mainFields` = `BUNDLE_MAIN_FIELDS`, `external` = `BUNDLE_EXTERNAL_MODULES`, the AWS SDK',
      'inside, no source map), with its size and the median of 5 module loads (`require` of the bundle, timed inside a',
      "fresh `node` process, so Node's own start is not included; the handlers build their clients on the first",
      'invocation, not at load). Load times are noisy on this shared 2-core machine; sizes are exact.',
    ].join('\n'),

    bundleChange: [
      "**What changed.** Every bundle was over 800 KB (\"before\"): `import { z } from 'zod'` imports zod's `z`, a",
      "namespace re-exported whole, so esbuild kept all of zod's classic API and its locales (about 450 KB of each",
      "bundle). `import * as z from 'zod'` (what zod's documentation writes; the same API and types) lets esbuild keep",
      'only what is used. And the credential providers a Lambda never reaches are left out of the bundle',
      `(${BUNDLE_EXTERNAL_MODULES.filter((m) => m !== S3_CLIENT)
        .map((m) => `\`${m}\``)
        .join(', ')}): a Lambda's credentials are in its`,
      'environment, the first link of the default chain, so the SDK never loads the others; should one ever be',
      "reached, the Node.js 24 runtime has them in /var/runtime/node_modules (at the runtime's version, not the pinned",
      `one). \`${S3_CLIENT}\`, which only the digest function uses (to write the report), is left out too (about 150 KB):`,
      "the function loads the runtime's copy on its first report, never at start; the bench loads it from the project's",
      'node_modules (NODE_PATH), as the runtime would from its own.',
      'test/integration/bundled-handlers.test.ts runs bundles built the same way in a fresh process against the',
      "emulators. Switching the runtime schemas to `zod/mini` would cut zod's remaining share further (not measured).",
    ].join('\n'),

    cost: [
      `Public on-demand prices, us-east-1 (no free tier): Lambda arm64 $${PRICES.lambdaArmGbSecond} per GB-second and $${(PRICES.lambdaRequest * 1e6).toFixed(2)} per million`,
      'requests; DynamoDB on-demand $0.625 per million write request units and $0.125 per million read request units',
      '(a transactional write costs two units per KB: already in the measured units); DynamoDB storage $0.25 per GB-month;',
      'DynamoDB Streams reads by Lambda triggers free; SNS $0.50 per million publishes and $2.00 per 100,000 email',
      'deliveries (SQS and Lambda deliveries free); CloudWatch Logs ingestion $0.50 per GB. Device Farm and Deadline',
      `Cloud API calls are free (they bill device minutes and worker hours, which Vigil does not change). ${n(CYCLES_PER_MONTH)} cycles`,
      "a month (one a minute, as asked; Deadline's default schedule is every 5 minutes, which divides its poller lines by",
      '5).',
    ].join('\n'),

    costNotes: [
      'How each line is computed, per cycle × 43,200: the poller (512 MB) billed for the measured cycle time under the',
      `simulated ${LIMITS.latencyMs} ms latency and ${rate} calls/s limit; the notifier and the reactors (256 MB) invoked`,
      'once per 100 events each (their stream batch size) and once a minute each on their schedules (the outbox sweeps,',
      "the guard's pass), modelled at 0.1 s plus 0.05 s per notice: a model, not a measurement. DynamoDB units: as",
      "measured, for the poller (its change transactions include the events' outbox entries), and for the reactors and",
      "the notifier run on the cycle's events (outbox checks, delivery slots, claims, delivery records, settled entries:",
      'the table "Delivery" of each fleet), plus two outbox sweeps a minute billed at least 0.5 read units per Query;',
      'event items of the measured size kept 90 days; one email subscriber; about 1.2 KB of logs per invocation and 0.4 KB',
      'per notice. No budgets are configured (the accountant then writes nothing). Not included: fixed monthly costs that',
      'do not depend on the',
      'fleet (CloudWatch alarms, the KMS keys of the on-failure queues, a Secrets Manager secret for Slack).',
      largeSteady !== undefined && largeSteady.wallMs > 50_000
        ? `The large fleet's steady cycle (${secs(largeSteady.wallMs)}) is longer than the poller's 50 s timeout at a ` +
          'one-minute schedule: its Lambda line bills the measured time; a deployed poller stops starting scopes at 40 s and ' +
          'leaves the rest to the next cycle, so it would bill less a minute and poll each project less often.'
        : '',
    ].join('\n'),
  };
}
