/**
 * Names a real account can hold that break naive text handling: scripts
 * without ASCII, emoji sequences, marks written apart, control and
 * zero-width characters, and lengths far past any subject. Each is used
 * as it is for every name a notice shows (resource, run, project, queue,
 * farm, device, budget).
 */

/** A name and what makes it hostile (the test's label). */
export interface HostileName {
  readonly label: string;
  readonly name: string;
}

/** `unit` repeated and cut to exactly `length` UTF-16 code units (on a whole code point). */
function repeatTo(unit: string, length: number): string {
  let out = '';
  for (const ch of unit.repeat(Math.ceil(length / unit.length) + 1)) {
    if (out.length + ch.length > length) break;
    out += ch;
  }
  return out.padEnd(length, 'x');
}

export const HOSTILE_NAMES: readonly HostileName[] = [
  { label: 'German with an em dash and an emoji', name: 'Nächtlicher Lauf — Android 🚀' },
  { label: 'German umlauts and ß', name: 'Große Prüfung: Äpfel, Öl & Übermaß' },
  { label: 'a device with an umlaut', name: 'Galaxy Tab S8 Ultra (ü)' },
  { label: 'a Deadline job with an em dash and sparkles', name: 'shot_010 — Beleuchtung ✨' },
  { label: 'French accents, guillemets and œ', name: 'Épreuve «façade» — élève côté œuvre' },
  { label: 'Scandinavian and Polish letters', name: 'Ørsted æble Łódź þorn' },
  { label: 'curly quotes and an ellipsis', name: '“Release” ‘candidate’…' },
  { label: 'Japanese only', name: '夜間テスト（アンドロイド）' },
  { label: 'Chinese with a build number', name: '夜间构建 build 42' },
  { label: 'Arabic, right to left, with a direction mark', name: 'اختبار ليلي\u200f — تشغيل' },
  { label: 'Hebrew inside direction embedding', name: '\u202bריצה לילית\u202c v2' },
  { label: 'Cyrillic only', name: 'Ночной прогон' },
  { label: 'emoji ZWJ sequences and a skin tone', name: '👨‍👩‍👧‍👦 family run 👩🏽‍💻' },
  { label: 'flags', name: '🇩🇪🇫🇷🇯🇵 release' },
  { label: 'emoji only', name: '🚀✨🔥' },
  { label: 'combining accents written apart', name: 'Cafe\u0301 nai\u0308ve re\u0301sume\u0301' },
  {
    label: 'control characters (NUL, line feed, tab, bell, escape)',
    name: 'night\u0000ly\nbuild\t42\r\n\u0007\u001b end',
  },
  { label: 'line and paragraph separators and NEL', name: 'line\u2028one\u2029two\u0085three' },
  { label: 'zero-width characters', name: 'zero\u200bwidth\u200c\u200d\ufeff\u2060name' },
  { label: 'a surrogate without its other half', name: 'broken \ud83d emoji' },
  { label: 'only spaces and a tab', name: '   \t  ' },
  { label: 'markup, quotes and backslashes', name: '"<b>Run</b>" & `tick` *bold* C:\\path\\' },
  { label: '300 characters, German', name: repeatTo('Regressionstest Überprüfung ', 300) },
  { label: '300 characters, Japanese only', name: repeatTo('夜間テスト', 300) },
  { label: '1,000 characters, mixed with emoji', name: repeatTo('Nächtlicher Lauf 🚀 夜間 ', 1000) },
  { label: '1,000 characters, ASCII without spaces', name: repeatTo('nightly-', 1000) },
];
