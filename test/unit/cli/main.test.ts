import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CliIo } from '../../../lambda/cli/io';
import { main, USAGE } from '../../../lambda/cli/main';

/** An io that keeps what the command printed. */
function captureIo(cwd: string): CliIo & { readonly outText: string[]; readonly errText: string[] } {
  const outText: string[] = [];
  const errText: string[] = [];
  return {
    env: { AWS_REGION: 'us-east-1' },
    cwd,
    out: (text) => outText.push(text),
    err: (text) => errText.push(text),
    outText,
    errText,
  };
}

let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'vigil-cli-'));
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('main', () => {
  it.each<[string, string[], string]>([
    [
      'an unknown command',
      ['frobnicate'],
      `Unknown command "frobnicate"; expected run, history, status, budget, session, notify, digest, undelivered or silence\n\n${USAGE}`,
    ],
    [
      'a flag status does not take',
      ['status', '--once'],
      'vigil status does not take --once; it takes --json, --table',
    ],
    [
      'a flag history does not take',
      ['history', '--interval', '5m'],
      'vigil history does not take --interval; it takes --since, --json, --table',
    ],
    [
      'a flag run does not take',
      ['run', '--json'],
      'vigil run does not take --json; it takes --once, --interval, --config, --table, --topic-arn, --verbose',
    ],
    [
      'history without a target or --since',
      ['history'],
      'vigil history needs a resource (ARN, id or name) or --since <duration|date>',
    ],
    [
      'history with an unreadable --since',
      ['history', '--since', 'yesterday'],
      '--since "yesterday" is neither a duration (30m, 2h, 1d) nor a date (2026-11-21 or 2026-11-21T08:00:00Z)',
    ],
    [
      'a flag budget does not take',
      ['budget', '--since', '1d'],
      'vigil budget does not take --since; it takes --json, --period, --table, --config',
    ],
    [
      'budget with a --period that names no period',
      ['budget', '--period', '2026-13'],
      '--period "2026-13" is not a period; expected 2026-10 (a month), week-2026-11-16 (the week starting that Monday) or 2026-11-22 (a day)',
    ],
    ['an extra argument', ['status', 'now'], 'vigil status: unexpected argument "now"'],
    ['a second history target', ['history', 'a', 'b'], 'vigil history: unexpected argument "b"'],
    [
      'run with a bad --interval',
      ['run', '--interval', 'soon'],
      '--interval "soon" is not a duration; expected a number and a unit, like 30s, 15m, 2h, 1d or 1w',
    ],
  ])('exits 2 and says what is wrong when given %s', async (_case, argv, expected) => {
    // Arrange
    const io = captureIo(dir);

    // Act
    const code = await main(argv, io);

    // Assert
    expect(code).toBe(2);
    expect(io.errText).toEqual([expected]);
    expect(io.outText).toEqual([]);
  });

  it('exits 2 and names the option when given a flag vigil does not know', async () => {
    // Arrange
    const io = captureIo(dir);

    // Act
    const code = await main(['status', '--bogus'], io);

    // Assert
    expect(code).toBe(2);
    expect(io.errText).toHaveLength(1);
    expect(io.errText[0]?.startsWith("Unknown option '--bogus'.")).toBe(true);
    expect(io.errText[0]?.endsWith(`\n\n${USAGE}`)).toBe(true);
  });

  it('prints the usage and exits 2 when given no command', async () => {
    // Arrange
    const io = captureIo(dir);

    // Act
    const code = await main([], io);

    // Assert
    expect(code).toBe(2);
    expect(io.outText).toEqual([USAGE]);
  });

  it.each([[['--help']], [['-h']], [['help']], [['status', '--help']]])(
    'prints the usage and exits 0 when given %j',
    async (argv) => {
      // Arrange
      const io = captureIo(dir);

      // Act
      const code = await main(argv, io);

      // Assert
      expect(code).toBe(0);
      expect(io.outText).toEqual([USAGE]);
      expect(io.errText).toEqual([]);
    },
  );
});
