import { DeliveryError, VigilError } from '../../../../lambda/core/errors';
import {
  maskWebhookUrl,
  retryAfterMs,
  SlackPoster,
  SlackWebhookError,
  validateSlackWebhookUrl,
} from '../../../../lambda/deliver/slack/webhook';

const SECRET = 'xR4nd0mS3cr3tT0k3n';
const GOOD = `https://hooks.slack.com/services/T0ABCDEF1/B0ABCDEF2/${SECRET}`;
const ACCEPTED =
  'Accepted: https://hooks.slack.com/services/T…/B…/… (an incoming webhook), or https://hooks.slack.com/workflows/… or https://hooks.slack.com/triggers/… (a Workflow Builder webhook).';

function rejection(url: string): SlackWebhookError {
  try {
    validateSlackWebhookUrl(url);
  } catch (error) {
    if (error instanceof SlackWebhookError) return error;
    throw error;
  }
  throw new Error(`${url} was accepted`);
}

describe('validateSlackWebhookUrl', () => {
  it.each([
    ['an incoming webhook', GOOD],
    ['a Workflow Builder webhook', `https://hooks.slack.com/workflows/T0ABCDEF1/A0ABCDEF2/123456789/${SECRET}`],
    ['a Workflow Builder trigger', `https://hooks.slack.com/triggers/T0ABCDEF1/123456789/${SECRET}`],
    ['a URL with spaces around it', `  ${GOOD}\n`],
  ])('accepts %s', (_case, url) => {
    expect(() => validateSlackWebhookUrl(url)).not.toThrow();
  });

  it('names the masked URL, the reason and what is accepted when the URL is http', () => {
    // Act
    const error = rejection(`http://hooks.slack.com/services/T0ABCDEF1/B0ABCDEF2/${SECRET}`);

    // Assert
    expect(error.message).toBe(
      `Slack webhook URL http://hooks.slack.com/services/T0ABCDEF1/B0ABCDEF2/**** is not accepted: it uses http, not https. ${ACCEPTED}`,
    );
    expect(error).toBeInstanceOf(DeliveryError);
    expect(error).toBeInstanceOf(VigilError);
    expect(error.name).toBe('SlackWebhookError');
    expect(error.retryable).toBe(false);
  });

  it('names the host when the URL is not Slack’s', () => {
    expect(rejection(`https://discord.com/api/webhooks/1234/${SECRET}`).message).toBe(
      `Slack webhook URL https://discord.com/****/****/****/**** is not accepted: its host is discord.com, not hooks.slack.com. ${ACCEPTED}`,
    );
  });

  it.each([
    ['not a URL', SECRET, 'it is not a URL'],
    ['empty', '   ', 'it is empty'],
    ['a look-alike host', `https://hooks.slack.com.evil.example/services/T0A/B0B/${SECRET}`, 'its host is'],
    ['a port', `https://hooks.slack.com:8443/services/T0A/B0B/${SECRET}`, 'a port or credentials'],
    ['credentials', `https://user:${SECRET}@hooks.slack.com/services/T0A/B0B/x`, 'a port or credentials'],
    ['a query string', `${GOOD}?token=${SECRET}`, 'a query string or fragment'],
    ['a missing secret', 'https://hooks.slack.com/services/T0ABCDEF1/B0ABCDEF2', '/services/T…/B…/<secret>'],
    ['an extra segment', `${GOOD}/extra`, '/services/T…/B…/<secret>'],
    ['an API URL', `https://hooks.slack.com/api/chat.postMessage/${SECRET}`, 'does not start with /services/'],
    ['a bare workflow path', 'https://hooks.slack.com/workflows/T0ABCDEF1', 'its path is not /workflows/…'],
  ])('rejects %s without showing the secret', (_case, url, reason) => {
    // Act
    const error = rejection(url);

    // Assert
    expect(error.message).toContain(reason);
    expect(error.message).toContain(ACCEPTED);
    expect(error.message).not.toContain(SECRET);
  });
});

describe('maskWebhookUrl', () => {
  it('keeps the host and the IDs and masks the secret', () => {
    expect(maskWebhookUrl(GOOD)).toBe('https://hooks.slack.com/services/T0ABCDEF1/B0ABCDEF2/****');
    expect(maskWebhookUrl(SECRET)).toBe(`a value that is not a URL (${SECRET.length} characters)`);
  });
});

describe('retryAfterMs', () => {
  it.each([
    ['seconds', '1', 1000],
    ['fractional seconds', '0.5', 500],
    ['no header', null, 1000],
    ['an HTTP date', 'Sat, 21 Nov 2026 08:00:05 GMT', 5000],
    ['garbage', 'soon', 1000],
  ])('reads %s', (_case, header, expected) => {
    expect(retryAfterMs(header, Date.parse('2026-11-21T08:00:00Z'))).toBe(expected);
  });
});

/** A fake Slack: answers from a script, records each request. */
function fakeSlack(answers: (() => Response)[]) {
  const requests: { url: string; body: unknown }[] = [];
  const fetch = jest.fn(async (url: string | URL | Request, init?: RequestInit) => {
    requests.push({ url: String(url), body: JSON.parse(String(init?.body)) });
    const next = answers.shift();
    if (next === undefined) throw new Error('no more answers scripted');
    return next();
  });
  return { fetch: fetch as unknown as typeof globalThis.fetch, requests };
}

/** A clock that only moves when the poster sleeps. */
function fakeTime() {
  let now = Date.parse('2026-11-21T08:00:00Z');
  const slept: number[] = [];
  return {
    slept,
    now: () => now,
    sleep: async (ms: number) => {
      slept.push(ms);
      now += ms;
    },
  };
}

const ok = () => new Response('ok', { status: 200 });
const status =
  (code: number, body: string, headers: Record<string, string> = {}) =>
  () =>
    new Response(body, { status: code, headers });

describe('SlackPoster', () => {
  it('waits as long as Retry-After says after a 429, then posts again', async () => {
    // Arrange
    const slack = fakeSlack([status(429, 'rate_limited', { 'Retry-After': '3' }), ok]);
    const time = fakeTime();
    const poster = new SlackPoster({ fetch: slack.fetch, sleep: time.sleep, now: time.now });

    // Act
    const out = await poster.post(GOOD, { text: 'hi' });

    // Assert
    expect(out).toEqual({ attempts: 2 });
    expect(time.slept).toEqual([3000]);
    expect(slack.requests.map((r) => r.body)).toEqual([{ text: 'hi' }, { text: 'hi' }]);
  });

  it('retries server errors and network errors with growing backoff', async () => {
    // Arrange
    const slack = fakeSlack([
      status(500, 'rollup_error'),
      () => {
        throw new TypeError('fetch failed');
      },
      status(503, ''),
      ok,
    ]);
    const time = fakeTime();
    const poster = new SlackPoster({ fetch: slack.fetch, sleep: time.sleep, now: time.now, random: () => 0.5 });

    // Act
    const out = await poster.post(GOOD, { text: 'hi' });

    // Assert: backoffs of 500, 1000 and 2000 ms at mid jitter (375, 750, 1500), each followed by
    // whatever remains of the one-second pace (625, 250, none).
    expect(out).toEqual({ attempts: 4 });
    expect(time.slept).toEqual([375, 625, 750, 250, 1500]);
  });

  it('gives up after the last attempt with a retryable error naming the last failure', async () => {
    // Arrange
    const slack = fakeSlack([status(500, 'a'), status(500, 'b'), status(502, 'bad gateway')]);
    const time = fakeTime();
    const poster = new SlackPoster({ fetch: slack.fetch, sleep: time.sleep, now: time.now, maxAttempts: 3 });

    // Act
    const error = await poster.post(GOOD, {}).catch((e: unknown) => e);

    // Assert
    expect(error).toBeInstanceOf(SlackWebhookError);
    expect((error as SlackWebhookError).message).toBe(
      'Posting to Slack failed after 3 attempts; last: 502 (bad gateway)',
    );
    expect((error as SlackWebhookError).retryable).toBe(true);
  });

  it.each([
    [400, 'invalid_payload'],
    [404, 'no_service'],
    [403, 'invalid_token'],
    [410, 'channel_is_archived'],
  ])('stops at once on %i and names Slack’s reason %s', async (code, reason) => {
    // Arrange
    const slack = fakeSlack([status(code, reason), ok]);
    const time = fakeTime();
    const poster = new SlackPoster({ fetch: slack.fetch, sleep: time.sleep, now: time.now });

    // Act
    const error = (await poster.post(GOOD, {}).catch((e: unknown) => e)) as SlackWebhookError;

    // Assert
    expect(error.message).toBe(`Slack refused the message: HTTP ${code} ${reason}`);
    expect(error.retryable).toBe(false);
    expect(error.status).toBe(code);
    expect(error.slackError).toBe(reason);
    expect(slack.requests).toHaveLength(1);
    expect(error.message).not.toContain(SECRET);
  });

  it('fails as retryable without waiting when Retry-After is longer than an invocation waits', async () => {
    // Arrange
    const slack = fakeSlack([status(429, 'rate_limited', { 'Retry-After': '120' })]);
    const time = fakeTime();
    const poster = new SlackPoster({ fetch: slack.fetch, sleep: time.sleep, now: time.now });

    // Act
    const error = (await poster.post(GOOD, {}).catch((e: unknown) => e)) as SlackWebhookError;

    // Assert
    expect(error.retryable).toBe(true);
    expect(error.status).toBe(429);
    expect(time.slept).toEqual([]);
  });

  it('keeps one second between posts to one webhook and does not pace different webhooks together', async () => {
    // Arrange
    const slack = fakeSlack([ok, ok, ok]);
    const time = fakeTime();
    const poster = new SlackPoster({ fetch: slack.fetch, sleep: time.sleep, now: time.now });
    const other = GOOD.replace('B0ABCDEF2', 'B0ZZZZZZ9');

    // Act
    await Promise.all([poster.post(GOOD, { n: 1 }), poster.post(GOOD, { n: 2 }), poster.post(other, { n: 3 })]);

    // Assert
    expect(time.slept).toEqual([1000]);
    expect(slack.requests.map((r) => r.body)).toEqual([{ n: 1 }, { n: 3 }, { n: 2 }]);
  });
});
