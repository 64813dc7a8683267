/** Adapts Powertools' Logger to the engine's Log port (structured JSON lines in CloudWatch). */
import type { Logger } from '@aws-lambda-powertools/logger';
import type { Log } from './log';

export function powertoolsLog(logger: Logger): Log {
  return {
    debug: (message, extra) => logger.debug(message, extra ?? {}),
    info: (message, extra) => logger.info(message, extra ?? {}),
    warn: (message, extra) => logger.warn(message, extra ?? {}),
    error: (message, extra) => logger.error(message, extra ?? {}),
  };
}
