/**
 * What a pager (PagerDuty, Opsgenie) does with each message the channel
 * receives. Pure: the queued message in, the steps out.
 *
 * - An error-severity notification triggers an incident whose key is the
 *   resource's ARN (a job group's: its run's; a Deadline session group's: its
 *   job's; a budget's: its period's identity). Triggers with the same key are
 *   one incident (PagerDuty's dedup_key, Opsgenie's alias): a reminder or a
 *   second failure of the same resource adds to it.
 * - A notification that the same resource is well again resolves it: a
 *   session's end, a Deadline job that SUCCEEDED, UNSTUCK; for a run, the
 *   same project's next run that PASSED resolves every open incident of the
 *   project's runs (its group).
 * - A resolve is sent only for an incident this channel triggered and saw
 *   accepted (forwarder.ts keeps the open ones): never "resolved" without
 *   a delivered trigger (LESSONS #7).
 * - Vigil's own CloudWatch alarms trigger (key: the alarm's name); they
 *   never resolve (alarms send no OK). `vigil notify test` triggers and
 *   resolves at once, so the test incident closes by itself.
 * - Everything else (info and warning notices, the digest) is acknowledged
 *   and not sent.
 */
import type { NotificationDocument } from '../notification';
import type { QueuedMessage } from '../slack/queued-message';

/** An incident: its key (dedup key, alias) and the group a passing run resolves. */
export interface Incident {
  readonly key: string;
  /** For runs and jobs: `<project ARN>/runs`; otherwise the key. */
  readonly group: string;
}

/** Pager severity, as PagerDuty names it (Opsgenie's priority is derived from it). */
export type PagerSeverity = 'critical' | 'error' | 'warning' | 'info';

export type PagerStep =
  | {
      readonly action: 'trigger';
      readonly incident: Incident;
      /** One line: the notification's subject (real names). */
      readonly summary: string;
      readonly severity: PagerSeverity;
      /** The whole text a person reads, and the document's facts. */
      readonly text: string;
      readonly details: Readonly<Record<string, unknown>>;
      readonly eventType: string;
      readonly link?: string;
      readonly timestamp?: string;
    }
  /** Resolves the open incident with `key`, or every open incident of `group`. */
  | { readonly action: 'resolve'; readonly key?: string; readonly group?: string };

/** A job ARN's run (`…:job:<project>/<run>/<job>` → `…:run:<project>/<run>`). */
function runOfJob(arn: string): string {
  return arn.replace(/:job:([^/]+)\/([^/]+)\/[^/]+$/, ':run:$1/$2');
}

/** A Deadline session's job (`<job ARN>/session/<id>` → `<job ARN>`). */
function jobOfSession(arn: string): string {
  return arn.replace(/\/session\/[^/]+$/, '');
}

const runsGroup = (doc: NotificationDocument) => `${doc.project?.arn ?? 'unknown-project'}/runs`;

/** The incident a document is about, if it names one. */
export function incidentOf(doc: NotificationDocument): Incident | undefined {
  if (doc.budget !== undefined) {
    const key = `vigil:budget/${doc.budget.name}/${doc.budget.period.key}`;
    return { key, group: key };
  }
  const resource = doc.resource;
  if (resource === undefined) return undefined;
  switch (resource.kind) {
    case 'run':
      return { key: resource.arn, group: runsGroup(doc) };
    case 'job':
      return { key: runOfJob(resource.arn), group: runsGroup(doc) };
    case 'deadline-session': {
      const key = jobOfSession(resource.arn);
      return { key, group: key };
    }
    default:
      return { key: resource.arn, group: resource.arn };
  }
}

/** Whether a document says its resource is well again. */
function resolution(doc: NotificationDocument): PagerStep | undefined {
  const r = doc.resource;
  switch (doc.eventType) {
    case 'run-finished':
      return r?.result === 'PASSED' ? { action: 'resolve', group: runsGroup(doc) } : undefined;
    case 'session-finished':
      return r === undefined ? undefined : { action: 'resolve', key: r.arn };
    case 'deadline-job':
      return r?.status === 'SUCCEEDED' ? { action: 'resolve', key: r.arn } : undefined;
    case 'unstuck': {
      if (r === undefined || r.result === 'FAILED' || r.result === 'ERRORED') return undefined;
      return { action: 'resolve', key: incidentOf(doc)?.key ?? r.arn };
    }
    default:
      return undefined;
  }
}

/** The text details a pager shows, bounded (PagerDuty takes 512 KB, Opsgenie far less per field). */
const TEXT_MAX = 8_000;

function trigger(
  doc: NotificationDocument & { text?: string },
  incident: Incident,
  severity: PagerSeverity,
): PagerStep {
  const text = (doc.text ?? doc.subject).slice(0, TEXT_MAX);
  return {
    action: 'trigger',
    incident,
    summary: doc.subject,
    severity,
    text,
    eventType: doc.eventType,
    details: {
      eventType: doc.eventType,
      severity: doc.severity,
      service: doc.service,
      ...(doc.project === undefined ? {} : { project: doc.project }),
      ...(doc.resource === undefined ? {} : { resource: doc.resource }),
      eventIds: doc.eventIds,
      text,
    },
    ...(doc.consoleUrl === undefined ? {} : { link: doc.consoleUrl }),
    timestamp: doc.observedAt,
  };
}

/** The steps for one queued message (empty: nothing for a pager). */
export function pagerSteps(message: QueuedMessage): PagerStep[] {
  if (message.kind === 'plain') {
    // Vigil's alarms reach the channel as CloudWatch's JSON, read as "ALARM: <name>".
    const alarm = /^ALARM: (.+)$/.exec(message.subject ?? '');
    if (alarm?.[1] === undefined) return [];
    const key = `vigil:alarm/${alarm[1]}`;
    return [
      {
        action: 'trigger',
        incident: { key, group: key },
        summary: message.subject ?? key,
        severity: 'critical',
        text: message.text.slice(0, TEXT_MAX),
        details: { alarm: alarm[1], text: message.text.slice(0, TEXT_MAX) },
        eventType: 'alarm',
      },
    ];
  }
  const doc = { ...message.input.document, text: message.input.text };
  // `vigil notify test` (its event type may be one the channel's filter asks for; its event id says test).
  if ((doc.eventType as string) === 'test' || doc.eventIds.some((id) => id.startsWith('vigil:test/'))) {
    const key = `vigil:test/${doc.observedAt}`;
    return [trigger(doc, { key, group: key }, 'info'), { action: 'resolve', key }];
  }
  if (doc.severity === 'error') {
    const incident = incidentOf(doc) ?? { key: `vigil:event/${doc.eventIds[0] ?? doc.subject}`, group: '' };
    return [trigger(doc, { ...incident, group: incident.group || incident.key }, 'error')];
  }
  const resolve = resolution(doc);
  return resolve === undefined ? [] : [resolve];
}
