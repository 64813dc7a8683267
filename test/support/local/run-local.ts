/**
 * `npm run local`: starts the local services the demo uses and keeps them up
 * until Ctrl-C, so the CLI can be tried by hand: it prints the variables to
 * export. The scripted accounts stand at their last step (everything the
 * demo shows has happened); `vigil run --once` records and delivers it.
 */
import { DEMO_STEPS } from '../../emulators/device-farm/scenarios/demo';
import { startLocalStack } from './local-stack';

async function main(): Promise<void> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  process.stdout.write(
    'Starting DynamoDB Local, fauxqs (SNS, SQS, STS) and the Device Farm and Deadline Cloud emulators…\n',
  );
  const stack = await startLocalStack();
  stack.setStep(DEMO_STEPS - 1);
  const exports = Object.entries(stack.env).map(([name, value]) => `export ${name}=${value}`);
  process.stdout.write(
    [
      '',
      'Ready. In another terminal, paste:',
      '',
      ...exports,
      `export VIGIL_CONFIG_FILE=${stack.configPath}`,
      '',
      'then try:',
      '  npx vigil run --once --config "$VIGIL_CONFIG_FILE"   # record what the scripted accounts hold, and deliver it',
      '  npx vigil status',
      '  npx vigil history --since 1h',
      '  npx vigil budget --config "$VIGIL_CONFIG_FILE"',
      '',
      'Ctrl-C here stops everything (the table lives in memory: it goes with it).',
      '',
    ].join('\n'),
  );
  await new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
  process.stdout.write('\nStopping…\n');
  await stack.stop();
}

main().catch((error: unknown) => {
  process.stderr.write(`npm run local failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
