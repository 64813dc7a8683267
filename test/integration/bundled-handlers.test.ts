/**
 * The Lambda handlers as they ship: each is bundled the way the stack bundles
 * it (esbuild, minified CJS, ES module builds preferred, SDK included), loaded
 * fresh, and invoked against the local services with the environment the
 * stack sets. Catches what unit tests cannot: a bundle that does not load, a
 * handler that reads the wrong variable, an event shape Lambda does not send.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import { DEFAULT_SETTINGS } from '../../lambda/config/settings';
import { eventsBetween } from '../emulators/deadline';
import { twoSessionJobScenario } from '../emulators/deadline/scenarios';
import { fourJobRunScenario } from '../emulators/device-farm/scenarios/demo';
import { bundleHandler } from '../support/bundle-handler';
import { DEADLINE_LOCATION, type Harness, startHarness } from '../support/pipeline';

const outDir = mkdtempSync(join(tmpdir(), 'vigil-bundles-'));

/** Bundled as the stack bundles it; the unreached credential providers are left out there too, so a handler that reached one would fail here (the bundles run from a temporary folder with no node_modules). */
async function bundle(handlerFile: string): Promise<string> {
  const outfile = join(outDir, handlerFile.replace(/\.ts$/, '.js'));
  await bundleHandler(handlerFile, outfile);
  return outfile;
}

/**
 * Invokes a bundle's handler in a fresh Node process, as a Lambda cold start
 * would (and outside jest's module sandbox, which cannot run the SDK's lazy
 * imports). Resolves with the handler's result or rejects with its error.
 */
function invoke<R>(file: string, event: unknown, env: NodeJS.ProcessEnv): Promise<R> {
  const eventFile = join(outDir, `event-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(eventFile, JSON.stringify(event ?? {}));
  const driver = `require(${JSON.stringify(file)}).handler(JSON.parse(require('fs').readFileSync(${JSON.stringify(eventFile)}, 'utf8')))
    .then((r) => process.stdout.write('\\n' + JSON.stringify({ ok: r ?? null })), (e) => process.stdout.write('\\n' + JSON.stringify({ error: e.message })));`;
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ['-e', driver], { env }, (error, stdout, stderr) => {
      if (error) return reject(new Error(`${error.message}\n${stderr}`));
      // The answer is the last line: the handler's own output (EMF metrics, logs) comes before it.
      const answer = JSON.parse(stdout.trimEnd().split('\n').at(-1) ?? '{}') as { ok?: R; error?: string };
      if (answer.error !== undefined) reject(new Error(answer.error));
      else resolve(answer.ok as R);
    });
  });
}

describe('bundled Lambda handlers', () => {
  let harness: Harness | undefined;

  afterEach(async () => {
    await harness?.stop();
    harness = undefined;
  });

  it('poll and deliver a finished run when invoked with the environment the stack sets', async () => {
    harness = await startHarness({ scenario: fourJobRunScenario(new Date('2026-11-21T02:00:00.000Z')) });
    const [pollerFile, notifierFile] = await Promise.all([bundle('poll-device-farm.ts'), bundle('notify.ts')]);
    const env = {
      ...process.env,
      TABLE_NAME: harness.tableName,
      TOPIC_ARN: harness.topicArn,
      VIGIL_SETTINGS: JSON.stringify(DEFAULT_SETTINGS),
      POWERTOOLS_SERVICE_NAME: 'vigil',
      POWERTOOLS_LOG_LEVEL: 'ERROR',
    };

    const results: { changes: number; failures: number }[] = [];
    for (const step of [0, 1, 3]) {
      harness.emulator.setStep(step);
      results.push(await invoke(pollerFile, {}, env));
    }
    // What the event source mapping would hand the notifier: new event items, as stream records.
    const records = (await harness.follower.readAvailable())
      .map((r) => r.record)
      .filter((r) => r.dynamodb?.NewImage?.entity?.S === 'event');
    const response = await invoke(notifierFile, { Records: records } as unknown as DynamoDBStreamEvent, env);

    expect(results.map((r) => [r.changes, r.failures])).toEqual([
      [0, 0],
      [5, 0],
      [5, 0],
    ]);
    expect(response).toEqual({ batchItemFailures: [] });
    expect((await harness.received()).map((m) => m.subject)).toEqual([
      'FAILED: run four-job-run (2 of 4 jobs did not pass)',
    ]);
    for (const file of [pollerFile, notifierFile]) {
      expect(statSync(file).size).toBeLessThan(1_000_000);
    }
  });

  it('fails the first invocation with the name of a missing variable', async () => {
    const pollerFile = await bundle('poll-device-farm.ts');
    const env: NodeJS.ProcessEnv = { ...process.env, VIGIL_SETTINGS: JSON.stringify(DEFAULT_SETTINGS) };
    delete env.TABLE_NAME;

    await expect(invoke(pollerFile, {}, env)).rejects.toThrow(
      'Environment variable TABLE_NAME is not set; the stack sets it on every Vigil Lambda',
    );
  });

  it('poll Deadline Cloud and ingest its events, as the stack wires them', async () => {
    harness = await startHarness({ deadline: twoSessionJobScenario(new Date('2026-11-21T02:00:00.000Z')) });
    const deadline = harness.deadline as NonNullable<Harness['deadline']>;
    const [pollerFile, ingestFile] = await Promise.all([
      bundle('poll-deadline.ts'),
      bundle('ingest-deadline-event.ts'),
    ]);
    const env = {
      ...process.env,
      TABLE_NAME: harness.tableName,
      VIGIL_SETTINGS: JSON.stringify({
        ...DEFAULT_SETTINGS,
        deadline: { ...DEFAULT_SETTINGS.deadline, enabled: true },
      }),
      ACCOUNT_ID: DEADLINE_LOCATION.accountId,
      DEADLINE_REGION: DEADLINE_LOCATION.region,
      POWERTOOLS_SERVICE_NAME: 'vigil',
      POWERTOOLS_LOG_LEVEL: 'ERROR',
    };

    deadline.setStep(1);
    const polled = await invoke<{ changes: number; failures: number }>(pollerFile, {}, env);
    deadline.setStep(2);
    const context = { account: DEADLINE_LOCATION.accountId, region: DEADLINE_LOCATION.region };
    const ingested: { outcome: string; changes: number }[] = [];
    for (const event of eventsBetween(twoSessionJobScenario(new Date('2026-11-21T02:00:00.000Z')), 1, 2, context)) {
      ingested.push(await invoke(ingestFile, event, env));
    }

    expect(polled).toMatchObject({ changes: 3, failures: 0 });
    // The first event records the job and both sessions; the others find nothing new.
    expect(ingested.map((r) => `${r.outcome}:${r.changes}`)).toEqual([
      'recorded:3',
      'recorded:0',
      'recorded:0',
      'recorded:0',
    ]);
    expect(await invoke(ingestFile, { source: 'aws.deadline' }, env)).toEqual({ outcome: 'rejected', changes: 0 });
  });
});
