/**
 * The local demo (`npm start`): Vigil's whole pipeline on this machine, no
 * AWS account. Starts DynamoDB Local, fauxqs (SNS + SQS) and Vigil's Device
 * Farm emulator playing a scripted account, then runs the real CLI,
 * `vigil run --once`, once per scripted step, exactly as a user would
 * against AWS. Prints each notification as it is published and the
 * recorded history at the end; exits by itself.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { DEADLINE_DEMO_IDS } from '../emulators/deadline/scenarios';
import { ArnBuilder, DEFAULT_ACCOUNT_ID } from '../emulators/device-farm';
import { DEMO_IDS, DEMO_STEP_SECONDS, DEMO_STEPS } from '../emulators/device-farm/scenarios/demo';
import { startLocalStack } from '../support/local/local-stack';

const STORY: readonly string[] = [
  'first poll: Vigil records what exists (an old run, an old render) and sends nothing',
  'run nightly-android starts on 4 devices; two remote access sessions and a browser session open; two renders are queued; run ui-smoke, queued just after the first poll, has waited for a device longer than the 17 minutes this config allows: STUCK',
  'the OnePlus 11 job FAILS; the browser session closes normally (recorded, not sent); the renders start; the budget passes 50%; session layout-check opens in qa-sandbox',
  'the run completes FAILED; a render FAILS; checkout-repro overruns its 9-minute limit and the guard stops it (a silence never mutes a stop); the budget passes 80%; ui-smoke gets its device: UNSTUCK',
  'debug-login-crash ends and the budget passes 100%; the second browser session ERRORS; layout-check nears its limit: the silence mutes that warning (recorded, never sent)',
];

const ROOT = join(__dirname, '..', '..');
const say = (text = '') => process.stdout.write(`${text}\n`);
const rule = (title: string) => say(`\n━━ ${title} ${'━'.repeat(Math.max(4, 70 - title.length))}`);

/** Runs the real CLI (`bin/vigil.js`) and streams its output, indented. */
function vigil(args: readonly string[], env: NodeJS.ProcessEnv): Promise<number> {
  say(`$ vigil ${args.join(' ')}`);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(ROOT, 'bin', 'vigil.js'), ...args], { env, cwd: ROOT });
    const relay = (stream: NodeJS.WritableStream) => (chunk: Buffer) =>
      stream.write(chunk.toString().replace(/^(?=.)/gm, '  '));
    child.stdout.on('data', relay(process.stdout));
    child.stderr.on('data', relay(process.stderr));
    child.on('error', reject);
    child.on('close', (code) => resolve(code ?? 1));
  });
}

async function main(): Promise<void> {
  const began = Date.now();
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  rule('Vigil local demo');
  say('Starting DynamoDB Local (Java), fauxqs (SNS + SQS) and the Device Farm and Deadline Cloud emulators…');
  const local = await startLocalStack();
  try {
    const env: NodeJS.ProcessEnv = { ...process.env, ...local.env };
    const config = local.configPath;
    say(`DynamoDB Local ${local.env.AWS_ENDPOINT_URL_DYNAMODB} · SNS ${local.env.AWS_ENDPOINT_URL_SNS}`);
    say(`Device Farm ${local.deviceFarm.endpoint} · Deadline Cloud ${local.deadline.endpoint}`);
    say('Each step below is one poll interval in the scripted account; Vigil sees only what the API returns then.');
    say(
      `The account's clock moves ${DEMO_STEP_SECONDS / 60} minutes per step and reaches the present at step ${DEMO_STEPS - 1}; ` +
        "the steps play seconds apart, so a time the account reports (Started, Ended) is earlier than Vigil's " +
        "'Observed', and an elapsed time in vigil status counts to the real now.",
    );

    for (let step = 0; step < DEMO_STEPS; step++) {
      local.setStep(step);
      rule(`step ${step}: ${STORY[step] ?? ''}`);
      const code = await vigil(['run', '--once', '--config', config], env);
      if (code !== 0) throw new Error(`vigil run --once exited with ${code} at step ${step}`);
      if (step === 0) {
        rule("silencing qa-sandbox's remote access sessions for two hours");
        const silenced = await vigil(
          [
            'silence',
            'add',
            '--project',
            'qa-sandbox',
            '--kind',
            'remote-access-session',
            '--for',
            '2h',
            '--reason',
            'sandbox devices are being re-imaged',
          ],
          env,
        );
        if (silenced !== 0) throw new Error(`vigil silence add exited with ${silenced}`);
      }
      if (step === 2) {
        rule('what is running now');
        await vigil(['status'], env);
      }
    }

    const arns = new ArnBuilder(DEFAULT_ACCOUNT_ID);
    rule('history of run nightly-android');
    await vigil(['history', arns.run(DEMO_IDS.project, DEMO_IDS.nightlyRun)], env);
    rule('history of the remote access session, by name');
    await vigil(['history', 'debug-login-crash'], env);
    rule('history of the render that failed, and of its failed session');
    await vigil(['history', 'shot-020-comp'], env);
    await vigil(['history', DEADLINE_DEMO_IDS.compFailedSession], env);
    rule('the budget');
    await vigil(['budget', '--config', config], env);
    rule('history of the session the guard stopped');
    await vigil(['history', 'checkout-repro'], env);
    rule('the silence, and what it muted');
    await vigil(['silence', 'list', '--config', config], env);
    await vigil(['history', 'layout-check'], env);
    rule('everything in the last hour');
    await vigil(['history', '--since', '1h'], env);
    rule("today's digest (deployed, it is sent every morning for the day before)");
    await vigil(['digest', '--date', new Date().toISOString().slice(0, 10), '--config', config], env);
    await vigil(['run', '--once', '--config', config], env);
    rule('checking the notification path after a deploy');
    await vigil(['notify', 'test', '--config', config], env);
    rule('device health (the digest names the three flakiest of the week)');
    await vigil(['devices', '--since', '1d'], env);
    rule('the report: the last 30 days as one HTML file (deployed, the digest writes it to S3 every day)');
    const report = join(ROOT, 'report.html');
    const code = await vigil(['report', '--config', config, '--out', report], env);
    if (code !== 0) throw new Error(`vigil report exited with ${code}`);

    const queued = await local.inbox.sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: local.inbox.url, AttributeNames: ['ApproximateNumberOfMessages'] }),
    );
    rule('done');
    say(`An SQS queue subscribed to the topic received ${queued.Attributes?.ApproximateNumberOfMessages} messages.`);
    const total = (calls: Readonly<Record<string, number>>) => Object.values(calls).reduce((a, b) => a + b, 0);
    say(
      `API calls made by Vigil in all: Device Farm ${total(local.deviceFarm.calls)}, Deadline Cloud ${total(local.deadline.calls)}`,
    );
    say(`The report of this history is ${report}: open it in a browser (it needs no network).`);
    say(
      `Demo finished in ${Math.round((Date.now() - began) / 1000)} s. Deploy for real with \`npx cdk deploy\` (see README).`,
    );
  } finally {
    await local.stop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`demo failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
