/**
 * The AWS Chatbot (Amazon Q Developer in chat applications) custom
 * notification format, checked against its documented schema
 * (https://docs.aws.amazon.com/chatbot/latest/adminguide/custom-notifs.html,
 * "Event schema" and "Parameter details"): only the documented field names,
 * version "1.0", source "custom", textType "client-markdown", strings where
 * strings go; and Vigil's own length bounds.
 */
import type { JobBrief } from '../../../../lambda/core/observation';
import {
  CHATBOT_LIMITS,
  chatbotNotification,
  chatbotPlainNotification,
} from '../../../../lambda/deliver/chatbot/format';
import type { Notification } from '../../../../lambda/deliver/compose';
import { compose } from '../../../../lambda/deliver/compose';
import { readQueuedMessage } from '../../../../lambda/deliver/slack/queued-message';
import { jobArn } from '../../../support/arns';
import { counters, runFinished } from '../../../support/builders';
import { deadlineChange, deadlineJob, deadlineSession } from '../../../support/deadline-builders';
import { GOLDEN_SCENARIOS, notify, runFailed, sessionOverLimit, sqsBodyOf } from '../slack/scenarios';

const DOCUMENTED = {
  top: ['version', 'source', 'id', 'content', 'metadata'],
  content: ['textType', 'title', 'description', 'nextSteps', 'keywords'],
  metadata: ['threadId', 'summary', 'eventType', 'relatedResources', 'additionalContext'],
};

/** Vigil's bounds (the documentation gives field names and values, not lengths). */
const BOUNDS = {
  title: 250,
  description: 4000,
  nextSteps: 5,
  nextStep: 500,
  keywords: 10,
  keyword: 50,
  summary: 250,
  relatedResources: 10,
  additionalContext: 10,
  contextValue: 500,
};

const SNS_MAX_BYTES = 262_144;

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((v) => typeof v === 'string');
}

/** Every way `value` departs from the documented schema or Vigil's bounds. */
function schemaViolations(value: unknown): string[] {
  const out: string[] = [];
  const n = value as Record<string, unknown>;
  const unknownKeys = (where: string, obj: Record<string, unknown>, known: string[]) => {
    for (const key of Object.keys(obj)) if (!known.includes(key)) out.push(`${where}.${key} is not documented`);
  };
  unknownKeys('(top)', n, DOCUMENTED.top);
  if (n.version !== '1.0') out.push('version must be "1.0"');
  if (n.source !== 'custom') out.push('source must be "custom"');
  if (n.id !== undefined && typeof n.id !== 'string') out.push('id must be a string');
  const content = n.content as Record<string, unknown> | undefined;
  if (content === undefined || typeof content !== 'object') return [...out, 'content is missing'];
  unknownKeys('content', content, DOCUMENTED.content);
  if (content.textType !== undefined && content.textType !== 'client-markdown') out.push('textType');
  if (typeof content.title !== 'string' || content.title.length > BOUNDS.title) out.push('content.title');
  if (typeof content.description !== 'string' || content.description.trim() === '') out.push('content.description');
  else if (content.description.length > BOUNDS.description) out.push('content.description is too long');
  if (content.nextSteps !== undefined) {
    if (!isStringArray(content.nextSteps)) out.push('content.nextSteps must be strings');
    else if (content.nextSteps.length > BOUNDS.nextSteps || content.nextSteps.some((s) => s.length > BOUNDS.nextStep))
      out.push('content.nextSteps is too long');
  }
  if (content.keywords !== undefined) {
    if (!isStringArray(content.keywords)) out.push('content.keywords must be strings');
    else if (content.keywords.length > BOUNDS.keywords || content.keywords.some((s) => s.length > BOUNDS.keyword))
      out.push('content.keywords is too long');
  }
  const metadata = n.metadata as Record<string, unknown> | undefined;
  if (metadata !== undefined) {
    unknownKeys('metadata', metadata, DOCUMENTED.metadata);
    for (const key of ['threadId', 'summary', 'eventType']) {
      if (metadata[key] !== undefined && typeof metadata[key] !== 'string')
        out.push(`metadata.${key} must be a string`);
    }
    if (typeof metadata.summary === 'string' && metadata.summary.length > BOUNDS.summary) out.push('summary');
    if (metadata.relatedResources !== undefined) {
      if (!isStringArray(metadata.relatedResources)) out.push('metadata.relatedResources must be strings');
      else if (metadata.relatedResources.length > BOUNDS.relatedResources) out.push('relatedResources is too long');
    }
    const context = metadata.additionalContext as Record<string, unknown> | undefined;
    if (context !== undefined) {
      const values = Object.values(context);
      if (!values.every((v) => typeof v === 'string')) out.push('additionalContext values must be strings');
      if (values.length > BOUNDS.additionalContext) out.push('additionalContext has too many keys');
      if (values.some((v) => typeof v === 'string' && v.length > BOUNDS.contextValue))
        out.push('additionalContext value');
    }
  }
  if (Buffer.byteLength(JSON.stringify(value), 'utf8') > SNS_MAX_BYTES) out.push('over 256 KB');
  return out;
}

const KB10 = 'x'.repeat(10 * 1024);

function twoHundredFailedJobs(): Notification {
  const notPassed: JobBrief[] = Array.from({ length: 200 }, (_, i) => ({
    arn: jobArn(String(i).padStart(5, '0')),
    name: `Device ${i}`,
    status: 'COMPLETED',
    result: 'FAILED',
    message: KB10,
  }));
  return notify([
    runFinished('FAILED', {
      jobSummary: { total: 200, byResult: { FAILED: 200 }, notPassed, notPassedTruncated: 0 },
      counters: counters({ total: 200, failed: 200 }),
    }),
  ]);
}

function deadlineWithHugeLogs(): Notification {
  const job = deadlineJob('777', 'FAILED', { FAILED: 200 });
  return notify([
    ...Array.from({ length: 200 }, (_, i) =>
      deadlineChange(deadlineSession(job, String(i), 'ENDED', KB10), { status: 'STARTED' }),
    ),
    deadlineChange(job, { status: 'RUNNING' }),
  ]);
}

describe('chatbotNotification', () => {
  it.each([
    ...Object.entries(GOLDEN_SCENARIOS),
    ['a run with 200 failed jobs and 10 KB messages', twoHundredFailedJobs],
    ['a Deadline job with 200 failed sessions and 10 KB log errors', deadlineWithHugeLogs],
  ])('follows the documented schema for %s', (_case, build) => {
    expect(schemaViolations(chatbotNotification(build(), 'sns-1'))).toEqual([]);
  });

  it('says the subject, the facts, the link and how to mute in the fields Chatbot shows', () => {
    // Act
    const n = chatbotNotification(runFailed(), 'sns-1');

    // Assert
    expect(n.version).toBe('1.0');
    expect(n.source).toBe('custom');
    expect(n.id).toBe('sns-1');
    expect(n.content.textType).toBe('client-markdown');
    expect(n.content.title).toBe('🔴 FAILED: run nightly (3 of 48 jobs did not pass)');
    expect(n.content.description).toContain('*Jobs:* 48: ERRORED 1, FAILED 2, PASSED 45');
    expect(n.content.nextSteps).toEqual([
      '<https://us-west-2.console.aws.amazon.com/devicefarm/home?region=us-west-2#/mobile/projects/p-app/runs/r-nightly|View in the Device Farm console>',
      'To stop messages like this one, set rules.runFinished to false in vigil.config.json.',
    ]);
    expect(n.metadata?.eventType).toBe('run-finished');
    expect(n.metadata?.relatedResources?.[0]).toBe('arn:aws:devicefarm:us-west-2:123456789012:run:p-app/r-nightly');
  });

  it('threads messages about the same resource together', () => {
    // Act
    const first = chatbotNotification(sessionOverLimit(), 'sns-1');
    const again = chatbotNotification(sessionOverLimit(), 'sns-2');
    const other = chatbotNotification(runFailed(), 'sns-3');

    // Assert
    expect(first.metadata?.threadId).toMatch(/^vigil-[0-9a-f]{32}$/);
    expect(again.metadata?.threadId).toBe(first.metadata?.threadId);
    expect(other.metadata?.threadId).not.toBe(first.metadata?.threadId);
  });

  it('shows the real names in the title and summary when the notification is read from the queue', () => {
    // Arrange
    const run = runFinished('FAILED', {
      name: 'Nächtlicher Lauf — Android 🚀',
      project: { arn: 'arn:p', name: '夜間' },
    });
    const queued = readQueuedMessage({
      messageId: 'q-1',
      body: sqsBodyOf(compose({ type: 'run-finished', subject: run, jobs: [], covers: [run] }), 'sns-1'),
    });
    if (queued.kind !== 'vigil') throw new Error(`read back as ${queued.kind}`);

    // Act
    const n = chatbotNotification(queued.input, queued.key);

    // Assert
    expect(n.content.title).toBe('🔴 FAILED: run Nächtlicher Lauf — Android 🚀');
    expect(n.metadata?.summary).toBe('FAILED: run Nächtlicher Lauf — Android 🚀');
    expect(n.content.keywords).toEqual(['error', 'run-finished', 'Device Farm', '夜間']);
  });

  it('writes no blank keyword or context value and still a description when the names are only spaces', () => {
    // Arrange
    const run = runFinished('FAILED', { name: ' \t ', project: { arn: 'arn:p', name: '   ' } });

    // Act
    const n = chatbotNotification(compose({ type: 'run-finished', subject: run, jobs: [], covers: [run] }), 'sns-1');

    // Assert
    expect(schemaViolations(n)).toEqual([]);
    expect(n.content.keywords).toEqual(['error', 'run-finished', 'Device Farm']);
    expect(Object.values(n.metadata?.additionalContext ?? {})).not.toContain('');
    expect(n.content.description.startsWith('*FAILED: run*')).toBe(true);
  });

  it('keeps every field within bounds that add up to less than 256 KB even when every character is JSON-escaped', () => {
    // Arrange: the longest each field may be, in UTF-16 code units
    const L = CHATBOT_LIMITS;
    const units =
      L.id +
      L.title +
      L.description +
      L.nextSteps * L.nextStep +
      L.keywords * L.keyword +
      L.threadId +
      L.summary +
      L.eventType +
      L.relatedResources * L.relatedResource +
      L.additionalContext * (L.contextKey + L.contextValue);

    // Act: "\u0000" is the longest JSON escape, 6 bytes for one code unit
    const worstBytes = units * 6;

    // Assert
    expect(units).toBe(23_532);
    expect(worstBytes).toBeLessThanOrEqual(SNS_MAX_BYTES);
  });

  it('ends a long list with "… and N more" within the description bound', () => {
    // Act
    const n = chatbotNotification(twoHundredFailedJobs());

    // Assert
    expect(n.content.description).toMatch(/… and \d+ more$/);
    expect(n.content.description.length).toBeLessThanOrEqual(BOUNDS.description);
  });
});

describe('chatbotPlainNotification', () => {
  it('wraps a message that is not Vigil’s in the documented schema', () => {
    // Act
    const n = chatbotPlainNotification('Test', 'hello <!here>', 'sns-1');

    // Assert
    expect(schemaViolations(n)).toEqual([]);
    expect(n).toEqual({
      version: '1.0',
      source: 'custom',
      id: 'sns-1',
      content: { textType: 'client-markdown', title: 'Test', description: 'hello &lt;!here&gt;' },
    });
  });
});
