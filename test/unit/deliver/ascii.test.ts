import { hasMeaning, toPrintableAscii } from '../../../lambda/deliver/ascii';

describe('toPrintableAscii', () => {
  it.each([
    ['keeps printable ASCII as it is', 'FAILED: run nightly-42 (v1.2)', 'FAILED: run nightly-42 (v1.2)'],
    ['drops umlauts to their base letter', 'Nächtlicher Lauf Über Öl', 'Nachtlicher Lauf Uber Ol'],
    ['drops French accents to their base letter', 'Épreuve à côté déjà façade', 'Epreuve a cote deja facade'],
    ['drops a combining accent written apart', 'Cafe\u0301 nai\u0308ve', 'Cafe naive'],
    ['writes ß and ẞ as ss and SS', 'Straße GROẞ', 'Strasse GROSS'],
    [
      'writes æ, œ, ø and their capitals as ae, oe, o',
      'Æble æble Œuvre œuvre Ørsted ørsted',
      'AEble aeble OEuvre oeuvre Orsted orsted',
    ],
    [
      'writes ł, đ, ð, þ, ħ, ı, ŋ, ŧ by their sound',
      'Łódź đak ðe þorn ħal ıi ŋa ŧe',
      'Lodz dak de thorn hal ii nga te',
    ],
    ['writes dashes and the minus sign as -', 'a—b–c‒d―e‐f‑g−h', 'a-b-c-d-e-f-g-h'],
    ['writes "…" as three dots', 'wait…', 'wait...'],
    [
      'writes curly quotes, primes and guillemets as straight quotes',
      '“a” ‘b’ „c“ ‚d‘ «e» ‹f› 5′ 6″',
      `"a" 'b' "c" ,d' "e" 'f' 5' 6"`,
    ],
    ['writes bullets, middle dots, signs and the euro', '• a · b × c ÷ d © ® 5 €', '* a . b x c / d (c) (R) 5 EUR'],
    [
      'writes fractions, ligatures, full-width forms and ™ the way NFKD does',
      '½ ﬁle Ｆｕｌｌ ACME™ x²',
      '1/2 file Full ACMETM x2',
    ],
    ['drops Japanese, Chinese and Korean', '夜間テスト 夜间 야간 run', 'run'],
    [
      'drops Arabic and Hebrew with their direction marks',
      '\u202bتشغيل ليلي\u202c \u200fריצה\u200e nightly',
      'nightly',
    ],
    ['drops emoji, ZWJ sequences, skin tones and flags', 'go 🚀 👨‍👩‍👧 👍🏽 🇩🇪 ✨ done', 'go done'],
    ['drops zero-width characters without adding a space', 'ni\u200bght\u200cly\u2060\ufeff\u00ad', 'nightly'],
    [
      'turns control characters and line breaks into single spaces',
      'a\u0000b\nc\td\r\ne\u2028f\u2029g\u0085h\u007fi',
      'a b c d e f g h i',
    ],
    ['turns every kind of space into one space and trims', '\u00a0 a\u3000\u2003b  ', 'a b'],
    ['drops a surrogate without its other half', 'a\ud83db\ude80c', 'abc'],
    ['returns an empty string when nothing can be written in ASCII', '🚀 夜間 ✨', ''],
  ])('%s', (_case, input, expected) => {
    // Act
    const ascii = toPrintableAscii(input);

    // Assert
    expect(ascii).toBe(expected);
    expect(ascii).toMatch(/^[\x20-\x7e]*$/);
  });
});

describe('hasMeaning', () => {
  it.each([
    ['a letter', 'a', true],
    ['a digit', '7', true],
    ['only punctuation', '- () ... "', false],
    ['nothing', '', false],
  ])('says %s means something: %s', (_case, ascii, expected) => {
    expect(hasMeaning(ascii)).toBe(expected);
  });
});
