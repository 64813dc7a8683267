/**
 * Notification → an AWS Chatbot (Amazon Q Developer in chat applications)
 * custom notification, the only format it forwards from an SNS topic:
 *
 * ```
 * { "version": "1.0", "source": "custom", "id"?: String,
 *   "content": { "textType"?: "client-markdown", "title"?: String, "description": String,
 *                "nextSteps"?: [String], "keywords"?: [String] },
 *   "metadata"?: { "threadId"?: String, "summary"?: String, "eventType"?: String,
 *                  "relatedResources"?: [String], "additionalContext"?: { String: String } } }
 * ```
 *
 * Source: "Custom notifications using Amazon Q Developer in chat
 * applications", Event schema and Parameter details
 * (https://docs.aws.amazon.com/chatbot/latest/adminguide/custom-notifs.html):
 * `version` must be "1.0", `source` must be "custom", `description` is the
 * one required content field (so it is never empty here), `client-markdown`
 * is the only textType (rendered as the chat platform's markdown; title and
 * description may hold emoji, so names stay in UTF-8), and `threadId` groups
 * updates into one thread. Chatbot drops anything else, so only those field
 * names are ever written.
 *
 * The page documents no length for any field. The one hard limit is the
 * transport's: the notification is an SNS message, at most 262,144 bytes
 * (UTF-8). The bounds below are Vigil's own (a chat notification is read at
 * a glance) and are what keeps that limit: together they allow 23,532 UTF-16
 * code units, at most 6 bytes each once JSON-escaped (`\u0000`), so
 * 141,192 bytes whatever the names hold. A blank value is never written
 * where a string is expected (keywords, context values).
 */
import { createHash } from 'node:crypto';
import { type ChatFacts, type ChatInput, chatFacts, type ListItem } from '../slack/facts';
import { clip, ELLIPSIS, escapeClip, escapeMrkdwn, oneLine, packLines } from '../slack/text';

/** The custom notification, exactly the documented fields. */
export interface ChatbotNotification {
  readonly version: '1.0';
  readonly source: 'custom';
  readonly id?: string;
  readonly content: {
    readonly textType: 'client-markdown';
    readonly title: string;
    readonly description: string;
    readonly nextSteps?: readonly string[];
    readonly keywords?: readonly string[];
  };
  readonly metadata?: {
    readonly threadId?: string;
    readonly summary?: string;
    readonly eventType?: string;
    readonly relatedResources?: readonly string[];
    readonly additionalContext?: Readonly<Record<string, string>>;
  };
}

/** Vigil's bounds on each field (see the module comment). */
export const CHATBOT_LIMITS = {
  id: 128,
  title: 250,
  description: 4000,
  nextSteps: 5,
  nextStep: 500,
  keywords: 10,
  keyword: 50,
  threadId: 64,
  summary: 250,
  eventType: 100,
  relatedResources: 10,
  relatedResource: 1024,
  additionalContext: 10,
  contextKey: 50,
  contextValue: 500,
} as const;

const LIST_MAX = 1500;

function itemLine(item: ListItem): string {
  const detail = item.detail === undefined ? '' : ` — ${escapeClip(oneLine(item.detail), 150)}`;
  const note = item.note === undefined ? '' : `: ${escapeClip(oneLine(item.note), 200)}`;
  return `• *${escapeClip(oneLine(item.label), 40)}* ${escapeClip(oneLine(item.name), 150)}${detail}${note}`;
}

function description(f: ChatFacts): string {
  const lines: string[] = [];
  // A name of spaces alone would leave "**": the subject says what the message is about instead.
  const name = escapeClip(oneLine(f.name) || oneLine(f.subject), 200);
  lines.push(f.where === undefined ? `*${name}*` : `*${name}* · ${escapeClip(oneLine(f.where), 300)}`);
  const moves = [f.status && `Status: ${f.status}`, f.result && `Result: ${f.result}`].filter(Boolean).join(' · ');
  if (moves) lines.push(escapeClip(moves, 300));
  if (f.headline !== undefined) lines.push(escapeClip(oneLine(f.headline), 600));
  if (f.fields.length > 0) {
    lines.push('');
    for (const [label, value] of f.fields) lines.push(`*${escapeMrkdwn(label)}:* ${escapeClip(oneLine(value), 300)}`);
  }
  for (const [label, text] of f.notes) lines.push(`*${escapeMrkdwn(label)}:* ${escapeClip(oneLine(text), 500)}`);
  for (const list of [f.list, f.tests]) {
    if (list === undefined) continue;
    const packed = packLines(list.items.map(itemLine), LIST_MAX, 1);
    const more = packed.leftOut + list.more;
    lines.push('', `*${escapeMrkdwn(list.title)}*`, ...(packed.chunks[0] ?? '').split('\n'));
    if (more > 0) lines.push(`${ELLIPSIS} and ${more} more`);
  }
  return clip(lines.join('\n'), CHATBOT_LIMITS.description);
}

function nextSteps(f: ChatFacts): string[] {
  const steps: string[] = [];
  if (f.consoleUrl !== undefined && /^https:\/\/[^\s<>|]+$/.test(f.consoleUrl) && f.consoleUrl.length < 450) {
    steps.push(`<${f.consoleUrl}|View in the ${f.service} console>`);
  }
  for (const [label, command] of f.commands) {
    steps.push(clip(`${escapeMrkdwn(label)}: \`${escapeMrkdwn(oneLine(command))}\``, CHATBOT_LIMITS.nextStep));
  }
  if (f.muteHint !== undefined) steps.push(escapeClip(oneLine(f.muteHint), CHATBOT_LIMITS.nextStep));
  return steps.slice(0, CHATBOT_LIMITS.nextSteps);
}

/** A thread per resource (or budget period): later messages about it reply in the same thread. */
function threadId(input: ChatInput): string {
  const doc = input.document;
  const subject = doc.budget
    ? `budget:${doc.budget.name}:${doc.budget.period.key}`
    : (doc.resource?.arn ?? doc.eventIds[0] ?? input.subject);
  return `vigil-${createHash('sha256').update(subject).digest('hex').slice(0, 32)}`;
}

function context(input: ChatInput, f: ChatFacts): Record<string, string> {
  const doc = input.document;
  const entries: [string, string | undefined][] = [
    ['service', doc.service],
    ['severity', doc.severity],
    ['project', doc.project?.name ?? doc.project?.arn ?? doc.budget?.name],
    ['observedAt', doc.observedAt],
    ['eventIds', doc.eventIds.join(', ')],
    ['consoleUrl', f.consoleUrl],
  ];
  return Object.fromEntries(
    entries
      .map(([k, v]): [string, string] => [k, clip(oneLine(v ?? ''), CHATBOT_LIMITS.contextValue)])
      .filter(([, v]) => v !== '')
      .slice(0, CHATBOT_LIMITS.additionalContext),
  );
}

/** The custom notification for a Vigil notification; `id` is the SNS message id when known. */
export function chatbotNotification(input: ChatInput, id?: string): ChatbotNotification {
  const f = chatFacts(input);
  const doc = input.document;
  const steps = nextSteps(f);
  const keywords = [doc.severity, doc.eventType, f.service, doc.project?.name ?? doc.budget?.name]
    .map((k) => clip(oneLine(k ?? ''), CHATBOT_LIMITS.keyword))
    .filter((k) => k !== '')
    .slice(0, CHATBOT_LIMITS.keywords);
  return {
    version: '1.0',
    source: 'custom',
    ...(id === undefined ? {} : { id: clip(id, CHATBOT_LIMITS.id) }),
    content: {
      textType: 'client-markdown',
      title: clip(oneLine(`${f.emoji} ${escapeMrkdwn(f.subject)}`), CHATBOT_LIMITS.title),
      description: description(f),
      ...(steps.length ? { nextSteps: steps } : {}),
      ...(keywords.length ? { keywords } : {}),
    },
    metadata: {
      threadId: threadId(input),
      summary: clip(oneLine(f.subject), CHATBOT_LIMITS.summary),
      eventType: clip(doc.eventType, CHATBOT_LIMITS.eventType),
      relatedResources: f.arns
        .filter((arn) => arn.length <= CHATBOT_LIMITS.relatedResource)
        .slice(0, CHATBOT_LIMITS.relatedResources),
      additionalContext: context(input, f),
    },
  };
}

/** A custom notification for a message that is not Vigil's (its subject and text as they came). */
export function chatbotPlainNotification(subject: string | undefined, text: string, id?: string): ChatbotNotification {
  const title = subject?.trim() ? subject : (text.split('\n')[0] ?? '');
  return {
    version: '1.0',
    source: 'custom',
    ...(id === undefined ? {} : { id: clip(id, CHATBOT_LIMITS.id) }),
    content: {
      textType: 'client-markdown',
      title: escapeClip(oneLine(title) || 'Vigil', CHATBOT_LIMITS.title),
      description: escapeClip(text.trim() === '' ? '(empty message)' : text, CHATBOT_LIMITS.description),
    },
  };
}
