/**
 * The bad inputs a user or AWS can hand Vigil, each with the exact error it
 * gets: the table in the README's "Bad input" section is this file. Config
 * errors stop synth before anything is created; the others are reported and
 * lose nothing already recorded (their own modules' tests show the rest).
 */

import { parseConfig } from '../../lambda/config/config-file';
import { validateSlackWebhookUrl } from '../../lambda/deliver/slack/webhook';
import { safeSubject } from '../../lambda/deliver/subject';
import { readEvents, type StreamRecordInput } from '../../lambda/record/stream-events';

/** The message `attempt` throws. */
function errorOf(attempt: () => unknown): string {
  try {
    attempt();
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('expected an error');
}

const config = (input: unknown) => errorOf(() => parseConfig(input, 'vigil.config.json'));
const ACCEPTED_URLS =
  'Accepted: https://hooks.slack.com/services/T…/B…/… (an incoming webhook), or https://hooks.slack.com/workflows/… or https://hooks.slack.com/triggers/… (a Workflow Builder webhook).';

describe('bad input', () => {
  it.each<[string, () => string, string]>([
    [
      'a poll interval out of range',
      () => config({ deviceFarm: { pollMinutes: 0 } }),
      'vigil.config.json: deviceFarm.pollMinutes is 0; expected a whole number from 1 to 60',
    ],
    [
      'a misspelt job result',
      () => config({ rules: { jobResults: ['FAIL'] } }),
      'vigil.config.json: rules.jobResults[0] is "FAIL"; expected one of PASSED, WARNED, FAILED, SKIPPED, ERRORED, STOPPED',
    ],
    [
      'a misspelt setting',
      () => config({ deviceFarm: { projets: [] } }),
      'vigil.config.json: deviceFarm.projets is not a known setting; expected one of the known settings: enabled, projects, fullListingMinutes, pollMinutes',
    ],
    [
      'a budget with both a minute and a money limit',
      () => config({ budgets: [{ name: 'spend', meter: 'deviceMinutes.metered', limitMinutes: 500, limitUsd: 100 }] }),
      'vigil.config.json: budgets[0].limitUsd is 100; expected no limitUsd beside limitMinutes (a budget has one limit: minutes or money)',
    ],
    [
      'a budget without a limit',
      () => config({ budgets: [{ name: 'spend', meter: 'deviceMinutes.metered' }] }),
      'vigil.config.json: budgets[0].limitMinutes missing; expected a limit: limitMinutes (minutes of the meter) or limitUsd (an amount in pricing.currency)',
    ],
    [
      'a money limit of nothing',
      () => config({ budgets: [{ name: 'spend', meter: 'billingMinutes', limitUsd: 0 }] }),
      'vigil.config.json: budgets[0].limitUsd is 0; expected an amount above 0 and at most 100000000 (in pricing.currency)',
    ],
    [
      'a currency that is not a code',
      () => config({ pricing: { currency: '€' } }),
      'vigil.config.json: pricing.currency is "€"; expected a currency code of three capital letters, like USD or EUR',
    ],
    [
      'a price of a minute written as text',
      () => config({ pricing: { meteredDeviceMinute: '0.17' } }),
      'vigil.config.json: pricing.meteredDeviceMinute is "0.17"; expected a price per minute above 0 and at most 100',
    ],
    [
      'an email that is not an address',
      () => config({ notifications: { emails: ['not-an-address'] } }),
      'vigil.config.json: notifications.emails[0] is "not-an-address"; expected an email address like team@example.com',
    ],
    [
      'a webhook URL where the secret name goes (the URL is masked)',
      () =>
        config({
          channels: [
            { name: 'mobile-ci', type: 'slack', secretName: 'https://hooks.slack.com/services/T0AAA/B0BBB/token' },
          ],
        }),
      'vigil.config.json: channels[0].secretName is "https://hooks.slack.com/****"; expected the name of an existing Secrets Manager secret holding the webhook URL or key, like vigil/slack/mobile-ci (letters, digits and /_+=.@-; never the URL or key itself)',
    ],
    [
      'a maintenance window day spelt out',
      () => config({ maintenanceWindows: [{ name: 'lab', days: ['Saturday'], start: '02:00', end: '06:00' }] }),
      'vigil.config.json: maintenanceWindows[0].days[0] is "Saturday"; expected one of MON, TUE, WED, THU, FRI, SAT, SUN',
    ],
    [
      'a maintenance window start that is not HH:MM',
      () => config({ maintenanceWindows: [{ name: 'lab', days: ['SAT'], start: '2am', end: '06:00' }] }),
      'vigil.config.json: maintenanceWindows[0].start is "2am"; expected a time of day as HH:MM, from 00:00 to 23:59',
    ],
    [
      'reminders every half hour',
      () => config({ reminders: { everyHours: 0.5 } }),
      'vigil.config.json: reminders.everyHours is 0.5; expected a whole number from 1 to 168',
    ],
    [
      'a stuck limit given as a string',
      () => config({ rules: { stuckMinutes: { deviceFarm: '60' } } }),
      'vigil.config.json: rules.stuckMinutes.deviceFarm is "60"; expected a whole number from 0 to 10080',
    ],
    [
      'a webhook channel over http',
      () => config({ channels: [{ name: 'ops-hook', type: 'webhook', url: 'http://ops.example.com/hooks/vigil' }] }),
      'vigil.config.json: channels[0].url is "http://ops.example.com/hooks/vigil"; expected an https URL like https://ops.example.com/hooks/vigil (no user:password@, at most 2048 characters)',
    ],
    [
      'a webhook URL pasted into the projects (accepted before, and printed unmasked in a warning)',
      () => config({ deviceFarm: { projects: ['https://hooks.slack.com/services/T0AAA/B0BBB/token'] } }),
      'vigil.config.json: deviceFarm.projects[0] is "https://hooks.slack.com/****"; expected a project name or ARN, not a URL',
    ],
    [
      'two budgets whose names differ only by a trailing space',
      () =>
        config({
          budgets: [
            { name: 'b', meter: 'deviceMinutes.metered', limitMinutes: 10 },
            { name: 'b ', meter: 'deviceMinutes.metered', limitMinutes: 20 },
          ],
        }),
      'vigil.config.json: budgets[1].name is "b "; expected a budget name of 1 to 100 printable ASCII characters, not starting or ending with a space',
    ],
    [
      'a webhook URL that is not Slack’s',
      () => errorOf(() => validateSlackWebhookUrl('https://example.com/services/T0BAD0001/B0BAD0001/token')),
      `Slack webhook URL https://example.com/services/T0BAD0001/B0BAD0001/**** is not accepted: its host is example.com, not hooks.slack.com. ${ACCEPTED_URLS}`,
    ],
    [
      'a Slack webhook over http',
      () => errorOf(() => validateSlackWebhookUrl('http://hooks.slack.com/services/T0BAD0001/B0BAD0001/token')),
      `Slack webhook URL http://hooks.slack.com/services/T0BAD0001/B0BAD0001/**** is not accepted: it uses http, not https. ${ACCEPTED_URLS}`,
    ],
    [
      'a stream record that is not a Vigil event (skipped and logged; the batch goes on)',
      () => {
        const record: StreamRecordInput = {
          eventName: 'INSERT',
          dynamodb: { SequenceNumber: '7', NewImage: { entity: { S: 'event' }, eventId: { S: 'x' } } },
        };
        return JSON.stringify(readEvents([record]).rejected);
      },
      '[{"sequenceNumber":"7","reason":"eventType: undefined is not an event type Vigil writes"}]',
    ],
    [
      'a run name too long for a subject (cut, never refused)',
      () => safeSubject(`FAILED: run ${'nightly-'.repeat(20)}`),
      `FAILED: run ${'nightly-'.repeat(10)}nigh...`,
    ],
    [
      'non-ASCII names (transliterated to the printable ASCII SNS accepts; the rest dropped)',
      () => safeSubject('FAILED: run Nächtlicher Lauf — Android 夜間テスト 🚀 (2 of 4 jobs did not pass)'),
      'FAILED: run Nachtlicher Lauf - Android (2 of 4 jobs did not pass)',
    ],
  ])('answers %s with a message that names it', (_input, attempt, expected) => {
    expect(attempt()).toBe(expected);
  });
});
