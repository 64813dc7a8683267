import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DEFAULT_CONFIG_FILE,
  loadConfig,
  parseConfig,
  settingsFrom,
  type VigilConfig,
} from '../../lambda/config/config-file';
import { parseSettings } from '../../lambda/config/settings';
import { ConfigError } from '../../lambda/core/errors';
import { messageOf } from '../support/errors';
import { EXPECTED_DEFAULT_SETTINGS } from '../support/settings';

const DEFAULTS: VigilConfig = {
  ...EXPECTED_DEFAULT_SETTINGS,
  notifications: { emails: [] },
  channels: [],
  deviceFarm: { ...EXPECTED_DEFAULT_SETTINGS.deviceFarm, pollMinutes: 1 },
  deadline: { ...EXPECTED_DEFAULT_SETTINGS.deadline, pollMinutes: 5 },
  history: { ...EXPECTED_DEFAULT_SETTINGS.history, retainOnDelete: true },
  logs: { retentionDays: 30 },
};

const RETENTION_LIST =
  '1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653';

let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'vigil-config-'));
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** Writes `text` as the default config file in the test directory. */
function writeConfig(text: string, name = DEFAULT_CONFIG_FILE): void {
  writeFileSync(join(dir, name), text);
}

const loadError = (options: { path?: string } = {}): string =>
  messageOf(ConfigError, () => loadConfig({ ...options, cwd: dir }));

describe('loadConfig', () => {
  it.each([
    [
      'with a byte order mark',
      Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('{"digest":{}}', 'utf16le')]),
      ' (it starts with the byte order mark FFFE)',
    ],
    ['without one', Buffer.from('{"digest":{}}', 'utf16le'), ' (it holds zero bytes)'],
  ])('says the file is UTF-16 and to save it as UTF-8 when it is UTF-16 %s', (_case, bytes, why) => {
    writeFileSync(join(dir, DEFAULT_CONFIG_FILE), bytes);

    expect(loadError()).toBe(`Config file vigil.config.json looks UTF-16 encoded${why}; save it as UTF-8`);
  });

  it('returns every default, with no email subscribers, when no config file exists', () => {
    const config = loadConfig({ cwd: dir });

    expect(config).toEqual(DEFAULTS);
  });

  it('fills every other section with its defaults when the file only lists emails', () => {
    writeConfig('{ "notifications": { "emails": ["a@b.co"] } }');

    const config = loadConfig({ cwd: dir });

    expect(config).toEqual({ ...DEFAULTS, notifications: { emails: ['a@b.co'] } });
  });

  it('reads the file named by path, relative to cwd', () => {
    mkdirSync(join(dir, 'envs'));
    writeConfig('{ "deviceFarm": { "pollMinutes": 5, "projects": ["checkout-app"] } }', 'envs/prod.json');

    const config = loadConfig({ path: 'envs/prod.json', cwd: dir });

    expect(config.deviceFarm).toEqual({
      enabled: true,
      pollMinutes: 5,
      projects: ['checkout-app'],
      fullListingMinutes: 60,
    });
  });

  it('accepts a file that starts with a UTF-8 byte order mark', () => {
    writeConfig('\uFEFF{ "logs": { "retentionDays": 365 } }');

    expect(loadConfig({ cwd: dir }).logs.retentionDays).toBe(365);
  });

  it.each([
    [
      'a value of the wrong type',
      '{ "history": { "retainOnDelete": "no" } }',
      'vigil.config.json: history.retainOnDelete is "no"; expected true or false',
    ],
    [
      'a poll period out of range',
      '{ "deviceFarm": { "pollMinutes": 0 } }',
      'vigil.config.json: deviceFarm.pollMinutes is 0; expected a whole number from 1 to 60',
    ],
    [
      'a full-listing interval longer than a day',
      '{ "deviceFarm": { "fullListingMinutes": 1441 } }',
      'vigil.config.json: deviceFarm.fullListingMinutes is 1441; expected a whole number from 1 to 1440',
    ],
    [
      'a poll period that is not whole',
      '{ "deviceFarm": { "pollMinutes": 1.5 } }',
      'vigil.config.json: deviceFarm.pollMinutes is 1.5; expected a whole number from 1 to 60',
    ],
    [
      'a log retention CloudWatch does not offer',
      '{ "logs": { "retentionDays": 10 } }',
      `vigil.config.json: logs.retentionDays is 10; expected one of ${RETENTION_LIST}`,
    ],
    [
      'a log retention given as a string',
      '{ "logs": { "retentionDays": "30" } }',
      `vigil.config.json: logs.retentionDays is "30"; expected one of ${RETENTION_LIST}`,
    ],
    [
      'a job result not in the list',
      '{ "rules": { "jobResults": ["FAILED", "BROKEN"] } }',
      'vigil.config.json: rules.jobResults[1] is "BROKEN"; expected one of PASSED, WARNED, FAILED, SKIPPED, ERRORED, STOPPED',
    ],
    [
      'a malformed email address',
      '{ "notifications": { "emails": ["team@example.com", "team.example.com"] } }',
      'vigil.config.json: notifications.emails[1] is "team.example.com"; expected an email address like team@example.com',
    ],
    [
      'an email address listed twice (whatever its case)',
      '{ "notifications": { "emails": ["a@b.co", "c@d.co", "A@B.co"] } }',
      'vigil.config.json: notifications.emails[2] is "A@B.co"; expected an address listed only once (same as notifications.emails[0])',
    ],
    [
      'emails given as one string instead of a list',
      '{ "notifications": { "emails": "a@b.co" } }',
      'vigil.config.json: notifications.emails is "a@b.co"; expected a list of email addresses',
    ],
    [
      'an unknown key (a typo)',
      '{ "history": { "eventRetentionDay": 30 } }',
      'vigil.config.json: history.eventRetentionDay is not a known setting; expected one of the known settings: eventRetentionDays, retainOnDelete',
    ],
    [
      'an unknown section',
      '{ "slack": {} }',
      'vigil.config.json: slack is not a known setting; expected one of the known settings: notifications, channels, digest, deviceFarm, deadline, budgets, guard, rules, history, delivery, pricing, maintenanceWindows, reminders, logs',
    ],
    [
      'a channel type Vigil does not deliver to',
      '{ "channels": [{ "name": "team", "type": "teams" }] }',
      'vigil.config.json: channels[0].type is "teams"; expected one of email, slack, chatbot, pagerduty, opsgenie, webhook',
    ],
    [
      'an email channel without an address',
      '{ "channels": [{ "name": "finance", "type": "email" }] }',
      'vigil.config.json: channels[0].address missing; expected an email address like team@example.com (an email channel needs one)',
    ],
    [
      'a malformed email channel address',
      '{ "channels": [{ "name": "finance", "type": "email", "address": "finance.example.com" }] }',
      'vigil.config.json: channels[0].address is "finance.example.com"; expected an email address like team@example.com',
    ],
    [
      'an address on a Slack channel',
      '{ "channels": [{ "name": "mobile-ci", "type": "slack", "address": "a@b.co" }] }',
      'vigil.config.json: channels[0].address is "a@b.co"; expected no address on a slack channel (only email channels take one)',
    ],
    [
      'a secretName on an email channel',
      '{ "channels": [{ "name": "finance", "type": "email", "address": "a@b.co", "secretName": "vigil/slack/finance" }] }',
      'vigil.config.json: channels[0].secretName is "vigil/slack/finance"; expected no secretName on an email channel (only slack, pagerduty, opsgenie and webhook channels read a secret)',
    ],
    [
      'a secretName on a Chatbot channel',
      '{ "channels": [{ "name": "chat", "type": "chatbot", "secretName": "x" }] }',
      'vigil.config.json: channels[0].secretName is "x"; expected no secretName on a chatbot channel (only slack, pagerduty, opsgenie and webhook channels read a secret)',
    ],
    [
      'a webhook URL where the secret name goes',
      '{ "channels": [{ "name": "mobile-ci", "type": "slack", "secretName": "https://hooks.slack.com/services/T0/B0/XYZ" }] }',
      'vigil.config.json: channels[0].secretName is "https://hooks.slack.com/****"; expected the name of an existing Secrets Manager secret holding the webhook URL or key, like vigil/slack/mobile-ci (letters, digits and /_+=.@-; never the URL or key itself)',
    ],
    [
      'a webhook URL without its scheme where the secret name goes',
      '{ "channels": [{ "name": "mobile-ci", "type": "slack", "secretName": "hooks.slack.com/services/T0/B0/XYZ" }] }',
      'vigil.config.json: channels[0].secretName is "hooks.slack.com/****"; expected the name of an existing Secrets Manager secret holding the webhook URL or key, like vigil/slack/mobile-ci (letters, digits and /_+=.@-; never the URL or key itself)',
    ],
    [
      'a channel name with capitals or spaces',
      '{ "channels": [{ "name": "Mobile CI", "type": "slack" }] }',
      'vigil.config.json: channels[0].name is "Mobile CI"; expected a channel name of 1 to 40 lowercase letters, digits and hyphens, like mobile-ci',
    ],
    [
      'two channels with the same name',
      '{ "channels": [{ "name": "ops", "type": "slack" }, { "name": "ops", "type": "chatbot" }] }',
      'vigil.config.json: channels[1].name is "ops"; expected a name no other channel has (channels[0] has it)',
    ],
    [
      'two channel names equal once hyphens are dropped',
      '{ "channels": [{ "name": "ops-1", "type": "slack" }, { "name": "ops1", "type": "chatbot" }] }',
      'vigil.config.json: channels[1].name is "ops1"; expected a name no other channel has once hyphens are dropped (channels[0] is "ops-1")',
    ],
    [
      'an email channel address already in notifications.emails',
      '{ "notifications": { "emails": ["finance@example.com"] }, "channels": [{ "name": "finance", "type": "email", "address": "Finance@example.com" }] }',
      'vigil.config.json: channels[0].address is "Finance@example.com"; expected an address subscribed only once (notifications.emails[0] has it)',
    ],
    [
      'two email channels with the same address',
      '{ "channels": [{ "name": "a", "type": "email", "address": "x@y.co" }, { "name": "b", "type": "email", "address": "x@y.co" }] }',
      'vigil.config.json: channels[1].address is "x@y.co"; expected an address subscribed only once (channels[0].address has it)',
    ],
    [
      'an event type Vigil does not send',
      '{ "channels": [{ "name": "ops", "type": "slack", "filter": { "eventTypes": ["run-failed"] } }] }',
      'vigil.config.json: channels[0].filter.eventTypes[0] is "run-failed"; expected one of run-finished, jobs-finished, session-finished, test-grid-session, deadline-job, deadline-sessions-failed, unknown-status, budget-threshold, budget-forecast, guard, digest, stuck, unstuck, reminder, test',
    ],
    [
      'the digest event type on a channel with digest off',
      '{ "channels": [{ "name": "ops", "type": "slack", "digest": false, "filter": { "eventTypes": ["guard", "digest"] } }] }',
      'vigil.config.json: channels[0].filter.eventTypes[1] is "digest"; expected an event type other than digest while the channel has digest: false (set digest to true to receive the daily digest)',
    ],
    [
      'a severity Vigil does not use',
      '{ "channels": [{ "name": "ops", "type": "slack", "filter": { "minSeverity": "critical" } }] }',
      'vigil.config.json: channels[0].filter.minSeverity is "critical"; expected one of info, warning, error',
    ],
    [
      'a service Vigil does not watch',
      '{ "channels": [{ "name": "ops", "type": "slack", "filter": { "services": ["ec2"] } }] }',
      'vigil.config.json: channels[0].filter.services[0] is "ec2"; expected one of devicefarm, deadline',
    ],
    [
      'an empty list in a filter (it would match nothing)',
      '{ "channels": [{ "name": "ops", "type": "slack", "filter": { "services": [] } }] }',
      'vigil.config.json: channels[0].filter.services is []; expected a list of services, at least one of devicefarm, deadline (leave the field out to accept every one)',
    ],
    [
      'a kind Vigil does not report',
      '{ "channels": [{ "name": "ops", "type": "slack", "filter": { "kinds": ["device"] } }] }',
      'vigil.config.json: channels[0].filter.kinds[0] is "device"; expected one of run, job, remote-access-session, test-grid-session, deadline-job, deadline-session, budget',
    ],
    [
      'an unknown filter field',
      '{ "channels": [{ "name": "ops", "type": "slack", "filter": { "project": ["x"] } }] }',
      'vigil.config.json: channels[0].filter.project is not a known setting; expected one of the known settings: services, projects, kinds, eventTypes, minSeverity',
    ],
    [
      'a digest hour past 23',
      '{ "digest": { "hourUtc": 24 } }',
      'vigil.config.json: digest.hourUtc is 24; expected a whole number from 0 to 23',
    ],
    [
      'a negative digest hour',
      '{ "digest": { "hourUtc": -1 } }',
      'vigil.config.json: digest.hourUtc is -1; expected a whole number from 0 to 23',
    ],
    [
      'a budget forecast switch that is not true or false',
      '{ "budgets": [{ "name": "monthly", "meter": "deviceMinutes.metered", "limitMinutes": 100, "forecast": "no" }] }',
      'vigil.config.json: budgets[0].forecast is "no"; expected true or false',
    ],
    [
      'a budget setting Vigil does not know (forecasts off is "forecast": false)',
      '{ "budgets": [{ "name": "monthly", "meter": "deviceMinutes.metered", "limitMinutes": 100, "forecasts": false }] }',
      'vigil.config.json: budgets[0].forecasts is not a known setting; expected one of the known settings: name, meter, period, timeZone, limitMinutes, limitUsd, thresholds, projects, forecast',
    ],
    [
      'a digest switch that is not true or false',
      '{ "digest": { "enabled": "yes" } }',
      'vigil.config.json: digest.enabled is "yes"; expected true or false',
    ],
    [
      'a maintenance window day spelt out',
      '{ "maintenanceWindows": [{ "name": "lab", "days": ["Saturday"], "start": "02:00", "end": "06:00" }] }',
      'vigil.config.json: maintenanceWindows[0].days[0] is "Saturday"; expected one of MON, TUE, WED, THU, FRI, SAT, SUN',
    ],
    [
      'a maintenance window with no day',
      '{ "maintenanceWindows": [{ "name": "lab", "days": [], "start": "02:00", "end": "06:00" }] }',
      'vigil.config.json: maintenanceWindows[0].days is []; expected a list of days, at least one of MON, TUE, WED, THU, FRI, SAT, SUN',
    ],
    [
      'a maintenance window start that is not HH:MM',
      '{ "maintenanceWindows": [{ "name": "lab", "days": ["SAT"], "start": "2am", "end": "06:00" }] }',
      'vigil.config.json: maintenanceWindows[0].start is "2am"; expected a time of day as HH:MM, from 00:00 to 23:59',
    ],
    [
      'a maintenance window end past midnight',
      '{ "maintenanceWindows": [{ "name": "lab", "days": ["SAT"], "start": "22:00", "end": "25:00" }] }',
      'vigil.config.json: maintenanceWindows[0].end is "25:00"; expected a time of day as HH:MM, from 00:00 to 24:00',
    ],
    [
      'a maintenance window that ends when it starts',
      '{ "maintenanceWindows": [{ "name": "lab", "days": ["SAT"], "start": "02:00", "end": "02:00" }] }',
      'vigil.config.json: maintenanceWindows[0].end is "02:00"; expected a time other than start (02:00): a window open all day is a silence, not a window',
    ],
    [
      'a maintenance window in a time zone that does not exist',
      '{ "maintenanceWindows": [{ "name": "lab", "days": ["SAT"], "start": "02:00", "end": "06:00", "timeZone": "Europe/Berlln" }] }',
      'vigil.config.json: maintenanceWindows[0].timeZone is "Europe/Berlln"; expected an IANA time zone like UTC, Europe/Paris or America/New_York',
    ],
    [
      'a maintenance window matching a misspelt kind',
      '{ "maintenanceWindows": [{ "name": "lab", "days": ["SAT"], "start": "02:00", "end": "06:00", "match": { "kinds": ["runs"] } }] }',
      'vigil.config.json: maintenanceWindows[0].match.kinds[0] is "runs"; expected one of run, job, remote-access-session, test-grid-session, deadline-job, deadline-session, budget',
    ],
    [
      'a maintenance window matcher Vigil does not know',
      '{ "maintenanceWindows": [{ "name": "lab", "days": ["SAT"], "start": "02:00", "end": "06:00", "match": { "project": ["qa"] } }] }',
      'vigil.config.json: maintenanceWindows[0].match.project is not a known setting; expected one of the known settings: services, projects, kinds, eventTypes, minSeverity, resources',
    ],
    [
      'two maintenance windows with one name',
      '{ "maintenanceWindows": [{ "name": "lab", "days": ["SAT"], "start": "02:00", "end": "06:00" }, { "name": "lab", "days": ["SUN"], "start": "02:00", "end": "06:00" }] }',
      'vigil.config.json: maintenanceWindows[1].name is "lab"; expected a name no other maintenance window has (maintenanceWindows[0] has it)',
    ],
    [
      'reminders every half hour',
      '{ "reminders": { "everyHours": 0.5 } }',
      'vigil.config.json: reminders.everyHours is 0.5; expected a whole number from 1 to 168',
    ],
    [
      'no cap on reminders',
      '{ "reminders": { "max": 0 } }',
      'vigil.config.json: reminders.max is 0; expected a whole number from 1 to 100',
    ],
    [
      'a reminder condition Vigil does not know',
      '{ "reminders": { "sessionsOverLimit": true } }',
      'vigil.config.json: reminders.sessionsOverLimit is not a known setting; expected one of the known settings: everyHours, max, sessionOverLimit, budgetOverLimit, deadlineJobs, failingRuns',
    ],
    [
      'a stuck limit given as a string',
      '{ "rules": { "stuckMinutes": { "deviceFarm": "60" } } }',
      'vigil.config.json: rules.stuckMinutes.deviceFarm is "60"; expected a whole number from 0 to 10080',
    ],
    [
      'a remote access stuck limit past the 150-minute hard limit',
      '{ "rules": { "stuckMinutes": { "remoteAccess": 200 } } }',
      'vigil.config.json: rules.stuckMinutes.remoteAccess is 200; expected a whole number from 0 to 150',
    ],
    [
      'a webhook channel without its URL',
      '{ "channels": [{ "name": "ops-hook", "type": "webhook" }] }',
      'vigil.config.json: channels[0].url missing; expected an https URL like https://ops.example.com/hooks/vigil (a webhook channel needs one)',
    ],
    [
      'a webhook URL over http',
      '{ "channels": [{ "name": "ops-hook", "type": "webhook", "url": "http://ops.example.com/hooks/vigil" }] }',
      'vigil.config.json: channels[0].url is "http://ops.example.com/hooks/vigil"; expected an https URL like https://ops.example.com/hooks/vigil (no user:password@, at most 2048 characters)',
    ],
    [
      'a webhook URL with a password in it',
      '{ "channels": [{ "name": "ops-hook", "type": "webhook", "url": "https://vigil:s3cret@ops.example.com/" }] }',
      'vigil.config.json: channels[0].url is "https://vigil:s3cret@ops.example.com/"; expected an https URL like https://ops.example.com/hooks/vigil (no user:password@, at most 2048 characters)',
    ],
    [
      'a URL on a PagerDuty channel',
      '{ "channels": [{ "name": "oncall", "type": "pagerduty", "url": "https://events.pagerduty.com/v2/enqueue" }] }',
      'vigil.config.json: channels[0].url is "https://events.pagerduty.com/v2/enqueue"; expected no url on a pagerduty channel (only webhook channels take one)',
    ],
    [
      'a pager region Vigil does not know',
      '{ "channels": [{ "name": "oncall", "type": "opsgenie", "region": "ap" }] }',
      'vigil.config.json: channels[0].region is "ap"; expected one of us, eu',
    ],
    [
      'a region on a Slack channel',
      '{ "channels": [{ "name": "mobile-ci", "type": "slack", "region": "eu" }] }',
      'vigil.config.json: channels[0].region is "eu"; expected no region on a slack channel (only pagerduty and opsgenie channels take one)',
    ],
    ['a list at the top level', '[]', 'vigil.config.json: (top level) is []; expected an object ({ ... })'],
    [
      'invalid JSON (a trailing comma)',
      '{\n  "deviceFarm": { "pollMinutes": 5, }\n}',
      "vigil.config.json: is not valid JSON at line 2, column 37; expected another property after ',' (remove the trailing comma)",
    ],
    [
      'invalid JSON (a missing colon)',
      '{\n  "logs": {\n    "retentionDays" 30\n  }\n}',
      "vigil.config.json: is not valid JSON at line 3, column 21; expected ':' after the property name",
    ],
    [
      'invalid JSON (a missing value)',
      '{ "logs": { "retentionDays": } }',
      'vigil.config.json: is not valid JSON at line 1, column 30; expected a value (an object, a list, a string in double quotes, a number, true, false or null)',
    ],
    [
      'invalid JSON (the file ends early)',
      '{ "logs": { "retentionDays": 30 }',
      "vigil.config.json: is not valid JSON at line 1, column 34; expected ',' or '}' after the value before the end of the file",
    ],
    [
      'an empty file',
      '',
      'vigil.config.json: is not valid JSON at line 1, column 1; expected a value before the end of the file',
    ],
  ])('rejects %s with a message naming where, what was found and what is accepted', (_case, text, message) => {
    writeConfig(text);

    expect(loadError()).toBe(message);
  });

  it('lists every problem, one per line', () => {
    writeConfig('{ "deviceFarm": { "pollMinutes": 0 }, "logs": { "retentionDays": 10 } }');

    expect(loadError().split('\n')).toEqual([
      'vigil.config.json: deviceFarm.pollMinutes is 0; expected a whole number from 1 to 60',
      `vigil.config.json: logs.retentionDays is 10; expected one of ${RETENTION_LIST}`,
    ]);
  });

  it('names the file given by path in its messages', () => {
    writeConfig('{ "deviceFarm": { "pollMinutes": 61 } }', 'prod.json');

    expect(loadError({ path: 'prod.json' })).toBe(
      'prod.json: deviceFarm.pollMinutes is 61; expected a whole number from 1 to 60',
    );
  });

  it('fails when a file named by path does not exist', () => {
    expect(loadError({ path: 'missing.json' })).toBe('Config file missing.json not found');
  });

  it('fails when the path names a directory', () => {
    mkdirSync(join(dir, 'configs'));

    expect(loadError({ path: 'configs' })).toBe('Config file configs could not be read (EISDIR)');
  });
});

describe('parseConfig', () => {
  it('names the given source in its messages', () => {
    expect(() => parseConfig({ logs: { retentionDays: 2 } }, 'VIGIL_CONFIG_JSON')).toThrow(
      `VIGIL_CONFIG_JSON: logs.retentionDays is 2; expected one of ${RETENTION_LIST}`,
    );
  });
});

describe('settingsFrom', () => {
  it('returns only the runtime settings, which the Lambdas strict schema accepts', () => {
    const config = parseConfig(
      {
        notifications: { emails: ['a@b.co'] },
        deviceFarm: { projects: ['checkout-app'], pollMinutes: 5, fullListingMinutes: 120 },
        deadline: { enabled: true, region: 'us-east-1', farms: ['studio'], excludeQueues: ['scratch'], pollMinutes: 2 },
        rules: { jobResults: ['FAILED'], runFinished: false },
        history: { eventRetentionDays: 30, retainOnDelete: false },
        logs: { retentionDays: 7 },
      },
      'test',
    );

    const settings = settingsFrom(config);

    expect(settings).toEqual({
      deviceFarm: { enabled: true, projects: ['checkout-app'], fullListingMinutes: 120 },
      deadline: {
        enabled: true,
        region: 'us-east-1',
        farms: ['studio'],
        excludeFarms: [],
        queues: [],
        excludeQueues: ['scratch'],
        fullListingMinutes: 60,
      },
      budgets: [],
      guard: DEFAULTS.guard,
      rules: { ...DEFAULTS.rules, jobResults: ['FAILED'], runFinished: false },
      history: { eventRetentionDays: 30 },
      digest: { enabled: true, hourUtc: 7 },
      delivery: { claimLeaseSeconds: 180, sweepAfterMinutes: 5 },
      pricing: DEFAULTS.pricing,
      maintenanceWindows: [],
      reminders: DEFAULTS.reminders,
    });
    expect(parseSettings(JSON.stringify(settings), 'VIGIL_SETTINGS')).toEqual(settings);
  });
});

/** The README's routing example: failures of checkout-app to Slack #mobile-ci, budget alerts to finance@. */
const README_CHANNELS = [
  {
    name: 'mobile-ci',
    type: 'slack',
    digest: false,
    alarms: false,
    filter: { projects: ['checkout-app'], eventTypes: ['run-finished', 'jobs-finished'], minSeverity: 'error' },
  },
  {
    name: 'finance',
    type: 'email',
    address: 'finance@example.com',
    digest: true,
    alarms: false,
    filter: { kinds: ['budget'] },
  },
];

describe('channels', () => {
  it('receives the daily digest by default on email channels only', () => {
    const config = parseConfig(
      {
        channels: [
          { name: 'finance', type: 'email', address: 'finance@example.com' },
          { name: 'mobile-ci', type: 'slack' },
          { name: 'chat', type: 'chatbot' },
        ],
      },
      'test',
    );

    expect(config.channels).toEqual([
      { name: 'finance', type: 'email', address: 'finance@example.com', digest: true, alarms: true },
      { name: 'mobile-ci', type: 'slack', digest: false, alarms: true },
      { name: 'chat', type: 'chatbot', digest: false, alarms: true },
    ]);
  });

  it('fills a pager channel’s region and keeps a webhook’s URL and secret', () => {
    const config = parseConfig(
      {
        channels: [
          { name: 'oncall', type: 'pagerduty', filter: { minSeverity: 'error' } },
          { name: 'ops-genie', type: 'opsgenie', region: 'eu', secretName: 'team/opsgenie' },
          { name: 'ops-hook', type: 'webhook', url: 'https://ops.example.com/hooks/vigil' },
        ],
      },
      'test',
    );

    expect(config.channels).toEqual([
      {
        name: 'oncall',
        type: 'pagerduty',
        region: 'us',
        digest: false,
        alarms: false,
        filter: { minSeverity: 'error' },
      },
      { name: 'ops-genie', type: 'opsgenie', region: 'eu', secretName: 'team/opsgenie', digest: false, alarms: true },
      { name: 'ops-hook', type: 'webhook', url: 'https://ops.example.com/hooks/vigil', digest: false, alarms: true },
    ]);
  });

  it('receives Vigil’s alarms by default on channels without a filter only, unless told otherwise', () => {
    const config = parseConfig(
      {
        channels: [
          { name: 'ops', type: 'slack' },
          { name: 'ci', type: 'slack', filter: { projects: ['checkout-app'] } },
          { name: 'ci-and-alarms', type: 'slack', alarms: true, filter: { projects: ['checkout-app'] } },
          { name: 'quiet', type: 'slack', alarms: false },
        ],
      },
      'test',
    );

    expect(config.channels.map((c) => [c.name, c.alarms])).toEqual([
      ['ops', true],
      ['ci', false],
      ['ci-and-alarms', true],
      ['quiet', false],
    ]);
  });

  it('keeps an explicit digest choice, a secret name and the filter as given', () => {
    const filter = {
      services: ['devicefarm'],
      projects: ['checkout-app', 'render-queue'],
      kinds: ['run', 'budget'],
      eventTypes: ['run-finished', 'budget-threshold', 'test'],
      minSeverity: 'warning',
    };

    const config = parseConfig(
      {
        channels: [
          { name: 'ops', type: 'slack', secretName: 'team/slack/ops', digest: true, filter },
          { name: 'finance', type: 'email', address: 'finance@example.com', digest: false },
        ],
      },
      'test',
    );

    expect(config.channels).toEqual([
      { name: 'ops', type: 'slack', secretName: 'team/slack/ops', digest: true, alarms: false, filter },
      { name: 'finance', type: 'email', address: 'finance@example.com', digest: false, alarms: true },
    ]);
  });

  it("refuses a filter over SNS's 150 combinations of values, counting the combinations", () => {
    const projects = Array.from({ length: 16 }, (_, i) => `project-${i}`);
    const eventTypes = ['run-finished', 'jobs-finished', 'session-finished', 'test-grid-session', 'guard'];
    const channels = [{ name: 'ops', type: 'slack', filter: { projects, eventTypes, minSeverity: 'warning' } }];

    // 16 projects × 5 event types × 2 severities = 160 (digest off: the anything-but adds no combination).
    expect(() => parseConfig({ channels }, 'test')).toThrow(
      /^test: channels\[0\]\.filter is .*; expected a filter SNS accepts: at most 150 combinations of values \(services × projects × kinds × event types × severities\); this one has 160$/,
    );
    expect(() =>
      parseConfig({ channels: [{ ...channels[0], filter: { projects, eventTypes } }] }, 'test'),
    ).not.toThrow();
  });
});

describe('vigil.config.example.json', () => {
  it('shows every setting with its default (emails, the README channels and the example budget excepted)', () => {
    const text = readFileSync(join(__dirname, '..', '..', 'vigil.config.example.json'), 'utf8');
    const raw: unknown = JSON.parse(text);

    const config = parseConfig(raw, 'vigil.config.example.json');

    expect(raw).toEqual({
      ...DEFAULTS,
      notifications: { emails: ['team@example.com'] },
      // Channels have no default; the example is the README's routing example.
      channels: README_CHANNELS,
      // Budgets have no default; the example shows one with every field.
      budgets: [
        {
          name: 'monthly-metered',
          meter: 'deviceMinutes.metered',
          period: 'month',
          timeZone: 'UTC',
          limitMinutes: 1000,
          thresholds: [50, 80, 100],
          projects: [],
          forecast: true,
        },
      ],
      // Windows have no default; the example is the README's.
      maintenanceWindows: [
        {
          name: 'lab-maintenance',
          days: ['SAT'],
          start: '02:00',
          end: '06:00',
          timeZone: 'Europe/Berlin',
          match: { projects: ['qa-sandbox'] },
        },
      ],
    });
    expect(config).toEqual(raw);
  });
});
