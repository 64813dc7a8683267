/**
 * Publishing so that no message can block the ones behind it. SNS refuses
 * some messages for reasons no retry can fix (a subject or attribute it
 * will not take, a body over its limit): such a message is re-sent at once
 * in a safe form (an ASCII subject made only of Vigil's own words, the text
 * cut well under the limit with a note saying so, the minimal document).
 * If even that is refused, the caller parks the events. Everything else
 * (throttling, 5xx, the network, a missing permission) is transient: the
 * caller tries again later with backoff.
 */
import type { Notification } from './notification';
import type { Publisher } from './sns-publisher';

/** Error names SNS answers when the message itself is at fault. */
const PERMANENT_ERRORS = new Set([
  'InvalidParameterException',
  'InvalidParameterValueException',
  'InvalidParameter',
  'InvalidParameterValue',
  'ValidationException',
]);

/** True when SNS refused the message itself: sending the same message again would fail again. */
export function isPermanentRefusal(error: unknown): boolean {
  return error instanceof Error && PERMANENT_ERRORS.has(error.name);
}

/** The safe form's text limit, in UTF-8 bytes: far under SNS's 256 KB, whatever the document adds. */
export const SAFE_TEXT_BYTES = 16_384;

const NOT_PRINTABLE_ASCII = /[^\u0020-\u007e]/g;

const ascii = (text: string, max: number) => text.replace(NOT_PRINTABLE_ASCII, '').slice(0, max).trim();

/** Cuts `text` to at most `bytes` UTF-8 bytes, on a code point boundary. */
export function cutToBytes(text: string, bytes: number): string {
  if (Buffer.byteLength(text, 'utf8') <= bytes) return text;
  let cut = Buffer.from(text, 'utf8').subarray(0, bytes).toString('utf8');
  // A code point split by the byte cut decodes as U+FFFD: drop it.
  cut = cut.replace(/\uFFFD$/, '');
  return cut;
}

/** The form sent after a permanent refusal: Vigil's own words, cut text, minimal document and attributes. */
export function safeForm(notification: Notification, refusal: string): Notification {
  const { attributes } = notification;
  const subject = ascii(`Vigil ${attributes.eventType} notice (${attributes.severity})`, 99) || 'Vigil notice';
  const note = `\n\n(Vigil sent this shortened form because SNS refused the full message: ${refusal.slice(0, 300)})`;
  const text = cutToBytes(notification.text, SAFE_TEXT_BYTES - Buffer.byteLength(note, 'utf8')) + note;
  const attribute = (value: string) => ascii(value, 256) || 'unknown';
  return {
    subject,
    text,
    document: {
      source: 'vigil',
      version: 1,
      eventType: notification.document.eventType,
      severity: notification.document.severity,
      subject,
      service: notification.document.service,
      jobs: [],
      eventIds: notification.document.eventIds,
      observedAt: notification.document.observedAt,
    },
    attributes: {
      service: attribute(attributes.service),
      kind: attribute(attributes.kind),
      eventType: attributes.eventType,
      severity: attributes.severity,
      project: attribute(attributes.project),
    },
  };
}

export type PublishOutcome =
  /** SNS took it; `sent` is what went out (the safe form when the full one was refused). */
  | { readonly kind: 'published'; readonly messageId: string; readonly sent: Notification; readonly safeForm: boolean }
  /** Refused for good, in both forms. */
  | { readonly kind: 'refused'; readonly error: string }
  /** Failed in a way the next try may not (throttling, 5xx, the network). */
  | { readonly kind: 'failed'; readonly error: string };

const describe = (error: unknown) => (error instanceof Error ? `${error.name}: ${error.message}` : String(error));

/** Publishes `notification`, falling back to its safe form when SNS refuses it for good. */
export async function publishSafely(publisher: Publisher, notification: Notification): Promise<PublishOutcome> {
  try {
    const { messageId } = await publisher.publish(notification);
    return { kind: 'published', messageId, sent: notification, safeForm: false };
  } catch (error) {
    if (!isPermanentRefusal(error)) return { kind: 'failed', error: describe(error) };
    const first = describe(error);
    const fallback = safeForm(notification, first);
    try {
      const { messageId } = await publisher.publish(fallback);
      return { kind: 'published', messageId, sent: fallback, safeForm: true };
    } catch (again) {
      if (!isPermanentRefusal(again)) return { kind: 'failed', error: describe(again) };
      return { kind: 'refused', error: `${first}; safe form: ${describe(again)}` };
    }
  }
}
