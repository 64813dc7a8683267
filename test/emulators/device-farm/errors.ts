/**
 * An awsJson1_1 error reply. The SDK reads the error code from the body's `__type`
 * first and the `x-amzn-errortype` header second; the emulator sends both.
 */
export class DeviceFarmApiError extends Error {
  constructor(
    /** Error shape name, e.g. `NotFoundException`. */
    readonly type: string,
    /** HTTP status of the reply. */
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = type;
  }
}

/** 400 ArgumentException: a malformed or missing parameter. */
export function argumentError(message: string): DeviceFarmApiError {
  return new DeviceFarmApiError('ArgumentException', 400, message);
}

/** 400 NotFoundException: no such resource (or not created yet at the current step). */
export function notFound(what: string, arn: string): DeviceFarmApiError {
  return new DeviceFarmApiError('NotFoundException', 400, `${what} not found: ${arn}`);
}

/** 400 LimitExceededException: the SDK classifies this code as throttling and retries it. */
export function limitExceeded(message: string): DeviceFarmApiError {
  return new DeviceFarmApiError('LimitExceededException', 400, message);
}
