/**
 * Text → printable ASCII (0x20–0x7E), for the one field that demands it:
 * SNS's Subject (see DESIGN.md, "Platform facts"). Letters keep their base
 * letter (NFKD, then the combining marks dropped: "ü" → "u", "é" → "e");
 * a small table covers the letters and punctuation NFKD leaves alone
 * ("ß" → "ss", "—" → "-", curly quotes → straight ones); everything else
 * (CJK, Arabic, emoji, zero-width and direction marks) is dropped. Control
 * characters and every kind of space become one space. Pure: no SDK.
 */

/**
 * What NFKD does not decompose but a reader of ASCII still recognises.
 * NFKD already handles "…" ("..."), ligatures ("ﬁ" → "fi"), full-width
 * forms ("Ａ" → "A"), superscripts and "™"; they are listed only where the
 * table is clearer than relying on it.
 */
const TRANSLITERATIONS: Readonly<Record<string, string>> = {
  // Dashes and minus signs.
  '\u2010': '-',
  '\u2011': '-',
  '\u2012': '-',
  '\u2013': '-', // –
  '\u2014': '-', // —
  '\u2015': '-',
  '\u2212': '-', // −
  // Quotes, primes and guillemets.
  '\u2018': "'",
  '\u2019': "'",
  '\u201a': ',',
  '\u201b': "'",
  '\u201c': '"',
  '\u201d': '"',
  '\u201e': '"',
  '\u201f': '"',
  '\u2032': "'",
  '\u2033': '"',
  '\u00ab': '"', // «
  '\u00bb': '"', // »
  '\u2039': "'", // ‹
  '\u203a': "'", // ›
  // Other punctuation and signs.
  '\u2026': '...', // …
  '\u2022': '*', // •
  '\u00b7': '.', // ·
  '\u2044': '/', // ⁄ (NFKD writes "½" as "1⁄2")
  '\u00d7': 'x', // ×
  '\u00f7': '/', // ÷
  '\u00a9': '(c)',
  '\u00ae': '(R)',
  '\u20ac': 'EUR',
  // Letters without a decomposition.
  ß: 'ss',
  ẞ: 'SS',
  æ: 'ae',
  Æ: 'AE',
  œ: 'oe',
  Œ: 'OE',
  ø: 'o',
  Ø: 'O',
  ł: 'l',
  Ł: 'L',
  đ: 'd',
  Đ: 'D',
  ð: 'd',
  Ð: 'D',
  þ: 'th',
  Þ: 'Th',
  ħ: 'h',
  Ħ: 'H',
  ı: 'i',
  ŋ: 'ng',
  Ŋ: 'NG',
  ŧ: 't',
  Ŧ: 'T',
};

/** Combining marks (what NFKD splits off a letter: accents, umlauts, cedillas). */
const MARK = /\p{M}/u;
/** Control characters, and every separator (spaces of all widths, line and paragraph separators). */
const SPACE_LIKE = /[\p{Cc}\p{Z}]/u;

/**
 * `text` in printable ASCII: transliterated where a reader would recognise
 * the result, other characters dropped, control characters and spaces
 * folded to single spaces, trimmed. May be empty.
 */
export function toPrintableAscii(text: string): string {
  let out = '';
  for (const original of text) {
    // The table first ("″" is one double quote, not the two primes NFKD makes of it), then NFKD,
    // which splits "ü" into "u" and a combining mark and maps compatibility forms ("½" → "1⁄2").
    const mapped = TRANSLITERATIONS[original];
    if (mapped !== undefined) {
      out += mapped;
      continue;
    }
    for (const ch of original.normalize('NFKD')) out += asciiOf(ch);
  }
  return out.replace(/ {2,}/g, ' ').trim();
}

/** One character of NFKD output in ASCII: itself, its table entry, a space, or nothing. */
function asciiOf(ch: string): string {
  if (MARK.test(ch)) return '';
  const mapped = TRANSLITERATIONS[ch];
  if (mapped !== undefined) return mapped;
  if (SPACE_LIKE.test(ch)) return ' ';
  // Anything else outside 0x20–0x7E (CJK, Arabic, emoji, zero-width joiners, direction marks) says nothing in ASCII.
  return ch >= ' ' && ch <= '~' ? ch : '';
}

/** Whether ASCII text says anything: at least one letter or digit ("- -" and "()" do not). */
export function hasMeaning(ascii: string): boolean {
  return /[A-Za-z0-9]/.test(ascii);
}
