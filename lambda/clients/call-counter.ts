/**
 * SDK middleware that counts every command a client sends (`<service>.<Command>`),
 * every attempt including retries (`<service>.attempts`) and every throttled
 * attempt (`<service>.throttled`), into a Tally.
 */

import type { DeserializeMiddleware, InitializeMiddleware, MetadataBearer, MiddlewareStack } from '@smithy/types';
import { errorName } from '../core/errors';
import type { Tally } from '../core/tally';

const THROTTLE_CODES = new Set([
  'LimitExceededException',
  'ThrottlingException',
  'Throttling',
  'TooManyRequestsException',
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
]);

/** Adds the counting middleware to `client` under the label `service`. */
export function countCalls<I extends object, O extends MetadataBearer>(
  client: { middlewareStack: MiddlewareStack<I, O> },
  tally: Tally,
  service: string,
): void {
  const counter: InitializeMiddleware<I, O> = (next, context) => async (args) => {
    tally.add(`${service}.${context.commandName?.replace(/Command$/, '') ?? 'unknown'}`);
    return next(args);
  };
  client.middlewareStack.add(counter, { step: 'initialize', name: 'vigilCallCounter' });
  // The deserialize step runs once per attempt, inside the retry loop.
  const attempts: DeserializeMiddleware<I, O> = (next) => async (args) => {
    tally.add(`${service}.attempts`);
    try {
      return await next(args);
    } catch (error) {
      if (THROTTLE_CODES.has(errorName(error) ?? '')) tally.add(`${service}.throttled`);
      throw error;
    }
  };
  // High priority puts it outside the deserializer, so it sees the typed errors the deserializer throws.
  client.middlewareStack.add(attempts, { step: 'deserialize', name: 'vigilAttemptCounter', priority: 'high' });
}
