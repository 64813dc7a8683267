/**
 * What every Vigil Lambda reads from its environment, once per container:
 * the settings (VIGIL_SETTINGS), the table (TABLE_NAME), other variables by
 * name, and one structured logger. A handler asks for what it needs; a
 * missing variable is an error that names it.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { createDocumentClient, createDynamoClient } from '../clients/aws-clients';
import { parseSettings, type Settings } from '../config/settings';
import { requireEnv } from '../core/env';
import type { Log } from '../core/log';
import { powertoolsLog } from '../core/powertools-log';
import type { Tally } from '../core/tally';
import { type TableAdapters, tableAdapters } from './wiring';

export interface LambdaHost {
  readonly log: Log;
  /** VIGIL_SETTINGS, parsed and validated on first use. */
  readonly settings: Settings;
  /** A variable the stack sets; an error naming it when it is missing. */
  need(name: string): string;
  /** The history table's adapters over TABLE_NAME; with `tally`, its DynamoDB calls are counted. */
  table(tally?: Tally): TableAdapters;
}

export function lambdaHost(env: NodeJS.ProcessEnv = process.env): LambdaHost {
  let settings: Settings | undefined;
  const need = (name: string) => requireEnv(name, env);
  const host: LambdaHost = {
    log: powertoolsLog(new Logger({ serviceName: 'vigil' })),
    get settings() {
      settings ??= parseSettings(need('VIGIL_SETTINGS'), 'VIGIL_SETTINGS');
      return settings;
    },
    need,
    table: (tally) => tableAdapters(createDocumentClient(createDynamoClient(tally)), need('TABLE_NAME'), host.settings),
  };
  return host;
}
