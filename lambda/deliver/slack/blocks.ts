/**
 * Notification → a Slack incoming-webhook message in Block Kit: a header
 * with the severity's emoji and the subject, the resource (linked to its
 * console page) with its transition, the key facts as fields, the jobs or
 * sessions that did not pass, the command or button that helps, and a
 * context line with the event ids and how to mute the message.
 *
 * Slack rejects a message that breaks one of its limits, so every text is
 * cut to fit with "…" and lists end with "… and N more": a long
 * notification is shortened, never rejected.
 */
import { type ChatFacts, type ChatInput, chatFacts, type ListItem } from './facts';
import { clip, ELLIPSIS, escapeClip, escapeMrkdwn, oneLine, packLines } from './text';

/** Slack's documented Block Kit limits (https://api.slack.com/reference/block-kit/blocks). */
export const SLACK_LIMITS = {
  /** Blocks per message. */
  blocks: 50,
  /** Header block text (plain_text). */
  headerText: 150,
  /** Section block text. */
  sectionText: 3000,
  /** Fields per section block. */
  fields: 10,
  /** Each field's text. */
  fieldText: 2000,
  /** Elements per context block. */
  contextElements: 10,
  /** A button's text. */
  buttonText: 75,
  /** A button's URL. */
  buttonUrl: 3000,
  /** The top-level `text`, beyond which Slack truncates. */
  text: 40_000,
} as const;

/** Vigil's own, tighter bounds: a chat message is read in seconds; the console and the email have the rest. */
const FIELD_VALUE_MAX = 500;
const NOTE_MAX = 1000;
const NOTE_LINES_MAX = 12;
const LIST_SECTIONS_MAX = 3;
const ITEM_NAME_MAX = 200;
const ITEM_DETAIL_MAX = 200;
const ITEM_NOTE_MAX = 300;
const EVENT_IDS_MAX = 1500;
/** Room kept in a list section for the "… and N more" line. */
const MORE_LINE_RESERVE = 40;
/** Whole payload, UTF-8 bytes: well under what Slack takes, so a post is never refused for size. */
export const PAYLOAD_MAX_BYTES = 40_000;

export interface PlainText {
  readonly type: 'plain_text';
  readonly text: string;
  readonly emoji?: boolean;
}

export interface Mrkdwn {
  readonly type: 'mrkdwn';
  readonly text: string;
}

export interface HeaderBlock {
  readonly type: 'header';
  readonly text: PlainText;
}

export interface SectionBlock {
  readonly type: 'section';
  readonly text?: Mrkdwn;
  readonly fields?: readonly Mrkdwn[];
}

export interface ButtonElement {
  readonly type: 'button';
  readonly text: PlainText;
  readonly url: string;
  readonly action_id: string;
}

export interface ActionsBlock {
  readonly type: 'actions';
  readonly elements: readonly ButtonElement[];
}

export interface ContextBlock {
  readonly type: 'context';
  readonly elements: readonly Mrkdwn[];
}

export type SlackBlock = HeaderBlock | SectionBlock | ActionsBlock | ContextBlock;

/** The JSON body posted to an incoming webhook. */
export interface SlackMessage {
  /** Shown in notifications and where blocks cannot be: the subject. */
  readonly text: string;
  readonly blocks: readonly SlackBlock[];
  /** Console links are not worth a preview card. */
  readonly unfurl_links: false;
  readonly unfurl_media: false;
}

const mrkdwn = (text: string): Mrkdwn => ({ type: 'mrkdwn', text: clip(text, SLACK_LIMITS.sectionText) });
const section = (text: string): SectionBlock => ({ type: 'section', text: mrkdwn(text) });

/** A URL Slack can link: https, no characters that end a link, within the button limit. */
function linkable(url: string | undefined): url is string {
  return url !== undefined && url.length <= SLACK_LIMITS.buttonUrl && /^https:\/\/[^\s<>|]+$/.test(url);
}

function mainText(f: ChatFacts): string {
  const name = escapeClip(oneLine(f.name), ITEM_NAME_MAX);
  const title = linkable(f.consoleUrl) ? `*<${f.consoleUrl}|${name}>*` : `*${name}*`;
  const lines = [f.where === undefined ? title : `${title} · ${escapeClip(oneLine(f.where), 300)}`];
  const moves = [f.status && `Status: ${f.status}`, f.result && `Result: ${f.result}`].filter(Boolean).join(' · ');
  if (moves) lines.push(escapeClip(moves, 300));
  if (f.headline !== undefined) lines.push(escapeClip(oneLine(f.headline), NOTE_MAX));
  return lines.join('\n');
}

function fieldBlocks(fields: ChatFacts['fields']): SectionBlock[] {
  const blocks: SectionBlock[] = [];
  for (let i = 0; i < fields.length; i += SLACK_LIMITS.fields) {
    blocks.push({
      type: 'section',
      fields: fields
        .slice(i, i + SLACK_LIMITS.fields)
        .map(([label, value]) => mrkdwn(`*${escapeMrkdwn(label)}*\n${escapeClip(oneLine(value), FIELD_VALUE_MAX)}`)),
    });
  }
  return blocks;
}

/** Text as a quote, at most NOTE_LINES_MAX lines and NOTE_MAX characters. */
function quote(text: string): string {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  const kept = lines.slice(0, NOTE_LINES_MAX).join('\n');
  const body = lines.length > NOTE_LINES_MAX ? `${kept}\n${ELLIPSIS}` : kept;
  return escapeClip(body, NOTE_MAX)
    .split('\n')
    .map((line) => `>${line}`)
    .join('\n');
}

function itemLine(item: ListItem): string {
  const head = `• *${escapeClip(oneLine(item.label), 40)}*  ${escapeClip(oneLine(item.name), ITEM_NAME_MAX)}`;
  const detail = item.detail === undefined ? '' : ` — ${escapeClip(oneLine(item.detail), ITEM_DETAIL_MAX)}`;
  const note = item.note === undefined ? '' : `\n      ↳ ${escapeClip(oneLine(item.note), ITEM_NOTE_MAX)}`;
  return `${head}${detail}${note}`;
}

function listBlocks(list: NonNullable<ChatFacts['list']>): SectionBlock[] {
  const title = `*${escapeMrkdwn(list.title)}*`;
  const packed = packLines(
    [title, ...list.items.map(itemLine)],
    SLACK_LIMITS.sectionText - MORE_LINE_RESERVE,
    LIST_SECTIONS_MAX,
  );
  const chunks = packed.chunks;
  const more = packed.leftOut + list.more;
  const last = chunks.length - 1;
  if (more > 0 && last >= 0) chunks[last] = `${chunks[last]}\n${ELLIPSIS} and ${more} more`;
  return chunks.map(section);
}

function contextBlock(f: ChatFacts): ContextBlock {
  const ids = packLines(
    f.eventIds.map((id) => `\`${escapeClip(oneLine(id), 300)}\``),
    EVENT_IDS_MAX,
    1,
  );
  const idText = (ids.chunks[0] ?? '').split('\n').join(', ');
  const elements = [
    `Vigil · ${escapeMrkdwn(f.service)} · observed ${escapeMrkdwn(f.observedAt)}`,
    ...(idText
      ? [
          `${f.eventIds.length === 1 ? 'Event' : 'Events'} ${idText}${ids.leftOut > 0 ? ` ${ELLIPSIS} and ${ids.leftOut} more` : ''}`,
        ]
      : []),
    ...(f.muteHint === undefined ? [] : [escapeClip(oneLine(f.muteHint), 500)]),
  ];
  return { type: 'context', elements: elements.map(mrkdwn) };
}

interface Placed {
  readonly block: SlackBlock;
  /** Blocks that can go when the payload is too big: list and long-text sections. */
  readonly droppable: boolean;
}

/** The Slack message for a notification: always within Slack's limits. */
export function slackMessage(input: ChatInput): SlackMessage {
  const f = chatFacts(input);
  const placed: Placed[] = [];
  const add = (droppable: boolean, ...blocks: SlackBlock[]) => {
    for (const block of blocks) placed.push({ block, droppable });
  };

  add(false, {
    type: 'header',
    text: { type: 'plain_text', text: clip(oneLine(`${f.emoji} ${f.subject}`), SLACK_LIMITS.headerText), emoji: true },
  });
  add(false, section(mainText(f)));
  add(false, ...fieldBlocks(f.fields));
  add(true, ...f.notes.map(([label, text]) => section(`*${escapeMrkdwn(label)}*\n${quote(text)}`)));
  if (f.list !== undefined) add(true, ...listBlocks(f.list));
  if (f.tests !== undefined) add(true, ...listBlocks(f.tests));
  add(
    false,
    ...f.commands.map(([label, command]) =>
      section(`*${escapeMrkdwn(label)}*\n\`\`\`${escapeClip(oneLine(command), SLACK_LIMITS.sectionText - 200)}\`\`\``),
    ),
  );
  if (linkable(f.consoleUrl)) {
    add(false, {
      type: 'actions',
      elements: [
        {
          type: 'button',
          text: { type: 'plain_text', text: 'View in console', emoji: false },
          url: f.consoleUrl,
          action_id: 'vigil-view-console',
        },
      ],
    });
  }
  add(false, contextBlock(f));

  return withinLimits(placed, clip(oneLine(f.subject), SLACK_LIMITS.text));
}

const SHORTENED: SectionBlock = section(`${ELLIPSIS} shortened for Slack; the email and the console have the rest.`);

/** Drops long-text and list blocks from the end until the payload fits PAYLOAD_MAX_BYTES and the block limit. */
function withinLimits(placed: readonly Placed[], text: string): SlackMessage {
  const build = (blocks: readonly SlackBlock[]): SlackMessage => ({
    text,
    blocks,
    unfurl_links: false,
    unfurl_media: false,
  });
  const tooBig = (m: SlackMessage) =>
    m.blocks.length > SLACK_LIMITS.blocks || Buffer.byteLength(JSON.stringify(m), 'utf8') > PAYLOAD_MAX_BYTES;
  const kept = [...placed];
  let message = build(kept.map((p) => p.block));
  while (tooBig(message)) {
    const index = kept.map((p) => p.droppable).lastIndexOf(true);
    if (index < 0) break;
    kept.splice(index, 1);
    // Dropping from the end, `index` is where the first dropped block was: the note goes there.
    const blocks = kept.map((p) => p.block);
    blocks.splice(index, 0, SHORTENED);
    message = build(blocks);
  }
  return message;
}
