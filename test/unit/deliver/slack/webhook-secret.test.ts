import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { secretsManagerReader } from '../../../../lambda/clients/secrets-client';
import { SlackWebhookError } from '../../../../lambda/deliver/slack/webhook';
import {
  CachedWebhookUrl,
  WEBHOOK_CACHE_MS,
  webhookUrlFromSecret,
} from '../../../../lambda/deliver/slack/webhook-secret';

const ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:vigil/slack-AbCdEf';
const URL = 'https://hooks.slack.com/services/T0ABCDEF1/B0ABCDEF2/s3cr3t';
const secrets = mockClient(SecretsManagerClient);

beforeEach(() => {
  secrets.reset();
});

describe('webhookUrlFromSecret', () => {
  it.each([
    ['the URL itself', URL],
    ['the URL with a trailing newline', `${URL}\n`],
    ['JSON with webhookUrl', JSON.stringify({ webhookUrl: URL, channel: '#mobile-ci' })],
  ])('reads %s', (_case, value) => {
    expect(webhookUrlFromSecret(value, ARN)).toBe(URL);
  });

  it('says how to put the URL in an empty secret', () => {
    expect(() => webhookUrlFromSecret(undefined, ARN)).toThrow(
      new SlackWebhookError(
        `Secret ${ARN} has no Slack webhook URL yet; put the webhook URL in it: aws secretsmanager put-secret-value --secret-id ${ARN} --secret-string 'https://hooks.slack.com/services/T…/B…/…'`,
        { retryable: false },
      ),
    );
  });

  it.each([
    ['JSON without webhookUrl', '{"url":"https://hooks.slack.com/services/T1/B1/s3cr3t"}', 'without a "webhookUrl"'],
    ['broken JSON', '{"webhookUrl": "https://hooks.slack.com/services/T1/B1/s3cr3t"', 'not valid JSON'],
  ])('rejects %s without repeating the value', (_case, value, reason) => {
    // Act
    const error = (() => {
      try {
        webhookUrlFromSecret(value, ARN);
      } catch (e) {
        return e as Error;
      }
      throw new Error('accepted');
    })();

    // Assert
    expect(error.message).toContain(reason);
    expect(error.message).toContain(ARN);
    expect(error.message).not.toContain('s3cr3t');
  });
});

describe('CachedWebhookUrl', () => {
  it('reads the secret once per five minutes and again after invalidate', async () => {
    // Arrange
    let now = 0;
    const read = jest.fn(async () => URL);
    const source = new CachedWebhookUrl({ secretId: ARN, read, now: () => now });

    // Act
    await source.url();
    now = WEBHOOK_CACHE_MS - 1;
    await source.url();
    const readsWithinTtl = read.mock.calls.length;
    now = WEBHOOK_CACHE_MS;
    await source.url();
    source.invalidate();
    await source.url();

    // Assert
    expect(readsWithinTtl).toBe(1);
    expect(read).toHaveBeenCalledTimes(3);
    expect(read).toHaveBeenCalledWith(ARN);
  });

  it('says where the URL comes from and how to replace it', () => {
    const source = new CachedWebhookUrl({ secretId: ARN, read: async () => URL });

    expect(source.fixHint).toBe(
      `The URL was read from secret ${ARN}; put the webhook URL in it: aws secretsmanager put-secret-value --secret-id ${ARN} --secret-string 'https://hooks.slack.com/services/T…/B…/…'`,
    );
  });
});

describe('secretsManagerReader', () => {
  it('returns the SecretString of the secret', async () => {
    // Arrange
    secrets.on(GetSecretValueCommand, { SecretId: ARN }).resolves({ SecretString: URL });

    // Act
    const value = await secretsManagerReader(new SecretsManagerClient({ region: 'us-east-1' }))(ARN);

    // Assert
    expect(value).toBe(URL);
    expect(secrets).toHaveReceivedCommandTimes(GetSecretValueCommand, 1);
  });
});
