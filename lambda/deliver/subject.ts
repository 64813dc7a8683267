/**
 * Subjects built from parts: the words Vigil writes (the status or result
 * and what kind of thing, "FAILED: run") and the names users chose, which
 * may be anything. Each subject comes in two forms:
 *
 * - `ascii`, for SNS's Subject: printable ASCII only, 1 to 99 characters,
 *   no control characters (DESIGN.md, "Platform facts": an SNS that holds
 *   to the strict reading refuses anything else with InvalidParameter).
 *   Names are transliterated (ascii.ts); a name with no letter or digit
 *   left is replaced by its fallback or left out together with the words
 *   that introduce it.
 * - `text`, for the JSON document, Slack and Chatbot: the real names in
 *   UTF-8, on one line, at most 99 UTF-16 code units.
 *
 * When a subject is too long the names are cut, never Vigil's words: the
 * longest names give up room first, each cut marked with "..." (ASCII) or
 * "…" (text). Only when Vigil's words alone do not fit is the end cut.
 */
import { hasMeaning, toPrintableAscii } from './ascii';

/** SNS refuses a subject of 100 characters or more. */
export const SUBJECT_MAX_CHARS = 99;

/** A user-chosen name inside a subject. */
export interface Named {
  readonly name: string;
  /** Words that introduce the name (" in run "), left out with it. @default '' */
  readonly before?: string;
  /** Said instead when the name says nothing in a form (an ID in place of a name in Japanese). */
  readonly fallback?: string;
}

/** The two forms of a subject. */
export interface Subject {
  /** For SNS's Subject: printable ASCII (0x20–0x7E), 1 to 99 characters. */
  readonly ascii: string;
  /** For the document, Slack and Chatbot: the real names, one line, at most 99 UTF-16 code units. */
  readonly text: string;
}

/** Marks user text inside a {@link subject} template. */
export function named(name: string, options: { before?: string; fallback?: string } = {}): Named {
  return { name, ...options };
}

type Part = string | Named;

/** How one form cleans, judges and cuts text. */
interface Form {
  readonly clean: (text: string) => string;
  /** Whether a cleaned name says anything. */
  readonly says: (text: string) => boolean;
  /** `text` cut to at most `max` UTF-16 code units, ending in the form's ellipsis. */
  readonly cut: (text: string, max: number) => string;
}

/** A name cut shorter than this (ellipsis included) is left out instead: "Nac..." tells no one anything. */
const MIN_CUT_NAME = 8;

const ASCII_FORM: Form = {
  clean: toPrintableAscii,
  says: hasMeaning,
  cut: (text, max) => `${text.slice(0, Math.max(0, max - 3)).trimEnd()}...`,
};

const TEXT_FORM: Form = {
  clean: oneLine,
  says: (text) => text !== '',
  cut: cutGraphemes,
};

/**
 * A subject from a template whose `named(...)` values are user names and
 * whose other values are Vigil's own words (statuses, counts, minutes):
 * subject`${result}: run ${named(run.name)} (${n} of ${total} jobs did not pass)`.
 */
export function subject(strings: TemplateStringsArray, ...values: readonly (string | number | Named)[]): Subject {
  const parts: Part[] = [];
  strings.forEach((words, i) => {
    parts.push(words);
    const value = values[i];
    if (value !== undefined) parts.push(typeof value === 'object' ? value : String(value));
  });
  return { ascii: layOut(parts, ASCII_FORM), text: layOut(parts, TEXT_FORM) };
}

/**
 * A subject SNS accepts from text with no known parts (a message that is not
 * Vigil's, or a last check before publishing): printable ASCII, cut at the
 * end with "...", `fallback` when nothing meaningful is left.
 */
export function safeSubject(text: string, fallback = 'Vigil notification'): string {
  const ascii = toPrintableAscii(text);
  if (!hasMeaning(ascii)) return fallback;
  return ascii.length <= SUBJECT_MAX_CHARS ? ascii : ASCII_FORM.cut(ascii, SUBJECT_MAX_CHARS);
}

/** A name as a form shows it in full: cleaned, or its fallback, or '' when neither says anything. */
function resolve(part: Named, form: Form): string {
  const name = form.clean(part.name);
  if (form.says(name)) return name;
  const fallback = form.clean(part.fallback ?? '');
  return form.says(fallback) ? fallback : '';
}

/** The parts joined, each name as given in `names` (in order), spaces folded. */
function render(parts: readonly Part[], names: readonly string[], form: Form): string {
  let next = 0;
  const pieces = parts.map((part) => {
    if (typeof part === 'string') return keepEdges(part, form);
    const name = names[next++] ?? '';
    return name === '' ? '' : `${keepEdges(part.before ?? '', form)}${name}`;
  });
  return pieces.join('').replace(/\s+/g, ' ').trim();
}

/** Words cleaned for a form, keeping the spaces at their ends that join them to the names around them. */
function keepEdges(words: string, form: Form): string {
  const lead = /^\s/.test(words) ? ' ' : '';
  const trail = /\s$/.test(words) ? ' ' : '';
  const cleaned = form.clean(words);
  return cleaned === '' ? lead || trail : `${lead}${cleaned}${trail}`;
}

/** The subject in one form, names cut until it fits. */
function layOut(parts: readonly Part[], form: Form): string {
  const full = parts.filter((p): p is Named => typeof p !== 'string').map((p) => resolve(p, form));
  let out = render(parts, full, form);
  if (out.length <= SUBJECT_MAX_CHARS) return out;
  // Room for the names: what they take now, less what the subject is over by. Spacing and
  // ellipses make the first estimate slightly off, so repeat with the overshoot taken off.
  let room = full.reduce((n, name) => n + name.length, 0) - (out.length - SUBJECT_MAX_CHARS);
  for (;;) {
    const limits = shares(
      full.map((name) => name.length),
      Math.max(0, room),
    );
    out = render(
      parts,
      full.map((name, i) => shorten(name, limits[i] ?? 0, form)),
      form,
    );
    if (out.length <= SUBJECT_MAX_CHARS) return out;
    if (room <= 0) return form.cut(out, SUBJECT_MAX_CHARS); // Vigil's words alone are too long
    room -= out.length - SUBJECT_MAX_CHARS;
  }
}

function shorten(name: string, max: number, form: Form): string {
  if (name.length <= max) return name;
  return max < MIN_CUT_NAME ? '' : form.cut(name, max);
}

/** Splits `room` among names of `lengths`: short names keep all they need, the longest share what is left equally. */
function shares(lengths: readonly number[], room: number): number[] {
  const limits = lengths.map(() => 0);
  const order = lengths.map((length, i) => ({ length, i })).sort((a, b) => a.length - b.length);
  let left = room;
  order.forEach(({ length, i }, k) => {
    const give = Math.min(length, Math.floor(left / (order.length - k)));
    limits[i] = give;
    left -= give;
  });
  return limits;
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: folding control characters is the point
const CONTROL_OR_BREAK = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;
/** A surrogate without its other half (a name cut in the middle of an emoji somewhere upstream). */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** Text on one line: control characters and line breaks become spaces, spaces are folded, broken characters replaced. */
export function oneLine(text: string): string {
  return text.replace(LONE_SURROGATE, '\ufffd').replace(CONTROL_OR_BREAK, ' ').replace(/\s+/g, ' ').trim();
}

const GRAPHEMES = new Intl.Segmenter('en', { granularity: 'grapheme' });

/** `text` cut to at most `max` UTF-16 code units between whole characters (an emoji family stays whole), ending in "…". */
function cutGraphemes(text: string, max: number): string {
  let out = '';
  for (const { segment } of GRAPHEMES.segment(text)) {
    if (out.length + segment.length > max - 1) break;
    out += segment;
  }
  return `${out.trimEnd()}…`;
}
