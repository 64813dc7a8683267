/**
 * Every notice Vigil sends, about every resource kind, with hostile names
 * in every place a name goes. Corpus: 26 names (HOSTILE_NAMES) × 31
 * notices (hostileCases: 14 notice types — run-finished, jobs-finished,
 * session-finished, test-grid-session, deadline-job,
 * deadline-sessions-failed, unknown-status, budget-threshold,
 * budget-forecast, guard, digest, stuck, unstuck, reminder — over the 6
 * resource kinds run, job, remote-access-session, test-grid-session,
 * deadline-job and deadline-session, unknown-status for each kind, each of
 * the 6 guard actions, a run's jobs stuck together and each of the 5
 * reminder conditions) = 806 notifications. Each must have a subject SNS
 * accepts under the strict reading (printable ASCII, 1 to 99 characters)
 * that starts with its status prefix, and keep the real UTF-8 name in the
 * body, the JSON document, the attributes, Slack and Chatbot.
 */
import { chatbotNotification } from '../../../lambda/deliver/chatbot/format';
import { compose } from '../../../lambda/deliver/compose';
import { slackMessage } from '../../../lambda/deliver/slack/blocks';
import { readQueuedMessage } from '../../../lambda/deliver/slack/queued-message';
import { escapeMrkdwn } from '../../../lambda/deliver/slack/text';
import {
  ATTRIBUTE_VALUE_MAX_CHARS,
  messageAttributes,
  SNS_MAX_BYTES,
  snsMessage,
} from '../../../lambda/deliver/sns-publisher';
import { oneLine, SUBJECT_MAX_CHARS } from '../../../lambda/deliver/subject';
import { HOSTILE_NAMES } from '../../support/hostile-names';
import { hostileCases } from '../../support/hostile-notices';
import { sqsBodyOf } from './slack/scenarios';

const PRINTABLE_ASCII = /^[\x20-\x7e]+$/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: asserting there are none is the point
const CONTROL_OR_BREAK = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Every string anywhere in a JSON-like value. */
function strings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(strings);
  if (value !== null && typeof value === 'object') return Object.values(value).flatMap(strings);
  return [];
}

const ROWS = HOSTILE_NAMES.flatMap(({ label, name }) =>
  hostileCases(name).map((c) => [c.label, label, name, c] as const),
);

describe('hostile names in every notice', () => {
  it('covers 26 names × 31 notices = 806 notifications', () => {
    expect([HOSTILE_NAMES.length, hostileCases('x').length, ROWS.length]).toEqual([26, 31, 806]);
  });

  it.each(ROWS)(
    '%s: gives SNS a printable-ASCII subject of 1 to 99 characters with its prefix for %s',
    (_c, _n, _name, c) => {
      // Act
      const { subject } = compose(c.notice);

      // Assert
      expect(subject).toMatch(PRINTABLE_ASCII);
      expect(subject.length).toBeLessThanOrEqual(SUBJECT_MAX_CHARS);
      expect(subject.startsWith(c.prefix)).toBe(true);
    },
  );

  it.each(ROWS)(
    '%s: keeps the real name in the body, the document and its one-line subject for %s',
    (_c, _n, name, c) => {
      // Act
      const { text, document } = compose(c.notice);

      // Assert
      expect(text.includes(name)).toBe(true);
      expect(strings(document)).toContain(name);
      expect(document.subject.startsWith(c.prefix)).toBe(true);
      expect(document.subject.length).toBeLessThanOrEqual(SUBJECT_MAX_CHARS);
      expect(document.subject).not.toMatch(CONTROL_OR_BREAK);
      expect(document.subject).not.toMatch(LONE_SURROGATE);
      // A short name that keeps something on one line is in the document's subject as it is.
      const line = oneLine(name);
      if (line !== '' && line.length <= 20 && !c.label.startsWith('digest')) {
        expect(document.subject.includes(line)).toBe(true);
      }
    },
  );

  it.each(ROWS)('%s: sends attributes SNS accepts and a message within 256 KB for %s', (_c, _n, _name, c) => {
    // Arrange
    const notification = compose(c.notice);

    // Act
    const attributes = messageAttributes(notification);
    const message = snsMessage(notification);

    // Assert
    expect(Object.keys(attributes)).toEqual(expect.arrayContaining(['service', 'kind', 'eventType', 'severity']));
    for (const [attribute, value] of Object.entries(attributes)) {
      expect(attribute).toMatch(/^[A-Za-z0-9_-]{1,256}$/);
      expect(value.StringValue?.length).toBeGreaterThan(0);
      expect(value.StringValue?.length).toBeLessThanOrEqual(ATTRIBUTE_VALUE_MAX_CHARS);
      expect(value.StringValue).not.toMatch(CONTROL_OR_BREAK);
      expect(value.StringValue).not.toMatch(LONE_SURROGATE);
    }
    const attributeBytes = Object.entries(attributes).reduce(
      (n, [k, v]) => n + Buffer.byteLength(k) + Buffer.byteLength('String') + Buffer.byteLength(v.StringValue ?? ''),
      0,
    );
    expect(Buffer.byteLength(message) + attributeBytes).toBeLessThanOrEqual(SNS_MAX_BYTES);
  });

  it.each(ROWS)(
    '%s: shows the real name in Slack and Chatbot, read back from the queue, for %s',
    (_c, _n, _name, c) => {
      // Arrange
      const notification = compose(c.notice);
      const queued = readQueuedMessage({ messageId: 'q-1', body: sqsBodyOf(notification, 'm-1') });
      if (queued.kind !== 'vigil') throw new Error(`read back as ${queued.kind}`);

      // Act
      const slack = slackMessage(queued.input);
      const chatbot = chatbotNotification(queued.input, 'm-1');

      // Assert
      expect(queued.input.subject).toBe(notification.document.subject);
      expect(slack.text).toBe(notification.document.subject);
      expect(chatbot.metadata?.summary).toBe(notification.document.subject);
      expect(chatbot.content.title.startsWith(escapeMrkdwn(c.prefix), 3)).toBe(true);
      expect(chatbot.content.description.trim()).not.toBe('');
      expect(Buffer.byteLength(JSON.stringify(chatbot))).toBeLessThanOrEqual(SNS_MAX_BYTES);
    },
  );
});
