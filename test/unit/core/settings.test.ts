import { z } from 'zod';
import { channelSchema, DEFAULT_SETTINGS, parseSettings } from '../../../lambda/config/settings';
import { formatIssues, parseOrThrow, renderPath, section, wholeNumber } from '../../../lambda/config/validation';
import { ConfigError } from '../../../lambda/core/errors';
import { messageOf } from '../../support/errors';
import { EXPECTED_DEFAULT_SETTINGS } from '../../support/settings';

/** The ConfigError message parseSettings throws for `json`. */
const settingsError = (json: string): string => messageOf(ConfigError, () => parseSettings(json, 'VIGIL_SETTINGS'));

describe('parseSettings', () => {
  it('fills every default when given an empty object', () => {
    // Act
    const settings = parseSettings('{}', 'VIGIL_SETTINGS');

    // Assert
    expect(settings).toEqual(EXPECTED_DEFAULT_SETTINGS);
    expect(DEFAULT_SETTINGS).toEqual(settings);
  });

  it('keeps given values and defaults the rest of a section when the section is partial', () => {
    // Act
    const settings = parseSettings(
      '{"rules":{"jobResults":["FAILED"]},"deviceFarm":{"projects":["Shop App"]}}',
      'VIGIL_SETTINGS',
    );

    // Assert
    expect(settings.rules).toEqual({ ...EXPECTED_DEFAULT_SETTINGS.rules, jobResults: ['FAILED'] });
    expect(settings.deviceFarm.projects).toEqual(['Shop App']);
  });

  it.each([
    [
      'an unknown key in a section',
      '{"rules":{"jobResult":["FAILED"]}}',
      'VIGIL_SETTINGS: rules.jobResult is not a known setting; expected one of the known settings: runFinished, jobResults, remoteAccessFinished, testGridStatuses, unknownStatus, deadlineJobStatuses, deadlineSessionFailures, stuckMinutes',
    ],
    [
      'an unknown top-level key',
      '{"extra":1}',
      'VIGIL_SETTINGS: extra is not a known setting; expected one of the known settings: deviceFarm, deadline, budgets, guard, rules, history, digest, delivery, pricing, maintenanceWindows, reminders',
    ],
    [
      'a bad enum value in a list',
      '{"rules":{"jobResults":["FAILED","BROKEN"]}}',
      'VIGIL_SETTINGS: rules.jobResults[1] is "BROKEN"; expected one of PASSED, WARNED, FAILED, SKIPPED, ERRORED, STOPPED',
    ],
    [
      'a number below the range',
      '{"history":{"eventRetentionDays":0}}',
      'VIGIL_SETTINGS: history.eventRetentionDays is 0; expected a whole number from 1 to 3650',
    ],
    [
      'a number above the range',
      '{"history":{"eventRetentionDays":3651}}',
      'VIGIL_SETTINGS: history.eventRetentionDays is 3651; expected a whole number from 1 to 3650',
    ],
    [
      'a fraction where a whole number is expected',
      '{"history":{"eventRetentionDays":1.5}}',
      'VIGIL_SETTINGS: history.eventRetentionDays is 1.5; expected a whole number from 1 to 3650',
    ],
    [
      'a string where a number is expected',
      '{"history":{"eventRetentionDays":"90"}}',
      'VIGIL_SETTINGS: history.eventRetentionDays is "90"; expected a whole number from 1 to 3650',
    ],
    [
      'a string where a flag is expected',
      '{"rules":{"runFinished":"yes"}}',
      'VIGIL_SETTINGS: rules.runFinished is "yes"; expected true or false',
    ],
    [
      'a string where a list is expected',
      '{"deviceFarm":{"projects":"Shop App"}}',
      'VIGIL_SETTINGS: deviceFarm.projects is "Shop App"; expected a list of project names or ARNs',
    ],
    [
      'a blank project name',
      '{"deviceFarm":{"projects":["  "]}}',
      'VIGIL_SETTINGS: deviceFarm.projects[0] is "  "; expected a project name or ARN',
    ],
    [
      'a full-listing interval of zero minutes',
      '{"deviceFarm":{"fullListingMinutes":0}}',
      'VIGIL_SETTINGS: deviceFarm.fullListingMinutes is 0; expected a whole number from 1 to 1440',
    ],
    [
      'a digest hour out of range',
      '{"digest":{"hourUtc":24}}',
      'VIGIL_SETTINGS: digest.hourUtc is 24; expected a whole number from 0 to 23',
    ],
    [
      'a digest hour that is not whole',
      '{"digest":{"hourUtc":7.5}}',
      'VIGIL_SETTINGS: digest.hourUtc is 7.5; expected a whole number from 0 to 23',
    ],
    [
      'a claim lease of zero',
      '{"delivery":{"claimLeaseSeconds":0}}',
      'VIGIL_SETTINGS: delivery.claimLeaseSeconds is 0; expected a whole number from 1 to 3600',
    ],
    [
      'a sweep period in text',
      '{"delivery":{"sweepAfterMinutes":"5m"}}',
      'VIGIL_SETTINGS: delivery.sweepAfterMinutes is "5m"; expected a whole number from 1 to 1440',
    ],
    ['an array instead of an object', '[]', 'VIGIL_SETTINGS: (top level) is []; expected an object ({ ... })'],
  ])('names the field, value and what is accepted when given %s', (_case, json, expected) => {
    // Act / Assert
    expect(settingsError(json)).toBe(expected);
  });

  it('lists every problem, one per line, when there are several', () => {
    // Act
    const message = settingsError('{"rules":{"testGridStatuses":["DONE"]},"history":{"eventRetentionDays":4000}}');

    // Assert
    expect(message.split('\n')).toEqual([
      'VIGIL_SETTINGS: rules.testGridStatuses[0] is "DONE"; expected one of ACTIVE, CLOSED, ERRORED',
      'VIGIL_SETTINGS: history.eventRetentionDays is 4000; expected a whole number from 1 to 3650',
    ]);
  });

  it.each(['{bad', '', '{"rules":}'])('says the text is not valid JSON when given %j', (json) => {
    // Arrange: the parser's own wording differs between Node versions
    let parserMessage = '';
    try {
      JSON.parse(json);
    } catch (error) {
      parserMessage = (error as Error).message;
    }

    // Act / Assert
    expect(settingsError(json)).toBe(`VIGIL_SETTINGS: is not valid JSON (${parserMessage}); expected a JSON object`);
  });

  it('throws a ConfigError that keeps the parser error as its cause when the JSON is invalid', () => {
    // Act
    let thrown: unknown;
    try {
      parseSettings('{bad', 'VIGIL_SETTINGS');
    } catch (error) {
      thrown = error;
    }

    // Assert
    expect(thrown).toBeInstanceOf(ConfigError);
    expect((thrown as ConfigError).name).toBe('ConfigError');
    expect((thrown as ConfigError).cause).toBeInstanceOf(SyntaxError);
  });
});

describe('channelSchema', () => {
  it.each([
    ['email', true],
    ['slack', false],
    ['chatbot', false],
  ])('gives a %s channel digest %s unless the channel says otherwise', (type, digest) => {
    const address = type === 'email' ? { address: 'a@b.co' } : {};

    expect(channelSchema.parse({ name: 'x', type, ...address }).digest).toBe(digest);
    expect(channelSchema.parse({ name: 'x', type, ...address, digest: !digest }).digest).toBe(!digest);
  });

  it('reports every problem of one channel at once', () => {
    const input = { name: 'x', type: 'chatbot', address: 'a@b.co', secretName: 'y' };
    const issues = channelSchema.safeParse(input).error?.issues;

    expect(formatIssues('cfg', input, issues ?? [])).toEqual([
      'cfg: address is "a@b.co"; expected no address on a chatbot channel (only email channels take one)',
      'cfg: secretName is "y"; expected no secretName on a chatbot channel (only slack, pagerduty, opsgenie and webhook channels read a secret)',
    ]);
  });
});

describe('renderPath', () => {
  it.each<[PropertyKey[], string]>([
    [[], '(top level)'],
    [['rules'], 'rules'],
    [['rules', 'jobResults', 1], 'rules.jobResults[1]'],
    [[0, 'name'], '[0].name'],
  ])('renders %j as %s', (path, expected) => {
    expect(renderPath(path)).toBe(expected);
  });
});

describe('formatIssues', () => {
  it('shortens a long value to 80 characters when reporting it', () => {
    // Arrange
    const schema = section({ n: wholeNumber(1, 2) });
    const input = { n: 'x'.repeat(200) };
    const issues = schema.safeParse(input).error?.issues ?? [];

    // Act
    const lines = formatIssues('cfg', input, issues);

    // Assert
    expect(lines).toEqual([`cfg: n is "${'x'.repeat(76)}...; expected a whole number from 1 to 2`]);
  });

  it('says a required field is missing when it is absent', () => {
    // Arrange
    const schema = section({ name: z.string({ error: 'a name' }) });

    // Act
    let message = '';
    try {
      parseOrThrow(schema, {}, 'cfg');
    } catch (error) {
      message = (error as ConfigError).message;
    }

    // Assert
    expect(message).toBe('cfg: name missing; expected a name');
  });
});
