/**
 * `npm run bench`: measures Vigil's poll cycles on synthetic fleets against
 * the project's emulators (in this process) and DynamoDB Local, the Lambda
 * bundles, and the monthly cost, and writes BENCHMARKS.md.
 *
 * Options: `--fleets small,medium,deadline-history,cli,once,report` (default: all), `--no-bundles`,
 * `--out <file>` (default BENCHMARKS.md), `--json <file>` (raw results).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createDynamoClient } from '../../lambda/clients/aws-clients';
import { Tally } from '../../lambda/core/tally';
import { startDynamoDbLocal } from '../support/local/dynamodb-local';
import { startFauxqs } from '../support/local/fauxqs';
import { BEFORE } from './before';
import { benchFleet, type FleetResult } from './bench-fleet';
import { type BundleReport, measureBundles } from './bundles';
import { benchCliStart, type StartTime } from './cli-start';
import { benchDeadlineHistory, type DeadlineHistoryResult, HISTORY_QUEUE } from './deadline-history';
import { type DeviceFarmFleet, FLEETS } from './fleets';
import { countCapacity } from './measure';
import { benchOnceCycles, type OnceCyclesResult } from './once-cycles';
import { prose } from './prose';
import { renderReport } from './report';
import { benchReportMonth, type ReportMonthResult } from './report-month';

async function main(): Promise<void> {
  const began = performance.now();
  const args = process.argv.slice(2);
  const arg = (name: string) => {
    const i = args.indexOf(name);
    return i === -1 ? undefined : args[i + 1];
  };
  const wanted = arg('--fleets')?.split(',');
  const out = arg('--out') ?? join(__dirname, '..', '..', 'BENCHMARKS.md');
  // The emulators and DynamoDB Local, reached only through the standard AWS settings.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  process.env.AWS_REGION = 'us-east-1';
  process.env.AWS_ACCESS_KEY_ID = 'local';
  process.env.AWS_SECRET_ACCESS_KEY = 'local';
  delete process.env.AWS_PROFILE;
  const fleets: FleetResult[] = [];
  const bundleLines: string[] = [];
  let bundling: Promise<BundleReport> | undefined;
  // Bundles are measured while the large fleet's cycles wait on the simulated rate limit (fresh
  // processes do the timing), which keeps the whole run within a few minutes.
  const startBundles = () => {
    if (args.includes('--no-bundles') || bundling !== undefined) return;
    bundling = measureBundles((line) => bundleLines.push(line));
  };
  for (const fleet of FLEETS.filter((f) => wanted === undefined || wanted.includes(f.name))) {
    console.log(`fleet ${fleet.name}`);
    // A fresh DynamoDB Local per fleet: after the large fleet's tables, one instance slows down
    // tenfold (its JVM, not the items: the figures are counts, but the run must stay short).
    const dynamo = await startDynamoDbLocal();
    process.env.AWS_ENDPOINT_URL_DYNAMODB = dynamo.endpoint;
    try {
      const result = await benchFleet(fleet, {
        progress: (line) => console.log(line),
        ...(fleet.name === 'large' ? { onLimitedPhase: startBundles } : {}),
        slowApi: fleet.service === 'deadline',
      });
      fleets.push(result);
      console.log(`  (${result.seconds.toFixed(0)} s)`);
    } finally {
      await dynamo.stop();
    }
  }
  let deadlineHistory: DeadlineHistoryResult | undefined;
  let cliStart: readonly StartTime[] | undefined;
  if (wanted === undefined || wanted.includes(HISTORY_QUEUE.name) || wanted.includes('cli')) {
    const dynamo = await startDynamoDbLocal();
    process.env.AWS_ENDPOINT_URL_DYNAMODB = dynamo.endpoint;
    try {
      if (wanted === undefined || wanted.includes(HISTORY_QUEUE.name)) {
        console.log(`fleet ${HISTORY_QUEUE.name}`);
        deadlineHistory = await benchDeadlineHistory((line) => console.log(line));
      }
      if (wanted === undefined || wanted.includes('cli')) {
        console.log('CLI start');
        cliStart = await benchCliStart((line) => console.log(line));
      }
    } finally {
      await dynamo.stop();
    }
  }
  // `vigil run --once` after 10, 100 and 300 earlier cycles (`--fleets once` runs only this).
  let onceCycles: OnceCyclesResult | undefined;
  if (wanted === undefined || wanted.includes('once')) {
    console.log('vigil run --once after many cycles');
    const [dynamo, fauxqs] = await Promise.all([startDynamoDbLocal(), startFauxqs()]);
    process.env.AWS_ENDPOINT_URL_DYNAMODB = dynamo.endpoint;
    for (const service of ['SNS', 'SQS', 'STS']) process.env[`AWS_ENDPOINT_URL_${service}`] = fauxqs.endpoint;
    try {
      onceCycles = await benchOnceCycles((line) => console.log(line));
    } finally {
      await Promise.all([dynamo.stop(), fauxqs.stop()]);
    }
  }
  // The report on the medium fleet's month (`--fleets report` runs only this).
  let reportMonth: ReportMonthResult | undefined;
  const medium = FLEETS.find((f): f is DeviceFarmFleet => f.name === 'medium' && f.service === 'devicefarm');
  if (medium !== undefined && (wanted === undefined || wanted.includes('medium') || wanted.includes('report'))) {
    console.log("report: the medium fleet's month");
    const dynamo = await startDynamoDbLocal();
    process.env.AWS_ENDPOINT_URL_DYNAMODB = dynamo.endpoint;
    try {
      const tally = new Tally();
      const client = createDynamoClient(tally);
      countCapacity(client, tally);
      reportMonth = await benchReportMonth(medium, client, tally);
      console.log(
        `  ${reportMonth.events} events (${(reportMonth.eventBytes / 1e6).toFixed(1)} MB) written in ${reportMonth.writeSeconds.toFixed(0)} s; ` +
          `report: ${JSON.stringify(reportMonth.dynamo)}, ${reportMonth.rcu} read units, read ${reportMonth.readMs.toFixed(0)} ms, ` +
          `render ${reportMonth.renderMs.toFixed(0)} ms, ${(reportMonth.htmlBytes / 1024).toFixed(0)} KB`,
      );
    } finally {
      await dynamo.stop();
    }
  }
  startBundles();
  const bundles = await bundling;
  if (bundles !== undefined) {
    console.log('bundles (as shipped | zod namespace import | + credential providers external)');
    for (const line of bundleLines) console.log(line);
  }
  const json = arg('--json');
  if (json !== undefined) writeFileSync(json, JSON.stringify({ fleets, bundles, reportMonth, onceCycles }, null, 2));
  const input = {
    fleets,
    bundles,
    reportMonth,
    before: BEFORE,
    deadlineHistory,
    cliStart,
    onceCycles,
    seconds: (performance.now() - began) / 1000,
  };
  writeFileSync(out, renderReport(input, prose(input)));
  console.log(`wrote ${out} (${((performance.now() - began) / 1000).toFixed(0)} s)`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
