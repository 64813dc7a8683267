/**
 * Notice → the message people and programs receive: a subject that says what
 * happened, a plain-text body a person reads in ten seconds (email), a JSON
 * document for programs (SQS, Lambda, HTTPS subscribers), and the message
 * attributes subscription filters match on. Every resource is named by ARN
 * as well as by name; statuses and results keep AWS's spelling. The words of
 * each notice type are in device-farm-messages.ts, deadline-messages.ts,
 * reactor-messages.ts and digest-message.ts; the types in notification.ts.
 */
import { deadlineJobMessage, deadlineSessionsMessage } from './deadline-messages';
import {
  facts,
  jobsFinishedMessage,
  listedJobs,
  runFinishedMessage,
  sessionFinishedMessage,
  shownFailingTests,
  strip,
  testGridSessionMessage,
  unknownValueMessage,
} from './device-farm-messages';
import { composeDigest } from './digest-message';
import { consoleLink, projectAttribute, table } from './format';
import { composeReminder, composeStuck } from './lifecycle-messages';
import type { MessageParts, Notification } from './notification';
import { composeBudget, composeGuard } from './reactor-messages';
import type { ChangeNotice, ChangeNoticeType, Notice } from './rules';

export type {
  BudgetFacts,
  GuardFacts,
  Notification,
  NotificationDocument,
  ResourceFacts,
  Severity,
} from './notification';

/** Which setting mutes each kind of message (said in every email). */
const MUTE_HINT: Record<ChangeNoticeType, string> = {
  'deadline-job': 'remove the status from rules.deadlineJobStatuses',
  'deadline-sessions-failed': 'set rules.deadlineSessionFailures to false',
  'run-finished': 'set rules.runFinished to false',
  'jobs-finished': 'remove the result from rules.jobResults',
  'session-finished': 'set rules.remoteAccessFinished to false',
  'test-grid-session': 'remove the status from rules.testGridStatuses',
  'unknown-status': 'set rules.unknownStatus to false',
};

/** The words of each kind of change notice. */
const PARTS: Record<ChangeNoticeType, (notice: ChangeNotice) => MessageParts> = {
  'run-finished': runFinishedMessage,
  'jobs-finished': jobsFinishedMessage,
  'session-finished': sessionFinishedMessage,
  'test-grid-session': testGridSessionMessage,
  'unknown-status': unknownValueMessage,
  'deadline-job': deadlineJobMessage,
  'deadline-sessions-failed': deadlineSessionsMessage,
};

/** The notification for one notice. */
export function compose(notice: Notice): Notification {
  switch (notice.type) {
    case 'budget-threshold':
    case 'budget-forecast':
      return composeBudget(notice);
    case 'guard':
      return composeGuard(notice);
    case 'digest':
      return composeDigest(notice);
    case 'stuck':
    case 'unstuck':
      return composeStuck(notice);
    case 'reminder':
      return composeReminder(notice);
    default:
      return composeChange(notice);
  }
}

function composeChange(notice: ChangeNotice): Notification {
  const { subject: event } = notice;
  const state = event.state;
  const { jobs, left } = listedJobs(notice);
  const { subject, headline, severity, rows, extra } = PARTS[notice.type](notice);
  const text = [
    headline,
    '',
    ...table(rows),
    ...extra,
    '',
    `Observed ${state.observedAt} by Vigil (event ${event.eventId}).`,
    `To stop messages like this one, ${MUTE_HINT[notice.type]} in vigil.config.json.`,
  ].join('\n');
  const link = consoleLink(event.kind === 'job' && event.parentArn ? event.parentArn : state.arn);
  return {
    subject: subject.ascii,
    text,
    document: strip({
      source: 'vigil' as const,
      version: 1 as const,
      eventType: notice.type,
      severity,
      subject: subject.text,
      service: event.service,
      project: state.project,
      resource: facts(event, state),
      jobs,
      jobsLeftOut: left > 0 ? left : undefined,
      jobSummary: notice.type === 'run-finished' ? state.jobSummary : undefined,
      failingTests: notice.type === 'run-finished' ? shownFailingTests(state.failingTests) : undefined,
      eventIds: notice.covers.map((e) => e.eventId),
      observedAt: state.observedAt,
      consoleUrl: link,
    }),
    attributes: {
      service: event.service,
      kind: notice.type === 'jobs-finished' ? 'job' : event.kind,
      eventType: notice.type,
      severity,
      project: projectAttribute(state.project),
    },
  };
}
