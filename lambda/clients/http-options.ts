/** HTTP settings every AWS client shares; no SDK import, so any bundle can take it. */
import { EnvironmentError } from '../core/errors';

/** Milliseconds to open a connection, unless VIGIL_CONNECT_TIMEOUT_MS says otherwise. */
export const DEFAULT_CONNECT_TIMEOUT_MS = 3_000;
/** Milliseconds one attempt may wait for its reply, unless VIGIL_REQUEST_TIMEOUT_MS says otherwise. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 20_000;

/**
 * Connection and request timeouts for every client: without them an
 * endpoint that accepts the connection and never answers holds a call (and
 * a `vigil run`) for minutes. A timed-out attempt is retried like any other
 * transient failure. `throwOnRequestTimeout` makes the request timeout an
 * error; without it the HTTP handler only logs a warning and keeps waiting.
 */
export function httpOptions(env: NodeJS.ProcessEnv = process.env) {
  const read = (name: string, fallback: number) => {
    const value = env[name];
    if (value === undefined || value.trim() === '') return fallback;
    const parsed = Number(value);
    if (!Number.isInteger(parsed) || parsed < 100 || parsed > 600_000) {
      throw new EnvironmentError(`${name} is ${JSON.stringify(value)}; expected whole milliseconds from 100 to 600000`);
    }
    return parsed;
  };
  return {
    requestHandler: {
      connectionTimeout: read('VIGIL_CONNECT_TIMEOUT_MS', DEFAULT_CONNECT_TIMEOUT_MS),
      requestTimeout: read('VIGIL_REQUEST_TIMEOUT_MS', DEFAULT_REQUEST_TIMEOUT_MS),
      throwOnRequestTimeout: true,
    },
  };
}
