/**
 * The accountant Lambda. Two triggers: the table's stream (Device Farm change
 * events: counts metered minutes toward each budget and writes threshold and
 * forecast events, which the notifier then publishes) and a one-minute
 * schedule (announces, once, a threshold the budget was already past when
 * Vigil first looked: react/budgets/announce-baseline.ts). Each budget's
 * usage is published as the CloudWatch metric Vigil/BudgetUsedMinutes (EMF).
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { createDocumentClient, createDynamoClient } from '../clients/aws-clients';
import { requireEnv } from '../core/env';
import { powertoolsLog } from '../core/powertools-log';
import { parseSettings } from '../core/settings';
import type { StreamRecordInput } from '../deliver/stream-events';
import { type AccountantDeps, accountChange } from '../react/budgets/accountant';
import { announceBaselineCrossings } from '../react/budgets/announce-baseline';
import { eachChange } from '../react/each-change';
import { DynamoBudgetLedger } from '../record/budget-ledger';

/** A stream batch, or the EventBridge schedule's event (`source: 'aws.events'`). */
type AccountantInput = DynamoDBStreamEvent | { source?: string; 'detail-type'?: string };

export function makeHandler(deps: AccountantDeps, metrics?: Metrics) {
  return async (input: AccountantInput): Promise<DynamoDBBatchResponse | { announced: number }> => {
    if (!('Records' in input)) {
      const announced = await announceBaselineCrossings(deps);
      return { announced: announced.length };
    }
    const response = await eachChange(input.Records as StreamRecordInput[], deps.log, async (change) => {
      await accountChange(change, deps);
    });
    metrics?.publishStoredMetrics();
    return response;
  };
}

function defaultDeps(): { deps: AccountantDeps; metrics: Metrics } {
  const settings = parseSettings(requireEnv('VIGIL_SETTINGS'), 'VIGIL_SETTINGS');
  const metrics = new Metrics({ namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? 'Vigil', serviceName: 'vigil' });
  const deps: AccountantDeps = {
    ledger: new DynamoBudgetLedger(createDocumentClient(createDynamoClient()), requireEnv('TABLE_NAME')),
    budgets: settings.budgets,
    log: powertoolsLog(new Logger({ serviceName: 'vigil' })),
    onUsage: (budget, usage) => {
      const single = metrics.singleMetric();
      single.addDimension('Budget', budget.name);
      single.addMetric('BudgetUsedMinutes', MetricUnit.Count, usage.usedMinutes);
      single.addMetric('BudgetUsedPercent', MetricUnit.Percent, (usage.usedMinutes / usage.limitMinutes) * 100);
    },
  };
  return { deps, metrics };
}

let ready: ReturnType<typeof makeHandler> | undefined;

export const handler = async (input: AccountantInput) => {
  if (ready === undefined) {
    const { deps, metrics } = defaultDeps();
    ready = makeHandler(deps, metrics);
  }
  return ready(input);
};
