/**
 * The one place that builds the engine's adapters over the history table and
 * the AWS clients, and the dependencies of each stage. Lambda handlers and
 * CLI commands read their input (environment, arguments) and call these, so
 * both hosts run the same stages wired the same way.
 */
import type { DeviceFarmClient } from '@aws-sdk/client-device-farm';
import type { SNSClient } from '@aws-sdk/client-sns';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { budgetsOf, type Settings } from '../config/settings';
import type { Log } from '../core/log';
import type { Service } from '../core/observation';
import { DIGEST_REPORT_DAYS, REPORT_PREFIX } from '../core/reports';
import type { Notification } from '../deliver/notification';
import type { NotifierDeps } from '../deliver/notifier';
import { renderReport } from '../deliver/report/render';
import type { ReportStore } from '../deliver/report/store';
import type { Muting } from '../deliver/silences';
import { type Publisher, SnsPublisher } from '../deliver/sns-publisher';
import type { AccountantDeps } from '../react/budgets/accountant';
import type { DigestDeps } from '../react/digest/write';
import type { GuardDeps } from '../react/guard/guard';
import { statusWith, stopWith } from '../react/guard/stop';
import type { InsightDeps } from '../react/insight/gather';
import type { ReactorDeps } from '../react/reactor';
import { DynamoBudgetLedger } from '../record/budget-ledger';
import { DynamoStreamCheckpoints } from '../record/checkpoints';
import { DynamoDeliveryLedger } from '../record/delivery-ledger';
import { DynamoHistoryStore } from '../record/dynamo-history-store';
import { DynamoOutbox } from '../record/dynamo-outbox';
import { DynamoGuardLedger } from '../record/guard-ledger';
import { DynamoReminderLedger } from '../record/reminder-ledger';
import { DynamoSilences } from '../record/silences';
import { DynamoStuckLedger } from '../record/stuck-ledger';

/** Everything the engine keeps in the history table, over one document client. */
export interface TableAdapters {
  readonly store: DynamoHistoryStore;
  readonly deliveries: DynamoDeliveryLedger;
  readonly outbox: DynamoOutbox;
  readonly budgets: DynamoBudgetLedger;
  readonly guard: DynamoGuardLedger;
  readonly checkpoints: DynamoStreamCheckpoints;
  readonly silences: DynamoSilences;
  readonly stuck: DynamoStuckLedger;
  readonly reminders: DynamoReminderLedger;
}

export function tableAdapters(documents: DynamoDBDocumentClient, tableName: string, settings: Settings): TableAdapters {
  const retentionDays = settings.history.eventRetentionDays;
  return {
    store: new DynamoHistoryStore({
      client: documents,
      tableName,
      retentionDays,
      tracked: { failingRuns: settings.reminders.failingRuns, deadlineJobs: settings.reminders.deadlineJobs },
    }),
    deliveries: new DynamoDeliveryLedger(documents, tableName, retentionDays),
    outbox: new DynamoOutbox(documents, tableName),
    budgets: new DynamoBudgetLedger(documents, tableName),
    guard: new DynamoGuardLedger(documents, tableName),
    checkpoints: new DynamoStreamCheckpoints(documents, tableName),
    silences: new DynamoSilences(documents, tableName, retentionDays),
    stuck: new DynamoStuckLedger(documents, tableName, retentionDays),
    reminders: new DynamoReminderLedger(documents, tableName, retentionDays),
  };
}

/** The delivery port over the alert topic. */
export function snsPublisher(sns: SNSClient, topicArn: string): Publisher {
  return new SnsPublisher(sns, topicArn);
}

/**
 * The daily digest over the table (the scheduled Lambda and `vigil digest`);
 * with a report store, the last 30 days' report is written beside it.
 */
export function digestDeps(input: {
  readonly table: TableAdapters;
  readonly settings: Settings;
  readonly log: Log;
  readonly reportStore?: ReportStore;
}): DigestDeps {
  const { table, settings, reportStore } = input;
  return {
    ...(reportStore === undefined
      ? {}
      : {
          report: {
            publish: (key, data) => reportStore.put(key, renderReport(data)),
            prefix: REPORT_PREFIX,
            days: DIGEST_REPORT_DAYS,
          },
        }),
    reader: table.store,
    writer: table.store,
    budgetLedger: table.budgets,
    guardLedger: table.guard,
    budgets: budgetsOf(settings),
    pricing: settings.pricing,
    guard: settings.guard,
    log: input.log,
  };
}

/** What the report and `vigil devices` read: the history (time index) and the budget ledger. */
export function insightDeps(input: { readonly table: TableAdapters; readonly settings: Settings }): InsightDeps {
  return {
    reader: input.table.store,
    budgetLedger: input.table.budgets,
    budgets: budgetsOf(input.settings),
    pricing: input.settings.pricing,
  };
}

/** The notifier's dependencies: the stream path and the sweeper share them. */
export function notifierDeps(input: {
  readonly table: TableAdapters;
  readonly publisher: Publisher;
  readonly settings: Settings;
  readonly log: Log;
  readonly onPublished?: (notification: Notification, messageId: string) => void;
  readonly onSilenced?: (notification: Notification, muting: Muting) => void;
  readonly now?: () => Date;
}): NotifierDeps {
  return {
    ledger: input.table.deliveries,
    outbox: input.table.outbox,
    guardStops: input.table.guard,
    publisher: input.publisher,
    rules: input.settings.rules,
    log: input.log,
    leaseMs: input.settings.delivery.claimLeaseSeconds * 1000,
    silences: input.table.silences,
    windows: input.settings.maintenanceWindows,
    ...(input.onPublished === undefined ? {} : { onPublished: input.onPublished }),
    ...(input.onSilenced === undefined ? {} : { onSilenced: input.onSilenced }),
    ...(input.now === undefined ? {} : { now: input.now }),
  };
}

/** The session guard over the table and Device Farm. */
export function guardDeps(input: {
  readonly table: TableAdapters;
  readonly deviceFarm: DeviceFarmClient;
  readonly settings: Settings;
  readonly log: Log;
  readonly now?: () => Date;
}): GuardDeps {
  const { store } = input.table;
  return {
    ledger: input.table.guard,
    settings: input.settings.guard,
    current: (session) => store.getLatest(session.scope, session.kind, session.arn),
    status: statusWith(input.deviceFarm),
    stop: stopWith(input.deviceFarm),
    log: input.log,
    ...(input.now === undefined ? {} : { now: input.now }),
  };
}

/** The reactors: the accountant when budgets are configured, the guard when Device Farm is watched. */
export function reactorDeps(input: {
  readonly table: TableAdapters;
  readonly deviceFarm: DeviceFarmClient;
  readonly settings: Settings;
  readonly log: Log;
  readonly onUsage?: AccountantDeps['onUsage'];
  readonly now?: () => Date;
}): ReactorDeps {
  const { settings, log } = input;
  const now = input.now === undefined ? {} : { now: input.now };
  return {
    outbox: input.table.outbox,
    store: input.table.store,
    log,
    ...now,
    ...(settings.budgets.length === 0
      ? {}
      : {
          accountant: {
            ledger: input.table.budgets,
            budgets: budgetsOf(settings),
            pricing: settings.pricing,
            log,
            ...now,
            ...(input.onUsage === undefined ? {} : { onUsage: input.onUsage }),
          },
        }),
    ...(settings.deviceFarm.enabled ? { guard: guardDeps(input) } : {}),
    ...stuckDeps(input),
    ...reminderDeps(input),
  };
}

/**
 * Whether the reactors follow the table's stream: for Device Farm's changes
 * (budgets, the guard, failing runs) and, with reminders of Deadline jobs
 * on, for Deadline jobs failing. The stack deploys the reactors when this
 * holds or a present pass has work (the stuck detector, reminders).
 */
export function reactsToChanges(settings: Settings): boolean {
  return settings.deviceFarm.enabled || (settings.deadline.enabled && settings.reminders.deadlineJobs);
}

/** True when some reminder is on. */
export function remindersOn(settings: Settings): boolean {
  const r = settings.reminders;
  return r.sessionOverLimit || r.budgetOverLimit || r.deadlineJobs || r.failingRuns;
}

function reminderDeps(input: {
  readonly table: TableAdapters;
  readonly settings: Settings;
  readonly log: Log;
  readonly now?: () => Date;
}): Pick<ReactorDeps, 'reminders'> {
  const { settings, table } = input;
  if (!remindersOn(settings)) return {};
  return {
    reminders: {
      ledger: table.reminders,
      settings: settings.reminders,
      guard: { ledger: table.guard, settings: settings.guard },
      budgets: { ledger: table.budgets, budgets: budgetsOf(settings) },
      latest: (scope, kind, arn) => table.store.getLatest(scope, kind, arn),
      log: input.log,
      ...(input.now === undefined ? {} : { now: input.now }),
    },
  };
}

/** The services whose work the stuck detector watches: enabled, with a limit on. */
export function stuckServices(settings: Settings): Service[] {
  const limits = settings.rules.stuckMinutes;
  const services: Service[] = [];
  if (settings.deviceFarm.enabled && (limits.deviceFarm > 0 || limits.remoteAccess > 0)) services.push('devicefarm');
  if (settings.deadline.enabled && limits.deadline > 0) services.push('deadline');
  return services;
}

function stuckDeps(input: {
  readonly table: TableAdapters;
  readonly settings: Settings;
  readonly log: Log;
  readonly now?: () => Date;
}): Pick<ReactorDeps, 'stuck'> {
  const services = stuckServices(input.settings);
  if (services.length === 0) return {};
  const { store } = input.table;
  return {
    stuck: {
      services,
      ledger: input.table.stuck,
      deliveries: input.table.deliveries,
      latest: (scope, kind, arn) => store.getLatest(scope, kind, arn),
      limits: input.settings.rules.stuckMinutes,
      log: input.log,
      ...(input.now === undefined ? {} : { now: input.now }),
    },
  };
}
