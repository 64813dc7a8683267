/**
 * Secrets Manager for the channel forwarders: the one call they make
 * (GetSecretValue of their own secret), on a client with the shared HTTP
 * settings. The value is handed to the caller and never logged.
 */
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { httpOptions } from './http-options';

/** Secrets Manager, from the standard AWS settings (AWS_ENDPOINT_URL_SECRETS_MANAGER, region, ...). */
export function createSecretsManagerClient(): SecretsManagerClient {
  return new SecretsManagerClient({ retryMode: 'standard', maxAttempts: 4, ...httpOptions() });
}

/** Reads a secret's SecretString with GetSecretValue (undefined when the secret has none, e.g. binary or never set). */
export function secretsManagerReader(
  client: SecretsManagerClient = createSecretsManagerClient(),
): (secretId: string) => Promise<string | undefined> {
  return async (secretId) => {
    const out = await client.send(new GetSecretValueCommand({ SecretId: secretId }));
    return out.SecretString;
  };
}
