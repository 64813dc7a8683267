/**
 * The local demo (`npm start`): Vigil's whole pipeline on this machine, no
 * AWS account. Starts DynamoDB Local, fauxqs (SNS + SQS) and Vigil's Device
 * Farm emulator playing a scripted account, then runs the real CLI,
 * `vigil run --once`, once per scripted step, exactly as a user would
 * against AWS. Prints each notification as it is published and the
 * recorded history at the end; exits by itself.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { CreateQueueCommand, GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { startDeadlineEmulator } from '../emulators/deadline';
import { DEADLINE_DEMO_IDS, deadlineDemoScenario } from '../emulators/deadline/scenarios';
import { ArnBuilder, DEFAULT_ACCOUNT_ID, startDeviceFarmEmulator } from '../emulators/device-farm';
import { DEMO_IDS, DEMO_STEP_SECONDS, DEMO_STEPS, demoScenario } from '../emulators/device-farm/scenarios/demo';
import { startDynamoDbLocal } from '../local/dynamodb-local';
import { startFauxqs } from '../local/fauxqs';
import { startStrictSns } from '../local/strict-sns';

const STORY: readonly string[] = [
  'first poll: Vigil records what exists (an old run, an old render) and sends nothing',
  'run nightly-android starts on 4 devices; two remote access sessions and a browser session open; two renders are queued; run ui-smoke has waited for a device since just after the first poll, longer than the 22 minutes this config allows: STUCK',
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
  const [dynamo, fauxqs] = await Promise.all([startDynamoDbLocal(), startFauxqs()]);
  // The scenario's clock ends "now": its timestamps are recent, as in a live account.
  const startTime = new Date(Date.now() - DEMO_STEPS * DEMO_STEP_SECONDS * 1000);
  const emulator = await startDeviceFarmEmulator({ scenario: demoScenario(startTime) });
  const deadline = await startDeadlineEmulator({ scenario: deadlineDemoScenario(startTime) });
  // Vigil publishes through a proxy that refuses what real SNS refuses (fauxqs accepts any subject).
  const strictSns = await startStrictSns({ upstream: fauxqs.endpoint });
  const stopAll = () =>
    Promise.allSettled([strictSns.stop(), emulator.stop(), deadline.stop(), fauxqs.stop(), dynamo.stop()]);

  try {
    const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
    const region = 'us-east-1';
    const sns = new SNSClient({ endpoint: fauxqs.endpoint, region, credentials });
    const sqs = new SQSClient({ endpoint: fauxqs.endpoint, region, credentials, useQueueUrlAsEndpoint: false });
    const topicArn = (await sns.send(new CreateTopicCommand({ Name: 'vigil-demo' }))).TopicArn as string;
    const inbox = await sqs.send(new CreateQueueCommand({ QueueName: 'demo-inbox' }));
    const inboxArn = (
      await sqs.send(new GetQueueAttributesCommand({ QueueUrl: inbox.QueueUrl, AttributeNames: ['QueueArn'] }))
    ).Attributes?.QueueArn as string;
    await sns.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: 'sqs', Endpoint: inboxArn }));

    const configDir = mkdtempSync(join(tmpdir(), 'vigil-demo-'));
    const config = join(configDir, 'vigil.config.json');
    // The embedded default (every project, default rules) with Deadline Cloud turned on,
    // a budget of metered device minutes, a guard that stops qa-sandbox sessions at 9 minutes,
    // and runs reported STUCK after 22 minutes without a device (the default is 60: the demo's
    // timestamps span 25 minutes).
    writeFileSync(
      config,
      `${JSON.stringify(
        {
          deadline: { enabled: true, region: 'us-west-2' },
          budgets: [{ name: 'metered-minutes', meter: 'deviceMinutes.metered', limitMinutes: 50 }],
          guard: { autoStop: true, projects: { 'qa-sandbox': 9 } },
          rules: { stuckMinutes: { deviceFarm: 22 } },
        },
        null,
        2,
      )}\n`,
    );
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      AWS_REGION: region,
      AWS_ACCESS_KEY_ID: credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
      AWS_ENDPOINT_URL_DEVICE_FARM: emulator.endpoint,
      AWS_ENDPOINT_URL_DEADLINE: deadline.endpoint,
      AWS_ENDPOINT_URL_STS: fauxqs.endpoint, // the CLI asks STS for the account Deadline ARNs are built with
      AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
      AWS_ENDPOINT_URL_SNS: strictSns.endpoint,
      VIGIL_TABLE: 'vigil-demo',
      VIGIL_TOPIC_ARN: topicArn,
    };
    say(`DynamoDB Local ${dynamo.endpoint} · SNS/SQS/STS ${fauxqs.endpoint}`);
    say(`Device Farm ${emulator.endpoint} · Deadline Cloud ${deadline.endpoint}`);
    say('Each step below is one poll interval in the scripted account; Vigil sees only what the API returns then.');

    for (let step = 0; step < DEMO_STEPS; step++) {
      emulator.setStep(step);
      deadline.setStep(step);
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

    const queued = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: inbox.QueueUrl, AttributeNames: ['ApproximateNumberOfMessages'] }),
    );
    rule('done');
    say(`An SQS queue subscribed to the topic received ${queued.Attributes?.ApproximateNumberOfMessages} messages.`);
    const total = (calls: Readonly<Record<string, number>>) => Object.values(calls).reduce((a, b) => a + b, 0);
    say(
      `API calls made by Vigil in all: Device Farm ${total(emulator.calls)}, Deadline Cloud ${total(deadline.calls)}`,
    );
    say(
      `Demo finished in ${Math.round((Date.now() - began) / 1000)} s. Deploy for real with \`npx cdk deploy\` (see README).`,
    );
  } finally {
    await stopAll();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`demo failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
