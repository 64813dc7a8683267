/**
 * One base class for Vigil's own errors, so callers can tell them from SDK
 * and programming errors; subclasses keep the underlying `cause`.
 */
export class VigilError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Bad configuration or settings: the message names the field, value and what is accepted. */
export class ConfigError extends VigilError {}

/** A required environment variable is missing or malformed. */
export class EnvironmentError extends VigilError {}

/** A command-line argument is wrong; the CLI prints the message and exits 2. */
export class UsageError extends VigilError {}

/** Writing to or reading from the table failed. */
export class StoreError extends VigilError {}

/** Passing a notification on failed (Slack, an AWS Chatbot topic). */
export class DeliveryError extends VigilError {}

/** The `name` of a thrown value (an SDK error's type, such as `NotFoundException`), if it has one. */
export function errorName(error: unknown): string | undefined {
  if (error instanceof Error) return error.name;
  if (typeof error !== 'object' || error === null || !('name' in error)) return undefined;
  return typeof error.name === 'string' ? error.name : undefined;
}

/** The message of a thrown value, whatever was thrown. */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (typeof error === 'object' && error !== null && 'message' in error && typeof error.message === 'string') {
    return error.message;
  }
  return String(error);
}
