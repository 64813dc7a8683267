/**
 * The logging port the engine writes to. In Lambda it is Powertools' Logger
 * (structured JSON); in the CLI a console logger. Extra fields are merged
 * into the structured line.
 */
export interface Log {
  debug(message: string, extra?: Record<string, unknown>): void;
  info(message: string, extra?: Record<string, unknown>): void;
  warn(message: string, extra?: Record<string, unknown>): void;
  error(message: string, extra?: Record<string, unknown>): void;
}

/** A logger that drops everything (tests that do not look at logs). */
export const silentLog: Log = { debug() {}, info() {}, warn() {}, error() {} };

/** A log that adds `fields` to every line (a line's own fields win), e.g. the cycle id. */
export function withFields(log: Log, fields: Record<string, unknown>): Log {
  const bound =
    (level: keyof Log) =>
    (message: string, extra?: Record<string, unknown>): void =>
      log[level](message, { ...fields, ...extra });
  return { debug: bound('debug'), info: bound('info'), warn: bound('warn'), error: bound('error') };
}

/** Turns an unknown thrown value into loggable fields. */
export function errorFields(error: unknown): Record<string, unknown> {
  if (error instanceof Error) return { error: error.message, errorName: error.name };
  return { error: String(error) };
}
