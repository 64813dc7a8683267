#!/usr/bin/env node
/**
 * The CDK app: reads and validates the config file, builds the stack and
 * checks it with cdk-nag (AwsSolutions). The config file is
 * `vigil.config.json` unless VIGIL_CONFIG or the context value `config`
 * (`cdk synth -c config=path`) names another; a bad config stops synth with
 * a message naming the field and what is accepted.
 */
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { loadConfig } from '../lambda/config/config-file';
import { ConfigError } from '../lambda/core/errors';
import { VigilStack } from '../lib/vigil-stack';

function configPath(app: App): string | undefined {
  const fromEnv = process.env.VIGIL_CONFIG;
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
  const fromContext: unknown = app.node.tryGetContext('config');
  if (fromContext === undefined) return undefined;
  if (typeof fromContext !== 'string' || fromContext === '') {
    throw new ConfigError(`context value config is ${JSON.stringify(fromContext)}; expected a path to a config file`);
  }
  return fromContext;
}

const app = new App();
try {
  new VigilStack(app, 'Vigil', {
    config: loadConfig({ path: configPath(app) }),
    env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
  });
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  process.stderr.write(
    error.message
      .split('\n')
      .map((line) => `Vigil config error: ${line}\n`)
      .join(''),
  );
  process.exit(1);
}
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
