import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { commandUsage, findCommand, globalUsage } from '../../../lambda/cli/commands';
import type { CliIo } from '../../../lambda/cli/io';
import { explainFailure, main, VERSION } from '../../../lambda/cli/main';

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
    ['an unknown command', ['frobnicate'], 'vigil: unknown command "frobnicate"\nRun vigil --help for the commands.'],
    [
      'a misspelt command',
      ['histroy', '--since', '1d'],
      'vigil: unknown command "histroy"; did you mean history?\nRun vigil --help for the commands.',
    ],
    [
      'an unknown command asking for help',
      ['frobnicate', '--help'],
      'vigil: unknown command "frobnicate"\nRun vigil --help for the commands.',
    ],
    [
      'help about an unknown command',
      ['help', 'stauts'],
      'vigil: unknown command "stauts"; did you mean status?\nRun vigil --help for the commands.',
    ],
    [
      'a flag status does not take',
      ['status', '--once'],
      'vigil status does not take --once; it takes --wide, --json, --table',
    ],
    [
      'a flag history does not take',
      ['history', '--interval', '5m'],
      'vigil history does not take --interval; it takes --since, --until, --kind, --project, --limit, --wide, --json, --table',
    ],
    [
      'a flag devices does not take',
      ['devices', '--until', '2026-11-30'],
      'vigil devices does not take --until; it takes --since, --json, --table',
    ],
    [
      'an impossible --until for the report',
      ['report', '--until', '2026-02-30'],
      '--until "2026-02-30" is not a day; expected a calendar date as YYYY-MM-DD, like 2026-11-21',
    ],
    [
      'a flag run does not take',
      ['run', '--json'],
      'vigil run does not take --json; it takes --once, --interval, --config, --topic-arn, --verbose, --table',
    ],
    [
      'a flag vigil does not know, misspelt',
      ['status', '--jsno'],
      'vigil status: unknown flag --jsno; did you mean --json?\nIt takes --wide, --json, --table, --help.',
    ],
    [
      'a flag vigil does not know at all',
      ['status', '--bogus'],
      'vigil status: unknown flag --bogus\nIt takes --wide, --json, --table, --help.',
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
      'history with a number and no unit as --since',
      ['history', '--since', '1'],
      '--since "1" is neither a duration (30m, 2h, 1d) nor a date (2026-11-21 or 2026-11-21T08:00:00Z)',
    ],
    [
      'history with a duration longer than any history',
      ['history', '--since', '99999999999d'],
      '--since "99999999999d" is longer than 3650d; expected at most ten years',
    ],
    [
      'history with a date that does not exist',
      ['history', '--since', '2026-02-30'],
      '--since "2026-02-30" is not a day; expected a calendar date as YYYY-MM-DD, like 2026-11-21',
    ],
    [
      'history with an unknown --kind',
      ['history', '--since', '1d', '--kind', 'runs'],
      '--kind "runs" is not a kind; expected one of run, job, remote-access-session, test-grid-session, deadline-job, deadline-session, budget, guard, digest',
    ],
    [
      'history with a --limit that is not a count',
      ['history', '--since', '1d', '--limit', 'ten'],
      '--limit "ten" is not a count; expected a whole number from 1 to 100000',
    ],
    [
      'digest with a month 13',
      ['digest', '--date', '2026-13-45'],
      '--date "2026-13-45" is not a day; expected a calendar date as YYYY-MM-DD, like 2026-11-21',
    ],
    [
      'digest with 30 February',
      ['digest', '--date', '2026-02-30'],
      '--date "2026-02-30" is not a day; expected a calendar date as YYYY-MM-DD, like 2026-11-21',
    ],
    [
      'run with --once and --interval together',
      ['run', '--once', '--interval', '5s'],
      'vigil run takes --once or --interval, not both (--once runs one cycle and exits)',
    ],
    [
      'a flag budget does not take',
      ['budget', '--since', '1d'],
      'vigil budget does not take --since; it takes --period, --json, --config, --table',
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

  it('prints the usage on stderr and exits 2 when given no command', async () => {
    // Arrange
    const io = captureIo(dir);

    // Act
    const code = await main([], io);

    // Assert
    expect(code).toBe(2);
    expect(io.errText).toEqual([globalUsage()]);
    expect(io.outText).toEqual([]);
  });

  it.each([[['--help']], [['-h']], [['help']]])('prints the usage and exits 0 when given %j', async (argv) => {
    // Arrange
    const io = captureIo(dir);

    // Act
    const code = await main(argv, io);

    // Assert
    expect(code).toBe(0);
    expect(io.outText).toEqual([globalUsage()]);
    expect(io.errText).toEqual([]);
  });

  it.each([[['status', '--help']], [['status', '-h']], [['help', 'status']]])(
    "prints the command's own help and exits 0 when given %j",
    async (argv) => {
      // Arrange
      const io = captureIo(dir);

      // Act
      const code = await main(argv, io);

      // Assert
      expect(code).toBe(0);
      expect(io.outText).toEqual([commandUsage(findCommand('status') ?? fail('no status command'))]);
      expect(io.outText[0]?.split('\n').slice(0, 4)).toEqual([
        'vigil status: what is running now, with minutes so far',
        '',
        'Usage:',
        '  vigil status [--wide] [--json]',
      ]);
    },
  );

  it.each([[['--version']], [['-V']], [['status', '--version']]])(
    'prints the version and exits 0 when given %j',
    async (argv) => {
      // Arrange
      const io = captureIo(dir);

      // Act
      const code = await main(argv, io);

      // Assert
      expect(code).toBe(0);
      expect(io.outText).toEqual([`vigil ${VERSION}`]);
      expect(VERSION).toMatch(/^\d+\.\d+\.\d+/);
    },
  );

  it('lists every command in the usage with one line each', () => {
    expect(
      globalUsage()
        .split('\n')
        .filter((l) => /^ {2}[a-z]+ {2,}/.test(l)),
    ).toHaveLength(11);
  });
});

function fail(message: string): never {
  throw new Error(message);
}

describe('explainFailure', () => {
  const endpoints = { AWS_ENDPOINT_URL_DYNAMODB: 'http://127.0.0.1:9', AWS_ENDPOINT_URL_SNS: 'http://127.0.0.1:4566' };

  it.each<[string, Error, string]>([
    [
      'a refused connection, naming the setting that points there',
      new Error('connect ECONNREFUSED 127.0.0.1:9'),
      'vigil failed: could not reach 127.0.0.1:9 (ECONNREFUSED). It is set by AWS_ENDPOINT_URL_DYNAMODB=http://127.0.0.1:9: check that the service runs there.',
    ],
    [
      'a host that does not resolve, with no setting pointing there',
      new Error('getaddrinfo ENOTFOUND dynamodb.nowhere.example'),
      'vigil failed: could not reach dynamodb.nowhere.example (ENOTFOUND). Check the endpoint settings (AWS_ENDPOINT_URL_DYNAMODB, AWS_ENDPOINT_URL_SNS, AWS_ENDPOINT_URL_DEVICE_FARM, AWS_ENDPOINT_URL_DEADLINE) and the network.',
    ],
    [
      'a table name DynamoDB refuses',
      Object.assign(
        new Error('Invalid table/index name.  Table/index names must be between 3 and 255 characters long'),
        {
          name: 'ValidationException',
        },
      ),
      "DynamoDB refused the table name: Invalid table/index name.  Table/index names must be between 3 and 255 characters long. Set VIGIL_TABLE (or --table) to the stack's TableName output.",
    ],
  ])('says what to check when given %s', (_case, error, expected) => {
    expect(explainFailure(error, endpoints)).toBe(expected);
  });
});
