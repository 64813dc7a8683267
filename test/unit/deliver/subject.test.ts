import { named, oneLine, SUBJECT_MAX_CHARS, safeSubject, subject } from '../../../lambda/deliver/subject';

const PRINTABLE_ASCII = /^[\x20-\x7e]+$/;

describe('subject', () => {
  describe('names that fit', () => {
    it('keeps an ASCII name the same in both forms when it fits', () => {
      // Act
      const s = subject`FAILED: run ${named('nightly')} (2 of 4 jobs did not pass)`;

      // Assert
      expect(s).toEqual({
        ascii: 'FAILED: run nightly (2 of 4 jobs did not pass)',
        text: 'FAILED: run nightly (2 of 4 jobs did not pass)',
      });
    });

    it('transliterates the ASCII form and keeps the real name in the text form when the name is German', () => {
      // Act
      const s = subject`FAILED: run ${named('Nächtlicher Lauf — Android 🚀')} (2 of 4 jobs did not pass)`;

      // Assert
      expect(s).toEqual({
        ascii: 'FAILED: run Nachtlicher Lauf - Android (2 of 4 jobs did not pass)',
        text: 'FAILED: run Nächtlicher Lauf — Android 🚀 (2 of 4 jobs did not pass)',
      });
    });

    it('folds control characters and line breaks in a name into single spaces in both forms', () => {
      // Act
      const s = subject`FAILED: run ${named('night\u0000ly\nbuild\t42\u2028x\r\n')}`;

      // Assert
      expect(s).toEqual({ ascii: 'FAILED: run night ly build 42 x', text: 'FAILED: run night ly build 42 x' });
    });

    it('writes numbers as they are when a template holds counts', () => {
      expect(subject`${80}%: budget ${named('monthly')} at ${812.5} of ${'1,000'} min`.ascii).toBe(
        '80%: budget monthly at 812.5 of 1,000 min',
      );
    });
  });

  describe('fallback', () => {
    it('leaves a Japanese run name out of the ASCII form without double spaces or empty quotes', () => {
      // Act
      const s = subject`FAILED: run ${named('夜間テスト')} (2 of 4 jobs did not pass)`;

      // Assert
      expect(s).toEqual({
        ascii: 'FAILED: run (2 of 4 jobs did not pass)',
        text: 'FAILED: run 夜間テスト (2 of 4 jobs did not pass)',
      });
    });

    it('falls back to the kind and status when the only name is all emoji', () => {
      expect(subject`FAILED: run ${named('🚀✨🇩🇪')}`.ascii).toBe('FAILED: run');
    });

    it('leaves out a name that keeps only punctuation in ASCII, since "- ()" says nothing', () => {
      expect(subject`FAILED: run ${named('— (夜間) —')} (1 min)`.ascii).toBe('FAILED: run (1 min)');
    });

    it('says the fallback (an ID) when the name says nothing in ASCII', () => {
      // Act
      const s = subject`FAILED: Deadline job ${named('ライティング', { fallback: 'job-0123' })} (12 of 40 tasks failed)`;

      // Assert
      expect(s).toEqual({
        ascii: 'FAILED: Deadline job job-0123 (12 of 40 tasks failed)',
        text: 'FAILED: Deadline job ライティング (12 of 40 tasks failed)',
      });
    });

    it('leaves out the words that introduce a name together with the name', () => {
      // Act
      const s = subject`ACTIVE: test grid session ${named('gs-1')}${named('ウェブ', { before: ' in ' })}`;

      // Assert
      expect(s).toEqual({ ascii: 'ACTIVE: test grid session gs-1', text: 'ACTIVE: test grid session gs-1 in ウェブ' });
    });

    it('says the fallback in the text form too when the name is blank', () => {
      expect(subject`FAILED: Deadline job ${named(' \n ', { fallback: 'job-0123' })}`.text).toBe(
        'FAILED: Deadline job job-0123',
      );
    });
  });

  describe('cut', () => {
    it('cuts the name, not the headline or the counts, ending the name in "..." when the name is long', () => {
      // Act
      const s = subject`FAILED: run ${named(`release ${'x'.repeat(300)}`)} (2 of 4 jobs did not pass)`;

      // Assert
      expect(s.ascii).toBe(`FAILED: run release ${'x'.repeat(49)}... (2 of 4 jobs did not pass)`);
      expect(s.text).toBe(`FAILED: run release ${'x'.repeat(51)}… (2 of 4 jobs did not pass)`);
      expect(s.ascii).toHaveLength(SUBJECT_MAX_CHARS);
      expect(s.text).toHaveLength(SUBJECT_MAX_CHARS);
    });

    it('shares the room equally between two names that are both too long', () => {
      // Act
      const { ascii } = subject`FAILED: job ${named('j'.repeat(200))}${named('r'.repeat(60), { before: ' in run ' })}`;

      // Assert
      expect(ascii).toBe(`FAILED: job ${'j'.repeat(37)}... in run ${'r'.repeat(36)}...`);
      expect(ascii.length).toBeLessThanOrEqual(SUBJECT_MAX_CHARS);
    });

    it('keeps a short name whole and cuts only the long one', () => {
      expect(subject`FAILED: job ${named('Pixel 8')}${named('n'.repeat(200), { before: ' in run ' })}`.ascii).toBe(
        `FAILED: job Pixel 8 in run ${'n'.repeat(69)}...`,
      );
    });

    it('keeps whole characters of a 1,000-emoji name in the text form (an emoji family is never split)', () => {
      // Act
      const { ascii, text } = subject`FAILED: run ${named('👨‍👩‍👧'.repeat(1000))} (1 min)`;

      // Assert
      expect(ascii).toBe('FAILED: run (1 min)');
      expect(text).toBe(`FAILED: run ${'👨‍👩‍👧'.repeat(9)}… (1 min)`);
      expect(text.length).toBeLessThanOrEqual(SUBJECT_MAX_CHARS);
    });

    it('cuts the end with "..." only when Vigil\'s own words are too long', () => {
      // Act
      const { ascii } = subject`Unknown Device Farm value ${'V'.repeat(120)}: run ${named('nightly')}`;

      // Assert
      expect(ascii).toBe(`Unknown Device Farm value ${'V'.repeat(70)}...`);
    });

    it('cuts an unknown Deadline status subject to 99 printable characters when the session ID is long', () => {
      // Act
      const { ascii } =
        subject`Unknown Deadline Cloud value DRAINING_NEW: Deadline session ${named(`session-${'0'.repeat(32)}`)}`;

      // Assert
      expect(ascii).toBe(`Unknown Deadline Cloud value DRAINING_NEW: Deadline session session-${'0'.repeat(28)}...`);
      expect(ascii).toHaveLength(SUBJECT_MAX_CHARS);
      expect(ascii).toMatch(PRINTABLE_ASCII);
    });
  });
});

describe('safeSubject', () => {
  it.each([
    ['keeps a plain subject as it is', 'FAILED: run nightly', 'FAILED: run nightly'],
    ['turns line breaks and tabs into single spaces', 'FAILED:\trun\r\nnightly\n', 'FAILED: run nightly'],
    [
      'turns a bell and other C0 control characters into spaces',
      '\u0007FAILED\u0000: run\u001b nightly',
      'FAILED : run nightly',
    ],
    ['turns C1 control characters and DEL into spaces', 'run\u0085night\u007fly', 'run night ly'],
    ['turns Unicode line and paragraph separators into spaces', 'run\u2028nightly\u2029done', 'run nightly done'],
    ['folds runs of spaces', 'run    nightly', 'run nightly'],
    ['transliterates and drops what ASCII cannot say', 'TEST: Kanal ü 🚀 夜間', 'TEST: Kanal u'],
    ['keeps a subject of exactly 99 characters', 'x'.repeat(99), 'x'.repeat(99)],
    ['cuts a subject of 100 characters to 96 and "..."', 'x'.repeat(100), `${'x'.repeat(96)}...`],
    [
      'drops the space before "..." when the cut falls after one',
      `${'x'.repeat(95)} ${'y'.repeat(10)}`,
      `${'x'.repeat(95)}...`,
    ],
    ['says "Vigil notification" when nothing is left', '🚀 夜間テスト', 'Vigil notification'],
    ['says "Vigil notification" for an empty subject', '', 'Vigil notification'],
  ])('%s', (_case, input, expected) => {
    // Act
    const s = safeSubject(input);

    // Assert
    expect(s).toBe(expected);
    expect(s).toMatch(PRINTABLE_ASCII);
    expect(s.length).toBeLessThanOrEqual(SUBJECT_MAX_CHARS);
  });

  it('keeps SNS’s limit below 100 characters', () => {
    expect(SUBJECT_MAX_CHARS).toBe(99);
  });
});

describe('oneLine', () => {
  it('replaces a surrogate without its other half so the text is valid UTF-8', () => {
    expect(oneLine('a\ud83d b')).toBe('a\ufffd b');
  });

  it('keeps emoji, ZWJ sequences and right-to-left text as they are', () => {
    expect(oneLine('👨‍👩‍👧 تشغيل')).toBe('👨‍👩‍👧 تشغيل');
  });
});
