/**
 * Text helpers for chat messages: cutting to a limit with "…" (never in the
 * middle of a character, an escape or a link) and escaping for Slack's
 * mrkdwn, which AWS Chatbot's `client-markdown` also uses in Slack.
 */

/** What every shortened text ends with. */
export const ELLIPSIS = '…';

/**
 * `text` cut to at most `max` UTF-16 code units (Slack and SNS count those),
 * ending in "…" when it was cut. Whole code points only, so an emoji is never
 * split in half.
 */
export function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  let out = '';
  for (const ch of text) {
    if (out.length + ch.length > max - ELLIPSIS.length) break;
    out += ch;
  }
  return `${out.trimEnd()}${ELLIPSIS}`;
}

const MRKDWN_ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;' };

/** Slack's three control characters escaped, so user text cannot become a link or a mention. */
export function escapeMrkdwn(text: string): string {
  return text.replace(/[&<>]/g, (c) => MRKDWN_ESCAPES[c] ?? c);
}

/**
 * `text` escaped for mrkdwn and cut so the escaped form is at most `max`
 * code units: the cut falls between characters of the original text, so an
 * escape such as `&amp;` is never split.
 */
export function escapeClip(text: string, max: number): string {
  const escaped = escapeMrkdwn(text);
  if (escaped.length <= max) return escaped;
  let out = '';
  for (const ch of text) {
    const next = escapeMrkdwn(ch);
    if (out.length + next.length > max - ELLIPSIS.length) break;
    out += next;
  }
  return `${out.trimEnd()}${ELLIPSIS}`;
}

/** Line breaks and other control characters folded to single spaces (for one-line values). */
export function oneLine(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: folding control characters is the point
  return text.replace(/[\u0000-\u001f\u007f\u2028\u2029]+/g, ' ').trim();
}

/**
 * Packs whole lines into chunks of at most `max` code units (joined by
 * newlines). Lines must already be shorter than `max`. Returns the chunks
 * and how many lines did not fit in `maxChunks`.
 */
export function packLines(
  lines: readonly string[],
  max: number,
  maxChunks: number,
): { chunks: string[]; leftOut: number } {
  const chunks: string[] = [];
  let current = '';
  let used = 0;
  for (const line of lines) {
    const candidate = current === '' ? line : `${current}\n${line}`;
    if (candidate.length <= max) {
      current = candidate;
      used++;
      continue;
    }
    if (current !== '') chunks.push(current);
    if (chunks.length >= maxChunks) return { chunks, leftOut: lines.length - used };
    current = line.length <= max ? line : clip(line, max);
    used++;
  }
  if (current !== '') chunks.push(current);
  return { chunks, leftOut: lines.length - used };
}
