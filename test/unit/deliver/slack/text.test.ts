import { clip, escapeClip, escapeMrkdwn, packLines } from '../../../../lambda/deliver/slack/text';

describe('clip', () => {
  it.each([
    ['short text', 'abc', 5, 'abc'],
    ['text exactly at the limit', 'abcde', 5, 'abcde'],
    ['long text', 'abcdefgh', 5, 'abcd…'],
    ['a cut after a space', 'abc defgh', 5, 'abc…'],
    ['an emoji at the cut', 'ab🔴cdef', 4, 'ab…'],
  ])('returns %s within the limit, ending in "…" when cut', (_case, text, max, expected) => {
    expect(clip(text, max)).toBe(expected);
    expect(clip(text, max).length).toBeLessThanOrEqual(max);
  });
});

describe('escapeClip', () => {
  it('never splits an escape when cutting', () => {
    // Act
    const out = escapeClip('&&&&&&&&', 12);

    // Assert
    expect(out).toBe('&amp;&amp;…');
  });

  it('escapes only when the text fits', () => {
    expect(escapeClip('a < b', 20)).toBe('a &lt; b');
  });
});

describe('escapeMrkdwn', () => {
  it('escapes the three characters Slack treats as control characters', () => {
    expect(escapeMrkdwn('<@U123> & <!here>')).toBe('&lt;@U123&gt; &amp; &lt;!here&gt;');
  });
});

describe('packLines', () => {
  it('packs whole lines into chunks and counts the lines that did not fit', () => {
    // Act
    const out = packLines(['aaaa', 'bbbb', 'cccc', 'dddd'], 9, 2);

    // Assert
    expect(out).toEqual({ chunks: ['aaaa\nbbbb', 'cccc\ndddd'], leftOut: 0 });
    expect(packLines(['aaaa', 'bbbb', 'cccc', 'dddd', 'eeee'], 9, 2)).toEqual({
      chunks: ['aaaa\nbbbb', 'cccc\ndddd'],
      leftOut: 1,
    });
  });
});
